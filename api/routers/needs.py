"""Needs, offers, matches and students' organisation proposals: the records behind matchmaking, with the
same services, scopes and rules as the matching pages (a proposal past an organisation's capacity is held).

Four routers: ``needs``, ``offers``, ``matches`` and ``proposals``.
"""

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from accounts.access import get_for_user_or_404, require
from api.auth import acting_user
from api.errors import codes
from api.lookups import one, terms
from api.pagination import Pages
from api.schemas import InputSchema, OrganisationRef, TermOut, Text, TitledRef, Version, choice
from engagements.models import Course
from lib.errors import DomainError
from matching import attention as points
from matching.models import Language, Match, Need, NeedNote, Offer, OrganisationProposal
from matching.services import (
    add_need_note,
    decide_proposal,
    override_hold,
    post_need,
    post_offer,
    propose_match,
    propose_organisation,
    resubmit_proposal,
    save_attention_checklist,
    update_need,
    update_offer,
    withdraw_match,
)
from network.models import Campus, Organisation, TargetGroup, Theme

needs = Router(tags=["Needs and offers"])
offers = Router(tags=["Needs and offers"])
matches = Router(tags=["Matches"])
proposals = Router(tags=["Organisation proposals"])

NeedStatus = choice(Need.Status)
OfferStatus = choice(Offer.Status)
MatchStatus = choice(Match.Status)
Channel = choice(Match.Channel)
ProposalStatus = choice(OrganisationProposal.Status)
Lang = choice(Language)
StanceStudents = choice(Need.StanceStudents)
StancePurpose = choice(Need.StancePurpose)
StanceDiscipline = choice(Need.StanceDiscipline)
StanceChannel = choice(Need.StanceChannel)
EditableNeedStatus = Literal["open", "matched", "closed"]


def _terms(obj: Any, name: str) -> list[Any]:
    return list(getattr(obj, name).all())


# Needs.


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
    q: Text = "",
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


def _not_null(data: dict[str, Any], names: tuple[str, ...]) -> None:
    empty = [name for name in names if name in data and data[name] is None]
    if empty:
        raise DomainError({name: _("This field cannot be empty.") for name in empty})


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


# Offers.


class OfferOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    title: str
    institution: str = Field(description="Slug of the institution.")
    course: TitledRef | None
    programme: str
    description: str
    learning_goals: str
    disciplines: str
    campus: str | None = Field(description="Slug of the campus, if any.")
    themes: list[TermOut]
    target_groups: list[TermOut]
    period_start: dt.date
    period_end: dt.date
    students: int
    hours_per_student: int
    language: str
    status: str
    version: int

    @staticmethod
    def resolve_institution(obj: Offer) -> str:
        return obj.institution.slug

    @staticmethod
    def resolve_campus(obj: Offer) -> str | None:
        return obj.campus.slug if obj.campus else None

    @staticmethod
    def resolve_themes(obj: Offer) -> list[Any]:
        return _terms(obj, "themes")

    @staticmethod
    def resolve_target_groups(obj: Offer) -> list[Any]:
        return _terms(obj, "target_groups")


class OfferIn(InputSchema):
    title: str = Field(max_length=200)
    course: UUID | None = Field(None, description="A course of your institution.")
    programme: str = Field("", max_length=200)
    description: str = Field("", max_length=5000)
    learning_goals: str = Field("", max_length=5000)
    disciplines: str = Field("", max_length=1000)
    campus: str | None = Field(None, max_length=50, description="Slug of a campus of your institution.")
    themes: list[str] = Field(default_factory=list, description="Theme slugs.")
    target_groups: list[str] = Field(default_factory=list, description="Target group slugs.")
    period_start: dt.date
    period_end: dt.date
    students: int = Field(1, ge=1, le=10_000)
    hours_per_student: int = Field(0, ge=0, le=10_000)
    language: Lang = Language.NL.value

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "Huiswerkbegeleiding door studenten pedagogie",
                    "course": "3f2c1d1e-0000-4000-8000-000000000003",
                    "themes": ["education"],
                    "period_start": "2026-09-15",
                    "period_end": "2027-01-31",
                    "students": 4,
                    "hours_per_student": 20,
                }
            ]
        }
    )


def _offers(request: HttpRequest) -> QuerySet[Offer]:
    return (
        Offer.objects.for_user(acting_user(request))
        .select_related("institution", "course", "campus")
        .prefetch_related("themes", "target_groups")
        .order_by("-created_at", "-id")
    )


