"""A campus's neighbourhood settings through the API: same service and rules as the settings page."""

from __future__ import annotations

import pytest

from places.tests.helpers import make_campus
from web.tests.test_campus_settings import SQUARE


@pytest.fixture
def campus(world):
    return make_campus(world.a)


API = "/places/campuses/uas/watersportbaan/settings"


def test_api_reads_and_changes_the_neighbourhood(world, api_as, campus):
    read = api_as(world.faculty).get(API)
    assert read.status_code == 200
    body = read.json()
    assert body["neighbourhood_radius_m"] == 1200 and body["neighbourhood_area"] is None and body["version"] == 1

    response = api_as(world.coordinator).patch(
        API,
        {"version": 1, "neighbourhood_area": SQUARE, "anchor": str(world.faculty_person.public_id)},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["neighbourhood_area"] == SQUARE
    assert body["anchor"]["id"] == str(world.faculty_person.public_id)
    assert body["version"] == 2
    campus.refresh_from_db()
    assert campus.neighbourhood_area == SQUARE

    cleared = api_as(world.coordinator).patch(API, {"version": 2, "neighbourhood_area": None, "anchor": None})
    assert cleared.status_code == 200
    campus.refresh_from_db()
    assert campus.neighbourhood_area is None and campus.anchor is None


def test_api_refuses_bad_areas_strangers_and_stale_versions(world, api_as, campus):
    point = api_as(world.coordinator).patch(
        API, {"version": 1, "neighbourhood_area": {"type": "Point", "coordinates": [3.7, 51]}}
    )
    assert point.status_code == 400
    assert "neighbourhood_area" in point.json()["errors"]
    stranger = api_as(world.coordinator).patch(API, {"version": 1, "anchor": str(world.outsider_person.public_id)})
    assert stranger.status_code == 400 and "anchor" in stranger.json()["errors"]
    half = api_as(world.coordinator).patch(API, {"version": 1, "latitude": None})
    assert half.status_code == 400 and "latitude" in half.json()["errors"]
    assert api_as(world.faculty).patch(API, {"version": 1, "neighbourhood_name": "X"}).status_code == 403
    for user in (world.outsider, world.partner):
        assert api_as(user).get(API).status_code == 404
        assert api_as(user).patch(API, {"version": 1, "neighbourhood_name": "X"}).status_code == 404
    assert api_as(None).get(API).status_code == 401
    assert api_as(world.coordinator).patch(API, {"version": 1, "neighbourhood_name": "Eerst"}).status_code == 200
    assert api_as(world.coordinator).patch(API, {"version": 1, "neighbourhood_name": "Later"}).status_code == 409
    campus.refresh_from_db()
    assert campus.neighbourhood_name == "Eerst" and campus.version == 2
