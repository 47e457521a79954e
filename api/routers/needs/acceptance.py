"""Needs from the public form that wait for acceptance: anyone can type an organisation's name into the form,
so such a need (and the address it came from) joins the organisation only when the office or the organisation
itself accepts it. The same services and rules as the page "Needs waiting for acceptance"."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from accounts.access import get_for_user_or_404, require
from api.auth import acting_user
from api.errors import codes
from api.pagination import Pages
from api.routers.needs.need_routes import NeedOut, _needs
from api.schemas import InputSchema, OrganisationRef
from matching.models import Need
from matching.services import accept_need, reject_need

waiting = Router(tags=["Needs"])


class WaitingNeedOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    title: str
    description: str
    organisation: OrganisationRef
    claims_existing: bool = Field(
        description="True when the form named an organisation already in the directory: accept only when you "
        "know the need comes from it."
    )
    contact_name: str
    contact_email: str
    confirmed_at: dt.datetime | None


class RejectIn(InputSchema):
    reason: str = Field("", max_length=1000)

    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "Not sent by the organisation."}]})


def _waiting(request: HttpRequest) -> QuerySet[Need]:
    return Need.objects.waiting_for(acting_user(request)).select_related("organisation").order_by("confirmed_at", "id")


@waiting.get(
    "",
    response=codes({200: list[WaitingNeedOut]}, 403),
    summary="Needs from the public form waiting for acceptance",
)
@paginate(Pages)
def list_waiting_needs(request: HttpRequest) -> Any:
    """Confirmed needs from the public form that wait for you to accept or reject them: all of them for the
    office (coordinators, administrators), those in your organisation's name for a partner user."""
    require(acting_user(request), "matching.view_waiting_needs")
    return _waiting(request)


@waiting.post(
    "/{public_id}/accept",
    response=codes({200: NeedOut}, 400, 403, 404),
    summary="Accept a need from the public form",
)
def accept_waiting_need(request: HttpRequest, public_id: UUID) -> Need:
    """The need opens as its organisation's, and the address it came from becomes a verified contact of the
    organisation (it receives the organisation's proposals and answer links)."""
    user = acting_user(request)
    need = get_for_user_or_404(_waiting(request), public_id=public_id)
    accept_need(need, by=user)
    return get_for_user_or_404(_needs(request), pk=need.pk)


@waiting.post(
    "/{public_id}/reject",
    response=codes({200: WaitingNeedOut}, 400, 403, 404),
    summary="Reject a need from the public form",
)
def reject_waiting_need(request: HttpRequest, public_id: UUID, payload: RejectIn) -> Need:
    """The need closes; its address receives nothing from the organisation."""
    user = acting_user(request)
    need = get_for_user_or_404(_waiting(request), public_id=public_id)
    return reject_need(need, by=user, reason=payload.reason)