@offers.get("", response=codes({200: list[OfferOut]}), summary="List offers")
@paginate(Pages)
def list_offers(
    request: HttpRequest, q: Text = "", status: OfferStatus | None = None, course: UUID | None = None
) -> Any:
    """Your institution's offers, newest first. Filters: `q` (title or programme), `status`, `course` (its id)."""
    queryset = _offers(request)
    if q.strip():
        queryset = queryset.filter(Q(title__icontains=q.strip()) | Q(programme__icontains=q.strip()))
    if status:
        queryset = queryset.filter(status=status)
    if course:
        queryset = queryset.filter(course__public_id=course)
    return queryset


@offers.get("/{public_id}", response=codes({200: OfferOut}, 404), summary="One offer")
def get_offer(request: HttpRequest, public_id: UUID) -> Offer:
    return get_for_user_or_404(_offers(request), public_id=public_id)


@offers.post("", response=codes({201: OfferOut}, 400, 403), summary="Add an offer")
def add_offer(request: HttpRequest, payload: OfferIn) -> Status:
    """What a course or programme of your institution can provide in a period (institution staff)."""
    user = acting_user(request)
    require(user, "matching.add_offer")
    if user.institution is None:
        raise DomainError(_("Your account does not belong to an institution."))
    campus = None
    if payload.campus:
        campus = Campus.objects.filter(institution_id=user.institution_id, slug=payload.campus).first()
        if campus is None:
            raise DomainError({"campus": _("Your institution has no campus %(slug)s.") % {"slug": payload.campus}})
    data = payload.model_dump(exclude={"course", "campus", "themes", "target_groups"})
    offer = post_offer(
        by=user,
        institution=user.institution,
        course=one(Course.objects.for_user(user), payload.course, "course"),
        campus=campus,
        themes=terms(Theme.objects.all(), payload.themes, "themes"),
        target_groups=terms(TargetGroup.objects.all(), payload.target_groups, "target_groups"),
        **data,
    )
    return Status(201, get_for_user_or_404(_offers(request), pk=offer.pk))


class OfferPatch(InputSchema):
    """Only the fields sent are changed; ``version`` is the one you read. Send `course` or `campus` as null to
    clear it."""

    version: Version
    title: str | None = Field(None, max_length=200)
    course: UUID | None = Field(None, description="A course of your institution.")
    programme: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5000)
    learning_goals: str | None = Field(None, max_length=5000)
    disciplines: str | None = Field(None, max_length=1000)
    campus: str | None = Field(None, max_length=50, description="Slug of a campus of your institution.")
    themes: list[str] | None = None
    target_groups: list[str] | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    students: int | None = Field(None, ge=1, le=10_000)
    hours_per_student: int | None = Field(None, ge=0, le=10_000)
    language: Lang | None = None
    status: OfferStatus | None = None

    model_config = ConfigDict(json_schema_extra={"examples": [{"version": 1, "students": 6, "status": "closed"}]})


OFFER_NOT_NULL = ("title", "period_start", "period_end", "students", "hours_per_student", "language", "status")


@offers.patch("/{public_id}", response=codes({200: OfferOut}, 400, 403, 404, 409), summary="Change an offer")
def change_offer(request: HttpRequest, public_id: UUID, payload: OfferPatch) -> Offer:
    """Change the fields sent (staff of the offer's institution); `status` `closed` takes it out of matching.
    409 when `version` is stale."""
    user = acting_user(request)
    offer = get_for_user_or_404(_offers(request), public_id=public_id)
    require(user, "matching.change_offer", offer)
    data = payload.model_dump(exclude_unset=True, exclude={"version", "themes", "target_groups"})
    _not_null(data, OFFER_NOT_NULL)
    for name in ("programme", "description", "learning_goals", "disciplines"):
        if name in data and data[name] is None:
            data[name] = ""
    if "course" in data:
        data["course"] = one(Course.objects.for_user(user), payload.course, "course")
    if "campus" in data and payload.campus is not None:
        data["campus"] = Campus.objects.filter(institution_id=offer.institution_id, slug=payload.campus).first()
        if data["campus"] is None:
            raise DomainError({"campus": _("Your institution has no campus %(slug)s.") % {"slug": payload.campus}})
    themes = terms(Theme.objects.all(), payload.themes, "themes") if payload.themes is not None else None
    groups = payload.target_groups
    target_groups = terms(TargetGroup.objects.all(), groups, "target_groups") if groups is not None else None
    update_offer(offer, by=user, expected_version=payload.version, themes=themes, target_groups=target_groups, **data)
    return get_for_user_or_404(_offers(request), pk=offer.pk)


# Matches.


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


AnswerCode = Literal[points.ANSWER_CODES]  # type: ignore[valid-type]
PointCode = Literal[points.CODES]  # type: ignore[valid-type]


class AttentionAnswerOut(Schema):
    answer: str = Field(description=f"One of {', '.join(points.ANSWER_CODES)}.")
    label: str
    note: str


