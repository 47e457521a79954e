"""Who sees which campus, facility, booking request and neighbourhood event (actions: ``places.rules``).

A campus belongs to one institution: its members see its facilities; only its staff see the
booking requests (they hold requesters' names and e-mail addresses) and the neighbourhood
events. Partners and other institutions see none of it (404). The public pages read only
``Facility.objects.public()`` and never a booking's personal fields.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts.access import get_for_user_or_404
from accounts.visibility import Visibility, institution
from network.models import Campus

campus_scope = Visibility(members=institution(), doc="Members of the campus's institution (not partners).")

campus_staff_scope = Visibility(staff=institution(), doc="Staff of the campus's institution.")

facility_scope = Visibility(members=institution("campus__institution"), doc="Members of the campus's institution.")

booking_scope = Visibility(
    staff=institution("facility__campus__institution"),
    doc="Staff of the facility's institution: requests hold requesters' names and e-mail addresses.",
)

neighbourhood_event_scope = Visibility(
    staff=institution("campus__institution"), doc="Staff of the campus's institution."
)


def campuses_for(user: Any) -> QuerySet[Campus]:
    return Campus.objects.filter(campus_scope(user))


def get_campus_for_user(user: Any, institution_slug: str, campus_slug: str) -> Campus:
    """One campus the user may see, or 404 (no access and no such campus look the same)."""
    queryset = campuses_for(user).select_related("institution", "anchor")
    return get_for_user_or_404(queryset, institution__slug=institution_slug, slug=campus_slug)
