"""What lies in a neighbourhood, the map's bounded data, the reflex per academic year, the calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from engagements.models import Engagement
from network.models import SofarRole
from places import selectors
from places.services import approve_booking
from places.tests.helpers import make_booking, make_campus, make_facility, make_neighbour
from tests import factories as f

E = Engagement


@pytest.fixture
def campus(world):
    return make_campus(world.a, anchor=world.coord_person)


def test_collaborations_are_those_with_a_partner_in_the_neighbourhood_or_linked_to_the_campus(world, campus):
    near, far = make_neighbour(300, "Buurtwerk Dichtbij"), make_neighbour(5000, "Ver Weg")
    partnership = f.make_partnership(world.a, [far], [world.coord_person], campus=campus)
    inside = f.make_engagement(world.a, title="Dichtbij", organisation=near)
    linked = f.make_engagement(world.a, title="Via de buurtcampus", organisation=far, partnership=partnership)
    f.make_engagement(world.a, title="Elders", organisation=far)
    f.make_engagement(world.b, title="Andere hogeschool", organisation=near)
    found = {c.engagement.title: c for c in selectors.collaborations(campus)}
    assert set(found) == {inside.title, linked.title}
    assert found["Via de buurtcampus"].at_campus


def test_the_map_data_has_organisations_engagements_and_events_with_front_and_direction(world, campus):
    org = make_neighbour(200, "Wijkactieteam")
    f.make_engagement(world.a, organisation=org, front=E.Front.INFRASTRUCTURE, direction=E.Direction.TO_CAMPUS)
    data = selectors.map_data(campus)
    kinds = sorted(feature["properties"]["kind"] for feature in data["features"])
    assert kinds == ["engagement", "organisation"]
    engagement = next(x for x in data["features"] if x["properties"]["kind"] == "engagement")["properties"]
    assert (engagement["front"], engagement["direction"]) == ("infrastructure", "to_campus")
    assert data["campus"]["radius_m"] == 1200


def test_the_map_data_is_aggregated_to_stay_within_its_bound(world, campus):
    for i in range(30):
        make_neighbour(20 * i + 10)
    data = selectors.map_data(campus, limit=5)
    assert data["aggregated"] and data["total"] == 30
    assert len(data["features"]) <= 5
    assert sum(x["properties"].get("count", 1) for x in data["features"]) == 30


def test_the_reflex_counts_each_academic_year_from_september(world, campus):
    org = make_neighbour(100)
    resident = f.make_person(world.a, SofarRole.RESIDENT)
    f.make_engagement(
        world.a,
        organisation=org,
        start_date=dt.date(2025, 9, 1),
        front=E.Front.EDUCATION,
        participants=[(resident, SofarRole.RESIDENT, 2), (world.student_person, SofarRole.STUDENT, 10)],
    )
    f.make_engagement(
        world.a,
        organisation=org,
        start_date=dt.date(2026, 8, 31),
        direction=E.Direction.TO_CAMPUS,
        front=E.Front.INFRASTRUCTURE,
    )
    f.make_engagement(world.a, organisation=org, start_date=dt.date(2026, 9, 1), front=E.Front.NETWORK)
    rows = {row.year: row for row in selectors.reflex(campus)}
    assert list(rows) == ["2025-2026", "2026-2027"]
    first = rows["2025-2026"]
    assert (first.to_neighbourhood, first.to_campus, first.education, first.infrastructure) == (1, 1, 1, 1)
    assert (first.residents, first.organisations) == (1, 1)
    assert rows["2026-2027"].network == 1 and rows["2026-2027"].residents == 0
    chart = selectors.reflex_chart(list(rows.values()))
    assert [label["text"] for label in chart.labels] == ["2025-2026", "2026-2027"]


def test_the_calendar_puts_bookings_on_their_day_and_hides_pending_ones_from_the_public(world, campus):
    facility = make_facility(campus)
    approved, pending = make_booking(facility, days=3), make_booking(facility, days=4)
    approve_booking(approved, by=None, expected_version=approved.version, notify=False)
    day = timezone.localtime(approved.starts_at).date()
    for include_pending, expected in ((False, {approved.pk}), (True, {approved.pk, pending.pk})):
        shown = set()
        for year, month in {
            (day.year, day.month),
            (timezone.localtime(pending.starts_at).year, timezone.localtime(pending.starts_at).month),
        }:
            weeks = selectors.month_calendar(facility, year, month, include_pending=include_pending)
            shown |= {b.pk for week in weeks for d in week if d.in_month for b in d.bookings}
        assert shown == expected


def test_a_month_is_read_from_the_address_or_is_this_month():
    today = dt.date(2026, 5, 17)
    assert selectors.parse_month("2026-10", today=today) == (2026, 10)
    assert selectors.parse_month("2026-13", today=today) == (2026, 5)
    assert selectors.parse_month("rubbish", today=today) == (2026, 5)
    assert selectors.neighbour_months(2026, 12) == ("2026-11", "2027-01")
