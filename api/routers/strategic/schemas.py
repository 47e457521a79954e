"""The schemas of the strategic routes: a goal with its indicators and measurements, a milestone, a party,
the forms of collaboration and levels, and the board report's figures as an answer shows them; what an add or
an edit sends (an edit of a goal, indicator, milestone or party sends the ``fingerprint`` it read). Also
``_party``, which shapes a row of the parties for the list of parties and for the report."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from ninja import Field, Schema
from pydantic import ConfigDict

from api.schemas import InputSchema, Version, choice
from engagements.models import Engagement
from partnerships.models import Goal, Indicator, Measurement, Milestone, Partnership
from partnerships.report import PartyRow
from partnerships.strategic import GOAL_FIELDS, INDICATOR_FIELDS, MILESTONE_FIELDS, PARTY_FIELDS, fingerprint

MilestoneKind = choice(Milestone.Kind)
CollaborationForm = choice(Engagement.Kind)
Level = choice(Engagement.Level)
Amount = Annotated[Decimal, Field(max_digits=12, decimal_places=2, description="Up to 12 digits, 2 decimals.")]
FINGERPRINT = "Changes when the record changes: send it back with an edit."
Fingerprint = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        description="The `fingerprint` you read: a change to a record that changed since is refused (409).",
    ),
]


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
    fingerprint: str = Field(description=FINGERPRINT)

    @staticmethod
    def resolve_measurements(obj: Indicator) -> list[Measurement]:
        return list(obj.measurements.all())

    @staticmethod
    def resolve_fingerprint(obj: Indicator) -> str:
        return fingerprint(obj, INDICATOR_FIELDS)


class GoalOut(Schema):
    id: int
    title: str
    description: str
    order: int
    indicators: list[IndicatorOut]
    fingerprint: str = Field(description=FINGERPRINT)

    @staticmethod
    def resolve_indicators(obj: Goal) -> list[Indicator]:
        return list(obj.indicators.all())

    @staticmethod
    def resolve_fingerprint(obj: Goal) -> str:
        return fingerprint(obj, GOAL_FIELDS)


class MilestoneOut(Schema):
    id: int
    date: dt.date
    kind: str
    kind_label: str
    title: str
    description: str
    fingerprint: str = Field(description=FINGERPRINT)

    @staticmethod
    def resolve_kind_label(obj: Milestone) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_fingerprint(obj: Milestone) -> str:
        return fingerprint(obj, MILESTONE_FIELDS)


class StrategicPartyOut(Schema):
    id: int | None = Field(
        description="The number of an organisation's place in the partnership (to edit or remove it); none for an "
        "institution."
    )
    name: str
    kind: str
    role: str
    joined_on: dt.date | None
    is_institution: bool
    is_lead: bool
    organisation: UUID | None = Field(description="The organisation's id; none for an institution.")
    institution: str | None = Field(description="The institution's slug; none for an organisation.")
    contact_person: UUID | None = Field(description="The contact person on the organisation's side, if any.")
    fingerprint: str | None = Field(description=f"{FINGERPRINT} None for an institution.")


class CollaborationOut(Schema):
    """The range of forms of collaboration (engagement kinds) and the levels the partnership works at."""

    collaboration_forms: list[str] = Field(description="Engagement kinds, in the order of their choices.")
    levels: list[str]
    version: int = Field(description="The partnership's version: send it back with a change.")


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


class GoalPatch(InputSchema):
    """The fields sent are changed; the others stay."""

    fingerprint: Fingerprint
    title: str | None = Field(None, max_length=200)
    description: str | None = None
    order: int | None = Field(None, ge=0, le=32767, description="Place in the list.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"fingerprint": "4f1c2b3a9d8e7f60", "title": "Meer jongeren halen hun diploma"}]
        }
    )


class IndicatorPatch(InputSchema):
    """The fields sent are changed; the others stay. An indicator keeps its name and target."""

    fingerprint: Fingerprint
    name: str | None = Field(None, max_length=200)
    target: Amount | None = None
    unit: str | None = Field(None, max_length=40)
    baseline: Amount | None = None
    target_date: dt.date | None = None
    measured_by: str | None = Field(None, max_length=200)

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"fingerprint": "4f1c2b3a9d8e7f60", "target": 40, "target_date": "2027-06-30"}]}
    )


class MilestonePatch(InputSchema):
    """The fields sent are changed; the others stay."""

    fingerprint: Fingerprint
    date: dt.date | None = None
    title: str | None = Field(None, max_length=200)
    kind: MilestoneKind | None = None
    description: str | None = None

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"fingerprint": "4f1c2b3a9d8e7f60", "date": "2026-05-19"}]}
    )


class PartyPatch(InputSchema):
    """The fields sent are changed; the others stay."""

    fingerprint: Fingerprint
    role: str | None = Field(None, max_length=200)
    joined_on: dt.date | None = None
    contact_person: UUID | None = Field(None, description="Someone who works for the organisation; null for none.")

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"fingerprint": "4f1c2b3a9d8e7f60", "role": "Lokaal bestuur"}]}
    )


class CollaborationPatch(InputSchema):
    """The lists sent replace the partnership's; a list not sent stays."""

    version: Version
    collaboration_forms: list[CollaborationForm] | None = Field(None, description="Engagement kinds.")
    levels: list[Level] | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"version": 3, "collaboration_forms": ["service_learning"], "levels": ["course", "programme"]}]
        }
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


# A party as the list of parties and the report show it.


def _party(row: PartyRow, partnership: Partnership) -> dict[str, Any]:
    party = row.party
    institution = None
    if row.institution_id is not None:
        institutions = [partnership.institution, *partnership.other_institutions.all()]
        institution = next((i.slug for i in institutions if i.pk == row.institution_id), None)
    return {
        "id": party.pk if party is not None else None,
        "name": row.name,
        "kind": row.kind,
        "role": row.role,
        "joined_on": row.joined_on,
        "is_institution": row.is_institution,
        "is_lead": row.is_lead,
        "organisation": party.organisation.public_id if party is not None else None,
        "institution": institution,
        "contact_person": party.contact_person.public_id if party is not None and party.contact_person else None,
        "fingerprint": fingerprint(party, PARTY_FIELDS) if party is not None else None,
    }
