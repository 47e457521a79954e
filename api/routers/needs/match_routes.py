"""Matches through the API: proposing an offer for a need (on the needs router,
``POST /needs/{public_id}/matches``), the list of matches, one match, and sending a held proposal after all or
withdrawing one."""

import datetime as dt
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from accounts.access import get_for_user_or_404, require
from api.auth import acting_user
from api.errors import codes
from api.lookups import one
from api.pagination import Pages
from api.routers.needs.base import Channel, MatchStatus, matches, needs
from api.schemas import InputSchema, OrganisationRef, TitledRef, Version
from matching.models import Match, Need, Offer
from matching.services import override_hold, propose_match, withdraw_match
from network.models import Organisation


class MatchReasonOut(Schema):
    code: str = ""
    label: str = ""
    points: float = 0.0
    detail: str = ""


class MatchOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    need: TitledRef
    organisation: OrganisationRef
    offer: TitledRef
    institution: str = Field(description="Slug of the proposing institution.")
    score: float
    reasons: list[MatchReasonOut]
    channel: str
    status: str
    held_reason: str = Field(description="Why the capacity guard holds it (status `held`).")
    override_reason: str
    message: str
    proposed_at: dt.datetime
    decline_reason: str
    decline_kind: str = Field(
        description="Why the partner declined: `no_capacity`, `not_our_field`, `timing`, `other`, or empty."
    )
    version: int

    @staticmethod
    def resolve_organisation(obj: Match) -> Organisation:
        return obj.need.organisation

    @staticmethod
    def resolve_institution(obj: Match) -> str:
        return obj.institution.slug

    @staticmethod
    def resolve_reasons(obj: Match) -> list[dict[str, Any]]:
        return [r for r in (obj.reasons or []) if isinstance(r, dict)]


class ProposeIn(InputSchema):
    offer: UUID = Field(description="An open offer of your institution.")
    channel: Channel | None = Field(None, description="How the match came about; default: from your role.")
    message: str = Field("", max_length=2000, description="Message to the partner.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"offer": "3f2c1d1e-0000-4000-8000-000000000004", "channel": "faculty", "message": "Dag Ann, ..."}
            ]
        }
    )


class OverrideIn(InputSchema):
    version: Version
    reason: str = Field(max_length=1000, description="Why the proposal may go out despite the hold.")

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"version": 1, "reason": "De coördinator van de partner vroeg er zelf om."}]}
    )


def _matches(request: HttpRequest) -> QuerySet[Match]:
    return (
        Match.objects.for_user(acting_user(request))
        .select_related("need__organisation", "offer", "institution")
        .order_by("-proposed_at", "-id")
    )


@needs.post(
    "/{public_id}/matches",
    response=codes({201: MatchOut}, 400, 403, 404),
    summary="Propose an offer for a need",
)
def add_match(request: HttpRequest, public_id: UUID, payload: ProposeIn) -> Status:
    """Propose one of your institution's open offers. Past the organisation's capacity (across all institutions)
    or in its quiet period the proposal is saved with status `held` and the reason in `held_reason`, until the
    office overrides it."""
    user = acting_user(request)
    need = get_for_user_or_404(Need.objects.for_user(user).select_related("organisation"), public_id=public_id)
    require(user, "matching.add_offer")
    offer = one(Offer.objects.for_user(user), payload.offer, "offer")
    require(user, "matching.propose_match", offer)
    match = propose_match(need, offer, by=user, channel=payload.channel, message=payload.message)  # type: ignore[arg-type]
    return Status(201, _matches(request).get(pk=match.pk))


@matches.get("", response=codes({200: list[MatchOut]}), summary="List matches")
@paginate(Pages)
def list_matches(
    request: HttpRequest,
    status: MatchStatus | None = None,
    channel: Channel | None = None,
    need: UUID | None = None,
    offer: UUID | None = None,
) -> Any:
    """Your institution's matches (a partner: the ones asked of its organisation, not held ones), newest first.
    Filters: `status`, `channel`, `need`, `offer`."""
    queryset = _matches(request)
    if status:
        queryset = queryset.filter(status=status)
    if channel:
        queryset = queryset.filter(channel=channel)
    if need:
        queryset = queryset.filter(need__public_id=need)
    if offer:
        queryset = queryset.filter(offer__public_id=offer)
    return queryset


@matches.get("/{public_id}", response=codes({200: MatchOut}, 404), summary="One match")
def get_match(request: HttpRequest, public_id: UUID) -> Match:
    return get_for_user_or_404(_matches(request), public_id=public_id)


@matches.post(
    "/{public_id}/override",
    response=codes({200: MatchOut}, 400, 403, 404, 409),
    summary="Send a held proposal after all",
)
def override(request: HttpRequest, public_id: UUID, payload: OverrideIn) -> Match:
    """Lift the capacity guard's hold with a reason (the coordinator's office). 409 when `version` is stale."""
    user = acting_user(request)
    match = get_for_user_or_404(_matches(request), public_id=public_id)
    require(user, "matching.override_hold", match)
    override_hold(match, by=user, reason=payload.reason, expected_version=payload.version)
    return get_for_user_or_404(_matches(request), pk=match.pk)


class VersionIn(InputSchema):
    version: Version

    model_config = ConfigDict(json_schema_extra={"examples": [{"version": 1}]})


@matches.post(
    "/{public_id}/withdraw",
    response=codes({200: MatchOut}, 400, 403, 404, 409),
    summary="Withdraw a proposal",
)
def withdraw(request: HttpRequest, public_id: UUID, payload: VersionIn) -> Match:
    """Withdraw a proposal that is still open or held (staff of the proposing institution); it leaves the
    partner's next digest. 409 when `version` is stale."""
    user = acting_user(request)
    match = get_for_user_or_404(_matches(request), public_id=public_id)
    require(user, "matching.change_match", match)
    withdraw_match(match, by=user, expected_version=payload.version)
    return get_for_user_or_404(_matches(request), pk=match.pk)
