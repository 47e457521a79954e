"""Engagements: the concrete collaborations, and who takes part."""

import datetime as dt
from decimal import Decimal
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
from api.schemas import InputSchema, OrganisationRef, PersonRef, SearchTerm, TitledRef, Version, choice
from engagements.models import Contribution, Course, Engagement, Participation
from engagements.services import ContributionSpec, create_engagement, set_contributions, update_engagement
from health.equity import ONE_SIDED_SHARE, equity_for_engagement
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
Party = choice(Contribution.Party)
ContributionDirection = choice(Contribution.Direction)
ContributionKind = choice(Contribution.Kind)
MAX_HOURS = 1_000_000
MAX_CONTRIBUTIONS = 200


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


class EngagementPatch(InputSchema):
    """Only the fields sent are changed; `participants`, when sent, replaces all of them; `course`,
    `partnership`, `organisation`, `front` and `end_date` may be set to null to clear them."""

    version: Version
    title: str | None = Field(None, min_length=1, max_length=200)
    kind: Kind | None = None
    level: Level | None = None
    direction: Direction | None = None
    front: Front | None = None
    status: EngagementStatus | None = None
    course: UUID | None = None
    partnership: UUID | None = None
    organisation: UUID | None = Field(None, description="The community partner.")
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    hours: int | None = Field(None, ge=0, le=MAX_HOURS)
    description: str | None = None
    outcomes: str | None = None
    participants: list[ParticipantIn] | None = None

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"version": 2, "status": "running", "hours": 40, "end_date": None}]}
    )


class ContributionRow(Schema):
    party: str = Field(description="institution, partner, students or residents.")
    direction: str = Field(description="gives (puts in) or gets (gets out).")
    kind: str
    amount: Decimal | None = Field(description="Hours, or euros for money.")
    description: str
    shared: bool = Field(description="A resource used together.")


class ContributionsOut(Schema):
    """The rows, and the balance they give (the rule: one side puts in at least `one_sided_percent` of the
    hours or of the money, or only one side names what it gets out)."""

    version: int = Field(description="The engagement's version: send it back when replacing the rows.")
    rows: list[ContributionRow]
    one_sided: bool
    reasons: list[str]
    one_sided_percent: int
    hours: dict[str, float] = Field(description="Hours put in per side: campus, community.")
    money: dict[str, float] = Field(description="Euros put in per side: campus, community.")
    benefits: dict[str, int] = Field(description="Benefits named per side.")


class ContributionIn(InputSchema):
    party: Party
    direction: ContributionDirection
    kind: ContributionKind
    amount: Decimal | None = Field(
        None, ge=0, max_digits=10, decimal_places=2, description="Needed for hours or money put in."
    )
    description: str = Field(max_length=300)
    shared: bool = False


