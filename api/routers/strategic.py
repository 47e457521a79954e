"""A strategic partnership through the API: shared goals with indicators and measurements, milestones,
parties (a widening is a milestone) and the figures of the board report. Same services and rules as the
strategic pages: whoever sees the partnership reads them; changing them is ``partnerships.change_partnership``.

Goals, indicators and milestones have no public UUID of their own: they are addressed by their number
inside the partnership, and a number from another partnership is a 404.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from accounts.access import get_for_user_or_404, require
from api.auth import acting_user
from api.errors import codes
from api.lookups import one
from api.pagination import Pages
from api.schemas import InputSchema, choice
from lib.errors import DomainError
from network.models import Institution, Organisation, Person
from partnerships import strategic
from partnerships.models import Goal, Indicator, Measurement, Milestone, Partnership
from partnerships.report import build_report, party_rows, with_strategic

router = Router(tags=["Strategic partnerships"])

CHANGE = "partnerships.change_partnership"
MilestoneKind = choice(Milestone.Kind)
Amount = Annotated[Decimal, Field(max_digits=12, decimal_places=2, description="Up to 12 digits, 2 decimals.")]
LOCAL_ID = "The number of the record inside the partnership."


# Output.


class MeasurementOut(Schema):
    id: int
    measured_on: dt.date
    value: float
    note: str


class IndicatorOut(Schema):
    id: int
    name: str
    unit: str
    baseline: float | None
    target: float
    target_date: dt.date | None
    measured_by: str
    measurements: list[MeasurementOut] = Field(description="Oldest first.")

    @staticmethod
    def resolve_measurements(obj: Indicator) -> list[Measurement]:
        return list(obj.measurements.all())


class GoalOut(Schema):
    id: int
    title: str
    description: str
    order: int
    indicators: list[IndicatorOut]

    @staticmethod
    def resolve_indicators(obj: Goal) -> list[Indicator]:
        return list(obj.indicators.all())


class MilestoneOut(Schema):
    id: int
    date: dt.date
    kind: str
    kind_label: str
    title: str
    description: str

    @staticmethod
    def resolve_kind_label(obj: Milestone) -> str:
        return str(obj.get_kind_display())


class StrategicPartyOut(Schema):
    name: str
    kind: str
    role: str
    joined_on: dt.date | None
    is_institution: bool
    is_lead: bool
    organisation: UUID | None = Field(description="The organisation's id; none for an institution.")


class IndicatorProgressOut(Schema):
    goal: str
    indicator: str
    unit: str
    baseline: float | None
    target: float
    latest: float | None = Field(description="The latest measured value.")
    latest_on: dt.date | None
    percent: int | None = Field(description="How far the latest value has come from the baseline to the target.")
    reached: bool


class ActivityYearOut(Schema):
    year: int
    counts: list[int] = Field(description="Engagements per kind, in the order of `kinds`.")
    total: int


class RoleReachedOut(Schema):
    role: str
    label: str
    people: int
    hours: int


class ReportOut(Schema):
    """The figures of the board report (the PDF and the report page show the same)."""

    partnership: UUID
    title: str
    generated_on: dt.date
    parties: list[StrategicPartyOut]
    collaboration_forms: list[str]
    levels: list[str]
    indicators: list[IndicatorProgressOut]
    milestones: list[MilestoneOut]
    kinds: list[str] = Field(description="Labels of the engagement kinds that occur.")
    activities_per_year: list[ActivityYearOut]
    people_reached: list[RoleReachedOut]
    people_total: int

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "partnership": "3f2c1d1e-0000-4000-8000-000000000001",
                    "title": "Huiswerkklas Rabot",
                    "generated_on": "2026-06-30",
                    "parties": [],
                    "collaboration_forms": ["Course project"],
                    "levels": ["Course"],
                    "indicators": [],
                    "milestones": [],
                    "kinds": ["Course project"],
                    "activities_per_year": [{"year": 2026, "counts": [2], "total": 2}],
                    "people_reached": [{"role": "S", "label": "Student", "people": 12, "hours": 240}],
                    "people_total": 14,
                }
            ]
        }
    )


# Input.


class GoalIn(InputSchema):
    title: str = Field(max_length=200)
    description: str = ""
    order: int | None = Field(None, ge=0, le=32767, description="Place in the list; default: last.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"title": "Meer kinderen halen hun diploma", "description": "Samen met de school."}]
        }
    )


class IndicatorIn(InputSchema):
    name: str = Field(max_length=200)
    target: Amount | None = Field(None, description="The value the partners want to reach.")
    unit: str = Field("", max_length=40)
    baseline: Amount | None = None
    target_date: dt.date | None = None
    measured_by: str = Field("", max_length=200)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"name": "Kinderen in de huiswerkklas", "unit": "kinderen", "baseline": 10, "target": 30}]
        }
    )


class MeasurementIn(InputSchema):
    measured_on: dt.date | None = Field(None, description="Not in the future.")
    value: Amount | None = None
    note: str = Field("", max_length=300)

    model_config = ConfigDict(json_schema_extra={"examples": [{"measured_on": "2026-03-01", "value": 18}]})


class MilestoneIn(InputSchema):
    date: dt.date
    title: str = Field(max_length=200)
    kind: MilestoneKind = Milestone.Kind.EVENT.value
    description: str = ""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"date": "2026-05-12", "title": "Buurtfeest", "kind": "event"}]}
    )


class PartyIn(InputSchema):
    """One organisation (its id) or one institution (its slug), not both."""

    organisation: UUID | None = None
    institution: str | None = Field(None, max_length=100, description="Slug of another institution.")
    role: str = Field("", max_length=200)
    joined_on: dt.date | None = Field(None, description="Default: today.")
    contact_person: UUID | None = Field(None, description="Someone who works for the organisation.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"organisation": "3f2c1d1e-0000-4000-8000-000000000002", "role": "Stad Gent, dienst Jeugd"},
                {"institution": "university", "role": "Onderzoekspartner"},
            ]
        }
    )


# Finding things.


def _partnership(request: HttpRequest, public_id: UUID, queryset: QuerySet[Partnership] | None = None) -> Partnership:
    visible = queryset if queryset is not None else Partnership.objects.for_user(acting_user(request))
    return get_for_user_or_404(visible.select_related("institution"), public_id=public_id)


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


# Goals, indicators, measurements.


@router.get(
    "/partnerships/{public_id}/goals",
    response=codes({200: list[GoalOut]}, 404),
    summary="Goals of a partnership",
)
@paginate(Pages)
def list_goals(request: HttpRequest, public_id: UUID) -> Any:
    """The shared goals in their order, each with its indicators and their measurements (oldest first)."""
    return _goals(_partnership(request, public_id))


@router.post(
    "/partnerships/{public_id}/goals",
    response=codes({201: GoalOut}, 400, 403, 404),
    summary="Add a goal",
)
def add_goal(request: HttpRequest, public_id: UUID, payload: GoalIn) -> Status:
    partnership = _for_change(request, public_id)
    goal = strategic.add_goal(partnership, by=acting_user(request), **payload.model_dump())
    return Status(201, _goals(partnership).get(pk=goal.pk))


@router.post(
    "/partnerships/{public_id}/goals/{goal_id}/indicators",
    response=codes({201: IndicatorOut}, 400, 403, 404),
    summary="Add an indicator to a goal",
)
def add_indicator(
    request: HttpRequest,
    public_id: UUID,
    payload: IndicatorIn,
    goal_id: int = Path(..., ge=1, le=2**62, description=LOCAL_ID),
) -> Status:
    """A collective-impact indicator: what is measured, from which baseline to which target."""
    partnership = _for_change(request, public_id)
    goal = get_for_user_or_404(Goal.objects.filter(partnership=partnership), pk=goal_id)
    indicator = strategic.add_indicator(goal, by=acting_user(request), **payload.model_dump())
    return Status(201, Indicator.objects.prefetch_related("measurements").get(pk=indicator.pk))


@router.post(
    "/partnerships/{public_id}/indicators/{indicator_id}/measurements",
    response=codes({201: MeasurementOut}, 400, 403, 404),
    summary="Record a measurement",
)
def add_measurement(
    request: HttpRequest,
    public_id: UUID,
    payload: MeasurementIn,
    indicator_id: int = Path(..., ge=1, le=2**62, description=LOCAL_ID),
) -> Status:
    """A measured value of the indicator on a date (not in the future)."""
    partnership = _for_change(request, public_id)
    indicator = get_for_user_or_404(
        Indicator.objects.filter(goal__partnership=partnership).select_related("goal__partnership"), pk=indicator_id
    )
    measurement = strategic.record_measurement(indicator, by=acting_user(request), **payload.model_dump())
    return Status(201, measurement)


# Milestones.


@router.get(
    "/partnerships/{public_id}/milestones",
    response=codes({200: list[MilestoneOut]}, 404),
    summary="Milestones of a partnership",
)
@paginate(Pages)
def list_milestones(request: HttpRequest, public_id: UUID, kind: MilestoneKind | None = None) -> Any:
    """The timeline, oldest first. Filter: `kind`."""
    milestones = Milestone.objects.filter(partnership=_partnership(request, public_id)).order_by("date", "id")
    if kind:
        milestones = milestones.filter(kind=kind)
    return milestones


@router.post(
    "/partnerships/{public_id}/milestones",
    response=codes({201: MilestoneOut}, 400, 403, 404),
    summary="Add a milestone",
)
def add_milestone(request: HttpRequest, public_id: UUID, payload: MilestoneIn) -> Status:
    partnership = _for_change(request, public_id)
    return Status(201, strategic.add_milestone(partnership, by=acting_user(request), **payload.model_dump()))


# Parties.


@router.get(
    "/partnerships/{public_id}/parties",
    response=codes({200: list[StrategicPartyOut]}, 404),
    summary="Parties of a partnership",
)
def list_parties(request: HttpRequest, public_id: UUID) -> list[dict[str, Any]]:
    """The lead institution, the other institutions, then the organisations and public bodies. Not paged: a
    partnership has a handful of parties."""
    partnership = _partnership(request, public_id, with_strategic(Partnership.objects.for_user(acting_user(request))))
    return _parties(partnership)


def _parties(partnership: Partnership) -> list[dict[str, Any]]:
    return [_party(row) for row in party_rows(partnership)]


def _party(row: Any) -> dict[str, Any]:
    organisation = row.organisation
    return {
        "name": row.name,
        "kind": row.kind,
        "role": row.role,
        "joined_on": row.joined_on,
        "is_institution": row.is_institution,
        "is_lead": row.is_lead,
        "organisation": organisation.public_id if organisation is not None else None,
    }


@router.post(
    "/partnerships/{public_id}/parties",
    response=codes({201: MilestoneOut}, 400, 403, 404),
    summary="Widen a partnership with a party",
)
def add_party(request: HttpRequest, public_id: UUID, payload: PartyIn) -> Status:
    """Add an organisation or another institution; the answer is the "widened" milestone this puts on the
    partnership's timeline."""
    user = acting_user(request)
    partnership = _for_change(request, public_id)
    institution = None
    if payload.institution:
        institution = Institution.objects.filter(slug=payload.institution).first()
        if institution is None:
            raise DomainError({"institution": _("Unknown: %(slugs)s") % {"slugs": payload.institution}})
    milestone = strategic.add_party(
        partnership,
        by=user,
        organisation=one(Organisation.objects.for_user(user), payload.organisation, "organisation"),
        institution=institution,
        role=payload.role,
        joined_on=payload.joined_on,
        contact_person=one(Person.objects.for_user(user), payload.contact_person, "contact_person"),
    )
    return Status(201, milestone)


