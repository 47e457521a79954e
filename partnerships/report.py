"""The board report of a strategic partnership, and the figures its page shares with it.

Everything is read in a fixed number of queries, whatever the number of goals,
indicators, measurements or engagements: the partnership comes with its
relations prefetched (``with_strategic``) and the yearly activity and the
people reached are aggregated in the database.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from engagements.models import Engagement, Participation
from network.models import Organisation, SofarRole
from partnerships.models import Goal, Indicator, Measurement, Milestone, Partnership, PartnershipParty


def with_strategic(queryset: QuerySet[Partnership]) -> QuerySet[Partnership]:
    """The partnership with everything its strategic page and report show, in a fixed number of queries."""
    return queryset.select_related("institution").prefetch_related(
        Prefetch(
            "parties",
            queryset=PartnershipParty.objects.select_related("organisation", "contact_person").order_by(
                "joined_on", "id"
            ),
        ),
        "other_institutions",
        Prefetch(
            "goals",
            queryset=Goal.objects.order_by("order", "id").prefetch_related(
                Prefetch(
                    "indicators",
                    queryset=Indicator.objects.order_by("id").prefetch_related(
                        Prefetch("measurements", queryset=Measurement.objects.order_by("measured_on", "id"))
                    ),
                )
            ),
        ),
        Prefetch("milestones", queryset=Milestone.objects.order_by("date", "id")),
    )


# Parties.


@dataclass(frozen=True)
class PartyRow:
    name: str
    kind: str
    role: str
    joined_on: dt.date | None
    mission: str
    is_institution: bool = False
    is_lead: bool = False
    party: PartnershipParty | None = None
    institution_id: int | None = None

    @property
    def organisation(self) -> Organisation | None:
        return self.party.organisation if self.party else None


def party_rows(partnership: Partnership) -> list[PartyRow]:
    """The lead institution, the other institutions, then the organisations and public bodies."""
    lead = partnership.institution
    rows = [
        PartyRow(
            name=lead.name,
            kind=str(lead.get_kind_display()),
            role=_("Lead institution"),
            joined_on=partnership.start_date,
            mission=lead.mission,
            is_institution=True,
            is_lead=True,
            institution_id=lead.pk,
        )
    ]
    for institution in partnership.other_institutions.all():
        rows.append(
            PartyRow(
                name=institution.name,
                kind=str(institution.get_kind_display()),
                role=_("Partner institution"),
                joined_on=None,
                mission=institution.mission,
                is_institution=True,
                institution_id=institution.pk,
            )
        )
    for party in partnership.parties.all():
        organisation = party.organisation
        kind = (
            _("Public body")
            if organisation.kind == Organisation.Kind.CITY_SERVICE
            else str(organisation.get_kind_display())
        )
        rows.append(
            PartyRow(
                name=organisation.name,
                kind=kind,
                role=party.role,
                joined_on=party.joined_on,
                mission=organisation.mission,
                party=party,
            )
        )
    return rows


def labels(values: list[str], choices: Any) -> list[str]:
    known = dict(choices)
    return [str(known.get(v, v)) for v in values]


# Indicators and their progress chart.

CHART_WIDTH, CHART_HEIGHT = 480, 190
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 48, 464, 14, 156


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    label: str
    value: str


@dataclass(frozen=True)
class ProgressChart:
    points: list[ChartPoint]
    target_y: float
    target_label: str
    baseline_y: float | None
    top_label: str
    polyline: str
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    left: int = CHART_LEFT
    right: int = CHART_RIGHT
    top: int = CHART_TOP
    bottom: int = CHART_BOTTOM

    @property
    def label_y(self) -> int:
        return self.bottom + 18

    @property
    def target_label_y(self) -> float:
        return round(self.target_y - 4, 1)


def number(value: Decimal | None) -> str:
    """A measured value as people write it: no trailing ",00"."""
    if value is None:
        return ""
    normalised = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return number_format(normalised, use_l10n=True)


def progress_chart(indicator: Indicator, measurements: list[Measurement]) -> ProgressChart:
    """Measured values over time as a line, against the target as a dashed line, in SVG coordinates."""
    values = [float(m.value) for m in measurements]
    top = max([float(indicator.target), *values, float(indicator.baseline or 0), 1.0]) * 1.1
    plot_height = CHART_BOTTOM - CHART_TOP

    def y_of(value: float) -> float:
        return round(CHART_BOTTOM - plot_height * max(value, 0.0) / top, 1)

    dates = [m.measured_on for m in measurements]
    first, last = (min(dates), max(dates)) if dates else (None, None)
    span = (last - first).days if first and last else 0
    plot_width = CHART_RIGHT - CHART_LEFT - 24
    points = []
    for measurement in measurements:
        if span:
            x = CHART_LEFT + 12 + plot_width * (measurement.measured_on - first).days / span  # type: ignore[operator]
        else:
            x = CHART_LEFT + (CHART_RIGHT - CHART_LEFT) / 2
        points.append(
            ChartPoint(
                x=round(x, 1),
                y=y_of(float(measurement.value)),
                label=date_format(measurement.measured_on, "Y" if span > 300 else "M Y"),
                value=number(measurement.value),
            )
        )
    return ProgressChart(
        points=points,
        target_y=y_of(float(indicator.target)),
        target_label=_("target %(value)s") % {"value": number(indicator.target)},
        baseline_y=y_of(float(indicator.baseline)) if indicator.baseline is not None else None,
        top_label=number(Decimal(str(round(top)))),
        polyline=" ".join(f"{p.x},{p.y}" for p in points),
    )


@dataclass(frozen=True)
class IndicatorProgress:
    indicator: Indicator
    goal: Goal
    measurements: list[Measurement]
    chart: ProgressChart

    @property
    def latest(self) -> Measurement | None:
        return self.measurements[-1] if self.measurements else None

    @property
    def percent(self) -> int | None:
        """How far the latest value has come from the baseline (or zero) to the target."""
        latest = self.latest
        if latest is None:
            return None
        start = self.indicator.baseline or Decimal(0)
        distance = self.indicator.target - start
        if not distance:
            return 100 if latest.value == self.indicator.target else None
        return round(100 * (latest.value - start) / distance)

    @property
    def reached(self) -> bool:
        return self.percent is not None and self.percent >= 100

    @property
    def bar_percent(self) -> int:
        return max(0, min(100, self.percent or 0))


@dataclass(frozen=True)
class GoalProgress:
    goal: Goal
    indicators: list[IndicatorProgress]


def goal_progress(partnership: Partnership) -> list[GoalProgress]:
    result = []
    for goal in partnership.goals.all():
        indicators = []
        for indicator in goal.indicators.all():
            measurements = list(indicator.measurements.all())
            indicators.append(IndicatorProgress(indicator, goal, measurements, progress_chart(indicator, measurements)))
        result.append(GoalProgress(goal, indicators))
    return result


# Activities per year and people reached.


@dataclass(frozen=True)
class YearRow:
    year: int
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Activities:
    kinds: list[tuple[str, str]]  # (code, label) of the kinds that occur
    years: list[YearRow]

    @property
    def totals(self) -> list[int]:
        return [sum(row.counts[i] for row in self.years) for i in range(len(self.kinds))]

    @property
    def total(self) -> int:
        return sum(row.total for row in self.years)


def _engagements(partnership: Partnership) -> QuerySet[Engagement]:
    # Cancelled engagements did not happen: they are not activity.
    return Engagement.objects.filter(partnership=partnership).exclude(status=Engagement.Status.CANCELLED)


def activities_per_year(partnership: Partnership) -> Activities:
    """Engagements per year they started, by kind."""
    rows = (
        _engagements(partnership)
        .order_by()
        .annotate(year=ExtractYear("start_date"))
        .values("year", "kind")
        .annotate(n=Count("id"))
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        counts[row["year"]][row["kind"]] = row["n"]
    present = {kind for per_kind in counts.values() for kind in per_kind}
    kinds = [(code, str(label)) for code, label in Engagement.Kind.choices if code in present]
    years = [YearRow(year, [counts[year].get(code, 0) for code, _label in kinds]) for year in sorted(counts)]
    return Activities(kinds, years)


@dataclass(frozen=True)
class RoleCount:
    role: str
    label: str
    people: int
    hours: int


@dataclass(frozen=True)
class PeopleReached:
    roles: list[RoleCount]
    total: int

    @property
    def student_hours(self) -> int:
        return next((r.hours for r in self.roles if r.role == SofarRole.STUDENT), 0)


def people_reached(partnership: Partnership) -> PeopleReached:
    """Distinct people taking part in the partnership's engagements, by SOFAR role, with their hours."""
    participations = Participation.objects.filter(engagement__in=_engagements(partnership)).order_by()
    per_role = {
        row["role"]: row
        for row in participations.values("role").annotate(people=Count("person_id", distinct=True), hours=Sum("hours"))
    }
    total = participations.aggregate(n=Count("person_id", distinct=True))["n"] or 0
    roles = [
        RoleCount(
            role,
            str(label),
            per_role.get(role, {}).get("people", 0),
            per_role.get(role, {}).get("hours", 0) or 0,
        )
        for role, label in SofarRole.choices
    ]
    return PeopleReached(roles, total)


