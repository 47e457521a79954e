"""The neighbourhood campus through the API, beyond the lists: the neighbourhood's summary, the reflex over the
years, adding and changing facilities and reading their calendar, the internal note of a booking request, and
adding, reading and changing network events with who attends."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.tests.support import count_queries
from engagements.models import Engagement
from network.models import Person, SofarRole
from places.models import Facility, NeighbourhoodEvent
from places.services import approve_booking, create_event, decline_booking
from places.tests.helpers import make_booking, make_campus, make_facility, make_neighbour
from tests import factories as f

E = Engagement
BASE = "/places/campuses/uas/watersportbaan"


@pytest.fixture
def campus(world):
    # Fien (faculty) is the campus's neighbourhood anchor: she runs facilities and decides, like the office.
    return make_campus(world.a, anchor=world.faculty_person)


@pytest.fixture
def hall(campus):
    return make_facility(campus, name="Sporthal", capacity=40)


@pytest.fixture
def colleague(world):
    """Faculty of the same institution who is not the anchor: may read, not run facilities or decide."""
    person = f.make_person(world.a, SofarRole.FACULTY, first_name="Kobe", last_name="Collega")
    return f.make_user("faculty", institution=world.a, person=person, username="colleague")


def month_of(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m")


def day_of(moment: dt.datetime) -> str:
    return timezone.localtime(moment).date().isoformat()


# ---- the neighbourhood and the reflex ------------------------------------------------------


def test_the_neighbourhood_summary_groups_collaborations_by_front_and_partner_with_anchor_and_events(
    world, api_as, campus
):
    Person.objects.filter(pk=world.faculty_person.pk).update(email="fien@uas.be", phone="09 123 45 67")
    speelplein = make_neighbour(200, "Speelplein Noord")
    f.make_engagement(world.a, organisation=speelplein, title="Speelpleinwerking", front=E.Front.EDUCATION)
    f.make_engagement(
        world.a,
        organisation=speelplein,
        title="Zaal open",
        front=E.Front.INFRASTRUCTURE,
        direction=E.Direction.TO_CAMPUS,
    )
    f.make_engagement(world.a, organisation=make_neighbour(9000, "Ver weg"), title="Elders")
    today = timezone.localdate()
    create_event(by=None, campus=campus, title="Buurtfeest", date=today + dt.timedelta(days=5), organiser=speelplein)
    create_event(by=None, campus=campus, title="Nieuwjaarsdrink", date=today - dt.timedelta(days=5))

    response = api_as(world.faculty).get(BASE + "/neighbourhood")

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["campus"]["name"] == "Campus Watersportbaan"
    assert (data["anchor"]["name"], data["anchor"]["email"], data["anchor"]["phone"]) == (
        "Fien Docent",
        "fien@uas.be",
        "09 123 45 67",
    )
    assert data["collaboration_count"] == 2 and data["truncated"] is False
    assert {d["direction"]: d["count"] for d in data["directions"]} == {"to_neighbourhood": 1, "to_campus": 1}
    fronts = {group["front"]: group for group in data["fronts"]}
    assert fronts["education"]["count"] == 1
    [partner] = fronts["education"]["partners"]
    assert partner["organisation"]["name"] == "Speelplein Noord"
    assert [e["title"] for e in partner["engagements"]] == ["Speelpleinwerking"]
    assert fronts["infrastructure"]["partners"][0]["engagements"][0]["direction_label"] == (
        "The neighbourhood comes to the campus"
    )
    assert [e["title"] for e in data["upcoming"]] == ["Buurtfeest"]
    assert [e["title"] for e in data["recent"]] == ["Nieuwjaarsdrink"]


def test_the_reflex_gives_the_figures_per_academic_year(world, api_as, campus):
    org = make_neighbour(100)
    resident = f.make_person(world.a, SofarRole.RESIDENT)
    f.make_engagement(
        world.a,
        organisation=org,
        start_date=dt.date(2024, 10, 1),
        front=E.Front.EDUCATION,
        participants=[(resident, SofarRole.RESIDENT, 1)],
    )
    f.make_engagement(world.a, organisation=org, start_date=dt.date(2025, 8, 31), direction=E.Direction.TO_CAMPUS)
    f.make_engagement(world.a, organisation=make_neighbour(150), start_date=dt.date(2025, 9, 1))
    client = api_as(world.coordinator)

    response = client.get(BASE + "/reflex")

    assert response.status_code == 200, response.content
    years = response.json()["years"]
    assert [row["year"] for row in years] == ["2024-2025", "2025-2026"]
    first, second = years
    assert (first["to_neighbourhood"], first["to_campus"], first["total"]) == (1, 1, 2)
    assert (first["education"], first["no_front"], first["residents"], first["organisations"]) == (1, 1, 1, 1)
    assert (second["total"], second["residents"]) == (1, 0)
    assert [r["year"] for r in client.get(BASE + "/reflex", year="2025-2026").json()["years"]] == ["2025-2026"]
    assert client.get(BASE + "/reflex", year="2025").status_code == 422


def test_the_neighbourhood_and_reflex_are_for_the_campus_staff_only(world, api_as, campus):
    for tail in ("/neighbourhood", "/reflex"):
        assert api_as(world.outsider).get(BASE + tail).status_code == 404, tail
        assert api_as(world.partner).get(BASE + tail).status_code == 404, tail
        assert api_as(world.other_partner).get(BASE + tail).status_code == 404, tail
        assert api_as(world.student).get(BASE + tail).status_code == 403, tail
        assert api_as(None).get(BASE + tail).status_code == 401, tail


@pytest.mark.parametrize("tail", ["/neighbourhood", "/reflex"])
def test_the_neighbourhood_and_reflex_cost_the_same_queries_for_3_or_15_collaborations(world, api_as, campus, tail):
    client = api_as(world.coordinator)
    resident = f.make_person(world.a, SofarRole.RESIDENT)

    def add(n: int, offset: int) -> None:
        for i in range(n):
            f.make_engagement(
                world.a,
                organisation=make_neighbour(50 + offset + i * 10),
                start_date=dt.date(2020 + i % 5, 10, 1),
                participants=[(resident, SofarRole.RESIDENT, 1)],
            )
            create_event(by=None, campus=campus, title=f"Overleg {offset + i}", date=dt.date(2026, 1, 1))

    add(3, 0)
    small = count_queries(lambda: client.get(BASE + tail))
    add(12, 100)
    assert count_queries(lambda: client.get(BASE + tail)) == small


# ---- facilities ------------------------------------------------------------------------------


FACILITY = {"name": "Keuken", "kind": "kitchen", "capacity": 12, "conditions_nl": "Samen met een medewerker."}


@pytest.mark.parametrize("who", ["coordinator", "faculty"])
def test_the_office_and_the_anchor_add_a_facility(world, api_as, campus, who):
    response = api_as(getattr(world, who)).post(BASE + "/facilities", FACILITY)

    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["name"], data["kind"], data["capacity"], data["is_public"], data["version"]) == (
        "Keuken",
        "kitchen",
        12,
        True,
        1,
    )
    assert data["campus"] == {"institution": "uas", "slug": "watersportbaan", "name": "Campus Watersportbaan"}
    listed = api_as(world.coordinator).get(BASE + "/facilities").json()["items"]
    assert [row["name"] for row in listed] == ["Keuken"]


def test_other_staff_students_outsiders_and_partners_may_not_add_a_facility(world, api_as, campus, colleague):
    assert api_as(colleague).post(BASE + "/facilities", FACILITY).status_code == 403
    assert api_as(world.student).post(BASE + "/facilities", FACILITY).status_code == 403
    assert api_as(world.outsider).post(BASE + "/facilities", FACILITY).status_code == 404
    assert api_as(world.partner).post(BASE + "/facilities", FACILITY).status_code == 404
    assert api_as(None).post(BASE + "/facilities", FACILITY).status_code == 401
    assert not Facility.objects.exists()


def test_a_facility_without_a_name_or_room_for_anyone_is_refused_on_the_field(world, api_as, campus):
    client = api_as(world.coordinator)
    response = client.post(BASE + "/facilities", {**FACILITY, "name": "  ", "capacity": 0})
    assert response.status_code == 422
    assert {"name", "capacity"} <= response.json()["errors"].keys()
    assert client.post(BASE + "/facilities", {**FACILITY, "kind": "castle"}).status_code == 422
    assert not Facility.objects.exists()


def test_staff_read_a_facility_students_outsiders_and_partners_do_not(world, api_as, hall, colleague):
    path = f"/places/facilities/{hall.public_id}"
    response = api_as(colleague).get(path)
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["campus"]["slug"]) == ("Sporthal", "watersportbaan")
    assert api_as(world.student).get(path).status_code == 403
    for user in (world.outsider, world.partner, world.other_partner):
        assert api_as(user).get(path).status_code == 404, user
    assert api_as(None).get(path).status_code == 401


def test_the_anchor_changes_a_facility_and_the_change_shows(world, api_as, hall):
    path = f"/places/facilities/{hall.public_id}"
    response = api_as(world.faculty).patch(path, {"version": 1, "capacity": 60, "is_public": False})

    assert response.status_code == 200, response.content
    assert (response.json()["capacity"], response.json()["is_public"], response.json()["version"]) == (60, False, 2)
    assert response.json()["name"] == "Sporthal"  # not sent, not changed
    assert api_as(world.coordinator).get(path).json()["capacity"] == 60


def test_changing_a_facility_is_refused_to_the_wrong_people_on_bad_input_and_when_stale(world, api_as, hall, colleague):
    path = f"/places/facilities/{hall.public_id}"
    body = {"version": 1, "name": "Grote zaal"}
    assert api_as(colleague).patch(path, body).status_code == 403
    assert api_as(world.student).patch(path, body).status_code == 403
    assert api_as(world.outsider).patch(path, body).status_code == 404
    assert api_as(world.partner).patch(path, body).status_code == 404
    assert api_as(None).patch(path, body).status_code == 401
    client = api_as(world.coordinator)
    response = client.patch(path, {"version": 1, "capacity": -3})
    assert response.status_code == 422 and "capacity" in response.json()["errors"]
    response = client.patch(path, {"version": 1, "name": None})
    assert response.status_code == 400 and "name" in response.json()["errors"]
    assert client.patch(path, {"version": 1, "name": "Turnzaal"}).status_code == 200
    response = client.patch(path, {"version": 1, "name": "Anders"})
    assert response.status_code == 409 and "version" in response.json()["errors"]
    hall.refresh_from_db()
    assert (hall.name, hall.capacity, hall.version) == ("Turnzaal", 40, 2)


# ---- the calendar of a facility ------------------------------------------------------------


def test_the_calendar_lists_approved_and_asked_bookings_of_a_month_but_not_declined_ones(world, api_as, hall):
    approved = make_booking(hall, days=30, start=10, end=12, group_name="Buurtcomité")
    approve_booking(approved, by=world.coordinator, expected_version=1, notify=False)
    asked = make_booking(hall, days=30, start=14, end=16, group_name="", requester_name="Oksana Havermans")
    declined = make_booking(hall, days=30, start=18, end=19)
    decline_booking(declined, by=world.coordinator, expected_version=1, reason="Te laat", notify=False)
    other_month = make_booking(hall, days=75)
    client = api_as(world.faculty)
    path = f"/places/facilities/{hall.public_id}/calendar"

    items = client.get(path, month=month_of(approved.starts_at)).json()["items"]

    assert [(row["id"], row["status"]) for row in items] == [
        (str(approved.public_id), "approved"),
        (str(asked.public_id), "pending"),
    ]
    assert (items[0]["group_name"], items[1]["requester_name"]) == ("Buurtcomité", "Oksana Havermans")
    approved_only = client.get(path, month=month_of(approved.starts_at), status="approved").json()["items"]
    assert [row["id"] for row in approved_only] == [str(approved.public_id)]
    span = client.get(path, **{"from": day_of(approved.starts_at), "to": day_of(other_month.starts_at)})
    assert [row["id"] for row in span.json()["items"]] == [
        str(approved.public_id),
        str(asked.public_id),
        str(other_month.public_id),
    ]
    one_day = client.get(path, **{"from": day_of(approved.starts_at), "to": day_of(approved.starts_at)})
    assert len(one_day.json()["items"]) == 2


def test_the_calendar_is_this_month_by_default(world, api_as, hall):
    make_booking(hall, days=1)
    make_booking(hall, days=40)
    client = api_as(world.coordinator)
    path = f"/places/facilities/{hall.public_id}/calendar"
    this_month = client.get(path, month=timezone.localdate().strftime("%Y-%m")).json()["items"]
    assert client.get(path).json()["items"] == this_month
    assert len(this_month) < 2


def test_the_calendar_refuses_a_muddled_period_on_the_field(world, api_as, hall):
    client = api_as(world.coordinator)
    path = f"/places/facilities/{hall.public_id}/calendar"

    def errors(**params: str) -> dict:
        response = client.get(path, **params)
        assert response.status_code in (400, 422), (params, response.status_code)
        return response.json()["errors"]

    assert "month" in errors(month="2026-13")
    assert "month" in errors(month="oktober")
    assert "month" in errors(month="2026-10", **{"from": "2026-10-01", "to": "2026-10-31"})
    assert "to" in errors(**{"from": "2026-10-01"})
    assert "to" in errors(**{"from": "2026-10-31", "to": "2026-10-01"})
    assert "to" in errors(**{"from": "2026-01-01", "to": "2027-06-01"})
    assert "from" in errors(**{"from": "0001-01-01", "to": "0001-01-02"})


def test_the_calendar_is_for_staff_only(world, api_as, hall):
    path = f"/places/facilities/{hall.public_id}/calendar"
    assert api_as(world.student).get(path).status_code == 403
    for user in (world.outsider, world.partner, world.other_partner):
        assert api_as(user).get(path).status_code == 404, user
    assert api_as(None).get(path).status_code == 401


def test_the_calendar_costs_the_same_queries_for_3_or_15_bookings(world, api_as, hall):
    client = api_as(world.coordinator)
    path = f"/places/facilities/{hall.public_id}/calendar"
    for i in range(3):
        make_booking(hall, days=7, start=8 + i, end=9 + i)
    month = month_of(hall.bookings.first().starts_at)
    small = count_queries(lambda: client.get(path, month=month))
    for i in range(12):
        make_booking(hall, days=7, start=8 + i % 3, end=9 + i % 3)
    assert count_queries(lambda: client.get(path, month=month)) == small


# ---- the internal note of a booking request ------------------------------------------------


def test_the_anchor_writes_an_internal_note_that_staff_read(world, api_as, hall, colleague):
    booking = make_booking(hall)
    path = f"/places/booking-requests/{booking.public_id}"

    response = api_as(world.faculty).patch(path, {"version": 1, "internal_note": "  Sleutel bij het onthaal. "})

    assert response.status_code == 200, response.content
    assert (response.json()["internal_note"], response.json()["version"]) == ("Sleutel bij het onthaal.", 2)
    assert api_as(colleague).get(path).json()["internal_note"] == "Sleutel bij het onthaal."
    listed = api_as(colleague).get(BASE + "/booking-requests").json()["items"]
    assert listed[0]["internal_note"] == "Sleutel bij het onthaal."


def test_the_internal_note_is_written_only_by_the_office_or_anchor_and_read_by_no_one_outside(
    world, api_as, hall, colleague
):
    booking = make_booking(hall)
    path = f"/places/booking-requests/{booking.public_id}"
    body = {"version": 1, "internal_note": "Geheim"}
    assert api_as(colleague).patch(path, body).status_code == 403
    for user in (world.student, world.outsider, world.partner, world.other_partner):
        assert api_as(user).patch(path, body).status_code == 404, user
        assert api_as(user).get(path).status_code == 404, user
        assert api_as(user).get(BASE + "/booking-requests").status_code in (403, 404), user
    assert api_as(None).patch(path, body).status_code == 401
    booking.refresh_from_db()
    assert booking.internal_note == ""


def test_the_internal_note_never_reaches_the_public_pages(world, api_as, hall):
    booking = make_booking(hall, days=3)
    api_as(world.coordinator).post(
        f"/places/booking-requests/{booking.public_id}/decision", {"version": 1, "decision": "approve"}
    )
    response = api_as(world.coordinator).patch(
        f"/places/booking-requests/{booking.public_id}", {"version": 2, "internal_note": "Interne opmerking"}
    )
    assert response.status_code == 200
    public = Client().get(reverse("public-facility", args=[hall.public_id]) + f"?month={month_of(booking.starts_at)}")
    assert public.status_code == 200
    assert "Interne opmerking" not in public.content.decode()


def test_a_too_long_or_stale_note_is_refused_and_nothing_is_saved(world, api_as, hall):
    booking = make_booking(hall)
    path = f"/places/booking-requests/{booking.public_id}"
    client = api_as(world.coordinator)
    response = client.patch(path, {"version": 1, "internal_note": "x" * 2001})
    assert response.status_code == 422 and "internal_note" in response.json()["errors"]
    assert client.patch(path, {"version": 1, "internal_note": "Eerste"}).status_code == 200
    assert client.patch(path, {"version": 1, "internal_note": "Tweede"}).status_code == 409
    booking.refresh_from_db()
    assert booking.internal_note == "Eerste"


def test_a_booking_request_says_who_decided_and_which_approved_booking_it_clashes_with(world, api_as, hall):
    first = make_booking(hall, start=14, end=16)
    second = make_booking(hall, start=15, end=17)
    approve_booking(first, by=world.coordinator, expected_version=1, notify=False)
    client = api_as(world.faculty)

    waiting = client.get(f"/places/booking-requests/{second.public_id}").json()
    decided = client.get(f"/places/booking-requests/{first.public_id}").json()

    assert [c["id"] for c in waiting["clashes"]] == [str(first.public_id)]
    assert waiting["decided_by"] is None
    assert (decided["decided_by"], decided["clashes"]) == ("Cora Coördinator", [])
    assert decided["created_at"]


# ---- network events ----------------------------------------------------------------------


@pytest.fixture
def organiser():
    return make_neighbour(100, "Wijkactieteam")


def _event_body(world, by, **extra):
    return {
        "title": "Buurtfeest",
        "date": "2026-06-20",
        "place": "Pleintje",
        "organiser": str(by.public_id),
        "attendees": [str(world.coord_person.public_id), str(world.faculty_person.public_id)],
        "notes": "Drankbonnetjes meebrengen.",
        **extra,
    }


def test_staff_add_a_network_event_with_who_attends(world, api_as, campus, organiser, colleague):
    response = api_as(colleague).post(BASE + "/events", _event_body(world, organiser))

    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["title"], data["organiser"]["name"], data["campus"]["slug"]) == (
        "Buurtfeest",
        "Wijkactieteam",
        "watersportbaan",
    )
    assert [(a["name"], a["is_anchor"]) for a in data["attendees"]] == [
        ("Cora Coördinator", False),
        ("Fien Docent", True),
    ]
    assert [e["title"] for e in api_as(world.coordinator).get(BASE + "/events").json()["items"]] == ["Buurtfeest"]
    detail = api_as(world.faculty).get(f"/places/events/{data['id']}")
    assert detail.status_code == 200 and detail.json()["notes"] == "Drankbonnetjes meebrengen."


def test_students_outsiders_and_partners_may_not_add_or_read_events(world, api_as, campus, organiser):
    body = _event_body(world, organiser)
    assert api_as(world.student).post(BASE + "/events", body).status_code == 403
    assert api_as(world.outsider).post(BASE + "/events", body).status_code == 404
    assert api_as(world.partner).post(BASE + "/events", body).status_code == 404
    assert api_as(None).post(BASE + "/events", body).status_code == 401
    assert not NeighbourhoodEvent.objects.exists()
    event = create_event(by=None, campus=campus, title="Overleg", date=dt.date(2026, 6, 1))
    path = f"/places/events/{event.public_id}"
    for user in (world.student, world.outsider, world.partner, world.other_partner):
        assert api_as(user).get(path).status_code == 404, user
    assert api_as(None).get(path).status_code == 401


def test_an_event_with_an_outsider_attending_a_far_organiser_or_half_a_location_is_refused(
    world, api_as, campus, organiser
):
    client = api_as(world.coordinator)
    far = make_neighbour(50_000, "Ver weg")
    cases = [
        ("attendees", {"attendees": [str(world.outsider_person.public_id)]}),
        ("attendees", {"attendees": [str(world.staff_person.public_id)]}),  # a partner's staff, not ours
        ("organiser", {"organiser": str(far.public_id)}),
        ("longitude", {"latitude": 51.05}),
    ]
    for field, change in cases:
        response = client.post(BASE + "/events", _event_body(world, organiser, **change))
        assert response.status_code == 400, (field, response.content)
        assert field in response.json()["errors"], (field, response.json())
    response = client.post(BASE + "/events", _event_body(world, organiser, title="", latitude=123))
    assert response.status_code == 422
    assert {"title", "latitude"} <= response.json()["errors"].keys()
    assert not NeighbourhoodEvent.objects.exists()


def test_staff_change_an_event_and_who_attends(world, api_as, campus, organiser):
    event = create_event(
        by=None,
        campus=campus,
        title="Overleg",
        date=dt.date(2026, 6, 1),
        organiser=organiser,
        attendees=[world.coord_person],
    )
    path = f"/places/events/{event.public_id}"

    response = api_as(world.faculty).patch(
        path, {"version": 1, "place": "Sporthal", "attendees": [str(world.student_person.public_id)]}
    )

    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["place"], data["title"], data["version"]) == ("Sporthal", "Overleg", 2)
    assert [a["name"] for a in data["attendees"]] == ["Sam Student"]
    assert data["organiser"]["name"] == "Wijkactieteam"  # not sent, kept
    response = api_as(world.faculty).patch(path, {"version": 2, "organiser": None})
    assert response.status_code == 200 and response.json()["organiser"] is None
    event.refresh_from_db()
    assert list(event.attendees.all()) == [world.student_person]


def test_changing_an_event_is_refused_to_the_wrong_people_on_bad_input_and_when_stale(world, api_as, campus):
    event = create_event(by=None, campus=campus, title="Overleg", date=dt.date(2026, 6, 1))
    path = f"/places/events/{event.public_id}"
    body = {"version": 1, "title": "Anders"}
    for user in (world.student, world.outsider, world.partner):
        assert api_as(user).patch(path, body).status_code == 404, user
    assert api_as(None).patch(path, body).status_code == 401
    client = api_as(world.coordinator)
    response = client.patch(path, {"version": 1, "latitude": 51.05})
    assert response.status_code == 400 and "longitude" in response.json()["errors"]
    response = client.patch(path, {"version": 1, "attendees": [str(world.outsider_person.public_id)]})
    assert response.status_code == 400 and "attendees" in response.json()["errors"]
    assert client.patch(path, {"version": 1, "title": "Overleg juni"}).status_code == 200
    assert client.patch(path, body).status_code == 409
    event.refresh_from_db()
    assert (event.title, event.latitude, event.version) == ("Overleg juni", None, 2)


def test_an_event_lists_who_attends_by_last_name(world, api_as, campus):
    event = create_event(
        by=None,
        campus=campus,
        title="Overleg",
        date=dt.date(2026, 6, 1),
        attendees=[world.student_person, world.coord_person, world.faculty_person],
    )
    detail = api_as(world.coordinator).get(f"/places/events/{event.public_id}").json()
    assert [a["name"] for a in detail["attendees"]] == ["Cora Coördinator", "Fien Docent", "Sam Student"]
