"""Read side of the neighbourhood campus: what lies in a neighbourhood, the map's data, the
neighbourhood page, the reflex over the years and a facility's month calendar.

Every function runs a fixed number of queries, whatever the number of rows: candidates come
from the database in one query each (a bounding box on an organisation's coordinates, or a
link to the campus), the exact geometry is tested in Python (``places.geo``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from engagements.models import Course, Engagement, Participation
from network.models import Campus, Organisation, Person, SofarRole
from partnerships.models import Partnership
from places.geo import Neighbourhood
from places.models import Booking, Facility, NeighbourhoodEvent

# The map endpoint never answers with more features than this; beyond it, points are aggregated.
MAX_FEATURES = 2000
# Rows read from the database per kind of thing, at most: a neighbourhood is a few streets.
CANDIDATE_CAP = 5000
# Collaborations listed on the neighbourhood page, newest first.
PAGE_CAP = 300

FRONTS = Engagement.Front
DIRECTIONS = Engagement.Direction


@dataclass
class Collaboration:
    """An engagement in the neighbourhood, with where it is drawn on the map."""

    engagement: Engagement
    lat: float | None
    lon: float | None
    at_campus: bool


def neighbourhood_of(campus: Campus) -> Neighbourhood | None:
    return Neighbourhood.of(campus)


def _candidate_engagements(campus: Campus, area: Neighbourhood | None) -> Any:
    # Each branch is a condition on the engagement's own columns (an IN over an indexed lookup), so the
    # database can answer the OR as a union of index searches instead of reading every engagement of the
    # institution. The institution is compared as ``institution_id + 0`` on purpose: SQLite would otherwise
    # pick the institution index and test the OR row by row (30 ms instead of 70 ms at region scale).
    linked = Q(partnership_id__in=Partnership.objects.filter(campus=campus).values("pk")) | Q(
        course_id__in=Course.objects.filter(campus=campus).values("pk")
    )
    near = Q(organisation_id__in=Organisation.objects.filter(**area.lookup()).values("pk")) if area else Q(pk__in=[])
    return (
        Engagement.objects.filter(linked | near)
        .alias(owner=F("institution_id") + 0)
        .filter(owner=campus.institution_id)
        .exclude(status=Engagement.Status.CANCELLED)
        .select_related("organisation", "partnership", "course")
        .order_by("-start_date", "-id")
    )


def collaborations(campus: Campus, *, cap: int = CANDIDATE_CAP) -> list[Collaboration]:
    """Engagements of the campus's institution in its neighbourhood: linked to the campus (through a
    place-based partnership or a course on the campus) or with a partner located in the neighbourhood.
    One query."""
    area = neighbourhood_of(campus)
    found = []
    for engagement in _candidate_engagements(campus, area)[:cap]:
        org = engagement.organisation
        linked = campus.pk in (
            getattr(engagement.partnership, "campus_id", None),
            getattr(engagement.course, "campus_id", None),
        )
        inside = area is not None and org is not None and area.contains(org.latitude, org.longitude)
        if not (linked or inside):
            continue
        if inside:
            found.append(Collaboration(engagement, org.latitude, org.longitude, at_campus=False))  # type: ignore[union-attr]
        else:
            found.append(Collaboration(engagement, campus.latitude, campus.longitude, at_campus=True))
    return found


def organisations_in(campus: Campus, *, cap: int = CANDIDATE_CAP) -> list[Organisation]:
    """Active organisations of the shared directory located in the neighbourhood. One query."""
    area = neighbourhood_of(campus)
    if area is None:
        return []
    candidates = Organisation.objects.filter(is_active=True, **area.lookup()).order_by("name", "id")[:cap]
    return [org for org in candidates if area.contains(org.latitude, org.longitude)]


def events_of(campus: Campus, *, cap: int = CANDIDATE_CAP) -> list[NeighbourhoodEvent]:
    return list(
        NeighbourhoodEvent.objects.filter(campus=campus).select_related("organiser").order_by("-date", "-id")[:cap]
    )


def _event_position(event: NeighbourhoodEvent) -> tuple[float | None, float | None]:
    if event.latitude is not None and event.longitude is not None:
        return event.latitude, event.longitude
    if event.organiser is not None:
        return event.organiser.latitude, event.organiser.longitude
    return None, None


# ---- the map -------------------------------------------------------------------------------


def labels(*choices: Any) -> list[dict[str, str]]:
    """Each choices class as {value: label} in the active language, for pages that label many rows: a model's
    get_FOO_display() rebuilds its choices on every call, which costs more than the rest of the row."""
    return [{value: str(label) for value, label in kind.choices} for kind in choices]


def _feature(lat: float, lon: float, **properties: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
        "properties": properties,
    }


def map_items(campus: Campus) -> list[dict[str, Any]]:
    """Everything the map shows, as plain rows (also the no-JavaScript table). Three queries."""
    rows: list[dict[str, Any]] = []
    for org in organisations_in(campus):
        rows.append(
            {
                "kind": "organisation",
                "kind_label": _("Organisation"),
                "name": org.name,
                "lat": org.latitude,
                "lon": org.longitude,
                "front": "",
                "front_label": "",
                "direction": "",
                "direction_label": "",
                "url": reverse("organisation-detail", args=[org.public_id]),
            }
        )
    kinds, fronts, directions = labels(Engagement.Kind, FRONTS, DIRECTIONS)
    for item in collaborations(campus):
        engagement = item.engagement
        rows.append(
            {
                "kind": "engagement",
                "kind_label": kinds.get(engagement.kind, engagement.kind),
                "name": engagement.title,
                "lat": item.lat,
                "lon": item.lon,
                "front": engagement.front,
                "front_label": fronts.get(engagement.front, engagement.front)
                if engagement.front
                else _("No front named"),
                "direction": engagement.direction,
                "direction_label": directions.get(engagement.direction, engagement.direction),
                "partner": engagement.organisation.name if engagement.organisation else "",
                "at_campus": item.at_campus,
                "url": reverse("engagement-detail", args=[engagement.public_id]),
            }
        )
    for event in events_of(campus):
        lat, lon = _event_position(event)
        rows.append(
            {
                "kind": "event",
                "kind_label": _("Neighbourhood event"),
                "name": event.title,
                "lat": lat,
                "lon": lon,
                "front": FRONTS.NETWORK,
                "front_label": FRONTS.NETWORK.label,
                "direction": "",
                "direction_label": "",
                "date": event.date,
                "url": reverse("place-event-detail", args=[event.public_id]),
            }
        )
    return rows


def _aggregate(features: list[dict[str, Any]], limit: int, area: Neighbourhood) -> list[dict[str, Any]]:
    """Merge points into grid cells (per front) until at most ``limit`` remain; each cell keeps its count."""
    south, west, north, east = area.bbox()
    span = max(north - south, east - west, 1e-6)
    size = span / 32
    while True:
        cells: dict[tuple[int, int, str], list[dict[str, Any]]] = defaultdict(list)
        for feature in features:
            lon, lat = feature["geometry"]["coordinates"]
            key = (int((lat - south) // size), int((lon - west) // size), feature["properties"].get("front", ""))
            cells[key].append(feature)
        if len(cells) <= limit:
            break
        size *= 2
    merged = []
    for (_row, _col, front), members in cells.items():
        if len(members) == 1:
            merged.append(members[0])
            continue
        lat = sum(m["geometry"]["coordinates"][1] for m in members) / len(members)
        lon = sum(m["geometry"]["coordinates"][0] for m in members) / len(members)
        merged.append(
            _feature(
                lat,
                lon,
                kind="cluster",
                name=_("%(count)d places") % {"count": len(members)},
                count=len(members),
                front=front,
                front_label=members[0]["properties"].get("front_label", ""),
                direction="",
                direction_label="",
                url="",
            )
        )
    return merged


def map_data(campus: Campus, *, limit: int | None = None) -> dict[str, Any]:
    """The map's one request: a GeoJSON FeatureCollection of at most ``limit`` features, plus the
    campus and the neighbourhood's shape. Points without a location are left out (the page's
    table lists them)."""
    limit = limit or MAX_FEATURES
    area = neighbourhood_of(campus)
    rows = map_items(campus)
    features = [
        _feature(
            row["lat"],
            row["lon"],
            **{
                k: v
                for k, v in row.items()
                if k in {"kind", "kind_label", "name", "front", "front_label", "direction", "direction_label", "url"}
            },
        )
        for row in rows
        if row["lat"] is not None and row["lon"] is not None
    ]
    total = len(features)
    aggregated = area is not None and total > limit
    if aggregated:
        features = _aggregate(features, limit, area)  # type: ignore[arg-type]
    return {
        "type": "FeatureCollection",
        "campus": {
            "name": campus.name,
            "lat": campus.latitude,
            "lon": campus.longitude,
            "radius_m": campus.neighbourhood_radius_m,
            "area": campus.neighbourhood_area if area is not None and area.drawn else None,
            "neighbourhood": campus.neighbourhood_name,
        },
        "total": total,
        "aggregated": aggregated,
        "features": features[:limit],
    }


# ---- the neighbourhood page ----------------------------------------------------------------


@dataclass
class PartnerGroup:
    name: str
    organisation: Organisation | None
    engagements: list[Engagement] = field(default_factory=list)


@dataclass
class FrontGroup:
    front: str
    label: str
    partners: list[PartnerGroup]
    count: int


def by_front_and_partner(items: list[Collaboration]) -> list[FrontGroup]:
    order = [*FRONTS.values, ""]
    grouped: dict[str, dict[int | None, PartnerGroup]] = {front: {} for front in order}
    kinds, directions, statuses = labels(Engagement.Kind, DIRECTIONS, Engagement.Status)
    for item in items:
        engagement = item.engagement
        engagement.kind_label = kinds.get(engagement.kind, engagement.kind)  # type: ignore[attr-defined]
        engagement.direction_label = directions.get(engagement.direction, engagement.direction)  # type: ignore[attr-defined]
        engagement.status_label = statuses.get(engagement.status, engagement.status)  # type: ignore[attr-defined]
        org = engagement.organisation
        partners = grouped[engagement.front or ""]
        key = org.pk if org else None
        if key not in partners:
            partners[key] = PartnerGroup(org.name if org else _("Without a partner organisation"), org)
        partners[key].engagements.append(engagement)
    result = []
    for front in order:
        partners = sorted(grouped[front].values(), key=lambda p: (p.organisation is None, p.name.lower()))
        label = FRONTS(front).label if front else _("No front named")
        result.append(FrontGroup(front, label, partners, sum(len(p.engagements) for p in partners)))
    return [group for group in result if group.count or group.front]


def neighbourhood_page(campus: Campus, *, today: dt.date | None = None) -> dict[str, Any]:
    """Collaborations grouped by front and partner, the anchor, and the network events. Four queries."""
    today = today or timezone.localdate()
    items = collaborations(campus, cap=PAGE_CAP + 1)
    truncated = len(items) > PAGE_CAP
    items = items[:PAGE_CAP]
    events = NeighbourhoodEvent.objects.filter(campus=campus).select_related("organiser").prefetch_related("attendees")
    return {
        "fronts": by_front_and_partner(items),
        "collaboration_count": len(items),
        "truncated": truncated,
        "page_cap": PAGE_CAP,
        "directions": [
            (label, sum(1 for i in items if i.engagement.direction == value)) for value, label in DIRECTIONS.choices
        ],
        "upcoming": list(events.filter(date__gte=today).order_by("date", "id")[:10]),
        "recent": list(events.filter(date__lt=today).order_by("-date", "-id")[:10]),
    }


# ---- the reflex over time ------------------------------------------------------------------


def academic_year_of(day: dt.date) -> str:
    """September to August: 2026-10-01 is in 2026-2027, 2027-08-31 too."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{start + 1}"


