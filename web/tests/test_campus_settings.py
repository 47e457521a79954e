"""The campus settings page and its API: where the campus is, its neighbourhood (a radius or a drawn area)
and its anchor. What the office sets here is what the neighbourhood page, the map and the requests use."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from network.models import Campus
from places import selectors
from places.tests.helpers import CAMPUS_LAT, CAMPUS_LON, make_campus, make_neighbour

# A square of about 440 m by 440 m north-east of the campus: it holds a point 200 m east and 200 m
# north, but not the campus's neighbours due north at 100 m (outside, west of it).
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [
            [CAMPUS_LON + 0.001, CAMPUS_LAT + 0.0005],
            [CAMPUS_LON + 0.007, CAMPUS_LAT + 0.0005],
            [CAMPUS_LON + 0.007, CAMPUS_LAT + 0.0045],
            [CAMPUS_LON + 0.001, CAMPUS_LAT + 0.0045],
            [CAMPUS_LON + 0.001, CAMPUS_LAT + 0.0005],
        ]
    ],
}


@pytest.fixture
def campus(world):
    return make_campus(world.a)


def url(campus: Campus) -> str:
    return reverse("campus-settings", args=[campus.institution.slug, campus.slug])


def form_data(campus: Campus, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "street": campus.street,
        "postcode": campus.postcode,
        "city": campus.city,
        "latitude": campus.latitude if campus.latitude is not None else "",
        "longitude": campus.longitude if campus.longitude is not None else "",
        "neighbourhood_name": campus.neighbourhood_name,
        "neighbourhood_radius_m": campus.neighbourhood_radius_m,
        "neighbourhood_area": json.dumps(campus.neighbourhood_area) if campus.neighbourhood_area else "",
        "anchor": campus.anchor.public_id if campus.anchor else "",
        "version": campus.version,
    }
    data.update(changes)
    return data


@pytest.mark.usefixtures("english")
def test_the_office_sees_the_form_with_the_map_and_every_field_labelled(world, as_user, campus):
    response = as_user(world.coordinator).get(url(campus))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="campus-settings-map"' in html
    assert "vendor/leaflet-geoman/leaflet-geoman.min.js" in html
    for name in ("latitude", "longitude", "neighbourhood_radius_m", "neighbourhood_area", "anchor"):
        assert f'for="id_{name}"' in html
    # The campus pages link to it for those who may use it.
    page = as_user(world.coordinator).get(reverse("campus-neighbourhood", args=["uas", campus.slug]))
    assert url(campus) in page.content.decode()


def test_the_office_sets_location_name_radius_and_anchor(world, as_user, campus):
    response = as_user(world.coordinator).post(
        url(campus),
        form_data(
            campus,
            latitude="51.05",
            longitude="3.71",
            neighbourhood_name="Rabot",
            neighbourhood_radius_m="800",
            anchor=world.faculty_person.public_id,
            street="Watersportbaan 1",
        ),
    )
    assert response.status_code == 302
    campus.refresh_from_db()
    assert (campus.latitude, campus.longitude) == (51.05, 3.71)
    assert campus.neighbourhood_name == "Rabot"
    assert campus.neighbourhood_radius_m == 800
    assert campus.anchor == world.faculty_person
    assert campus.street == "Watersportbaan 1"
    assert campus.version == 2
    entry = AuditEntry.objects.get(action="changed neighbourhood")
    assert entry.actor == world.coordinator and entry.changes["anchor"] == str(world.faculty_person)
    # The anchor is now the visible contact on the neighbourhood page, and may decide on requests.
    page = as_user(world.coordinator).get(reverse("campus-neighbourhood", args=["uas", campus.slug]))
    assert str(world.faculty_person) in page.content.decode()
    assert world.faculty.has_perm("places.decide_booking", campus)


def test_a_drawn_area_replaces_the_radius_for_what_lies_in_the_neighbourhood(world, as_user, campus):
    north = make_neighbour(100, name="Buurthuis Noord")  # inside the 1,200 m radius, outside the square
    east = make_neighbour(0, name="Speelplein Oost")
    east.latitude, east.longitude = CAMPUS_LAT + 0.002, CAMPUS_LON + 0.004
    east.save()
    assert {o.name for o in selectors.organisations_in(campus)} >= {"Buurthuis Noord", "Speelplein Oost"}

    # The drawing tool sends what Leaflet-Geoman gives: a FeatureCollection.
    drawn = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": SQUARE}]}
    response = as_user(world.coordinator).post(url(campus), form_data(campus, neighbourhood_area=json.dumps(drawn)))
    assert response.status_code == 302
    campus.refresh_from_db()
    assert campus.neighbourhood_area == SQUARE  # stored as one plain geometry
    inside = {o.name for o in selectors.organisations_in(campus)}
    assert "Speelplein Oost" in inside and north.name not in inside
    map_data = as_user(world.coordinator).get(reverse("campus-map-data", args=["uas", campus.slug])).json()
    assert map_data["campus"]["area"] == SQUARE

    # Emptying the area brings the radius back.
    as_user(world.coordinator).post(url(campus), form_data(campus, neighbourhood_area=""))
    campus.refresh_from_db()
    assert campus.neighbourhood_area is None
    assert north.name in {o.name for o in selectors.organisations_in(campus)}


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"neighbourhood_area": "{not json"}, "neighbourhood_area", "This is not GeoJSON"),
        ({"neighbourhood_area": '{"type": "Point", "coordinates": [3.7, 51.0]}'}, "neighbourhood_area", "polygon"),
        (
            {"neighbourhood_area": json.dumps({"type": "Polygon", "coordinates": [[[300, 51], [3.8, 51], [3.8, 52]]]})},
            "neighbourhood_area",
            "outside the map",
        ),
        ({"longitude": ""}, "longitude", "Give both latitude and longitude"),
        ({"latitude": "95"}, "latitude", "less than or equal to 90"),
        ({"neighbourhood_radius_m": "10"}, "neighbourhood_radius_m", "greater than or equal to 50"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_saved(world, as_user, campus, changes, field, message):
    before = Campus.objects.values().get(pk=campus.pk)
    response = as_user(world.coordinator).post(url(campus), form_data(campus, neighbourhood_name="Nieuw", **changes))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    error = html.split(f'id="id_{field}_error">', 1)[1].split("</p>", 1)[0]
    assert message in error
    assert Campus.objects.values().get(pk=campus.pk) == before
    assert not AuditEntry.objects.filter(action="changed neighbourhood").exists()


def test_the_anchor_must_be_a_person_of_the_campus_institution(world, as_user, campus):
    response = as_user(world.coordinator).post(url(campus), form_data(campus, anchor=world.outsider_person.public_id))
    assert response.status_code == 400
    assert 'id="id_anchor_error"' in response.content.decode()
    campus.refresh_from_db()
    assert campus.anchor is None


@pytest.mark.usefixtures("english")
def test_a_stale_form_is_refused_and_the_other_change_kept(world, as_user, campus):
    stale = form_data(campus, neighbourhood_name="Mijn naam")
    as_user(world.coordinator).post(url(campus), form_data(campus, neighbourhood_name="Hun naam"))
    response = as_user(world.coordinator).post(url(campus), stale)
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    campus.refresh_from_db()
    assert campus.neighbourhood_name == "Hun naam"


def test_who_may_not_change_the_campus_gets_nothing(world, as_user, campus, client):
    # A teacher sees the neighbourhood but may not change it; the page's tab is not shown to them.
    assert as_user(world.faculty).get(url(campus)).status_code == 403
    assert as_user(world.faculty).post(url(campus), form_data(campus, neighbourhood_name="X")).status_code == 403
    page = as_user(world.faculty).get(reverse("campus-neighbourhood", args=["uas", campus.slug]))
    assert url(campus) not in page.content.decode()
    # Another institution's coordinator and partners do not see the campus at all.
    for user in (world.outsider, world.partner, world.other_partner):
        assert as_user(user).get(url(campus)).status_code == 404
        assert as_user(user).post(url(campus), form_data(campus, neighbourhood_name="X")).status_code == 404
    response = client.get(url(campus))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    campus.refresh_from_db()
    assert campus.neighbourhood_name == "Watersportbaan"
