"""The one ``Router`` of the strategic routes and how they find things. Every route module of this package
registers on this router, so the routes keep the order they had in one module. Here too: the permission to
change a partnership, the path parameter for a record's number inside the partnership, and the lookups from a
partnership's UUID and such a number to a record the user may see (a number from another partnership is a
404)."""

from typing import Annotated
from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Path, Router

from accounts.access import get_for_user_or_404, require
from api.auth import acting_user
from partnerships.models import Goal, Indicator, Measurement, Milestone, Partnership, PartnershipParty
from partnerships.report import with_strategic

router = Router(tags=["Strategic partnerships"])

CHANGE = "partnerships.change_partnership"
LOCAL_ID = "The number of the record inside the partnership."
LocalId = Annotated[int, Path(..., ge=1, le=2**62, description=LOCAL_ID)]


# Finding things.


def _partnership(request: HttpRequest, public_id: UUID, queryset: QuerySet[Partnership] | None = None) -> Partnership:
    visible = queryset if queryset is not None else Partnership.objects.for_user(acting_user(request))
    return get_for_user_or_404(visible.select_related("institution"), public_id=public_id)


def _full(request: HttpRequest, public_id: UUID) -> Partnership:
    """The partnership with everything its strategic page and report show."""
    return _partnership(request, public_id, with_strategic(Partnership.objects.for_user(acting_user(request))))


def _for_change(request: HttpRequest, public_id: UUID) -> Partnership:
    partnership = _partnership(request, public_id)
    require(acting_user(request), CHANGE, partnership)
    return partnership


def _goals(partnership: Partnership) -> QuerySet[Goal]:
    indicators = Indicator.objects.order_by("id").prefetch_related(
        Prefetch("measurements", queryset=Measurement.objects.order_by("measured_on", "id"))
    )
    return (
        Goal.objects.filter(partnership=partnership)
        .order_by("order", "id")
        .prefetch_related(Prefetch("indicators", queryset=indicators))
    )


def _goal(partnership: Partnership, goal_id: int) -> Goal:
    return get_for_user_or_404(Goal.objects.filter(partnership=partnership).select_related("partnership"), pk=goal_id)


def _indicators(partnership: Partnership) -> QuerySet[Indicator]:
    return Indicator.objects.filter(goal__partnership=partnership).select_related("goal__partnership")


def _indicator(partnership: Partnership, indicator_id: int) -> Indicator:
    return get_for_user_or_404(_indicators(partnership), pk=indicator_id)


def _indicator_out(indicator: Indicator) -> Indicator:
    return Indicator.objects.prefetch_related(
        Prefetch("measurements", queryset=Measurement.objects.order_by("measured_on", "id"))
    ).get(pk=indicator.pk)


def _milestone(partnership: Partnership, milestone_id: int) -> Milestone:
    return get_for_user_or_404(
        Milestone.objects.filter(partnership=partnership).select_related("partnership"), pk=milestone_id
    )


def _organisation_party(partnership: Partnership, party_id: int) -> PartnershipParty:
    return get_for_user_or_404(
        PartnershipParty.objects.filter(partnership=partnership).select_related(
            "partnership", "organisation", "contact_person"
        ),
        pk=party_id,
    )
