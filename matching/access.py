"""Who sees which needs, offers, matches and organisation proposals.

Needs live in the shared directory: every institution's staff sees the confirmed ones, and
the posting organisation's partner users see their own. Offers and matches belong to one
institution; a match is also visible to the partner organisation it asks something of.
A student sees their own organisation proposals; their institution's staff sees them all.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.access import is_active_user, nothing
from accounts.models import OFFICE_ROLES, STAFF_ROLES, Role


def _is_staff(user: Any) -> bool:
    return user.role in STAFF_ROLES and user.institution_id is not None


def need_scope(user: Any, prefix: str = "") -> Q:
    if not is_active_user(user):
        return nothing(prefix)
    if user.is_superuser:
        return Q()
    if _is_staff(user):
        # An unconfirmed need may be someone's spam, a pending one a stranger's claim: it joins the
        # directory once confirmed and accepted.
        return ~Q(**{f"{prefix}status__in": ["unconfirmed", "pending"]})
    if user.role == Role.PARTNER and user.organisation_id:
        return Q(**{f"{prefix}organisation_id": user.organisation_id})
    return nothing(prefix)


def waiting_need_scope(user: Any, prefix: str = "") -> Q:
    """Needs from the public form that wait for acceptance, for whoever may accept them: the office sees
    all of them (the directory is shared), a partner user those in its organisation's name."""
    waiting = Q(**{f"{prefix}status": "pending"})
    if not is_active_user(user):
        return nothing(prefix)
    if user.is_superuser or (user.role in OFFICE_ROLES and user.institution_id):
        return waiting
    if user.role == Role.PARTNER and user.organisation_id:
        return waiting & Q(**{f"{prefix}organisation_id": user.organisation_id})
    return nothing(prefix)


def offer_scope(user: Any, prefix: str = "") -> Q:
    if not is_active_user(user):
        return nothing(prefix)
    if user.is_superuser:
        return Q()
    if user.role != Role.PARTNER and user.institution_id:
        return Q(**{f"{prefix}institution_id": user.institution_id})
    return nothing(prefix)


def match_scope(user: Any, prefix: str = "") -> Q:
    if not is_active_user(user):
        return nothing(prefix)
    if user.is_superuser:
        return Q()
    if _is_staff(user):
        return Q(**{f"{prefix}institution_id": user.institution_id})
    if user.role == Role.PARTNER and user.organisation_id:
        # A held proposal has not been asked of the partner yet.
        return Q(**{f"{prefix}need__organisation_id": user.organisation_id}) & ~Q(**{f"{prefix}status": "held"})
    return nothing(prefix)


def proposal_scope(user: Any, prefix: str = "") -> Q:
    if not is_active_user(user):
        return nothing(prefix)
    if user.is_superuser:
        return Q()
    if _is_staff(user):
        return Q(**{f"{prefix}institution_id": user.institution_id})
    if user.role == Role.STUDENT and user.institution_id:
        return Q(**{f"{prefix}proposed_by_id": user.pk})
    return nothing(prefix)


def quiet_period_scope(user: Any, prefix: str = "") -> Q:
    """An organisation's quiet periods: its own partner users, and every institution's staff (the capacity
    guard holds proposals of any institution, so each should see why)."""
    if not is_active_user(user):
        return nothing(prefix)
    if user.is_superuser or _is_staff(user):
        return Q()
    if user.role == Role.PARTNER and user.organisation_id:
        return Q(**{f"{prefix}organisation_id": user.organisation_id})
    return nothing(prefix)


def criterion_scope(user: Any, prefix: str = "") -> Q:
    """An institution's criteria for a good partner: its own members only (students judge proposals by them)."""
    if not is_active_user(user):
        return nothing(prefix)
    if user.is_superuser:
        return Q()
    if user.role != Role.PARTNER and user.institution_id:
        return Q(**{f"{prefix}institution_id": user.institution_id})
    return nothing(prefix)
