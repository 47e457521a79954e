"""Test data for the neighbourhood campus, made through the real services."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from network.models import Campus, Institution, Organisation, Person
from places.models import Booking, Facility
from places.services import create_facility, request_booking
from tests import factories as f

CAMPUS_LAT, CAMPUS_LON = 51.046, 3.697
METRES_PER_DEGREE = 111_195
_seq = itertools.count(1)


def make_campus(institution: Institution, *, anchor: Person | None = None, **fields: Any) -> Campus:
    return Campus.objects.create(
        institution=institution,
        name=fields.pop("name", "Campus Watersportbaan"),
        slug=fields.pop("slug", "watersportbaan"),
        latitude=fields.pop("latitude", CAMPUS_LAT),
        longitude=fields.pop("longitude", CAMPUS_LON),
        neighbourhood_radius_m=fields.pop("neighbourhood_radius_m", 1200),
        neighbourhood_name=fields.pop("neighbourhood_name", "Watersportbaan"),
        anchor=anchor,
        **fields,
    )


def north_of_campus(metres: float) -> tuple[float, float]:
    return CAMPUS_LAT + metres / METRES_PER_DEGREE, CAMPUS_LON


def make_neighbour(metres: float = 300, name: str | None = None, **fields: Any) -> Organisation:
    lat, lon = north_of_campus(metres)
    return f.make_organisation(name or f"Buurtorganisatie {next(_seq)}", latitude=lat, longitude=lon, **fields)


def make_facility(campus: Campus, **fields: Any) -> Facility:
    return create_facility(
        by=None,
        campus=campus,
        name=fields.pop("name", f"Zaal {next(_seq)}"),
        kind=fields.pop("kind", Facility.Kind.ROOM),
        capacity=fields.pop("capacity", 30),
        conditions_nl=fields.pop("conditions_nl", "Sportschoenen verplicht."),
        conditions_en=fields.pop("conditions_en", "Indoor shoes only."),
        is_public=fields.pop("is_public", True),
    )


def at(days: int, hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def make_booking(facility: Facility, days: int = 7, start: int = 14, end: int = 16, **fields: Any) -> Booking:
    return request_booking(
        facility,
        requester_name=fields.pop("requester_name", "Fatou Diallo"),
        requester_email=fields.pop("requester_email", "fatou@voorbeeld.be"),
        group_name=fields.pop("group_name", "Speelpleincomité"),
        purpose=fields.pop("purpose", "Bewonersoverleg over het speelplein."),
        starts_at=at(days, start),
        ends_at=at(days, end),
        people=fields.pop("people", 12),
        **fields,
    )
