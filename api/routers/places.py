"""The neighbourhood campus: campuses, the collaborations in a campus's neighbourhood and the map's data,
facilities, booking requests and their decision, and network events. Same selectors, services, scopes and
rules as the campus pages: a campus is found through ``places.access`` (partners and other institutions get
404), its neighbourhood pages need ``places.view_neighbourhood`` (staff; a student gets 403).

A campus has no UUID: it is addressed by its institution's slug and its own, as in the web pages.
"""

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from accounts.access import get_for_user_or_404, require
from api.auth import acting_user
from api.errors import codes
from api.pagination import Pages
from api.schemas import InputSchema, OrganisationRef, PersonRef, Version, choice
from network.models import Campus
from places import selectors
from places.access import campuses_for, get_campus_for_user
from places.models import Booking, Facility, NeighbourhoodEvent
from places.services import approve_booking, decline_booking

router = Router(tags=["Neighbourhood campus"])

BookingStatus = choice(Booking.Status)
VIEW = "places.view_neighbourhood"
CAMPUS = "/{institution}/{campus}"


class CampusOut(Schema):
    institution: str = Field(description="Slug of the institution.")
    slug: str
    name: str
    street: str
    postcode: str
    city: str
    latitude: float | None
    longitude: float | None
    neighbourhood_name: str
    neighbourhood_radius_m: int
    anchor: PersonRef | None = Field(description="The campus's neighbourhood anchor, if any.")

    @staticmethod
    def resolve_institution(obj: Campus) -> str:
        return obj.institution.slug


class CollaborationOut(Schema):
    engagement: UUID
    title: str
    kind: str
    front: str
    direction: str
    organisation: OrganisationRef | None
    start_date: dt.date | None
    at_campus: bool = Field(description="Drawn at the campus (linked to it) rather than at the partner.")
    latitude: float | None
    longitude: float | None


class MapCampusOut(Schema):
    name: str
    lat: float | None
    lon: float | None
    radius_m: int
    area: Any = Field(None, description="The neighbourhood's drawn shape (GeoJSON), if any.")
    neighbourhood: str


class MapOut(Schema):
    """A GeoJSON FeatureCollection, the same the campus map page draws."""

    type: str
    campus: MapCampusOut
    total: int
    aggregated: bool = Field(description="Beyond the feature limit, points are aggregated.")
    features: list[dict[str, Any]]


class FacilityOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    name: str
    kind: str
    capacity: int
    conditions_nl: str
    conditions_en: str
    is_public: bool
    version: int


class FacilityRef(Schema):
    id: UUID = Field(validation_alias="public_id")
    name: str


class BookingOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    facility: FacilityRef
    requester_name: str
    requester_email: str
    group_name: str
    purpose: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    people: int
    status: str
    reason: str
    internal_note: str
    decided_at: dt.datetime | None
    version: int


class EventOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    title: str
    date: dt.date
    place: str
    organiser: OrganisationRef | None
    attendees: list[PersonRef]
    latitude: float | None
    longitude: float | None
    notes: str
    version: int

    @staticmethod
    def resolve_attendees(obj: NeighbourhoodEvent) -> list[Any]:
        return list(obj.attendees.all())


class BookingDecisionIn(InputSchema):
    version: Version
    decision: Literal["approve", "decline"]
    reason: str = Field("", max_length=2000, description="Goes into the mail to the requester; required to decline.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"version": 1, "decision": "approve"},
                {"version": 1, "decision": "decline", "reason": "De zaal wordt die week geschilderd."},
            ]
        }
    )


def _campus(request: HttpRequest, institution: str, campus: str) -> Campus:
    user = acting_user(request)
    found = get_campus_for_user(user, institution, campus)
    require(user, VIEW, found)
    return found


@router.get("/campuses", response=codes({200: list[CampusOut]}, 403), summary="List campuses")
@paginate(Pages)
def list_campuses(request: HttpRequest) -> Any:
    """Your institution's campuses, by name."""
    user = acting_user(request)
    require(user, "network.view_dashboard")
    return campuses_for(user).select_related("institution", "anchor").order_by("name", "id")


