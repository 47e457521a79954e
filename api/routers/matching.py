"""Matchmaking: ranked suggestions for one need or offer, and batch matching of many."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict, model_validator

from accounts.access import get_for_user_or_404, require
from api.auth import acting_user
from api.errors import codes
from api.schemas import InputSchema
from lib.errors import DomainError
from matching import loaders
from matching.batch import BatchNeedIn, BatchOfferIn, context_from, run_batch
from matching.engine import DEFAULT_WEIGHTS, MAX_WEIGHT, Ranked
from matching.models import Need, Offer

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
    def _one_kind(self) -> BatchIn:
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