class ContributionsIn(InputSchema):
    version: Version
    rows: list[ContributionIn] = Field(max_length=MAX_CONTRIBUTIONS, description="Replaces all rows.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "version": 3,
                    "rows": [
                        {
                            "party": "institution",
                            "direction": "gives",
                            "kind": "hours",
                            "amount": "20",
                            "description": "Coaching the students",
                        },
                        {
                            "party": "partner",
                            "direction": "gets",
                            "kind": "outcome",
                            "description": "A renewed website",
                        },
                    ],
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
    q: SearchTerm = "",
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


def _participants(user: Any, rows: list[ParticipantIn]) -> list[tuple[Person, str, int]]:
    person_ids = [p.person for p in rows]
    if len(set(person_ids)) != len(person_ids):
        raise DomainError({"participants": _("Name each person once.")})
    people = many(Person.objects.for_user(user), person_ids, "participants")
    by_id = {person.public_id: person for person in people}
    return [(by_id[p.person], p.role, p.hours) for p in rows]


@router.post("", response=codes({201: EngagementOut}, 400, 403), summary="Add an engagement")
def add_engagement(request: HttpRequest, payload: EngagementIn) -> Status:
    """Record an engagement of your institution (institution staff)."""
    user = acting_user(request)
    require(user, "engagements.add_engagement")
    if user.institution is None:
        raise DomainError(_("Your account does not belong to an institution."))
    engagement = create_engagement(
        by=user,
        institution=user.institution,
        course=one(Course.objects.for_user(user), payload.course, "course"),
        partnership=one(Partnership.objects.for_user(user), payload.partnership, "partnership"),
        organisation=one(Organisation.objects.for_user(user), payload.organisation, "organisation"),
        participants=_participants(user, payload.participants),
        front=payload.front or "",
        **payload.model_dump(exclude={"course", "partnership", "organisation", "participants", "front"}),
    )
    return Status(201, _find(request, engagement.public_id))


NULLABLE = {"course", "partnership", "organisation", "front", "end_date"}


@router.patch("/{public_id}", response=codes({200: EngagementOut}, 400, 403, 404, 409), summary="Change an engagement")
def change_engagement(request: HttpRequest, public_id: UUID, payload: EngagementPatch) -> Engagement:
    """Change the fields sent (the engagement's institution staff, as on its edit page). Answers 409 when
    someone else changed it since you read `version`."""
    user = acting_user(request)
    engagement = _find(request, public_id)
    require(user, "engagements.change_engagement", engagement)
    sent = payload.model_dump(
        exclude_unset=True, exclude={"version", "participants", "course", "partnership", "organisation"}
    )
    data: dict[str, Any] = {k: v for k, v in sent.items() if v is not None or k in NULLABLE}
    if "front" in data and data["front"] is None:
        data["front"] = ""
    lookups = {
        "course": Course.objects.for_user(user),
        "partnership": Partnership.objects.for_user(user),
        "organisation": Organisation.objects.for_user(user),
    }
    for name, queryset in lookups.items():
        if name in payload.model_fields_set:
            data[name] = one(queryset, getattr(payload, name), name)
    participants = _participants(user, payload.participants) if payload.participants is not None else None
    update_engagement(engagement, by=user, expected_version=payload.version, participants=participants, **data)
    return _find(request, public_id)


def _changeable(request: HttpRequest, public_id: UUID) -> Engagement:
    engagement = _find(request, public_id)
    require(acting_user(request), "engagements.change_engagement", engagement)
    return engagement


def _contributions_out(engagement: Engagement) -> dict[str, Any]:
    figures = equity_for_engagement(engagement)
    rows = [line for party in figures.parties for line in party.lines]
    return {
        "version": engagement.version,
        "rows": rows,
        "one_sided": figures.one_sided,
        "reasons": [str(r) for r in figures.reasons],
        "one_sided_percent": int(ONE_SIDED_SHARE * 100),
        "hours": {side: float(v) for side, v in figures.hours.items()},
        "money": {side: float(v) for side, v in figures.money.items()},
        "benefits": dict(figures.benefits),
    }


@router.get(
    "/{public_id}/contributions",
    response=codes({200: ContributionsOut}, 403, 404),
    summary="What each party puts in and gets out",
)
def get_contributions(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    """The contribution rows of an engagement and whether they are one-sided (the engagement's institution
    staff, as on the contributions page)."""
    return _contributions_out(_changeable(request, public_id))


@router.put(
    "/{public_id}/contributions",
    response=codes({200: ContributionsOut}, 400, 403, 404, 409),
    summary="Replace what each party puts in and gets out",
)
def replace_contributions(request: HttpRequest, public_id: UUID, payload: ContributionsIn) -> dict[str, Any]:
    """Replace all contribution rows. Hours or money put in need an `amount`. Answers 409 when someone else
    changed the engagement since you read `version`."""
    user = acting_user(request)
    engagement = _changeable(request, public_id)
    set_contributions(
        engagement,
        by=user,
        expected_version=payload.version,
        rows=[ContributionSpec(**row.model_dump()) for row in payload.rows],
    )
    return _contributions_out(engagement)
