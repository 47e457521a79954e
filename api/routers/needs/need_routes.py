"""Needs through the API: the shared directory of needs, entering one for an organisation (staff) or for your
own organisation (a partner), changing it, and an institution's internal notes on it."""

import datetime as dt
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from accounts.access import get_for_user_or_404, require
from api.auth import acting_user
from api.errors import codes
from api.lookups import one, terms
from api.pagination import Pages
from api.routers.needs.base import (
    EditableNeedStatus,
    Lang,
    NeedStatus,
    StanceChannel,
    StanceDiscipline,
    StancePurpose,
    StanceStudents,
    _not_null,
    _terms,
    needs,
)
from api.schemas import InputSchema, OrganisationRef, SearchTerm, TermOut, Text, Version
from lib.errors import DomainError
from matching.models import Language, Need, NeedNote
from matching.services import add_need_note, post_need, update_need
from network.models import Organisation, TargetGroup, Theme


class NeedOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    title: str
    description: str
    organisation: OrganisationRef
    status: str
    themes: list[TermOut]
    target_groups: list[TermOut]
    location: str
    latitude: float | None
    longitude: float | None
    period_start: dt.date
    period_end: dt.date
    effort_hours: int = Field(description="Hours of student work the organisation can guide.")
    max_students: int
    stance_students: str
    stance_purpose: str
    stance_discipline: str
    stance_channel: str
    language: str
    contact_name: str
    contact_email: str
    version: int

    @staticmethod
    def resolve_themes(obj: Need) -> list[Any]:
        return _terms(obj, "themes")

    @staticmethod
    def resolve_target_groups(obj: Need) -> list[Any]:
        return _terms(obj, "target_groups")


def _needs(request: HttpRequest) -> QuerySet[Need]:
    return (
        Need.objects.for_user(acting_user(request))
        .select_related("organisation")
        .prefetch_related("themes", "target_groups")
        .order_by("-created_at", "-id")
    )


@needs.get("", response=codes({200: list[NeedOut]}), summary="List needs")
@paginate(Pages)
def list_needs(
    request: HttpRequest,
    q: SearchTerm = "",
    status: NeedStatus | None = None,
    theme: Text = "",
    organisation: UUID | None = None,
) -> Any:
    """The shared directory of needs you may see (staff: all confirmed ones; a partner: its own), newest first.
    Filters: `q` (title or organisation), `status`, `theme` (slug), `organisation` (its id)."""
    queryset = _needs(request)
    if q.strip():
        queryset = queryset.filter(Q(title__icontains=q.strip()) | Q(organisation__name__icontains=q.strip()))
    if status:
        queryset = queryset.filter(status=status)
    if theme:
        queryset = queryset.filter(themes__slug=theme)
    if organisation:
        queryset = queryset.filter(organisation__public_id=organisation)
    return queryset


@needs.get("/{public_id}", response=codes({200: NeedOut}, 404), summary="One need")
def get_need(request: HttpRequest, public_id: UUID) -> Need:
    return get_for_user_or_404(_needs(request), public_id=public_id)


NEED_EXAMPLE = {
    "organisation": "3f2c1d1e-0000-4000-8000-000000000002",
    "title": "Huiswerkbegeleiding voor kinderen",
    "description": "Kinderen uit de buurt helpen met hun huiswerk, twee namiddagen per week.",
    "themes": ["education"],
    "period_start": "2026-10-01",
    "period_end": "2027-03-31",
    "effort_hours": 40,
    "max_students": 3,
    "stance_students": "supporters",
}


class NeedIn(InputSchema):
    organisation: UUID | None = Field(
        None, description="The organisation the need is for (staff); a partner's need is always its own."
    )
    title: str = Field(max_length=200)
    description: str = Field(max_length=5000)
    themes: list[str] = Field(default_factory=list, description="Theme slugs.")
    target_groups: list[str] = Field(default_factory=list, description="Target group slugs.")
    location: str = Field("", max_length=200, description="Default: the organisation's city.")
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    period_start: dt.date
    period_end: dt.date
    effort_hours: int = Field(0, ge=0, le=10_000)
    max_students: int = Field(1, ge=1, le=500)
    stance_students: StanceStudents = Need.StanceStudents.EITHER.value
    stance_purpose: StancePurpose = Need.StancePurpose.EITHER.value
    stance_discipline: StanceDiscipline = Need.StanceDiscipline.OPEN.value
    stance_channel: StanceChannel = Need.StanceChannel.EITHER.value
    language: Lang = Language.NL.value
    contact_name: str = Field("", max_length=200)
    contact_email: str = Field("", max_length=254)

    model_config = ConfigDict(json_schema_extra={"examples": [NEED_EXAMPLE]})


