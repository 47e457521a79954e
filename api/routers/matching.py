"""Matchmaking: ranked suggestions for one need or offer, batch matching of many, the institution's weights
behind the ranking, the channel mix of its matches, its criteria for a good partner, and organisations' quiet
periods (in which the capacity guard holds every new proposal)."""

import datetime as dt
from typing import Annotated, Any, Literal
from uuid import UUID

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict, model_validator

from accounts.access import get_for_user_or_404, require
from api.auth import acting_user
from api.errors import codes
from api.pagination import Pages
from api.schemas import InputSchema, OrganisationRef, Version
from lib.errors import DomainError
from matching import loaders
from matching.availability import (
    add_criterion,
    add_quiet_period,
    change_criterion,
    change_quiet_period,
    remove_criterion,
    remove_quiet_period,
)
from matching.batch import BatchNeedIn, BatchOfferIn, context_from, run_batch
from matching.channels import channel_mix
from matching.engine import DEFAULT_WEIGHTS, MAX_WEIGHT, Ranked
from matching.models import Match, Need, Offer, PartnerCriterion, QuietPeriod
from matching.weights import current_weights, save_weights, trial_ranking
from network.models import Organisation

router = Router(tags=["Matching"])

MAX_BATCH = 2_000
MAX_TOP = 50


class ReasonOut(Schema):
    code: str = Field(description=f"One of {', '.join(DEFAULT_WEIGHTS)}.")
    label: str
    points: float = Field(description="The weight times a number from 0 to 1; the load is subtracted.")
    detail: str


class OfferSuggestionOut(Schema):
    offer: str = Field(description="The offer's id (its public UUID, or your id in a JSON batch).")
    title: str
    score: float
    reasons: list[ReasonOut]


class NeedSuggestionOut(Schema):
    need: str = Field(description="The need's id (its public UUID, or your id in a JSON batch).")
    title: str
    score: float
    reasons: list[ReasonOut]


class NeedSuggestionsOut(Schema):
    need: str
    title: str
    suggestions: list[OfferSuggestionOut]


class OfferSuggestionsOut(Schema):
    offer: str
    title: str
    suggestions: list[NeedSuggestionOut]


class BatchOut(Schema):
    needs: list[NeedSuggestionsOut] | None = Field(None, description="Offers for each need, in id order.")
    offers: list[OfferSuggestionsOut] | None = Field(None, description="Needs for each offer, in id order.")


Weights = dict[Literal[tuple(DEFAULT_WEIGHTS)], float]  # type: ignore[misc]


class BatchIn(InputSchema):
    """Either records in the documented batch format (`needs` and `offers`, see docs/matching-input.md), or the
    ids of needs and offers you can see (`need_ids` and `offer_ids`), not both."""

    needs: list[BatchNeedIn] | None = Field(None, max_length=MAX_BATCH)
    offers: list[BatchOfferIn] | None = Field(None, max_length=MAX_BATCH)
    need_ids: list[UUID] | None = Field(None, max_length=MAX_BATCH)
    offer_ids: list[UUID] | None = Field(None, max_length=MAX_BATCH)
    weights: Weights | None = Field(None, description=f"Override weights, each 0–{int(MAX_WEIGHT)}.")
    top: int = Query(10, ge=1, le=MAX_TOP)
    direction: Literal["needs", "offers", "both"] = "needs"

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "needs": [
                        {
                            "id": "need-1",
                            "organisation": "org-1",
                            "title": "Huiswerkbegeleiding voor kinderen",
                            "themes": ["education"],
                        }
                    ],
                    "offers": [
                        {
                            "id": "offer-1",
                            "institution": "uas",
                            "title": "Homework support for children",
                            "language": "en",
                            "themes": ["education"],
                        }
                    ],
                    "top": 5,
                },
                {"need_ids": ["3f2c1d1e-0000-4000-8000-000000000001"], "offer_ids": []},
            ]
        }
    )

    @model_validator(mode="after")
    def _one_kind(self) -> "BatchIn":
        records = self.needs is not None or self.offers is not None
        ids = self.need_ids is not None or self.offer_ids is not None
        if records == ids:
            raise ValueError("send either needs and offers, or need_ids and offer_ids")
        if self.weights and any(not 0 <= v <= MAX_WEIGHT for v in self.weights.values()):
            raise ValueError(f"weights run from 0 to {int(MAX_WEIGHT)}")
        return self


