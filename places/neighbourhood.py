"""Setting a campus's place in its neighbourhood: its address and location, the neighbourhood's name and
shape (a radius around the campus, or a drawn area), and the anchor, the institution's visible contact
person there. One service for the settings page and the API; the office of the institution may do it.

A drawn area is GeoJSON (a Polygon or MultiPolygon, bare or in a Feature or FeatureCollection, as drawing
tools and city open-data portals give it). It is checked and stored as one plain geometry, so everything
that reads it (``places.geo``) sees one shape.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.services import record
from lib.concurrency import save_versioned
from lib.errors import DomainError
from network.models import Campus, Person
from places.geo import polygons_of, position_errors

FIELDS = (
    "street",
    "postcode",
    "city",
    "latitude",
    "longitude",
    "neighbourhood_name",
    "neighbourhood_radius_m",
    "neighbourhood_area",
    "anchor",
)
MIN_RADIUS_M = 50
MAX_RADIUS_M = 20_000
MAX_AREA_POINTS = 5_000
MAX_AREA_BYTES = 500_000


def _field_error(field: str, message: str, code: str) -> DomainError:
    return DomainError({field: [DomainError(message, code=code)]})


def clean_area(value: Any) -> dict[str, Any] | None:
    """A drawn area as one Polygon or MultiPolygon geometry, or None for "no drawn area".

    Accepts GeoJSON text or an already parsed object; refuses, with a message for people, anything that
    is not a polygon with sensible coordinates and a sensible size.
    """
    if value is None or value == "" or value == {}:
        return None
    if isinstance(value, str):
        if len(value.encode()) > MAX_AREA_BYTES:
            raise _field_error("neighbourhood_area", _("The drawn area is too large to store: simplify it."), "size")
        try:
            value = json.loads(value)
        except ValueError:
            raise _field_error(
                "neighbourhood_area", _("This is not GeoJSON: paste or draw a polygon."), "invalid"
            ) from None
    polygons = polygons_of(value)
    if not polygons:
        raise _field_error(
            "neighbourhood_area",
            _("The drawn area must be a polygon (GeoJSON Polygon or MultiPolygon) with at least three corners."),
            "invalid",
        )
    points = sum(len(ring) for polygon in polygons for ring in polygon)
    if points > MAX_AREA_POINTS:
        raise _field_error(
            "neighbourhood_area",
            ngettext(
                "The drawn area has more than %(max)d corner: simplify it.",
                "The drawn area has more than %(max)d corners: simplify it.",
                MAX_AREA_POINTS,
            )
            % {"max": MAX_AREA_POINTS},
            "size",
        )
    for polygon in polygons:
        for ring in polygon:
            for lon, lat in ring:
                if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                    raise _field_error(
                        "neighbourhood_area",
                        _("The drawn area has a corner outside the map (longitude, latitude in that order)."),
                        "range",
                    )
    closed = [[[list(p) for p in _closed(ring)] for ring in polygon] for polygon in polygons]
    if len(closed) == 1:
        return {"type": "Polygon", "coordinates": closed[0]}
    return {"type": "MultiPolygon", "coordinates": closed}


def _closed(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    return ring if ring[0] == ring[-1] else [*ring, ring[0]]


def _check(campus: Campus, fields: dict[str, Any]) -> None:
    errors: dict[str, list[Any]] = position_errors(
        fields.get("latitude", campus.latitude), fields.get("longitude", campus.longitude)
    )
    radius = fields.get("neighbourhood_radius_m", campus.neighbourhood_radius_m)
    if radius is None or not MIN_RADIUS_M <= radius <= MAX_RADIUS_M:
        errors.setdefault("neighbourhood_radius_m", []).append(
            DomainError(
                _("The radius lies between %(min)d and %(max)d metres.") % {"min": MIN_RADIUS_M, "max": MAX_RADIUS_M},
                code="range",
            )
        )
    anchor = fields.get("anchor", campus.anchor)
    if anchor is not None and (anchor.institution_id != campus.institution_id or not anchor.is_active):
        errors.setdefault("anchor", []).append(
            DomainError(
                _("The anchor must be an active person of %(institution)s.") % {"institution": campus.institution},
                code="anchor",
            )
        )
    if errors:
        raise DomainError(errors)


def _plain(name: str, value: Any) -> Any:
    if name == "neighbourhood_area":
        return _("drawn area") if value else ""
    if isinstance(value, Person):
        return str(value)
    return value


@transaction.atomic
def update_neighbourhood(campus: Campus, *, by: Any, expected_version: int | None, **fields: Any) -> Campus:
    """Change the campus's address, location, neighbourhood and anchor; the whole change or nothing."""
    fields = {k: v for k, v in fields.items() if k in FIELDS}
    if "neighbourhood_area" in fields:
        fields["neighbourhood_area"] = clean_area(fields["neighbourhood_area"])
    _check(campus, fields)
    changes = {k: v for k, v in fields.items() if getattr(campus, k) != v}
    save_versioned(campus, expected_version=expected_version, fields=changes)
    if changes:
        record(
            by,
            "changed neighbourhood",
            campus,
            institution_id=campus.institution_id,
            changes={k: _plain(k, v) for k, v in changes.items()},
        )
    return campus
