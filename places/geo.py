"""The shape of a neighbourhood: a radius around the campus, or a drawn GeoJSON area.

The database narrows candidates with a bounding box (indexable ranges on latitude and
longitude); the exact test, great-circle distance or point in polygon, runs here in Python on
the few rows that pass, so it works the same on SQLite and PostgreSQL without a GIS extension.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

EARTH_RADIUS_M = 6_371_008.8
Ring = list[tuple[float, float]]  # (longitude, latitude), as GeoJSON writes them


def position_errors(latitude: float | None, longitude: float | None) -> dict[str, list[str]]:
    """What is wrong with a position as people type it, per field: both coordinates or neither (the message
    goes on the one missing), each within its range. Used by every service that stores a place."""
    errors: dict[str, list[str]] = {}
    if (latitude is None) != (longitude is None):
        missing = "longitude" if longitude is None else "latitude"
        errors[missing] = [_("Give both latitude and longitude, or neither.")]
    if latitude is not None and not -90 <= latitude <= 90:
        errors.setdefault("latitude", []).append(_("A latitude lies between -90 and 90 (Ghent is about 51.05)."))
    if longitude is not None and not -180 <= longitude <= 180:
        errors.setdefault("longitude", []).append(_("A longitude lies between -180 and 180 (Ghent is about 3.72)."))
    return errors


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _in_ring(lon: float, lat: float, ring: Ring) -> bool:
    """Ray casting: a point is inside when a ray from it crosses the ring's edges an odd number of times."""
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def polygons_of(geojson: Any) -> list[list[Ring]]:
    """The polygons (outer ring, then holes) of a GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection.

    Anything else, or malformed input, gives no polygons: the caller falls back to the radius.
    """
    if not isinstance(geojson, dict):
        return []
    kind = geojson.get("type")
    try:
        if kind == "FeatureCollection":
            return [p for feature in geojson.get("features") or [] for p in polygons_of(feature)]
        if kind == "Feature":
            return polygons_of(geojson.get("geometry"))
        if kind == "Polygon":
            return [_rings(geojson["coordinates"])]
        if kind == "MultiPolygon":
            return [_rings(poly) for poly in geojson["coordinates"]]
    except (KeyError, TypeError, ValueError, IndexError):
        return []
    return []


def _rings(coordinates: Any) -> list[Ring]:
    rings = [[(float(pt[0]), float(pt[1])) for pt in ring] for ring in coordinates]
    if not rings or any(len(ring) < 3 for ring in rings):
        raise ValueError("a ring needs at least three points")
    return rings


def valid_area(geojson: Any) -> bool:
    return bool(polygons_of(geojson))


@dataclass(frozen=True)
class Neighbourhood:
    """A campus's neighbourhood: a circle of ``radius_m`` around (lat, lon), or the drawn polygons."""

    lat: float
    lon: float
    radius_m: float
    polygons: tuple[tuple[tuple[tuple[float, float], ...], ...], ...] = ()

    @classmethod
    def of(cls, campus: Any) -> Neighbourhood | None:
        """None when the campus has no location yet: there is no neighbourhood to draw."""
        if campus.latitude is None or campus.longitude is None:
            return None
        polygons = tuple(tuple(tuple(ring) for ring in poly) for poly in polygons_of(campus.neighbourhood_area))
        return cls(campus.latitude, campus.longitude, float(campus.neighbourhood_radius_m or 0), polygons)

    @property
    def drawn(self) -> bool:
        return bool(self.polygons)

    def bbox(self) -> tuple[float, float, float, float]:
        """(south, west, north, east), including every point that ``contains`` can accept."""
        if self.polygons:
            points = [pt for poly in self.polygons for pt in poly[0]]
            lons, lats = [p[0] for p in points], [p[1] for p in points]
            return min(lats), min(lons), max(lats), max(lons)
        dlat = math.degrees(self.radius_m / EARTH_RADIUS_M)
        # Near the poles a degree of longitude shrinks to nothing: cap the widening.
        dlon = dlat / max(math.cos(math.radians(self.lat)), 0.01)
        return self.lat - dlat, self.lon - dlon, self.lat + dlat, self.lon + dlon

    def contains(self, lat: float | None, lon: float | None) -> bool:
        if lat is None or lon is None:
            return False
        if self.polygons:
            for outer, *holes in self.polygons:
                if _in_ring(lon, lat, list(outer)) and not any(_in_ring(lon, lat, list(h)) for h in holes):
                    return True
            return False
        return haversine_m(self.lat, self.lon, lat, lon) <= self.radius_m

    def lookup(self, prefix: str = "") -> dict[str, Any]:
        """Queryset filter keyword arguments for the bounding box, on ``<prefix>latitude/longitude``."""
        south, west, north, east = self.bbox()
        return {f"{prefix}latitude__range": (south, north), f"{prefix}longitude__range": (west, east)}
