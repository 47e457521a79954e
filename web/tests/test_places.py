"""The neighbourhood campus pages: neighbourhood, map and its data, reflex, facilities, requests,
events, and the public open-campus pages that show nothing private."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from engagements.models import Engagement
from network.models import SofarRole
from places import selectors
from places.models import Booking, Facility, NeighbourhoodEvent
from places.services import approve_booking, create_event, set_internal_note
from places.tests.helpers import make_booking, make_campus, make_facility, make_neighbour
from tests import factories as f

E = Engagement


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    cache.clear()
    settings.BRUG_FORM_MIN_SECONDS = 0
    yield
    cache.clear()


@pytest.fixture
def campus(world):
    # The faculty member is the neighbourhood anchor: they decide on requests like the office.
    return make_campus(world.a, anchor=world.faculty_person)


@pytest.fixture
def hall(campus):
    return make_facility(campus, name="Sporthal", capacity=40)


def english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def slugs(campus):
    return [campus.institution.slug, campus.slug]


def _fill(campus, world, n):
    for i in range(n):
        org = make_neighbour(10 + i * 10)
        front = [E.Front.INFRASTRUCTURE, E.Front.EDUCATION, E.Front.NETWORK][i % 3]
        direction = [E.Direction.TO_NEIGHBOURHOOD, E.Direction.TO_CAMPUS][i % 2]
        f.make_engagement(
            world.a,
            organisation=org,
            front=front,
            direction=direction,
            participants=[(world.student_person, SofarRole.STUDENT, 3)],
        )
        event = create_event(
            by=None, campus=campus, title=f"Overleg {i}", date=dt.date(2026, 1, 1) + dt.timedelta(days=i), organiser=org
        )
        event.attendees.set([world.coord_person, world.faculty_person])


# ---- who may see what ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "campus-neighbourhood",
        "campus-map",
        "campus-map-data",
        "campus-reflex",
        "campus-facilities",
        "campus-bookings",
        "campus-events",
    ],
)
def test_staff_see_campus_pages_others_are_turned_away(world, as_user, campus, name):
    url = reverse(name, args=slugs(campus))
    assert as_user(world.coordinator).get(url).status_code == 200
    assert as_user(world.faculty).get(url).status_code == 200
    assert as_user(world.student).get(url).status_code == 403
    assert as_user(world.outsider).get(url).status_code == 404
    assert as_user(world.partner).get(url).status_code == 404
    assert as_user(world.other_partner).get(url).status_code == 404
    anonymous = as_user(None).get(url)
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("login"))


def test_an_unknown_campus_is_404(world, as_user):
    assert as_user(world.coordinator).get(reverse("campus-map", args=["uas", "nergens"])).status_code == 404


def test_the_campus_list_shows_only_the_own_institutions_campuses(world, as_user, campus):
    make_campus(world.b, name="Campus Elders", slug="elders")
    page = as_user(world.coordinator).get(reverse("campus-list")).content.decode()
    assert "Campus Watersportbaan" in page and "Campus Elders" not in page
    assert as_user(world.partner).get(reverse("campus-list")).status_code == 403


# ---- the neighbourhood page --------------------------------------------------------------


def test_the_neighbourhood_page_groups_collaborations_by_front_and_partner_with_the_anchor_and_events(
    world, as_user, campus
):
    team = make_neighbour(200, "Wijkactieteam Watersportbaan")
    f.make_engagement(
        world.a, title="Sporthal open", organisation=team, front=E.Front.INFRASTRUCTURE, direction=E.Direction.TO_CAMPUS
    )
    f.make_engagement(world.a, title="Bachelorproject buurt", organisation=team, front=E.Front.EDUCATION)
    f.make_engagement(world.b, title="Van een andere hogeschool", organisation=team)
    event = create_event(
        by=None, campus=campus, title="Netwerkoverleg", date=timezone.localdate() + dt.timedelta(days=5), organiser=team
    )
    event.attendees.set([world.coord_person])
    response = as_user(english(world.coordinator)).get(reverse("campus-neighbourhood", args=slugs(campus)))
    page = response.content.decode()
    assert "Fien Docent" in page  # the anchor
    assert "Netwerkoverleg" in page and "Cora Coördinator" in page
    assert "Van een andere hogeschool" not in page
    infra, education, network = (page.index(str(label)) for label in E.Front.labels)
    assert infra < page.index("Sporthal open") < education < page.index("Bachelorproject buurt") < network
    assert page.count("Wijkactieteam Watersportbaan") >= 2  # the partner, under each front


@pytest.mark.parametrize(
    "name", ["campus-neighbourhood", "campus-map", "campus-map-data", "campus-reflex", "campus-events"]
)
def test_campus_pages_run_the_same_number_of_queries_for_3_or_30_collaborations(
    world, as_user, campus, name, django_assert_max_num_queries, django_assert_num_queries
):
    client = as_user(world.coordinator)
    url = reverse(name, args=slugs(campus))
    _fill(campus, world, 3)
    client.get(url)  # warm up the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _fill(campus, world, 27)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


# ---- the map -----------------------------------------------------------------------------


def test_the_map_page_lists_the_same_data_for_readers_without_javascript(world, as_user, campus):
    org = make_neighbour(150, "Jeugdhuis Watersportbaan")
    f.make_engagement(world.a, title="Opstart jeugdhuis", organisation=org, front=E.Front.NETWORK)
    make_neighbour(5000, "Ver Weg Vzw")
    response = as_user(english(world.coordinator)).get(reverse("campus-map", args=slugs(campus)))
    page = response.content.decode()
    assert "Jeugdhuis Watersportbaan" in page and "Opstart jeugdhuis" in page
    assert "Ver Weg Vzw" not in page
    assert 'data-src="' + reverse("campus-map-data", args=slugs(campus)) + '"' in page
    assert 'data-tiles=""' in page  # no tile server configured: points on a plain background
    assert "vendor/leaflet/leaflet.js" in page and "brug/map.js" in page
    assert "<script>" not in page  # no inline script under the strict CSP
    # The legend names each front and direction in words, not colour alone.
    for label in (
        "Opening infrastructure",
        "Students go into the neighbourhood",
        "The neighbourhood comes to the campus",
    ):
        assert label in page
    assert page.count('class="map-mark') >= 6


def test_the_map_names_the_tile_server_and_the_policy_allows_only_its_images(world, as_user, campus, settings):
    settings.BRUG_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    page = as_user(world.coordinator).get(reverse("campus-map", args=slugs(campus))).content.decode()
    assert 'data-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in page


def test_the_map_data_is_one_bounded_geojson_answer(world, as_user, campus, monkeypatch):
    for i in range(12):
        make_neighbour(30 * i + 10)
    monkeypatch.setattr(selectors, "MAX_FEATURES", 4)
    response = as_user(world.coordinator).get(reverse("campus-map-data", args=slugs(campus)))
    data = json.loads(response.content)
    assert response["Content-Type"] == "application/json"
    assert data["type"] == "FeatureCollection" and data["aggregated"] and data["total"] == 12
    assert len(data["features"]) <= 4
    assert data["campus"]["lat"] == pytest.approx(campus.latitude)


@pytest.mark.usefixtures("english")
def test_a_campus_without_a_location_says_so_on_its_map(world, as_user):
    bare = make_campus(world.a, slug="kaal", latitude=None, longitude=None)
    page = as_user(world.coordinator).get(reverse("campus-map", args=slugs(bare))).content.decode()
    assert "has no location yet" in page
    assert (
        json.loads(as_user(world.coordinator).get(reverse("campus-map-data", args=slugs(bare))).content)["features"]
        == []
    )


# ---- the reflex --------------------------------------------------------------------------


def test_the_reflex_page_draws_a_chart_with_a_table_alternative(world, as_user, campus):
    org = make_neighbour(100)
    resident = f.make_person(world.a, SofarRole.RESIDENT)
    f.make_engagement(
        world.a, organisation=org, start_date=dt.date(2024, 10, 1), participants=[(resident, SofarRole.RESIDENT, 1)]
    )
    f.make_engagement(world.a, organisation=org, start_date=dt.date(2025, 10, 1), direction=E.Direction.TO_CAMPUS)
    client = as_user(world.coordinator)
    page = client.get(reverse("campus-reflex", args=slugs(campus))).content.decode()
    assert "<svg" in page and 'role="img"' in page
    assert "2024-2025" in page and "2025-2026" in page
    assert '<th scope="row">2024-2025</th>' in page
    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert not re.search(r'="-?\d+,\d+"', svg)  # coordinates are never written with a Dutch decimal comma


# ---- facilities --------------------------------------------------------------------------


def _facility_data(**kw):
    data = {
        "name": "Keuken",
        "kind": "kitchen",
        "capacity": "12",
        "conditions_nl": "Samen met een medewerker.",
        "conditions_en": "",
        "is_public": "on",
    }
    data.update(kw)
    return data


def test_the_office_and_the_anchor_add_facilities_other_staff_may_not(world, as_user, campus):
    url = reverse("facility-create", args=slugs(campus))
    assert as_user(world.coordinator).post(url, _facility_data(name="Keuken")).status_code == 302
    assert as_user(world.faculty).post(url, _facility_data(name="Vergaderzaal")).status_code == 302  # the anchor
    other = f.make_user("faculty", institution=world.a, person=f.make_person(world.a))
    assert as_user(other).post(url, _facility_data(name="Niet")).status_code == 403
    assert as_user(world.outsider).post(url, _facility_data(name="Niet")).status_code == 404
    assert as_user(world.partner).post(url, _facility_data(name="Niet")).status_code == 404
    assert as_user(None).post(url, _facility_data(name="Niet")).status_code == 302
    assert set(Facility.objects.values_list("name", flat=True)) == {"Keuken", "Vergaderzaal"}


def test_a_facility_without_a_name_or_with_no_room_is_refused_with_a_message(world, as_user, campus):
    response = as_user(world.coordinator).post(
        reverse("facility-create", args=slugs(campus)), _facility_data(name="", capacity="0")
    )
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"name", "capacity"}
    assert not Facility.objects.exists()


def test_editing_a_facility_someone_else_changed_is_a_conflict(world, as_user, hall):
    url = reverse("facility-edit", args=[hall.public_id])
    stale = hall.version
    assert as_user(world.coordinator).post(url, _facility_data(name="Grote sporthal", version=stale)).status_code == 302
    response = as_user(world.faculty).post(url, _facility_data(name="Kleine sporthal", version=stale))
    assert response.status_code == 409
    assert "Someone else changed" in response.content.decode() or "iemand anders" in response.content.decode().lower()
    hall.refresh_from_db()
    assert hall.name == "Grote sporthal"
    assert as_user(world.outsider).get(url).status_code == 404


def test_the_staff_calendar_shows_who_asked_and_links_the_request(world, as_user, hall):
    booking = make_booking(hall, days=2)
    month = timezone.localtime(booking.starts_at).strftime("%Y-%m")
    page = (
        as_user(world.coordinator)
        .get(reverse("facility-calendar", args=[hall.public_id]) + f"?month={month}")
        .content.decode()
    )
    assert "Speelpleincomité" in page
    assert reverse("booking-detail", args=[booking.public_id]) in page
    assert as_user(world.outsider).get(reverse("facility-calendar", args=[hall.public_id])).status_code == 404
    assert as_user(world.student).get(reverse("facility-calendar", args=[hall.public_id])).status_code == 403


# ---- deciding on requests ----------------------------------------------------------------


def test_the_anchor_approves_a_request_and_the_requester_gets_a_mail(
    world, as_user, hall, django_capture_on_commit_callbacks
):
    booking = make_booking(hall, language="en")
    url = reverse("booking-decide", args=[booking.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.faculty).post(url, {"decision": "approve", "version": booking.version, "reason": ""})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.APPROVED and booking.decided_by == world.faculty
    assert mail.outbox[0].to == ["fatou@voorbeeld.be"] and "approved" in mail.outbox[0].subject


@pytest.mark.usefixtures("english")
def test_a_second_overlapping_request_cannot_be_approved_and_the_page_says_why(world, as_user, hall):
    first, second = make_booking(hall, start=14, end=16), make_booking(hall, start=15, end=18)
    approve_booking(first, by=world.coordinator, expected_version=first.version, notify=False)
    detail = as_user(world.coordinator).get(reverse("booking-detail", args=[second.public_id])).content.decode()
    assert "An approved booking of the same facility overlaps this request" in detail
    response = as_user(world.coordinator).post(
        reverse("booking-decide", args=[second.public_id]), {"decision": "approve", "version": second.version}
    )
    assert response.status_code == 400
    assert "cannot be approved: it overlaps an approved booking" in response.content.decode()
    assert Booking.objects.get(pk=second.pk).status == Booking.Status.PENDING


def test_declining_without_a_reason_is_refused_next_to_the_reason(world, as_user, hall):
    booking = make_booking(hall)
    response = as_user(world.coordinator).post(
        reverse("booking-decide", args=[booking.public_id]),
        {"decision": "decline", "version": booking.version, "reason": ""},
    )
    assert response.status_code == 400
    assert "reason" in response.context["decision"].errors
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.PENDING


def test_deciding_on_a_stale_page_is_a_conflict(world, as_user, hall):
    booking = make_booking(hall)
    set_internal_note(booking, by=world.coordinator, expected_version=booking.version, note="Sleutel klaarleggen")
    response = as_user(world.coordinator).post(
        reverse("booking-decide", args=[booking.public_id]), {"decision": "approve", "version": 1}
    )
    assert response.status_code == 409
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.PENDING


def test_only_the_anchor_or_the_office_decide(world, as_user, hall):
    booking = make_booking(hall)
    url = reverse("booking-decide", args=[booking.public_id])
    data = {"decision": "approve", "version": booking.version}
    other = f.make_user("faculty", institution=world.a, person=f.make_person(world.a))
    assert as_user(other).post(url, data).status_code == 403
    assert as_user(world.student).post(url, data).status_code == 404  # requests hold personal data: staff only
    assert as_user(world.outsider).post(url, data).status_code == 404
    assert as_user(world.partner).post(url, data).status_code == 404
    assert as_user(None).post(url, data).status_code == 302
    assert as_user(world.coordinator).get(url).status_code == 405
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.PENDING
    # Other staff may read the request but get no decision form.
    page = as_user(other).get(reverse("booking-detail", args=[booking.public_id])).content.decode()
    assert "fatou@voorbeeld.be" in page and 'value="approve"' not in page


def test_the_requests_list_filters_by_status(world, as_user, hall):
    approved = make_booking(hall, days=3, requester_name="Aanvrager Een")
    make_booking(hall, days=4, requester_name="Aanvrager Twee")
    approve_booking(approved, by=None, expected_version=approved.version, notify=False)
    page = (
        as_user(world.faculty)
        .get(reverse("campus-bookings", args=slugs(hall.campus)) + "?status=pending")
        .content.decode()
    )
    assert "Aanvrager Twee" in page and "Aanvrager Een" not in page


# ---- network events ----------------------------------------------------------------------


def test_staff_add_a_network_event_with_attendees_of_the_institution(world, as_user, campus):
    organiser = make_neighbour(100, "Wijkactieteam")
    data = {
        "title": "Buurtfeest",
        "date": "2026-06-20",
        "place": "Pleintje",
        "organiser": str(organiser.public_id),
        "attendees": [str(world.coord_person.public_id), str(world.faculty_person.public_id)],
        "notes": "Intern: drankbonnetjes meebrengen.",
    }
    response = as_user(world.faculty).post(reverse("place-event-create", args=slugs(campus)), data)
    assert response.status_code == 302
    event = NeighbourhoodEvent.objects.get()
    assert set(event.attendees.all()) == {world.coord_person, world.faculty_person}
    page = as_user(world.coordinator).get(reverse("place-event-detail", args=[event.public_id])).content.decode()
    assert "Cora Coördinator" in page and "Wijkactieteam" in page
    assert as_user(world.student).post(reverse("place-event-create", args=slugs(campus)), data).status_code == 403
    assert as_user(world.outsider).get(reverse("place-event-detail", args=[event.public_id])).status_code == 404
    assert NeighbourhoodEvent.objects.count() == 1


def test_an_event_with_an_outsider_as_attendee_or_half_a_location_is_refused(world, as_user, campus):
    data = {
        "title": "Overleg",
        "date": "2026-06-20",
        "attendees": [str(world.outsider_person.public_id)],
        "latitude": "51.0",
    }
    response = as_user(world.coordinator).post(reverse("place-event-create", args=slugs(campus)), data)
    assert response.status_code == 400
    assert {"attendees", "longitude"} <= response.context["form"].errors.keys()
    assert not NeighbourhoodEvent.objects.exists()


def test_editing_an_event_on_a_stale_version_is_a_conflict(world, as_user, campus):
    event = create_event(by=None, campus=campus, title="Overleg", date=dt.date(2026, 6, 1))
    url = reverse("place-event-edit", args=[event.public_id])
    data = {"title": "Overleg juni", "date": "2026-06-01", "version": event.version}
    assert as_user(world.coordinator).post(url, data).status_code == 302
    assert as_user(world.faculty).post(url, {**data, "title": "Anders"}).status_code == 409
    event.refresh_from_db()
    assert event.title == "Overleg juni"


# ---- the public pages --------------------------------------------------------------------


def _request_data(**kw):
    day = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    data = {
        "requester_name": "Oksana Havermans",
        "requester_email": "oksana@voorbeeld.be",
        "group_name": "Mama's van de Yachtdreef",
        "purpose": "Samen koken voor het buurtfeest",
        "date": day,
        "start_time": "14:00",
        "end_time": "16:00",
        "people": "8",
        "website": "",
    }
    data.update(kw)
    return data


def _with_started(client, facility, data):
    form = client.get(reverse("public-booking-request", args=[facility.public_id])).context["form"]
    return {**data, "started": form.initial["started"]}


def test_anyone_asks_for_a_facility_through_the_public_form(world, as_user, hall):
    client = as_user(None)
    client.post(reverse("set-language"), {"language": "en"})
    url = reverse("public-booking-request", args=[hall.public_id])
    response = client.post(url, _with_started(client, hall, _request_data()))
    assert response.status_code == 302 and response.url == reverse("public-booking-sent", args=[hall.public_id])
    booking = Booking.objects.get()
    assert (booking.requester_name, booking.language, booking.people) == ("Oksana Havermans", "en", 8)
    assert booking.starts_at.hour in (12, 13, 14)  # 14:00 in Brussels


def test_the_public_form_refuses_bad_input_with_messages_and_saves_nothing(world, as_user, hall):
    client = as_user(None)
    url = reverse("public-booking-request", args=[hall.public_id])
    data = _with_started(client, hall, _request_data(end_time="13:00", people="400", requester_email="geen-adres"))
    response = client.post(url, data)
    assert response.status_code == 400
    assert {"end_time", "requester_email"} <= response.context["form"].errors.keys()
    response = client.post(url, _with_started(client, hall, _request_data(people="400")))
    assert response.status_code == 400 and "people" in response.context["form"].errors
    assert not Booking.objects.exists()


def test_a_filled_honeypot_looks_like_success_but_saves_nothing(world, as_user, hall):
    client = as_user(None)
    response = client.post(
        reverse("public-booking-request", args=[hall.public_id]),
        _with_started(client, hall, _request_data(website="http://spam.example")),
    )
    assert response.status_code == 302
    assert not Booking.objects.exists()


def test_a_form_sent_at_once_is_accepted_and_a_forged_stamp_is_refused(world, as_user, hall):
    client = as_user(None)
    response = client.post(
        reverse("public-booking-request", args=[hall.public_id]), _with_started(client, hall, _request_data())
    )
    assert response.status_code == 302  # a fast typist or autofill is a person too
    assert Booking.objects.exists()
    assert (
        client.post(
            reverse("public-booking-request", args=[hall.public_id]), _request_data(started="vervalst")
        ).status_code
        == 400
    )


def test_the_public_form_is_rate_limited_per_address(world, as_user, hall, monkeypatch):
    from web.views import public_places

    monkeypatch.setattr(public_places, "REQUEST_LIMIT", 2)
    client = as_user(None)
    url = reverse("public-booking-request", args=[hall.public_id])
    codes = [
        client.post(
            url, _with_started(client, hall, _request_data(start_time=f"{h}:00", end_time=f"{h}:30"))
        ).status_code
        for h in (10, 11, 12)
    ]
    assert codes == [302, 302, 429]
    assert Booking.objects.count() == 2


def test_the_public_pages_show_conditions_and_occupied_times_but_nothing_private(world, as_user, hall):
    booking = make_booking(
        hall,
        days=2,
        start=14,
        end=16,
        requester_name="Geheime Naam",
        requester_email="geheim@voorbeeld.be",
        group_name="Geheime Groep",
        purpose="Geheim doel",
    )
    approve_booking(booking, by=world.coordinator, expected_version=booking.version, notify=False)
    booking.refresh_from_db()
    set_internal_note(booking, by=world.coordinator, expected_version=booking.version, note="Interne opmerking")
    make_booking(hall, days=2, start=18, end=19, requester_name="Wachtende Naam")
    client = as_user(None)
    month = timezone.localtime(booking.starts_at).strftime("%Y-%m")
    pages = [
        client.get(reverse("public-campus", args=slugs(hall.campus))),
        client.get(reverse("public-facility", args=[hall.public_id]) + f"?month={month}"),
        client.get(reverse("public-booking-request", args=[hall.public_id])),
    ]
    assert all(p.status_code == 200 for p in pages)
    calendar = pages[1].content.decode()
    assert "Sportschoenen verplicht." in calendar  # conditions, in Dutch by default
    assert "14:00–16:00" in calendar
    for page in pages:
        text = page.content.decode()
        for private in (
            "Geheime Naam",
            "geheim@voorbeeld.be",
            "Geheime Groep",
            "Geheim doel",
            "Interne opmerking",
            "Wachtende Naam",
            "Fien Docent",
            str(booking.public_id),
        ):
            assert private not in text, private


def test_a_facility_that_is_not_public_has_no_public_pages(world, as_user, campus):
    private = make_facility(campus, is_public=False)
    client = as_user(None)
    assert client.get(reverse("public-facility", args=[private.public_id])).status_code == 404
    assert client.get(reverse("public-booking-request", args=[private.public_id])).status_code == 404
    assert client.get(reverse("public-campus", args=slugs(campus))).status_code == 404
