"""A resident asks for a room through the public form; the neighbourhood anchor approves it; the
calendar shows it; a second, overlapping request cannot be approved. And the map draws its points
without any tile server, under the strict content security policy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from places.models import Booking
from places.tests.helpers import make_booking, make_campus, make_facility, make_neighbour
from tests import factories as f
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_a_resident_asks_for_a_room_and_the_anchor_approves_it_but_not_a_double_booking(world, page, log_in, settings):
    settings.BRUG_FORM_MIN_SECONDS = 0
    campus = make_campus(world.a, anchor=world.faculty_person)
    room = make_facility(campus, name="Vergaderzaal Dok", capacity=24, conditions_nl="Laat de zaal netjes achter.")
    day = timezone.localdate() + dt.timedelta(days=9)

    # The resident finds the room on the campus's public page, without an account.
    page.goto(reverse("public-campus", args=[campus.institution.slug, campus.slug]))
    expect(page.locator("main")).to_contain_text("Laat de zaal netjes achter.")
    with page.expect_navigation():
        page.click(f"main a[href='{reverse('public-booking-request', args=[room.public_id])}']")
    page.fill("#id_requester_name", "Oksana Havermans")
    page.fill("#id_requester_email", "oksana@voorbeeld.be")
    page.fill("#id_group_name", "Mama's van de Yachtdreef")
    page.fill("#id_purpose", "Overleg over het buurtfeest")
    page.fill("#id_date", day.isoformat())
    page.fill("#id_start_time", "14:00")
    page.fill("#id_end_time", "16:00")
    page.fill("#id_people", "10")
    with page.expect_navigation():
        page.click("main form.public-request button[type=submit]")
    assert page.url.endswith(reverse("public-booking-sent", args=[room.public_id]))
    first = Booking.objects.get(requester_name="Oksana Havermans")
    assert first.status == Booking.Status.PENDING and first.language == "nl"
    # Meanwhile someone else asks for an overlapping time.
    second = make_booking(room, days=9, start=15, end=17, requester_name="Pieter Van Bieskens")

    # The anchor (a faculty member) finds the request and approves it.
    log_in("faculty", PASSWORD)
    page.goto(reverse("campus-bookings", args=[campus.institution.slug, campus.slug]))
    with page.expect_navigation():
        page.click(f"main a[href='{reverse('booking-detail', args=[first.public_id])}']")
    expect(page.locator("main")).to_contain_text("oksana@voorbeeld.be")
    with page.expect_navigation():
        page.click("form.decide button[value=approve]")
    first.refresh_from_db()
    assert first.status == Booking.Status.APPROVED and first.decided_by == world.faculty
    expect(page.locator(".messages")).to_be_visible()

    # The calendar shows the approved use on its day.
    page.goto(reverse("facility-calendar", args=[room.public_id]) + f"?month={day:%Y-%m}")
    expect(page.locator("table.month")).to_contain_text("14:00–16:00")
    expect(page.locator("table.month")).to_contain_text("Mama's van de Yachtdreef")

    # The overlapping request cannot be approved: the page says which booking it clashes with.
    page.goto(reverse("booking-detail", args=[second.public_id]))
    with page.expect_navigation():
        page.click("form.decide button[value=approve]")
    expect(page.locator("form.decide .form-errors")).to_contain_text("14:00")
    second.refresh_from_db()
    assert second.status == Booking.Status.PENDING
    assert Booking.objects.filter(status=Booking.Status.APPROVED).count() == 1


def test_the_map_draws_the_neighbourhood_without_tiles(world, page, log_in):
    campus = make_campus(world.a, anchor=world.coord_person)
    org = make_neighbour(300, "Wijkactieteam Watersportbaan")
    f.make_engagement(world.a, organisation=org, front="infrastructure", direction="to_campus")
    failed: list[str] = []
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    log_in("coordinator", PASSWORD)
    page.goto(reverse("campus-map", args=[campus.institution.slug, campus.slug]))
    expect(page.locator("#neighbourhood-map")).to_have_attribute("data-ready", "2")
    expect(page.locator("#neighbourhood-map .map-mark.front-infrastructure.dir-to_campus")).to_have_count(1)
    expect(page.locator("#neighbourhood-map .map-mark.kind-organisation")).to_have_count(1)
    # Everything the map needs comes from this server (a browser's favicon guess aside).
    assert not [url for url in failed if not url.endswith("/favicon.ico")], failed
    assert all(url.startswith(page.url.split("/campuses/")[0]) for url in requests), requests
