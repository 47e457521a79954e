"""The demo of the Watersportbaan neighbourhood campus, on data made in the test."""

from __future__ import annotations

import io

from places.demo import load_demo_places
from places.models import Booking, Facility, NeighbourhoodEvent
from places.tests.helpers import make_campus, make_neighbour
from tests import factories as f


def test_the_demo_sets_the_neighbourhood_and_adds_facilities_bookings_and_events_once(world):
    make_campus(world.a, name="Campus Watersportbaan", neighbourhood_radius_m=500, neighbourhood_name="")
    make_neighbour(200, "Wijkactieteam Watersportbaan")
    out = io.StringIO()
    campus = load_demo_places(out)
    assert campus is not None
    assert (campus.neighbourhood_radius_m, campus.neighbourhood_name) == (1200, "Watersportbaan")
    assert campus.anchor == world.coord_person  # the institution's administrator, for want of a named anchor
    kinds = set(Facility.objects.filter(campus=campus).values_list("kind", flat=True))
    assert kinds == {"sports_hall", "room", "kitchen"}
    assert set(Booking.objects.values_list("status", flat=True)) == {"approved", "pending", "declined"}
    events = NeighbourhoodEvent.objects.filter(campus=campus)
    assert 3 <= events.count() <= 4
    assert all(world.coord_person in e.attendees.all() for e in events)
    assert events.filter(organiser__name="Wijkactieteam Watersportbaan").exists()

    counts = (Facility.objects.count(), Booking.objects.count(), NeighbourhoodEvent.objects.count())
    load_demo_places(io.StringIO())
    assert (Facility.objects.count(), Booking.objects.count(), NeighbourhoodEvent.objects.count()) == counts


def test_the_demo_skips_quietly_without_the_campus(world):
    f.make_organisation("Iets anders")
    out = io.StringIO()
    assert load_demo_places(out) is None
    assert "skipped" in out.getvalue()
