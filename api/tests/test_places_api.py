import datetime as dt

import pytest

from api.tests.support import count_queries
from places.models import Booking
from places.services import approve_booking, create_event
from places.tests.helpers import make_booking, make_campus, make_facility, make_neighbour
from tests import factories as f

BASE = "/places/campuses/uas/watersportbaan"


@pytest.fixture
def campus(world):
    return make_campus(world.a, anchor=world.faculty_person)


@pytest.fixture
def facility(campus):
    return make_facility(campus, name="Turnzaal", capacity=40)


@pytest.fixture
def booking(facility) -> Booking:
    return make_booking(facility)


def names(response, key: str = "name") -> list[str]:
    return [row[key] for row in response.json()["items"]]


# Campuses


def test_members_of_the_institution_list_its_campuses(world, api_as, campus):
    make_campus(world.b, slug="elders", name="Campus Elders")
    response = api_as(world.faculty).get("/places/campuses")
    assert response.status_code == 200
    assert [(c["institution"], c["slug"]) for c in response.json()["items"]] == [("uas", "watersportbaan")]
    assert response.json()["items"][0]["anchor"]["name"] == "Fien Docent"
    assert names(api_as(world.outsider).get("/places/campuses")) == ["Campus Elders"]


def test_a_partner_may_not_list_campuses_and_an_anonymous_caller_gets_401(world, api_as, campus):
    assert api_as(world.partner).get("/places/campuses").status_code == 403
    assert api_as(None).get("/places/campuses").status_code == 401


# The neighbourhood: collaborations and the map


def test_staff_read_the_collaborations_in_the_neighbourhood(world, api_as, campus):
    neighbour = make_neighbour(300, name="Speelplein Noord")
    f.make_engagement(world.a, organisation=neighbour, title="Speelpleinwerking")
    f.make_engagement(world.a, organisation=make_neighbour(9000, name="Ver weg"), title="Elders")
    response = api_as(world.coordinator).get(BASE + "/collaborations")
    assert response.status_code == 200
    [row] = response.json()["items"]
    assert (row["title"], row["organisation"]["name"], row["at_campus"]) == (
        "Speelpleinwerking",
        "Speelplein Noord",
        False,
    )


def test_the_map_data_is_the_map_pages_geojson(world, api_as, campus):
    make_neighbour(300, name="Speelplein Noord")
    response = api_as(world.faculty).get(BASE + "/map")
    assert response.status_code == 200
    data = response.json()
    assert (data["type"], data["total"], data["aggregated"]) == ("FeatureCollection", 1, False)
    assert data["campus"]["name"] == "Campus Watersportbaan"
    assert data["features"][0]["properties"]["name"] == "Speelplein Noord"


def test_outsiders_get_404_and_a_student_403_for_a_campus(world, api_as, campus):
    for tail in ("/collaborations", "/map", "/facilities", "/booking-requests", "/events"):
        assert api_as(world.outsider).get(BASE + tail).status_code == 404, tail
        assert api_as(world.partner).get(BASE + tail).status_code == 404, tail
        assert api_as(world.other_partner).get(BASE + tail).status_code == 404, tail
        assert api_as(world.student).get(BASE + tail).status_code == 403, tail
        assert api_as(None).get(BASE + tail).status_code == 401, tail
    assert api_as(world.coordinator).get("/places/campuses/uas/nergens/map").status_code == 404


def test_the_collaborations_cost_the_same_queries_for_3_or_15(world, api_as, campus):
    client = api_as(world.coordinator)
    for i in range(3):
        f.make_engagement(world.a, organisation=make_neighbour(100 + i))
    small = count_queries(lambda: client.get(BASE + "/collaborations"))
    for i in range(12):
        f.make_engagement(world.a, organisation=make_neighbour(200 + i))
    assert count_queries(lambda: client.get(BASE + "/collaborations")) == small


# Facilities


def test_staff_list_the_facilities_of_a_campus(world, api_as, campus, facility):
    make_facility(campus, name="Keuken", is_public=False)
    client = api_as(world.faculty)
    assert names(client.get(BASE + "/facilities")) == ["Keuken", "Turnzaal"]
    assert names(client.get(BASE + "/facilities", is_public=True)) == ["Turnzaal"]


def test_the_facility_list_costs_the_same_queries_for_3_or_15(world, api_as, campus):
    client = api_as(world.coordinator)
    for _ in range(3):
        make_facility(campus)
    small = count_queries(lambda: client.get(BASE + "/facilities"))
    for _ in range(12):
        make_facility(campus)
    assert count_queries(lambda: client.get(BASE + "/facilities")) == small


# Booking requests


