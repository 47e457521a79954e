"""The reports dashboard of one institution and academic year: every figure an aggregate in SQL.

The number of queries is fixed (about twenty), whatever the size of the
region: counts and sums are grouped in the database, and the only rows read
into Python are grouped ones (per kind, per stage, per coordinate pair, or the
top twenty partners).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import DatabaseError
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from engagements.models import Engagement, Participation
from network.models import Campus, Institution, Organisation, Relationship, SofarRole
from network.selectors import stale, stale_cutoff
from partnerships.models import ContinuumStage, Partnership
from reports.charts import Chart
from reports.graph import academic_year_bounds, academic_year_of

LOAD_ROWS = 20


@dataclass
class Dashboard:
    institution: Institution
    year: str
    start: dt.date
    end: dt.date
    headline: dict[str, int]
    charts: list[Chart] = field(default_factory=list)

    def chart(self, key: str) -> Chart:
        return next(chart for chart in self.charts if chart.key == key)

    def as_json(self) -> dict[str, Any]:
        return {
            "institution": self.institution.name,
            "year": self.year,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "headline": self.headline,
            "charts": [
                {
                    "key": chart.key,
                    "title": chart.title,
                    "note": chart.note,
                    "rows": [{"label": label, "value": value} for label, value in chart.rows],
                }
                for chart in self.charts
            ],
        }


def years_for(institution: Institution, today: dt.date | None = None) -> list[str]:
    """The academic years offered: the current one and the five before it."""
    current = int(academic_year_of(today or timezone.localdate())[:4])
    return [f"{y}-{y + 1}" for y in range(current, current - 6, -1)]


def engagements_in(institution: Institution, start: dt.date, end: dt.date) -> QuerySet[Engagement]:
    """The institution's engagements running at some time in the period (not cancelled)."""
    return (
        Engagement.objects.filter(institution=institution, start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .exclude(status=Engagement.Status.CANCELLED)
    )


def build_dashboard(user: Any, institution: Institution, year: str, *, today: dt.date | None = None) -> Dashboard:
    start, end = academic_year_bounds(year)
    engagements = engagements_in(institution, start, end)
    participations = Participation.objects.filter(engagement__in=engagements.values("pk"))
    # One pass over the year's engagements and one over their participants serve the headline and
    # several charts: the year is scanned a handful of times instead of ten.
    totals = engagements.aggregate(
        n=Count("pk"),
        partners=Count("organisation", distinct=True),
        hours=Sum("hours"),
        unknown=Count(
            "pk",
            filter=Q(organisation__isnull=True)
            | Q(organisation__latitude__isnull=True)
            | Q(organisation__longitude__isnull=True),
        ),
    )
    by_role = {
        row["role"]: row
        for row in participations.order_by()
        .values("role")
        .annotate(hours=Sum("hours"), people=Count("person", distinct=True))
    }
    students = by_role.get(SofarRole.STUDENT, {})
    headline = {
        "partners": totals["partners"],
        "engagements": totals["n"],
        "students": students.get("people", 0),
        "student_hours": students.get("hours") or 0,
        "engagement_hours": totals["hours"] or 0,
    }
    board = Dashboard(institution=institution, year=year, start=start, end=end, headline=headline)
    board.charts = [
        _partners(engagements),
        _engagements(engagements),
        _hours(by_role),
        _continuum(user, institution),
        _health(user, institution, today),
        _channels(institution, start, end),
        _load(engagements),
        _neighbourhood(institution, engagements, unknown=totals["unknown"]),
    ]
    return board


def _choice_rows(
    rows: list[dict[str, Any]], field_name: str, choices: list[tuple[Any, Any]]
) -> list[tuple[str, float]]:
    counts = {row[field_name]: row["n"] for row in rows}
    return [(str(label), counts.get(value, 0)) for value, label in choices]


def _partners(engagements: QuerySet[Engagement]) -> Chart:
    rows = list(
        Organisation.objects.filter(pk__in=engagements.values("organisation_id"))
        .order_by()
        .values("kind")
        .annotate(n=Count("pk"))
    )
    return Chart(
        "partners",
        _("Partners with activity, by kind"),
        _("Kind of organisation"),
        _("Organisations"),
        _choice_rows(rows, "kind", Organisation.Kind.choices),
        _("Organisations with at least one engagement in the year."),
    )


def _engagements(engagements: QuerySet[Engagement]) -> Chart:
    rows = list(engagements.order_by().values("kind").annotate(n=Count("pk")))
    return Chart(
        "engagements",
        _("Engagements, by type"),
        _("Type"),
        _("Engagements"),
        _choice_rows(rows, "kind", Engagement.Kind.choices),
    )


def _hours(by_role: dict[str, dict[str, Any]]) -> Chart:
    return Chart(
        "hours",
        _("Hours, by SOFAR role"),
        _("SOFAR role"),
        _("Hours"),
        [(str(label), by_role.get(value, {}).get("hours") or 0) for value, label in SofarRole.choices],
        _("Hours recorded for the people taking part in the year's engagements."),
    )


def _continuum(user: Any, institution: Institution) -> Chart:
    rows = list(
        Partnership.objects.for_user(user)
        .filter(institution=institution)
        .exclude(status=Partnership.Status.ENDED)
        .order_by()
        .values("stage")
        .annotate(n=Count("pk"))
    )
    counts = {row["stage"]: row["n"] for row in rows}
    return Chart(
        "continuum",
        _("Partnerships over the continuum"),
        _("Continuum step"),
        _("Partnerships"),
        [(f"{value}. {label}", counts.get(value, 0)) for value, label in ContinuumStage.choices],
        _("The partnerships your institution leads that have not ended, today."),
    )


def _health(user: Any, institution: Institution, today: dt.date | None) -> Chart:
    from health.overview import FLAG_CHOICES, overview_base, with_health

    health = with_health(overview_base(user, institution), institution, today=today)
    sums = health.queryset.order_by().aggregate(
        **{code: Sum(f"flag_{code}") for code, _label in FLAG_CHOICES}, partnerships=Count("pk")
    )
    rows: list[tuple[str, float]] = [(str(label), sums[code] or 0) for code, label in FLAG_CHOICES]
    cutoff = stale_cutoff(institution, today)
    relationships = Relationship.objects.filter(institution=institution, status=Relationship.Status.ACTIVE)
    counts = relationships.aggregate(
        stale=Count("pk", filter=stale(cutoff)),
        orphaned=Count("pk", filter=Q(orphaned=True)),
    )
    rows += [
        (_("Relationships without recent contact"), counts["stale"]),
        (_("Relationships without an active owner"), counts["orphaned"]),
    ]
    return Chart(
        "health",
        _("Relationship health: flags"),
        _("Flag"),
        _("Number"),
        rows,
        _(
            "Partnerships (not ended) carrying each flag of the health overview, and active relationships, today. "
            "Of %(n)s partnerships."
        )
        % {"n": sums["partnerships"]},
    )


def _channels(institution: Institution, start: dt.date, end: dt.date) -> Chart:
    """The channel of the matches proposed in the year; "no data" while the matching app has none."""
    chart = Chart("channels", _("Channel mix of new partnerships"), _("Channel"), _("Matches"))
    if not apps.is_installed("matching"):
        chart.note = _("No data: matching is not in use.")
        return chart
    try:
        match = apps.get_model("matching", "Match")
        rows = list(
            match.objects.filter(institution=institution, proposed_at__date__range=(start, end))
            .order_by()
            .values("channel")
            .annotate(n=Count("pk"))
        )
        chart.rows = _choice_rows(rows, "channel", list(match.Channel.choices))
    except (LookupError, AttributeError, DatabaseError):
        chart.note = _("No data: matching is not in use.")
        return chart
    chart.note = _("Matches proposed in the year, by the way they came about.") if rows else _("No data.")
    return chart


def _load(engagements: QuerySet[Engagement]) -> Chart:
    rows = list(
        engagements.filter(
            organisation__isnull=False, status__in=[Engagement.Status.PLANNED, Engagement.Status.RUNNING]
        )
        .order_by()
        .values("organisation__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "organisation__name")[:LOAD_ROWS]
    )
    return Chart(
        "load",
        _("Load per partner"),
        _("Organisation"),
        _("Open engagements"),
        [(row["organisation__name"], row["n"]) for row in rows],
        _("The %(n)s organisations with the most planned or running engagements in the year.") % {"n": LOAD_ROWS},
    )


def _neighbourhood(institution: Institution, engagements: QuerySet[Engagement], *, unknown: int) -> Chart:
    """Engagements whose organisation lies in a campus neighbourhood (its drawn area, else its radius)."""
    from places.geo import Neighbourhood

    areas = [a for a in (Neighbourhood.of(c) for c in Campus.objects.filter(institution=institution)) if a]
    located = (
        engagements.filter(organisation__latitude__isnull=False, organisation__longitude__isnull=False)
        .order_by()
        .values_list("organisation__latitude", "organisation__longitude")
        .annotate(n=Count("pk"))
    )
    near = elsewhere = 0
    for lat, lon, n in located:
        if any(area.contains(lat, lon) for area in areas):
            near += n
        else:
            elsewhere += n
    chart = Chart(
        "neighbourhood",
        _("Neighbourhood or elsewhere"),
        _("Where"),
        _("Engagements"),
        [(_("In a campus neighbourhood"), near), (_("Elsewhere"), elsewhere), (_("Location unknown"), unknown)],
    )
    if not areas:
        chart.note = _("No campus has a location yet, so no neighbourhood is known.")
    return chart
