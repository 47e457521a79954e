"""Who sees which campus, facility, booking request and neighbourhood event (actions: ``places.rules``).

A campus belongs to one institution: its members see its facilities; only its staff see the
booking requests (they hold requesters' names and e-mail addresses) and the neighbourhood
events. Partners and other institutions see none of it (404). The public pages read only
``Facility.objects.public()`` and never a booking's personal fields.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts.access import get_for_user_or_404, is_active_user, nothing
from accounts.models import STAFF_ROLES, Role
from network.models import Campus


def campus_scope(user: Any, prefix: str = "") -> Q:
    """Members of the campus's institution (not partners); a superuser sees all."""
    if not is_active_user(user):
        return nothing(prefix)
    if user.is_superuser:
        return Q()
    if user.role != Role.PARTNER and user.institution_id:
        return Q(**{f"{prefix}institution_id": user.institution_id})
    return nothing(prefix)


def campus_staff_scope(user: Any, prefix: str = "") -> Q:
    """Staff of the campus's institution; a superuser sees all."""
    if not is_active_user(user):
        return nothing(prefix)
    if user.is_superuser:
        return Q()
    if user.role in STAFF_ROLES and user.institution_id:
        return Q(**{f"{prefix}institution_id": user.institution_id})
    return nothing(prefix)


def campuses_for(user: Any) -> QuerySet[Campus]:
    return Campus.objects.filter(campus_scope(user))


def get_campus_for_user(user: Any, institution_slug: str, campus_slug: str) -> Campus:
    """One campus the user may see, or 404 (no access and no such campus look the same)."""
    queryset = campuses_for(user).select_related("institution", "anchor")
    return get_for_user_or_404(queryset, institution__slug=institution_slug, slug=campus_slug)