@dataclass
class YearRow:
    year: str
    to_neighbourhood: int = 0
    to_campus: int = 0
    infrastructure: int = 0
    education: int = 0
    network: int = 0
    no_front: int = 0
    residents: int = 0
    organisations: int = 0

    @property
    def total(self) -> int:
        return self.to_neighbourhood + self.to_campus


def reflex(campus: Campus) -> list[YearRow]:
    """Per academic year: collaborations each way, on each front, with how many residents (people
    taking part in the resident role) and organisations. Two queries."""
    items = collaborations(campus)
    by_year: dict[str, YearRow] = {}
    organisations: dict[str, set[int]] = defaultdict(set)
    year_of_engagement: dict[int, str] = {}
    for item in items:
        engagement = item.engagement
        year = academic_year_of(engagement.start_date)
        year_of_engagement[engagement.pk] = year
        row = by_year.setdefault(year, YearRow(year))
        if engagement.direction == DIRECTIONS.TO_CAMPUS:
            row.to_campus += 1
        else:
            row.to_neighbourhood += 1
        front = engagement.front or "no_front"
        setattr(row, front, getattr(row, front) + 1)
        if engagement.organisation_id:
            organisations[year].add(engagement.organisation_id)
    residents: dict[str, set[int]] = defaultdict(set)
    if year_of_engagement:
        participations = Participation.objects.filter(
            role=SofarRole.RESIDENT,
            engagement__in=_candidate_engagements(campus, neighbourhood_of(campus)).values("pk"),
        ).values_list("engagement_id", "person_id")
        for engagement_id, person_id in participations:
            if engagement_id in year_of_engagement:
                residents[year_of_engagement[engagement_id]].add(person_id)
    rows = sorted(by_year.values(), key=lambda r: r.year)
    for row in rows:
        row.residents = len(residents[row.year])
        row.organisations = len(organisations[row.year])
    return rows