@router.get(
    "/campuses" + CAMPUS + "/collaborations",
    response=codes({200: list[CollaborationOut]}, 403, 404),
    summary="Collaborations in a campus's neighbourhood",
)
@paginate(Pages)
def list_collaborations(request: HttpRequest, institution: str, campus: str) -> list[dict[str, Any]]:
    """Your institution's engagements in the neighbourhood, newest first: linked to the campus (a place-based
    partnership or a course on the campus) or with a partner located in the neighbourhood."""
    found = _campus(request, institution, campus)
    return [
        {
            "engagement": item.engagement.public_id,
            "title": item.engagement.title,
            "kind": item.engagement.kind,
            "front": item.engagement.front,
            "direction": item.engagement.direction,
            "organisation": item.engagement.organisation,
            "start_date": item.engagement.start_date,
            "at_campus": item.at_campus,
            "latitude": item.lat,
            "longitude": item.lon,
        }
        for item in selectors.collaborations(found)
    ]


@router.get(
    "/campuses" + CAMPUS + "/map",
    response=codes({200: MapOut}, 403, 404),
    summary="Map data of a campus's neighbourhood",
)
def campus_map(request: HttpRequest, institution: str, campus: str) -> dict[str, Any]:
    """Organisations, collaborations and network events of the neighbourhood as GeoJSON points (the map page's
    own data)."""
    return selectors.map_data(_campus(request, institution, campus))


@router.get(
    "/campuses" + CAMPUS + "/facilities",
    response=codes({200: list[FacilityOut]}, 403, 404),
    summary="Facilities of a campus",
)
@paginate(Pages)
def list_facilities(request: HttpRequest, institution: str, campus: str, is_public: bool | None = None) -> Any:
    """Rooms, halls and equipment of the campus, by name. Filter: `is_public` (open to neighbourhood requests)."""
    facilities = Facility.objects.filter(campus=_campus(request, institution, campus)).order_by("name", "id")
    if is_public is not None:
        facilities = facilities.filter(is_public=is_public)
    return facilities


@router.get(
    "/campuses" + CAMPUS + "/booking-requests",
    response=codes({200: list[BookingOut]}, 403, 404),
    summary="Booking requests of a campus",
)
@paginate(Pages)
def list_bookings(
    request: HttpRequest,
    institution: str,
    campus: str,
    status: BookingStatus | None = None,
    facility: UUID | None = None,
) -> Any:
    """Requests from the neighbourhood to use a facility (staff), pending first. Filters: `status`, `facility`."""
    found = _campus(request, institution, campus)
    bookings = Booking.objects.for_user(acting_user(request)).filter(facility__campus=found)
    if status:
        bookings = bookings.filter(status=status)
    if facility:
        bookings = bookings.filter(facility__public_id=facility)
    return bookings.select_related("facility").order_by("status", "starts_at", "id")


def _booking(request: HttpRequest, public_id: UUID) -> Booking:
    queryset = Booking.objects.for_user(acting_user(request)).select_related(
        "facility__campus__institution", "facility__campus__anchor"
    )
    return get_for_user_or_404(queryset, public_id=public_id)


@router.get("/booking-requests/{public_id}", response=codes({200: BookingOut}, 403, 404), summary="One booking request")
def get_booking(request: HttpRequest, public_id: UUID) -> Booking:
    booking = _booking(request, public_id)
    require(acting_user(request), VIEW, booking.facility.campus)
    return booking


@router.post(
    "/booking-requests/{public_id}/decision",
    response=codes({200: BookingOut}, 400, 403, 404, 409),
    summary="Approve or decline a booking request",
)
def decide_booking(request: HttpRequest, public_id: UUID, payload: BookingDecisionIn) -> Booking:
    """The office or the campus's anchor decides; the requester gets a mail. Approving a request that overlaps an
    approved booking of the same facility is refused (400); declining needs a reason. 409 when `version` is
    stale."""
    user = acting_user(request)
    booking = _booking(request, public_id)
    require(user, "places.decide_booking", booking.facility.campus)
    operation = approve_booking if payload.decision == "approve" else decline_booking
    operation(booking, by=user, expected_version=payload.version, reason=payload.reason)
    return _booking(request, public_id)


@router.get(
    "/campuses" + CAMPUS + "/events",
    response=codes({200: list[EventOut]}, 403, 404),
    summary="Network events of a campus",
)
@paginate(Pages)
def list_events(request: HttpRequest, institution: str, campus: str) -> Any:
    """Neighbourhood network events the campus's staff took part in, newest first."""
    found = _campus(request, institution, campus)
    return (
        NeighbourhoodEvent.objects.filter(campus=found)
        .select_related("organiser")
        .prefetch_related("attendees")
        .order_by("-date", "-id")
    )