# The board report.


@router.get(
    "/partnerships/{public_id}/report",
    response=codes({200: ReportOut}, 404),
    summary="Board report figures of a partnership",
)
def report(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    """Parties, forms and levels, the progress of every indicator, milestones, engagements per year and kind,
    and the people reached by SOFAR role. The relationship-health figures are in the Health part of the API."""
    user = acting_user(request)
    partnership = _partnership(request, public_id, with_strategic(Partnership.objects.for_user(user)))
    built = build_report(partnership, with_health=False)
    return {
        "partnership": partnership.public_id,
        "title": partnership.title,
        "generated_on": built.generated_on,
        "parties": [_party(row) for row in built.parties],
        "collaboration_forms": built.forms,
        "levels": built.levels,
        "indicators": [
            {
                "goal": progress.goal.title,
                "indicator": progress.indicator.name,
                "unit": progress.indicator.unit,
                "baseline": progress.indicator.baseline,
                "target": progress.indicator.target,
                "latest": progress.latest.value if progress.latest else None,
                "latest_on": progress.latest.measured_on if progress.latest else None,
                "percent": progress.percent,
                "reached": progress.reached,
            }
            for progress in built.indicators
        ],
        "milestones": built.milestones,
        "kinds": [label for _code, label in built.activities.kinds],
        "activities_per_year": [
            {"year": row.year, "counts": row.counts, "total": row.total} for row in built.activities.years
        ],
        "people_reached": [
            {"role": r.role, "label": r.label, "people": r.people, "hours": r.hours} for r in built.people.roles
        ],
        "people_total": built.people.total,
    }