def _staff(request: HttpRequest) -> Any:
    user = acting_user(request)
    require(user, "matching.view_suggestions")
    return user


def _out(ranked: list[Ranked]) -> list[dict[str, Any]]:
    return [r.as_dict() for r in ranked]


@router.get(
    "/needs/{public_id}/suggestions",
    response=codes({200: list[OfferSuggestionOut]}, 403, 404),
    summary="Suggested offers for a need",
)
def need_suggestions(request: HttpRequest, public_id: UUID, top: int = Query(10, ge=1, le=MAX_TOP)) -> Any:
    """Your institution's open offers that fit the need best, with every reason and its points (institution
    staff; your institution's weights)."""
    user = acting_user(request)
    need = get_for_user_or_404(Need.objects.for_user(user).select_related("organisation"), public_id=public_id)
    _staff(request)
    if need.status != Need.Status.OPEN:
        return []
    return _out(loaders.suggestions_for_need(need, user.institution, limit=top))


@router.get(
    "/offers/{public_id}/suggestions",
    response=codes({200: list[NeedSuggestionOut]}, 403, 404),
    summary="Suggested needs for an offer",
)
def offer_suggestions(request: HttpRequest, public_id: UUID, top: int = Query(10, ge=1, le=MAX_TOP)) -> Any:
    """The open needs of the shared directory that fit the offer best, with every reason and its points."""
    user = acting_user(request)
    visible = Offer.objects.for_user(user).select_related("campus", "institution")
    offer = get_for_user_or_404(visible, public_id=public_id)
    _staff(request)
    if offer.status != Offer.Status.OPEN:
        return []
    return _out(loaders.suggestions_for_offer(offer, limit=top))


@router.post(
    "/batch",
    response=codes({200: BatchOut}, 400, 403, 404),
    summary="Rank many needs and offers",
    exclude_none=True,
)
def batch(request: HttpRequest, payload: BatchIn) -> Any:
    """Rank offers for each need (`direction` `needs`), needs for each offer (`offers`) or both, in the format of
    `manage.py match`. Send records in the documented JSON format (nothing is read from the database, and
    relationships and load come with the needs), or ids of needs and offers you can see (an id you cannot see
    is a 404). At most 2,000 of each per call; use `manage.py match` for more."""
    user = _staff(request)
    if payload.needs is not None or payload.offers is not None:
        needs_in, offers_in = payload.needs or [], payload.offers or []
        for kind, items in (("needs", needs_in), ("offers", offers_in)):
            seen: set[str] = set()
            for item in items:
                if item.id in seen:
                    raise DomainError({kind: _("The id %(id)s occurs twice.") % {"id": item.id}})
                seen.add(item.id)
        needs, offers = [n.record() for n in needs_in], [o.record() for o in offers_in]
        context = context_from(needs_in)
        weights: Any = payload.weights if payload.weights is not None else loaders.weights_for(user.institution)
    else:
        need_rows = _visible(Need.objects.for_user(user).select_related("organisation"), payload.need_ids or [])
        offer_rows = _visible(Offer.objects.for_user(user).select_related("campus"), payload.offer_ids or [])
        needs = [loaders.need_record(n) for n in need_rows]
        offers = [loaders.offer_record(o) for o in offer_rows]
        context = loaders.context_for([user.institution], {n.organisation_id for n in need_rows})
        weights = payload.weights if payload.weights is not None else loaders.weights_for(user.institution)
    return run_batch(
        needs, offers, context=context, weights=weights, top=payload.top, direction=payload.direction, workers=1
    )


def _visible(queryset: Any, ids: list[UUID]) -> list[Any]:
    """The rows with these public ids, all of them visible to the caller, or 404."""
    wanted = set(ids)
    rows = list(queryset.filter(public_id__in=wanted).prefetch_related("themes", "target_groups"))
    if len(rows) != len(wanted):
        raise Http404
    return rows


# How matches come about.


class ChannelCellOut(Schema):
    channel: str = Field(description="faculty, student or contact.")
    label: str
    total: int = Field(description="Matches proposed through this channel in the year.")
    accepted: int
    share: int = Field(description="Share of the year's matches, in whole percents.")