class AttentionPointOut(Schema):
    code: str
    title: str
    question: str
    institution: AttentionAnswerOut | None = Field(description="The institution's answer, once given.")
    partner: AttentionAnswerOut | None = Field(description="The partner's answer, once given.")


class AttentionSideOut(Schema):
    done: bool
    by: str
    at: dt.datetime | None


class AttentionOut(Schema):
    points: list[AttentionPointOut]
    institution: AttentionSideOut
    partner: AttentionSideOut
    engagement: TitledRef | None = Field(description="The engagement it became once both sides went through it.")


class AttentionAnswerIn(InputSchema):
    answer: AnswerCode
    note: str = Field("", max_length=points.NOTE_MAX)


class AttentionIn(InputSchema):
    answers: dict[PointCode, AttentionAnswerIn] = Field(description="An answer for every point of attention.")

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"answers": {code: {"answer": "yes", "note": ""} for code in points.CODES}}]}
    )


def _attention_out(match: Match) -> dict[str, Any]:
    labels = dict(points.ANSWERS)
    stored = match.attention or {}
    rows = []
    for point in points.POINTS:
        row: dict[str, Any] = {"code": point.code, "title": str(point.title), "question": str(point.question)}
        for side in points.SIDES:
            item = stored.get(side, {}).get("answers", {}).get(point.code)
            row[side] = (
                {"answer": item["answer"], "label": str(labels.get(item["answer"], "")), "note": item.get("note", "")}
                if item
                else None
            )
        rows.append(row)
    sides = {}
    for side in points.SIDES:
        info = stored.get(side, {})
        at = info.get("at")
        sides[side] = {
            "done": points.side_done(stored, side),
            "by": info.get("by", ""),
            "at": dt.datetime.fromisoformat(at) if at else None,
        }
    return {"points": rows, **sides, "engagement": match.engagement}


def _match_with_engagement(request: HttpRequest, **lookup: Any) -> Match:
    return get_for_user_or_404(_matches(request).select_related("engagement"), **lookup)


@matches.get("/{public_id}/attention", response=codes({200: AttentionOut}, 404), summary="Points of attention")
def get_attention(request: HttpRequest, public_id: UUID) -> Any:
    """Both sides' walk through the points of attention before a match becomes an engagement (whoever sees the
    match)."""
    return _attention_out(_match_with_engagement(request, public_id=public_id))


@matches.put(
    "/{public_id}/attention",
    response=codes({200: AttentionOut}, 400, 403, 404),
    summary="Save your side of the points of attention",
)
def save_attention(request: HttpRequest, public_id: UUID, payload: AttentionIn) -> Any:
    """Save the institution's side (staff of the proposing institution); every point needs an answer. An
    accepted match whose partner already answered becomes an engagement."""
    user = acting_user(request)
    match = _match_with_engagement(request, public_id=public_id)
    require(user, "matching.change_match", match)
    answers = {code: item.model_dump() for code, item in payload.answers.items()}
    try:
        save_attention_checklist(match, side="institution", answers=answers, by=user)
    except DomainError as error:
        if not hasattr(error, "error_dict"):
            raise
        renamed = {
            name.replace("attention_", "answers.", 1).replace("_note", ".note"): messages
            for name, messages in error.error_dict.items()
        }
        raise DomainError(renamed) from None
    return _attention_out(_match_with_engagement(request, pk=match.pk))


# Organisation proposals.


class ProposalCriterionOut(Schema):
    criterion: int
    ok: bool
    comment: str


class ProposalOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    name: str
    website: str
    description: str
    why: str
    criteria: list[ProposalCriterionOut] = Field(
        description="The institution's partner criteria as the student judged them."
    )
    status: str
    coordinator_reason: str
    organisation: OrganisationRef | None = Field(description="The organisation it became, once approved.")
    proposed_by: str
    created_at: dt.datetime
    decided_at: dt.datetime | None
    version: int

    @staticmethod
    def resolve_criteria(obj: OrganisationProposal) -> list[dict[str, Any]]:
        rows = []
        for key, item in (obj.criteria or {}).items():
            if str(key).isdigit() and isinstance(item, dict):
                rows.append(
                    {"criterion": int(key), "ok": bool(item.get("ok")), "comment": str(item.get("comment") or "")}
                )
        return rows

    @staticmethod
    def resolve_proposed_by(obj: OrganisationProposal) -> str:
        by = obj.proposed_by
        return (by.get_full_name() or by.username) if by is not None else ""


class ProposalCriterionIn(InputSchema):
    ok: bool = False
    comment: str = Field("", max_length=500)


