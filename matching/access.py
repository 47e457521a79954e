"""Who sees which needs, offers, matches and organisation proposals.

Needs live in the shared directory: every institution's staff sees the confirmed ones, and
the posting organisation's partner users see their own. Offers and matches belong to one
institution; a match is also visible to the partner organisation it asks something of.
A student sees their own organisation proposals; their institution's staff sees them all.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import OFFICE_ROLES, Role
from accounts.visibility import (
    EVERYTHING,
    Visibility,
    both,
    institution,
    is_active_user,
    nothing,
    organisation,
    user_is,
)


def _confirmed(user: Any) -> Q:
    # An unconfirmed need may be someone's spam, a pending one a stranger's claim: it joins the
    # directory once confirmed and accepted.
    return ~Q(status__in=["unconfirmed", "pending"])


def _asked_of_partner(user: Any) -> Q:
    # A held proposal has not been asked of the partner yet.
    return ~Q(status="held")


need_scope = Visibility(staff=_confirmed, partner=organisation())


def waiting_need_scope(user: Any, prefix: str = "") -> Q:
    """Needs from the public form that wait for acceptance, for whoever may accept them: the office sees
    all of them (the directory is shared), a partner user those in its organisation's name. Not a rung of
    the ladder: a superuser too sees only what waits."""
    waiting = Q(**{f"{prefix}status": "pending"})
    if not is_active_user(user):
        return nothing(prefix)
    if user.is_superuser or (user.role in OFFICE_ROLES and user.institution_id):
        return waiting
    if user.role == Role.PARTNER and user.organisation_id:
        return waiting & Q(**{f"{prefix}organisation_id": user.organisation_id})
    return nothing(prefix)


offer_scope = Visibility(members=institution())

match_scope = Visibility(staff=institution(), partner=both(organisation("need__organisation"), _asked_of_partner))

proposal_scope = Visibility(staff=institution(), student=user_is("proposed_by"))

quiet_period_scope = Visibility(
    staff=EVERYTHING,
    partner=organisation(),
    doc="""An organisation's quiet periods: its own partner users, and every institution's staff (the capacity
    guard holds proposals of any institution, so each should see why).""",
)

criterion_scope = Visibility(
    members=institution(),
    doc="An institution's criteria for a good partner: its own members only (students judge proposals by them).",
)