class ChannelYearOut(Schema):
    year: str = Field(description="Academic year, September to August, e.g. 2026-2027.")
    total: int
    channels: list[ChannelCellOut]


@router.get("/channels", response=codes({200: list[ChannelYearOut]}, 403), summary="How matches come about")
def channels(request: HttpRequest) -> Any:
    """Your institution's matches per academic year (newest first) and channel: via a teacher, a student or the
    institution-wide contact person (institution staff)."""
    user = acting_user(request)
    require(user, "matching.view_channel_report")
    labels = dict(Match.Channel.choices)
    return [
        {
            "year": year["label"],
            "total": year["total"],
            "channels": [{**cell, "label": str(labels[cell["channel"]])} for cell in year["cells"]],
        }
        for year in channel_mix(Match.objects.for_user(user))
    ]


# The institution's weights.

WeightValue = Annotated[float, Field(ge=0, le=MAX_WEIGHT)]
WeightName = Literal[tuple(DEFAULT_WEIGHTS)]  # type: ignore[valid-type]


class WeightsOut(Schema):
    weights: dict[str, float] = Field(description="Every weight, the defaults filled in.")
    defaults: dict[str, float]
    stamp: str = Field(description="Send it back when you save; empty while the defaults are in use.")


class WeightsIn(InputSchema):
    weights: dict[WeightName, WeightValue] = Field(
        description=f"Weights to set, each 0–{int(MAX_WEIGHT)}; the ones left out get their default."
    )
    stamp: str = Field(max_length=64, description="The `stamp` you read: a newer save is refused (409).")

    model_config = ConfigDict(json_schema_extra={"examples": [{"weights": {"distance": 2.5, "load": 4}, "stamp": ""}]})


def _weights_out(user: Any) -> dict[str, Any]:
    weights, stamp = current_weights(user.institution)
    return {"weights": weights, "defaults": dict(DEFAULT_WEIGHTS), "stamp": stamp}


@router.get("/weights", response=codes({200: WeightsOut}, 403), summary="Your institution's matching weights")
def get_weights(request: HttpRequest) -> Any:
    """The weights behind every ranking of your institution (institution staff)."""
    user = acting_user(request)
    require(user, "matching.view_matching_weights")
    return _weights_out(user)


@router.put(
    "/weights", response=codes({200: WeightsOut}, 400, 403, 409), summary="Save your institution's matching weights"
)
def put_weights(request: HttpRequest, payload: WeightsIn) -> Any:
    """Save the weights (the coordinator's office). 409 when someone saved since you read `stamp`."""
    user = acting_user(request)
    require(user, "matching.change_matching_weights")
    save_weights(user.institution, by=user, weights=dict(payload.weights), expected_stamp=payload.stamp)
    return _weights_out(user)


class WeightsTrialIn(InputSchema):
    need: UUID = Field(description="The need whose ranking you want to see.")
    weights: dict[WeightName, WeightValue] = Field(
        description=f"Weights to try, each 0–{int(MAX_WEIGHT)}; the ones left out get their default. Nothing is saved."
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"need": "3f2c1d1e-0000-4000-8000-000000000001", "weights": {"distance": 0, "text": 5}}]
        }
    )


class TrialRowOut(OfferSuggestionOut):
    position: int = Field(description="Its place with the weights tried.")
    saved_position: int | None = Field(description="Its place with the saved weights; null: not in their top.")


@router.post(
    "/weights/trial",
    response=codes({200: list[TrialRowOut]}, 400, 403, 404),
    summary="Try weights on a need's ranking",
)
def try_weights(request: HttpRequest, payload: WeightsTrialIn, top: int = Query(10, ge=1, le=MAX_TOP)) -> Any:
    """The need's top offers with the weights sent, and where the saved weights put each: the settings page's
    preview. Nothing is saved (institution staff)."""
    user = acting_user(request)
    require(user, "matching.view_matching_weights")
    need = get_for_user_or_404(Need.objects.for_user(user).select_related("organisation"), public_id=payload.need)
    rows = trial_ranking(need, user.institution, {**DEFAULT_WEIGHTS, **payload.weights}, limit=top)
    return [{**row.ranked.as_dict(), "position": row.position, "saved_position": row.saved_position} for row in rows]


# Quiet periods.

LOCAL_ID = "The number of the record, from its list."