def test_staff_list_booking_requests_with_the_requesters_details(world, api_as, booking):
    response = api_as(world.faculty).get(BASE + "/booking-requests")
    assert response.status_code == 200
    [row] = response.json()["items"]
    assert (row["requester_email"], row["status"], row["facility"]["name"]) == (
        "fatou@voorbeeld.be",
        "pending",
        "Turnzaal",
    )
    assert api_as(world.faculty).get(BASE + "/booking-requests", status="approved").json()["items"] == []


def test_a_booking_request_is_hidden_from_outsiders_partners_and_students(world, api_as, booking):
    path = f"/places/booking-requests/{booking.public_id}"
    assert api_as(world.coordinator).get(path).status_code == 200
    for user in (world.outsider, world.partner, world.other_partner, world.student):
        assert api_as(user).get(path).status_code == 404, user
    assert api_as(None).get(path).status_code == 401


def test_the_office_approves_a_request(world, api_as, booking):
    response = api_as(world.coordinator).post(
        f"/places/booking-requests/{booking.public_id}/decision", {"version": 1, "decision": "approve"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"


def test_the_campus_anchor_declines_a_request_with_a_reason(world, api_as, booking):
    path = f"/places/booking-requests/{booking.public_id}/decision"
    client = api_as(world.faculty)  # Fien is the campus's anchor
    response = client.post(path, {"version": 1, "decision": "decline"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"reason": ["Tell the requester why: the reason goes into the mail."]}
    response = client.post(path, {"version": 1, "decision": "decline", "reason": "Schilderwerken"})
    assert response.status_code == 200
    booking.refresh_from_db()
    assert (booking.status, booking.reason) == ("declined", "Schilderwerken")


def test_approving_an_overlapping_request_is_refused_with_the_message(world, api_as, facility):
    first = make_booking(facility, start=14, end=16)
    second = make_booking(facility, start=15, end=17)
    approve_booking(first, by=world.coordinator, expected_version=1, notify=False)
    response = api_as(world.coordinator).post(
        f"/places/booking-requests/{second.public_id}/decision", {"version": 1, "decision": "approve"}
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("This request cannot be approved: it overlaps an approved booking")
    second.refresh_from_db()
    assert second.status == Booking.Status.PENDING


def test_a_stale_decision_gets_409(world, api_as, booking):
    response = api_as(world.coordinator).post(
        f"/places/booking-requests/{booking.public_id}/decision", {"version": 2, "decision": "approve"}
    )
    assert response.status_code == 409
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING


def test_only_the_office_and_the_anchor_decide(world, api_as, campus, booking):
    colleague = f.make_user("faculty", institution=world.a, person=f.make_person(world.a, "F"), username="colleague")
    body = {"version": 1, "decision": "approve"}
    path = f"/places/booking-requests/{booking.public_id}/decision"
    assert api_as(colleague).post(path, body).status_code == 403
    assert api_as(world.outsider).post(path, body).status_code == 404
    assert api_as(world.partner).post(path, body).status_code == 404
    assert api_as(world.coordinator).post(path, {"version": 1, "decision": "maybe"}).status_code == 422
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING


def test_the_booking_list_costs_the_same_queries_for_3_or_15(world, api_as, facility):
    client = api_as(world.coordinator)
    for day in range(3):
        make_booking(facility, days=3 + day)
    small = count_queries(lambda: client.get(BASE + "/booking-requests"))
    for day in range(12):
        make_booking(make_facility(facility.campus), days=10 + day)
    assert count_queries(lambda: client.get(BASE + "/booking-requests")) == small


# Network events


def test_staff_list_the_network_events_of_a_campus(world, api_as, campus):
    create_event(
        by=world.coordinator,
        campus=campus,
        title="Buurtoverleg",
        date=dt.date(2026, 3, 1),
        organiser=world.org,
        attendees=[world.faculty_person],
    )
    response = api_as(world.faculty).get(BASE + "/events")
    [row] = response.json()["items"]
    assert (row["title"], row["organiser"]["name"], [a["name"] for a in row["attendees"]]) == (
        "Buurtoverleg",
        "Buurtwerk De Brug",
        ["Fien Docent"],
    )


def test_the_event_list_costs_the_same_queries_for_3_or_15(world, api_as, campus):
    client = api_as(world.coordinator)

    def add(n: int) -> None:
        for i in range(n):
            create_event(
                by=None, campus=campus, title=f"E{i}", date=dt.date(2026, 1, 1), attendees=[world.faculty_person]
            )

    add(3)
    small = count_queries(lambda: client.get(BASE + "/events"))
    add(12)
    assert count_queries(lambda: client.get(BASE + "/events")) == small