@dataclass
class Chart:
    """A small line chart of the two directions over the years, drawn as SVG on the server."""

    width: int
    height: int
    series: list[dict[str, Any]]
    ticks: list[dict[str, Any]]
    labels: list[dict[str, Any]]
    plot_left: int
    plot_right: int
    label_y: int


def reflex_chart(rows: list[YearRow], *, width: int = 640, height: int = 260) -> Chart | None:
    if not rows:
        return None
    left, right, top, bottom = 40, 16, 16, 40
    highest = max(max(r.to_neighbourhood, r.to_campus) for r in rows) or 1
    step = (width - left - right) / max(len(rows) - 1, 1)

    def x(i: int) -> float:
        return round(left + (i * step if len(rows) > 1 else (width - left - right) / 2), 1)

    def y(value: int) -> float:
        return round(top + (height - top - bottom) * (1 - value / highest), 1)

    series = []
    for key, css, label in (
        ("to_neighbourhood", "to-neighbourhood", DIRECTIONS.TO_NEIGHBOURHOOD.label),
        ("to_campus", "to-campus", DIRECTIONS.TO_CAMPUS.label),
    ):
        points = [(x(i), y(getattr(r, key))) for i, r in enumerate(rows)]
        series.append(
            {
                "css": css,
                "label": label,
                "path": " ".join(f"{px},{py}" for px, py in points),
                "points": [
                    {"x": px, "y": py, "left": round(px - 5, 1), "top": round(py - 5, 1), "value": getattr(r, key)}
                    for (px, py), r in zip(points, rows, strict=True)
                ],
            }
        )
    ticks = [{"y": y(v), "value": v} for v in sorted({0, highest // 2, highest})]
    labels = [{"x": x(i), "text": r.year} for i, r in enumerate(rows)]
    return Chart(width, height, series, ticks, labels, left, width - right, height - bottom + 24)


# ---- the calendar --------------------------------------------------------------------------


@dataclass
class Day:
    date: dt.date
    in_month: bool
    bookings: list[Booking]


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, month, 1, tzinfo=tz)
    nxt = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
    return start, nxt


def calendar_bookings(
    facility: Facility, start: dt.datetime, end: dt.datetime, *, include_pending: bool
) -> QuerySet[Booking]:
    """The bookings that take the facility between ``start`` and ``end``: approved ones, and the requests still
    waiting for a decision when ``include_pending`` (staff); declined requests never."""
    statuses = [Booking.Status.APPROVED, Booking.Status.PENDING] if include_pending else [Booking.Status.APPROVED]
    return facility.bookings.filter(status__in=statuses).overlapping(start, end).order_by("starts_at", "id")


def month_calendar(facility: Facility, year: int, month: int, *, include_pending: bool) -> list[list[Day]]:
    """Weeks (Monday first) of the month, each day with the bookings that start on it. One query."""
    start, end = month_bounds(year, month)
    bookings = calendar_bookings(facility, start, end, include_pending=include_pending)
    per_day: dict[dt.date, list[Booking]] = defaultdict(list)
    for booking in bookings:
        per_day[timezone.localtime(booking.starts_at).date()].append(booking)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append([Day(day, day.month == month, per_day.get(day, [])) for day in week])
    return weeks


def parse_month(value: str | None, *, today: dt.date | None = None) -> tuple[int, int]:
    """``2026-10`` to (2026, 10); anything else is this month."""
    today = today or timezone.localdate()
    try:
        year_s, month_s = (value or "").split("-")
        year, month = int(year_s), int(month_s)
        if 1 <= month <= 12 and 2000 <= year <= 2100:
            return year, month
    except ValueError:
        pass
    return today.year, today.month


def neighbour_months(year: int, month: int) -> tuple[str, str]:
    prev = (year - 1, 12) if month == 1 else (year, month - 1)
    nxt = (year + 1, 1) if month == 12 else (year, month + 1)
    return f"{prev[0]:04d}-{prev[1]:02d}", f"{nxt[0]:04d}-{nxt[1]:02d}"


def day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From the start of ``first`` to the end of ``last`` (both included), in the site's time zone."""
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(first, dt.time(), tzinfo=tz), dt.datetime.combine(
        last + dt.timedelta(days=1), dt.time(), tzinfo=tz
    )


# ---- a booking request ---------------------------------------------------------------------


def clashes(booking: Booking, *, limit: int = 5) -> list[Booking]:
    """Approved bookings of the same facility that overlap a request still waiting for a decision. One query
    (none for a decided request)."""
    if booking.status != Booking.Status.PENDING:
        return []
    return list(
        Booking.objects.approved()
        .filter(facility_id=booking.facility_id)
        .exclude(pk=booking.pk)
        .overlapping(booking.starts_at, booking.ends_at)
        .order_by("starts_at", "id")[:limit]
    )


# ---- who and what an event may name ---------------------------------------------------------


def attendee_choices(campus: Campus, user: Any) -> QuerySet[Person]:
    """People of the campus's institution who may be named as attending an event: active, working or studying
    there, and visible to ``user``."""
    staff_roles = [SofarRole.FACULTY, SofarRole.ADMINISTRATOR, SofarRole.STUDENT]
    return (
        Person.objects.for_user(user)
        .filter(institution_id=campus.institution_id, is_active=True, affiliations__role__in=staff_roles)
        .distinct()
        .order_by("last_name", "first_name", "id")
    )


def organiser_choices(campus: Campus) -> QuerySet[Organisation]:
    """Active organisations around the campus, the ones that may organise its network events (so the choice
    stays short at region scale)."""
    area = neighbourhood_of(campus)
    nearby = Organisation.objects.filter(is_active=True, **area.lookup()) if area else Organisation.objects.none()
    return nearby.order_by("name", "id")
