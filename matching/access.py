"""Who sees which needs, offers, matches and organisation proposals.

Needs live in the shared directory: every institution's staff sees the confirmed ones, and
the posting organisation's partner users see their own. Offers and matches belong to one
institution; a match is also visible to the partner organisation it asks something of.
A student sees their own organisation proposals; their institution's staff sees them all.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.visibility import EVERYTHING, Visibility, both, institution, organisation, user_is


def _confirmed(user: Any) -> Q:
    # An unconfirmed need may be someone's spam: it joins the directory once confirmed.
    return ~Q(status="unconfirmed")


def _asked_of_partner(user: Any) -> Q:
    # A held proposal has not been asked of the partner yet.
    return ~Q(status="held")


need_scope = Visibility(staff=_confirmed, partner=organisation())

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
