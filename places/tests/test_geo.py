"""The shape of a neighbourhood: radius by great-circle distance, or a drawn polygon with holes."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from places.geo import Neighbourhood, haversine_m, polygons_of, valid_area

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[3.69, 51.04], [3.70, 51.04], [3.70, 51.05], [3.69, 51.05], [3.69, 51.04]]],
}


def _campus(**kw):
    return SimpleNamespace(
        latitude=kw.get("latitude", 51.046),
        longitude=kw.get("longitude", 3.697),
        neighbourhood_radius_m=kw.get("radius", 1200),
        neighbourhood_area=kw.get("area"),
    )


def test_haversine_gives_a_kilometre_for_a_kilometre_north():
    assert haversine_m(51.0, 3.7, 51.0 + 1000 / 111_195, 3.7) == pytest.approx(1000, rel=0.01)


def test_a_radius_neighbourhood_holds_points_inside_the_circle_and_not_in_the_bounding_box_corners():
    area = Neighbourhood.of(_campus())
    south, west, north, east = area.bbox()
    assert area.contains(51.046 + 1100 / 111_195, 3.697)
    assert not area.contains(51.046 + 1300 / 111_195, 3.697)
    # A corner of the box is inside the prefilter but outside the circle.
    assert not area.contains(north - 1e-6, east - 1e-6)


def test_a_drawn_area_replaces_the_radius_and_respects_holes():
    hole = [[3.694, 51.044], [3.696, 51.044], [3.696, 51.046], [3.694, 51.046], [3.694, 51.044]]
    area = Neighbourhood.of(_campus(area={"type": "Polygon", "coordinates": [*SQUARE["coordinates"], hole]}))
    assert area.drawn
    assert area.contains(51.048, 3.699)
    assert not area.contains(51.045, 3.695)  # in the hole
    assert not area.contains(51.06, 3.699)  # outside, though inside the radius
    assert area.bbox() == (51.04, 3.69, 51.05, 3.70)


def test_malformed_areas_fall_back_to_the_radius():
    for broken in ({"type": "Polygon", "coordinates": [[[1, 2]]]}, {"type": "Point"}, "text", {"type": "Polygon"}):
        assert not valid_area(broken)
        assert not Neighbourhood.of(_campus(area=broken)).drawn


def test_features_and_collections_are_read_as_polygons():
    feature = {"type": "Feature", "geometry": SQUARE, "properties": {}}
    assert len(polygons_of({"type": "FeatureCollection", "features": [feature, feature]})) == 2


def test_a_campus_without_a_location_has_no_neighbourhood():
    assert Neighbourhood.of(_campus(latitude=None)) is None