class ProposalIn(InputSchema):
    name: str = Field(max_length=200)
    website: str = Field("", max_length=300)
    description: str = Field(max_length=3000, description="What the organisation does.")
    why: str = Field(max_length=3000, description="Why it would be a good partner.")
    criteria: dict[str, ProposalCriterionIn] = Field(
        default_factory=dict, description="Per partner criterion of your institution (its number): met, and a comment."
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Voedselteam Brugse Poort",
                    "website": "https://voedselteam.example",
                    "description": "Lokale voedselverdeling door vrijwilligers.",
                    "why": "Ze zoeken hulp bij hun logistiek.",
                    "criteria": {"1": {"ok": True, "comment": "Vzw sinds 2015"}},
                }
            ]
        }
    )


class ProposalDecisionIn(InputSchema):
    version: Version
    decision: Literal["approved", "more_info", "declined"]
    reason: str = Field("", max_length=1000, description="Required when you ask for more or decline.")

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"version": 1, "decision": "declined", "reason": "Geen vzw-statuut."}]}
    )


def _proposals(request: HttpRequest) -> QuerySet[OrganisationProposal]:
    return (
        OrganisationProposal.objects.for_user(acting_user(request))
        .select_related("proposed_by", "organisation")
        .order_by("-created_at", "-id")
    )


@proposals.get("", response=codes({200: list[ProposalOut]}), summary="List organisation proposals")
@paginate(Pages)
def list_proposals(request: HttpRequest, status: ProposalStatus | None = None) -> Any:
    """A student's own proposals; the institution's staff see all of their institution's. Filter: `status`."""
    queryset = _proposals(request)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


@proposals.get("/{public_id}", response=codes({200: ProposalOut}, 404), summary="One organisation proposal")
def get_proposal(request: HttpRequest, public_id: UUID) -> OrganisationProposal:
    return get_for_user_or_404(_proposals(request), public_id=public_id)


@proposals.post("", response=codes({201: ProposalOut}, 400, 403), summary="Propose a new partner organisation")
def add_proposal(request: HttpRequest, payload: ProposalIn) -> Status:
    """A student proposes an organisation, judged against the institution's partner criteria."""
    user = acting_user(request)
    require(user, "matching.add_organisation_proposal")
    criteria = {key: item.model_dump() for key, item in payload.criteria.items()}
    proposal = propose_organisation(by=user, criteria=criteria, **payload.model_dump(exclude={"criteria"}))
    return Status(201, get_for_user_or_404(_proposals(request), pk=proposal.pk))


@proposals.post(
    "/{public_id}/decision",
    response=codes({200: ProposalOut}, 400, 403, 404, 409),
    summary="Decide on an organisation proposal",
)
def decide(request: HttpRequest, public_id: UUID, payload: ProposalDecisionIn) -> OrganisationProposal:
    """Approve (the organisation joins the directory), ask for more information, or decline with a reason (the
    coordinator's office). 409 when `version` is stale."""
    user = acting_user(request)
    proposal = get_for_user_or_404(_proposals(request), public_id=public_id)
    require(user, "matching.decide_organisation_proposal", proposal)
    decide_proposal(
        proposal, by=user, decision=payload.decision, reason=payload.reason, expected_version=payload.version
    )
    return get_for_user_or_404(_proposals(request), pk=proposal.pk)


class ProposalPatch(InputSchema):
    """The student's answer to a request for more information: the fields sent change, and the proposal goes
    back to the office (status `submitted`). Criteria not sent keep their answers."""

    version: Version
    name: str | None = Field(None, max_length=200)
    website: str | None = Field(None, max_length=300)
    description: str | None = Field(None, max_length=3000)
    why: str | None = Field(None, max_length=3000)
    criteria: dict[str, ProposalCriterionIn] | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"version": 2, "why": "Ze hebben een vaste vrijwilligerscoördinator die studenten begeleidt."}]
        }
    )


@proposals.patch(
    "/{public_id}",
    response=codes({200: ProposalOut}, 400, 403, 404, 409),
    summary="Change and resend an organisation proposal",
)
def resubmit(request: HttpRequest, public_id: UUID, payload: ProposalPatch) -> OrganisationProposal:
    """Only the student who proposed it, and only after the office asked for more information. 409 when `version`
    is stale."""
    user = acting_user(request)
    proposal = get_for_user_or_404(_proposals(request), public_id=public_id)
    require(user, "matching.change_organisation_proposal", proposal)
    fields = payload.model_dump(exclude_unset=True, exclude={"version", "criteria"})
    _not_null(fields, ("name", "description", "why"))
    if fields.get("website") is None:
        fields.pop("website", None)
    criteria: dict[str, Any] = dict(proposal.criteria or {})
    for key, item in (payload.criteria or {}).items():
        criteria[key] = item.model_dump()
    resubmit_proposal(proposal, by=user, expected_version=payload.version, criteria=criteria, **fields)
    return get_for_user_or_404(_proposals(request), pk=proposal.pk)