class QuietPeriodOut(Schema):
    id: int
    organisation: OrganisationRef
    start: dt.date
    end: dt.date = Field(description="Included.")
    reason: str
    entered_by: str = Field(description="Who entered it: a partner user, or a coordinator on the partner's behalf.")
    entered_by_institution: str | None = Field(description="Slug of that coordinator's institution.")
    version: int

    @staticmethod
    def resolve_entered_by(obj: QuietPeriod) -> str:
        by = obj.created_by
        return (by.get_full_name() or by.username) if by is not None else ""

    @staticmethod
    def resolve_entered_by_institution(obj: QuietPeriod) -> str | None:
        by = obj.created_by
        return by.institution.slug if by is not None and by.institution is not None else None


class QuietPeriodIn(InputSchema):
    start: dt.date
    end: dt.date
    reason: str = Field("", max_length=300, description="Shown to coordinators when a proposal is held.")

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"start": "2027-01-05", "end": "2027-02-15", "reason": "We verhuizen."}]}
    )


class QuietPeriodPatch(InputSchema):
    version: Version
    start: dt.date | None = None
    end: dt.date | None = None
    reason: str | None = Field(None, max_length=300)

    model_config = ConfigDict(json_schema_extra={"examples": [{"version": 1, "end": "2027-03-01"}]})


def _quiet_organisation(request: HttpRequest, public_id: UUID) -> tuple[Any, Organisation]:
    user = acting_user(request)
    organisation = get_for_user_or_404(Organisation.objects.for_user(user), public_id=public_id)
    require(user, "matching.view_quiet_periods")
    return user, organisation


def _quiet_periods(user: Any, organisation: Organisation) -> Any:
    return (
        QuietPeriod.objects.for_user(user)
        .filter(organisation=organisation)
        .select_related("organisation", "created_by__institution")
        .order_by("start", "id")
    )


def _quiet_period(request: HttpRequest, public_id: UUID, period_id: int) -> tuple[Any, QuietPeriod]:
    user, organisation = _quiet_organisation(request, public_id)
    period = get_for_user_or_404(_quiet_periods(user, organisation), pk=period_id)
    require(user, "matching.change_quiet_period", period)
    return user, period


PERIOD_ID = Path(..., ge=1, le=2**62, description=LOCAL_ID)


@router.get(
    "/organisations/{public_id}/quiet-periods",
    response=codes({200: list[QuietPeriodOut]}, 403, 404),
    summary="An organisation's quiet periods",
)
@paginate(Pages)
def list_quiet_periods(request: HttpRequest, public_id: UUID, when: Literal["coming", "past"] | None = None) -> Any:
    """When the organisation asks for no new proposals (institution staff; the organisation's own partner users),
    by start date. Filter `when`: `coming` (not over yet) or `past`."""
    user, organisation = _quiet_organisation(request, public_id)
    queryset = _quiet_periods(user, organisation)
    today = timezone.localdate()
    if when == "coming":
        queryset = queryset.filter(end__gte=today)
    elif when == "past":
        queryset = queryset.filter(end__lt=today)
    return queryset


@router.post(
    "/organisations/{public_id}/quiet-periods",
    response=codes({201: QuietPeriodOut}, 400, 403, 404),
    summary="Add a quiet period",
)
def post_quiet_period(request: HttpRequest, public_id: UUID, payload: QuietPeriodIn) -> Status:
    """A partner user for its own organisation, or the coordinator's office on the partner's behalf. Refused
    when it ends before it starts or today, lasts over a year, or overlaps another of the organisation's."""
    user, organisation = _quiet_organisation(request, public_id)
    require(user, "matching.add_quiet_period", organisation)
    period = add_quiet_period(organisation, by=user, **payload.model_dump())
    return Status(201, _quiet_periods(user, organisation).get(pk=period.pk))


@router.patch(
    "/organisations/{public_id}/quiet-periods/{period_id}",
    response=codes({200: QuietPeriodOut}, 400, 403, 404, 409),
    summary="Change a quiet period",
)
def patch_quiet_period(
    request: HttpRequest, public_id: UUID, payload: QuietPeriodPatch, period_id: int = PERIOD_ID
) -> Any:
    """The organisation's partner users, or the office of the institution that entered it. 409 when `version` is
    stale."""
    user, period = _quiet_period(request, public_id, period_id)
    fields = payload.model_dump(exclude_unset=True, exclude={"version"})
    change_quiet_period(period, by=user, expected_version=payload.version, **fields)
    return _quiet_periods(user, period.organisation).get(pk=period.pk)