# Relationship health, where those figures exist.


@dataclass(frozen=True)
class Health:
    closeness: Any | None = None
    equity: Any | None = None

    @property
    def any(self) -> bool:
        return self.closeness is not None or self.equity is not None


def health_figures(partnership: Partnership, *, today: dt.date) -> Health:
    """Closeness over the last year and the balance of contributions, when the health modules are there."""
    closeness = equity = None
    try:
        from health.closeness import closeness_for_partnership
    except ImportError:
        pass
    else:
        closeness = closeness_for_partnership(partnership, start=today - dt.timedelta(days=365), end=today)
    try:
        from health.equity import equity_for_partnership
    except ImportError:
        pass
    else:
        equity = equity_for_partnership(partnership)
    return Health(closeness, equity)


# The report.


@dataclass(frozen=True)
class StrategicReport:
    partnership: Partnership
    parties: list[PartyRow]
    forms: list[str]
    levels: list[str]
    goals: list[GoalProgress]
    milestones: list[Milestone]
    activities: Activities
    people: PeopleReached
    health: Health | None
    generated_on: dt.date

    @property
    def indicators(self) -> list[IndicatorProgress]:
        return [i for g in self.goals for i in g.indicators]


def build_report(partnership: Partnership, *, with_health: bool, today: dt.date | None = None) -> StrategicReport:
    """The board report. ``partnership`` should come through ``with_strategic``.

    ``with_health`` is the caller's decision whether the reader may see the
    relationship-health figures (they read the lead institution's contact moments).
    """
    today = today or timezone.localdate()
    return StrategicReport(
        partnership=partnership,
        parties=party_rows(partnership),
        forms=labels(partnership.collaboration_forms, Engagement.Kind.choices),
        levels=labels(partnership.levels, Engagement.Level.choices),
        goals=goal_progress(partnership),
        milestones=list(partnership.milestones.all()),
        activities=activities_per_year(partnership),
        people=people_reached(partnership),
        health=health_figures(partnership, today=today) if with_health else None,
        generated_on=today,
    )
