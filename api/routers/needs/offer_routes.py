"""Offers through the API: what a course or programme of your institution can provide in a period; list, read,
add and change them."""

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
from api.routers.needs.base import Lang, OfferStatus, _not_null, _terms, offers
from api.schemas import InputSchema, SearchTerm, TermOut, TitledRef, Version
from engagements.models import Course
from lib.errors import DomainError
from matching.models import Language, Offer
from matching.services import post_offer, update_offer
from network.models import Campus, TargetGroup, Theme


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
    request: HttpRequest, q: SearchTerm = "", status: OfferStatus | None = None, course: UUID | None = None
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