@router.delete(
    "/organisations/{public_id}/quiet-periods/{period_id}",
    response=codes({204: None}, 403, 404, 409),
    summary="Remove a quiet period",
)
def delete_quiet_period(
    request: HttpRequest,
    public_id: UUID,
    period_id: int = PERIOD_ID,
    version: int | None = Query(None, ge=1, le=2**31 - 1, description="The `version` you read (409 when stale)."),
) -> Status:
    user, period = _quiet_period(request, public_id, period_id)
    remove_quiet_period(period, by=user, expected_version=version)
    return Status(204, None)


# Criteria for a good partner.


class CriterionOut(Schema):
    id: int = Field(description="The key of the criterion in an organisation proposal's `criteria`.")
    text: str = Field(description="In your language.")
    text_nl: str
    text_en: str
    order: int
    version: int


class CriterionIn(InputSchema):
    text_nl: str = Field(max_length=300)
    text_en: str = Field(max_length=300)
    order: int | None = Field(None, ge=1, le=999, description="Lower numbers come first; default: last.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"text_nl": "Een vaste contactpersoon", "text_en": "A steady contact person", "order": 2}]
        }
    )


class CriterionPatch(InputSchema):
    version: Version
    text_nl: str | None = Field(None, max_length=300)
    text_en: str | None = Field(None, max_length=300)
    order: int | None = Field(None, ge=1, le=999)

    model_config = ConfigDict(json_schema_extra={"examples": [{"version": 1, "order": 1}]})


CRITERION_ID = Path(..., ge=1, le=2**62, description=LOCAL_ID)


def _criteria(user: Any) -> Any:
    return PartnerCriterion.objects.for_user(user).filter(institution_id=user.institution_id).order_by("order", "id")


def _criterion(request: HttpRequest, criterion_id: int) -> tuple[Any, PartnerCriterion]:
    user = acting_user(request)
    require(user, "matching.change_partner_criteria")
    criterion = get_for_user_or_404(_criteria(user), pk=criterion_id)
    require(user, "matching.change_partner_criteria", criterion)
    return user, criterion


@router.get("/criteria", response=codes({200: list[CriterionOut]}, 403), summary="Criteria for a good partner")
@paginate(Pages)
def list_criteria(request: HttpRequest) -> Any:
    """Your institution's checklist for a good partner, in order (any member of the institution: a student
    answers it when proposing an organisation)."""
    user = acting_user(request)
    require(user, "matching.view_partner_criteria")
    return _criteria(user)


@router.post("/criteria", response=codes({201: CriterionOut}, 400, 403), summary="Add a criterion for a good partner")
def post_criterion(request: HttpRequest, payload: CriterionIn) -> Status:
    """The coordinator's office; in Dutch and English."""
    user = acting_user(request)
    require(user, "matching.change_partner_criteria")
    criterion = add_criterion(user.institution, by=user, **payload.model_dump())
    return Status(201, _criteria(user).get(pk=criterion.pk))


@router.patch(
    "/criteria/{criterion_id}",
    response=codes({200: CriterionOut}, 400, 403, 404, 409),
    summary="Change a criterion for a good partner",
)
def patch_criterion(request: HttpRequest, payload: CriterionPatch, criterion_id: int = CRITERION_ID) -> Any:
    """Change its texts or its place (`order`). 409 when `version` is stale."""
    user, criterion = _criterion(request, criterion_id)
    fields = payload.model_dump(exclude_unset=True, exclude={"version"})
    change_criterion(criterion, by=user, expected_version=payload.version, **fields)
    return _criteria(user).get(pk=criterion.pk)


@router.delete(
    "/criteria/{criterion_id}",
    response=codes({204: None}, 403, 404, 409),
    summary="Remove a criterion for a good partner",
)
def delete_criterion(
    request: HttpRequest,
    criterion_id: int = CRITERION_ID,
    version: int | None = Query(None, ge=1, le=2**31 - 1, description="The `version` you read (409 when stale)."),
) -> Status:
    user, criterion = _criterion(request, criterion_id)
    remove_criterion(criterion, by=user, expected_version=version)
    return Status(204, None)
