"""A strategic partnership through the API: its parties (a widening is a milestone), forms of collaboration
and levels, shared goals with indicators and measurements, milestones, and the board report (figures and
PDF). Same services and rules as the strategic pages: whoever sees the partnership reads them; changing them
is ``partnerships.change_partnership``.

Goals, indicators, measurements, milestones and organisation parties have no public UUID of their own: they
are addressed by their number inside the partnership, and a number from another partnership is a 404. They
have no version either: an edit sends the ``fingerprint`` it read, and a record changed since is refused
(409), as on the edit pages. The forms and levels belong to the partnership and use its ``version``.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from accounts.access import get_for_user_or_404, require
from api.auth import acting_user
from api.errors import codes
from api.lookups import one
from api.pagination import Pages
from api.schemas import InputSchema, Version, choice
from engagements.models import Engagement
from lib.errors import DomainError
from network.models import Institution, Organisation, Person
from partnerships import strategic
from partnerships.models import Goal, Indicator, Measurement, Milestone, Partnership, PartnershipParty
from partnerships.report import PartyRow, build_report, party_rows, with_strategic
from partnerships.strategic import GOAL_FIELDS, INDICATOR_FIELDS, MILESTONE_FIELDS, PARTY_FIELDS, fingerprint
from web.views.strategic import report_for, report_pdf_response

router = Router(tags=["Strategic partnerships"])

CHANGE = "partnerships.change_partnership"
MilestoneKind = choice(Milestone.Kind)
CollaborationForm = choice(Engagement.Kind)
Level = choice(Engagement.Level)
Amount = Annotated[Decimal, Field(max_digits=12, decimal_places=2, description="Up to 12 digits, 2 decimals.")]
LOCAL_ID = "The number of the record inside the partnership."
FINGERPRINT = "Changes when the record changes: send it back with an edit."
Fingerprint = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        description="The `fingerprint` you read: a change to a record that changed since is refused (409).",
    ),
]
LocalId = Annotated[int, Path(..., ge=1, le=2**62, description=LOCAL_ID)]
PDF = {
    "description": "The board report as a PDF; headings in Dutch and English.",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
}


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


# Finding things.


def _partnership(request: HttpRequest, public_id: UUID, queryset: QuerySet[Partnership] | None = None) -> Partnership:
    visible = queryset if queryset is not None else Partnership.objects.for_user(acting_user(request))
    return get_for_user_or_404(visible.select_related("institution"), public_id=public_id)


def _full(request: HttpRequest, public_id: UUID) -> Partnership:
    """The partnership with everything its strategic page and report show."""
    return _partnership(request, public_id, with_strategic(Partnership.objects.for_user(acting_user(request))))


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


def _goal(partnership: Partnership, goal_id: int) -> Goal:
    return get_for_user_or_404(Goal.objects.filter(partnership=partnership).select_related("partnership"), pk=goal_id)


def _indicators(partnership: Partnership) -> QuerySet[Indicator]:
    return Indicator.objects.filter(goal__partnership=partnership).select_related("goal__partnership")


def _indicator(partnership: Partnership, indicator_id: int) -> Indicator:
    return get_for_user_or_404(_indicators(partnership), pk=indicator_id)


def _indicator_out(indicator: Indicator) -> Indicator:
    return Indicator.objects.prefetch_related(
        Prefetch("measurements", queryset=Measurement.objects.order_by("measured_on", "id"))
    ).get(pk=indicator.pk)


def _milestone(partnership: Partnership, milestone_id: int) -> Milestone:
    return get_for_user_or_404(
        Milestone.objects.filter(partnership=partnership).select_related("partnership"), pk=milestone_id
    )


def _organisation_party(partnership: Partnership, party_id: int) -> PartnershipParty:
    return get_for_user_or_404(
        PartnershipParty.objects.filter(partnership=partnership).select_related(
            "partnership", "organisation", "contact_person"
        ),
        pk=party_id,
    )


# Forms of collaboration and levels.


@router.get(
    "/partnerships/{public_id}/collaboration",
    response=codes({200: CollaborationOut}, 404),
    summary="Forms of collaboration and levels of a partnership",
)
def get_collaboration(request: HttpRequest, public_id: UUID) -> Partnership:
    """The engagement kinds the partnership works with and the levels it works at, with its `version`."""
    return _partnership(request, public_id)


@router.patch(
    "/partnerships/{public_id}/collaboration",
    response=codes({200: CollaborationOut}, 400, 403, 404, 409),
    summary="Set the forms of collaboration and levels",
)
def set_collaboration(request: HttpRequest, public_id: UUID, payload: CollaborationPatch) -> Partnership:
    """A list sent replaces the partnership's (kept in the order of the choices); a list not sent stays.
    409 when `version` is stale."""
    partnership = _for_change(request, public_id)
    forms, levels = payload.collaboration_forms, payload.levels
    strategic.set_collaboration(
        partnership,
        by=acting_user(request),
        expected_version=payload.version,
        forms=partnership.collaboration_forms if forms is None else forms,
        levels=partnership.levels if levels is None else levels,
    )
    return partnership


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


@router.get(
    "/partnerships/{public_id}/goals/{goal_id}",
    response=codes({200: GoalOut}, 404),
    summary="One goal of a partnership",
)
def get_goal(request: HttpRequest, public_id: UUID, goal_id: LocalId) -> Goal:
    """The goal with its indicators and their measurements (oldest first)."""
    return get_for_user_or_404(_goals(_partnership(request, public_id)), pk=goal_id)


@router.patch(
    "/partnerships/{public_id}/goals/{goal_id}",
    response=codes({200: GoalOut}, 400, 403, 404, 409),
    summary="Change a goal",
)
def change_goal(request: HttpRequest, public_id: UUID, payload: GoalPatch, goal_id: LocalId) -> Goal:
    """Change the fields sent. 409 when the goal changed since you read its `fingerprint`."""
    partnership = _for_change(request, public_id)
    goal = _goal(partnership, goal_id)
    values = payload.model_dump(exclude_unset=True, exclude={"fingerprint"})
    strategic.update_goal(goal, by=acting_user(request), expected=payload.fingerprint, **values)
    return _goals(partnership).get(pk=goal.pk)


@router.delete(
    "/partnerships/{public_id}/goals/{goal_id}",
    response=codes({204: None}, 403, 404),
    summary="Remove a goal",
)
def remove_goal(request: HttpRequest, public_id: UUID, goal_id: LocalId) -> Status:
    """Remove the goal with its indicators and their measurements."""
    partnership = _for_change(request, public_id)
    strategic.remove_goal(_goal(partnership, goal_id), by=acting_user(request))
    return Status(204, None)


@router.post(
    "/partnerships/{public_id}/goals/{goal_id}/indicators",
    response=codes({201: IndicatorOut}, 400, 403, 404),
    summary="Add an indicator to a goal",
)
def add_indicator(request: HttpRequest, public_id: UUID, payload: IndicatorIn, goal_id: LocalId) -> Status:
    """A collective-impact indicator: what is measured, from which baseline to which target."""
    partnership = _for_change(request, public_id)
    goal = _goal(partnership, goal_id)
    indicator = strategic.add_indicator(goal, by=acting_user(request), **payload.model_dump())
    return Status(201, _indicator_out(indicator))


@router.get(
    "/partnerships/{public_id}/indicators/{indicator_id}",
    response=codes({200: IndicatorOut}, 404),
    summary="One indicator of a partnership",
)
def get_indicator(request: HttpRequest, public_id: UUID, indicator_id: LocalId) -> Indicator:
    """The indicator with its measurements (oldest first)."""
    return _indicator_out(_indicator(_partnership(request, public_id), indicator_id))


@router.patch(
    "/partnerships/{public_id}/indicators/{indicator_id}",
    response=codes({200: IndicatorOut}, 400, 403, 404, 409),
    summary="Change an indicator",
)
def change_indicator(
    request: HttpRequest, public_id: UUID, payload: IndicatorPatch, indicator_id: LocalId
) -> Indicator:
    """Change the fields sent; an indicator keeps a name and a target. 409 when the indicator changed since you
    read its `fingerprint`."""
    partnership = _for_change(request, public_id)
    indicator = _indicator(partnership, indicator_id)
    values = payload.model_dump(exclude_unset=True, exclude={"fingerprint"})
    strategic.update_indicator(indicator, by=acting_user(request), expected=payload.fingerprint, **values)
    return _indicator_out(indicator)


@router.delete(
    "/partnerships/{public_id}/indicators/{indicator_id}",
    response=codes({204: None}, 403, 404),
    summary="Remove an indicator",
)
def remove_indicator(request: HttpRequest, public_id: UUID, indicator_id: LocalId) -> Status:
    """Remove the indicator with its measurements."""
    partnership = _for_change(request, public_id)
    strategic.remove_indicator(_indicator(partnership, indicator_id), by=acting_user(request))
    return Status(204, None)


@router.post(
    "/partnerships/{public_id}/indicators/{indicator_id}/measurements",
    response=codes({201: MeasurementOut}, 400, 403, 404),
    summary="Record a measurement",
)
def add_measurement(request: HttpRequest, public_id: UUID, payload: MeasurementIn, indicator_id: LocalId) -> Status:
    """A measured value of the indicator on a date (not in the future)."""
    partnership = _for_change(request, public_id)
    indicator = _indicator(partnership, indicator_id)
    measurement = strategic.record_measurement(indicator, by=acting_user(request), **payload.model_dump())
    return Status(201, measurement)


@router.delete(
    "/partnerships/{public_id}/measurements/{measurement_id}",
    response=codes({204: None}, 403, 404),
    summary="Remove a measurement",
)
def remove_measurement(request: HttpRequest, public_id: UUID, measurement_id: LocalId) -> Status:
    partnership = _for_change(request, public_id)
    measurement = get_for_user_or_404(
        Measurement.objects.filter(indicator__goal__partnership=partnership).select_related(
            "indicator__goal__partnership"
        ),
        pk=measurement_id,
    )
    strategic.remove_measurement(measurement, by=acting_user(request))
    return Status(204, None)


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
    milestone = strategic.add_milestone(partnership, by=acting_user(request), **payload.model_dump())
    return Status(201, Milestone.objects.get(pk=milestone.pk))


@router.get(
    "/partnerships/{public_id}/milestones/{milestone_id}",
    response=codes({200: MilestoneOut}, 404),
    summary="One milestone of a partnership",
)
def get_milestone(request: HttpRequest, public_id: UUID, milestone_id: LocalId) -> Milestone:
    return _milestone(_partnership(request, public_id), milestone_id)


@router.patch(
    "/partnerships/{public_id}/milestones/{milestone_id}",
    response=codes({200: MilestoneOut}, 400, 403, 404, 409),
    summary="Change a milestone",
)
def change_milestone(
    request: HttpRequest, public_id: UUID, payload: MilestonePatch, milestone_id: LocalId
) -> Milestone:
    """Change the fields sent. 409 when the milestone changed since you read its `fingerprint`."""
    partnership = _for_change(request, public_id)
    milestone = _milestone(partnership, milestone_id)
    values = payload.model_dump(exclude_unset=True, exclude={"fingerprint"})
    strategic.update_milestone(milestone, by=acting_user(request), expected=payload.fingerprint, **values)
    return Milestone.objects.get(pk=milestone.pk)


@router.delete(
    "/partnerships/{public_id}/milestones/{milestone_id}",
    response=codes({204: None}, 403, 404),
    summary="Remove a milestone",
)
def remove_milestone(request: HttpRequest, public_id: UUID, milestone_id: LocalId) -> Status:
    partnership = _for_change(request, public_id)
    strategic.remove_milestone(_milestone(partnership, milestone_id), by=acting_user(request))
    return Status(204, None)


# Parties.


@router.get(
    "/partnerships/{public_id}/parties",
    response=codes({200: list[StrategicPartyOut]}, 404),
    summary="Parties of a partnership",
)
def list_parties(request: HttpRequest, public_id: UUID) -> list[dict[str, Any]]:
    """The lead institution, the other institutions, then the organisations and public bodies. Not paged: a
    partnership has a handful of parties."""
    partnership = _full(request, public_id)
    return [_party(row, partnership) for row in party_rows(partnership)]


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
    return Status(201, Milestone.objects.get(pk=milestone.pk))


@router.patch(
    "/partnerships/{public_id}/parties/{party_id}",
    response=codes({200: StrategicPartyOut}, 400, 403, 404, 409),
    summary="Change an organisation's part in a partnership",
)
def change_party(request: HttpRequest, public_id: UUID, payload: PartyPatch, party_id: LocalId) -> dict[str, Any]:
    """Change the role, the date it joined or the contact person of an organisation or public body (`id` in the
    list of parties). 409 when the party changed since you read its `fingerprint`."""
    user = acting_user(request)
    partnership = _for_change(request, public_id)
    party = _organisation_party(partnership, party_id)
    sent = payload.model_fields_set
    strategic.update_party(
        party,
        by=user,
        expected=payload.fingerprint,
        role=payload.role if "role" in sent else party.role,
        joined_on=payload.joined_on if "joined_on" in sent else party.joined_on,
        contact_person=one(Person.objects.for_user(user), payload.contact_person, "contact_person")
        if "contact_person" in sent
        else party.contact_person,
    )
    full = _full(request, public_id)
    return next(_party(row, full) for row in party_rows(full) if row.party is not None and row.party.pk == party.pk)


@router.delete(
    "/partnerships/{public_id}/parties/{party_id}",
    response=codes({204: None}, 400, 403, 404),
    summary="Remove an organisation from a partnership",
)
def remove_party(request: HttpRequest, public_id: UUID, party_id: LocalId) -> Status:
    """Remove an organisation or public body (`id` in the list of parties). A partnership keeps at least one
    partner organisation (400)."""
    partnership = _for_change(request, public_id)
    strategic.remove_party(_organisation_party(partnership, party_id), by=acting_user(request))
    return Status(204, None)


@router.delete(
    "/partnerships/{public_id}/institutions/{slug}",
    response=codes({204: None}, 403, 404),
    summary="Remove a partner institution from a partnership",
)
def remove_institution(
    request: HttpRequest,
    public_id: UUID,
    slug: str = Path(..., max_length=100, description="The institution's slug (`institution` in the parties)."),
) -> Status:
    """Another institution leaves the partnership. The lead institution cannot leave its own partnership (404:
    it is not a partner institution)."""
    partnership = _for_change(request, public_id)
    institution = get_for_user_or_404(partnership.other_institutions.all(), slug=slug)
    strategic.remove_institution(partnership, institution, by=acting_user(request))
    return Status(204, None)


# The board report.


@router.get(
    "/partnerships/{public_id}/report",
    response=codes({200: ReportOut}, 404),
    summary="Board report figures of a partnership",
)
def report(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    """Parties, forms and levels, the progress of every indicator, milestones, engagements per year and kind,
    and the people reached by SOFAR role. The relationship-health figures are in the Health part of the API
    (and in the PDF for those who may see them)."""
    partnership = _full(request, public_id)
    built = build_report(partnership, with_health=False)
    return {
        "partnership": partnership.public_id,
        "title": partnership.title,
        "generated_on": built.generated_on,
        "parties": [_party(row, partnership) for row in built.parties],
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


@router.get(
    "/partnerships/{public_id}/report.pdf",
    response=codes({200: None}, 404),
    openapi_extra={"responses": {200: PDF}},
    summary="Board report of a partnership as a PDF",
)
def report_pdf(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The board report as the web page prints it: headings in Dutch and English, the institution's name and
    logo. The relationship-health section is there for those who may see the partnership's health."""
    return report_pdf_response(report_for(acting_user(request), _full(request, public_id)))
