"""Engagements: the concrete collaborations, and who takes part."""

import datetime as dt
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from accounts.access import get_for_user_or_404, require
from api.auth import acting_user
from api.errors import codes
from api.lookups import many, one
from api.pagination import Pages
from api.schemas import InputSchema, OrganisationRef, PersonRef, Text, TitledRef, choice
from engagements.models import Course, Engagement, Participation
from engagements.services import create_engagement
from lib.errors import DomainError
from network.models import Organisation, Person, SofarRole
from partnerships.models import Partnership

router = Router(tags=["Engagements"])

Kind = choice(Engagement.Kind)
Level = choice(Engagement.Level)
Direction = choice(Engagement.Direction)
Front = choice(Engagement.Front)
EngagementStatus = choice(Engagement.Status)
Role = choice(SofarRole)
MAX_HOURS = 1_000_000


class ParticipantOut(Schema):
    person: PersonRef
    role: str
    hours: int


class EngagementOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    title: str
    kind: str
    level: str
    direction: str
    front: str
    status: str
    course: TitledRef | None
    partnership: TitledRef | None
    organisation: OrganisationRef | None
    start_date: dt.date
    end_date: dt.date | None
    hours: int
    description: str
    outcomes: str
    participants: list[ParticipantOut]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_participants(obj: Engagement) -> list[Participation]:
        return list(obj.participations.all())


class ParticipantIn(InputSchema):
    person: UUID
    role: Role
    hours: int = Field(0, ge=0, le=MAX_HOURS)


class EngagementIn(InputSchema):
    title: str = Field(max_length=200)
    kind: Kind = Engagement.Kind.SERVICE_LEARNING.value
    level: Level = Engagement.Level.COURSE.value
    direction: Direction = Engagement.Direction.TO_NEIGHBOURHOOD.value
    front: Front | None = None
    status: EngagementStatus = Engagement.Status.PLANNED.value
    course: UUID | None = None
    partnership: UUID | None = None
    organisation: UUID | None = Field(None, description="The community partner.")
    start_date: dt.date
    end_date: dt.date | None = None
    hours: int = Field(0, ge=0, le=MAX_HOURS)
    description: str = ""
    outcomes: str = ""
    participants: list[ParticipantIn] = Field(default_factory=list)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "Homework class",
                    "kind": "service_learning",
                    "start_date": "2026-10-01",
                    "organisation": "3f2c1d1e-0000-4000-8000-000000000002",
                    "participants": [{"person": "3f2c1d1e-0000-4000-8000-000000000003", "role": "S", "hours": 20}],
                }
            ]
        }
    )


def engagements(request: HttpRequest) -> QuerySet[Engagement]:
    return (
        Engagement.objects.for_user(acting_user(request))
        .select_related("course", "partnership", "organisation")
        .prefetch_related(
            Prefetch("participations", queryset=Participation.objects.select_related("person").order_by("id"))
        )
    )


def _find(request: HttpRequest, public_id: UUID) -> Engagement:
    return get_for_user_or_404(engagements(request), public_id=public_id)


@router.get("", response=codes({200: list[EngagementOut]}), summary="List engagements")
@paginate(Pages)
def list_engagements(
    request: HttpRequest,
    q: Text = "",
    kind: Kind | None = None,
    status: EngagementStatus | None = None,
    course: UUID | None = None,
    partnership: UUID | None = None,
    organisation: UUID | None = None,
) -> Any:
    """The engagements you may see, newest first. Filters: `q` (part of the title), `kind`, `status`, `course`,
    `partnership`, `organisation`."""
    queryset = engagements(request)
    if q:
        queryset = queryset.filter(title__icontains=q.strip())
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    if course:
        queryset = queryset.filter(course__public_id=course)
    if partnership:
        queryset = queryset.filter(partnership__public_id=partnership)
    if organisation:
        queryset = queryset.filter(organisation__public_id=organisation)
    return queryset


@router.get("/{public_id}", response=codes({200: EngagementOut}, 404), summary="One engagement")
def get_engagement(request: HttpRequest, public_id: UUID) -> Engagement:
    return _find(request, public_id)


@router.post("", response=codes({201: EngagementOut}, 400, 403), summary="Add an engagement")
def add_engagement(request: HttpRequest, payload: EngagementIn) -> Status:
    """Record an engagement of your institution (institution staff)."""
    user = acting_user(request)
    require(user, "engagements.add_engagement")
    if user.institution is None:
        raise DomainError(_("Your account does not belong to an institution."))
    person_ids = [p.person for p in payload.participants]
    if len(set(person_ids)) != len(person_ids):
        raise DomainError({"participants": _("Name each person once.")})
    people = many(Person.objects.for_user(user), person_ids, "participants")
    by_id = {person.public_id: person for person in people}
    engagement = create_engagement(
        by=user,
        institution=user.institution,
        course=one(Course.objects.for_user(user), payload.course, "course"),
        partnership=one(Partnership.objects.for_user(user), payload.partnership, "partnership"),
        organisation=one(Organisation.objects.for_user(user), payload.organisation, "organisation"),
        participants=[(by_id[p.person], p.role, p.hours) for p in payload.participants],
        front=payload.front or "",
        **payload.model_dump(exclude={"course", "partnership", "organisation", "participants", "front"}),
    )
    return Status(201, _find(request, engagement.public_id))