class NeedPatch(InputSchema):
    """Only the fields sent are changed; ``version`` is the one you read."""

    version: Version
    title: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5000)
    themes: list[str] | None = None
    target_groups: list[str] | None = None
    location: str | None = Field(None, max_length=200)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    effort_hours: int | None = Field(None, ge=0, le=10_000)
    max_students: int | None = Field(None, ge=1, le=500)
    stance_students: StanceStudents | None = None
    stance_purpose: StancePurpose | None = None
    stance_discipline: StanceDiscipline | None = None
    stance_channel: StanceChannel | None = None
    language: Lang | None = None
    contact_name: str | None = Field(None, max_length=200)
    contact_email: str | None = Field(None, max_length=254)
    status: EditableNeedStatus | None = None

    model_config = ConfigDict(json_schema_extra={"examples": [{"version": 1, "max_students": 4, "status": "closed"}]})


NOT_NULL = ("title", "description", "location", "period_start", "period_end", "effort_hours", "max_students")


@needs.post("", response=codes({201: NeedOut}, 400, 403), summary="Enter a need")
def add_need(request: HttpRequest, payload: NeedIn) -> Status:
    """Enter a need on an organisation's behalf (institution staff) or for your own organisation (a partner
    user). Unlike the public form it is open for proposals at once."""
    user = acting_user(request)
    require(user, "matching.add_need")
    if user.is_partner:
        if payload.organisation and payload.organisation != user.organisation.public_id:
            raise DomainError({"organisation": _("You can enter needs for your own organisation only.")})
        organisation = user.organisation
    else:
        organisation = one(Organisation.objects.for_user(user), payload.organisation, "organisation")
        if organisation is None:
            raise DomainError({"organisation": _("Choose the organisation this need is for.")})
        if not organisation.is_active:
            raise DomainError({"organisation": _("This organisation is not active.")})
    data = payload.model_dump(exclude={"organisation", "themes", "target_groups"})
    need = post_need(
        by=user,
        organisation=organisation,
        themes=terms(Theme.objects.all(), payload.themes, "themes"),
        target_groups=terms(TargetGroup.objects.all(), payload.target_groups, "target_groups"),
        **data,
    )
    return Status(201, get_for_user_or_404(_needs(request), pk=need.pk))


@needs.patch("/{public_id}", response=codes({200: NeedOut}, 400, 403, 404, 409), summary="Change a need")
def change_need(request: HttpRequest, public_id: UUID, payload: NeedPatch) -> Need:
    """Change the fields sent (the posting partner, or staff of the institution that entered it). `status` may
    become `open`, `matched` or `closed`. 409 when `version` is stale."""
    user = acting_user(request)
    need = get_for_user_or_404(_needs(request), public_id=public_id)
    require(user, "matching.change_need", need)
    data = payload.model_dump(exclude_unset=True, exclude={"version", "themes", "target_groups", "status"})
    _not_null(data, NOT_NULL)
    for name in ("stance_students", "stance_purpose", "stance_discipline", "stance_channel", "language"):
        if name in data and data[name] is None:
            del data[name]
    for name in ("contact_name", "contact_email"):
        if name in data and data[name] is None:
            data[name] = ""
    themes = terms(Theme.objects.all(), payload.themes, "themes") if payload.themes is not None else None
    groups = payload.target_groups
    target_groups = terms(TargetGroup.objects.all(), groups, "target_groups") if groups is not None else None
    update_need(
        need,
        by=user,
        expected_version=payload.version,
        themes=themes,
        target_groups=target_groups,
        status=payload.status,
        **data,
    )
    return get_for_user_or_404(_needs(request), pk=need.pk)


class NeedNoteOut(Schema):
    id: int
    text: str
    author: str
    created_at: dt.datetime

    @staticmethod
    def resolve_author(obj: NeedNote) -> str:
        by = obj.author
        return (by.get_full_name() or by.username) if by is not None else ""


class NeedNoteIn(InputSchema):
    text: str = Field(max_length=2000)

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"text": "Ann belde: ze zoeken vooral iemand op woensdag."}]}
    )


def _need_for_notes(request: HttpRequest, public_id: UUID) -> tuple[Any, Need]:
    user = acting_user(request)
    need = get_for_user_or_404(Need.objects.for_user(user), public_id=public_id)
    require(user, "matching.add_need_note")
    return user, need


@needs.get("/{public_id}/notes", response=codes({200: list[NeedNoteOut]}, 403, 404), summary="Internal notes on a need")
@paginate(Pages)
def list_need_notes(request: HttpRequest, public_id: UUID) -> Any:
    """Your institution's internal notes on a shared need, newest first (institution staff). Other institutions and
    the partner never see them."""
    user, need = _need_for_notes(request, public_id)
    return (
        NeedNote.objects.filter(need=need, institution_id=user.institution_id)
        .select_related("author")
        .order_by("-created_at", "-id")
    )


@needs.post(
    "/{public_id}/notes", response=codes({201: NeedNoteOut}, 400, 403, 404), summary="Add an internal note to a need"
)
def add_note(request: HttpRequest, public_id: UUID, payload: NeedNoteIn) -> Status:
    user, need = _need_for_notes(request, public_id)
    note = add_need_note(need, by=user, text=payload.text)
    return Status(201, note)
