"""The neighbourhood campus: campuses, the neighbourhood's summary, the collaborations in it and the map's
data, the reflex over the years, facilities with their calendar, booking requests (decision, internal note),
and network events with who of the institution attends. Same selectors, services, scopes and rules as the
campus pages: a campus is found through ``places.access`` (partners and other institutions get 404), its
neighbourhood pages need ``places.view_neighbourhood`` (staff; a student gets 403); running facilities and
deciding on requests is ``places.manage_facilities`` / ``places.decide_booking`` (the office or the campus's
anchor), events ``places.manage_events`` (staff).

A campus has no UUID: it is addressed by its institution's slug and its own, as in the web pages. Editing
the campus itself (location, neighbourhood, anchor) is not part of this API.
"""

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from accounts.access import get_for_user_or_404, require
from api.auth import acting_user
from api.errors import codes
from api.lookups import many, one
from api.pagination import Pages
from api.schemas import InputSchema, OrganisationRef, PersonRef, Version, choice
from lib.errors import DomainError
from network.models import Campus, Person
from places import selectors
from places.access import campuses_for, get_campus_for_user
from places.models import Booking, Facility, NeighbourhoodEvent
from places.services import (
    approve_booking,
    create_event,
    create_facility,
    decline_booking,
    set_internal_note,
    update_event,
    update_facility,
)

router = Router(tags=["Neighbourhood campus"])

BookingStatus = choice(Booking.Status)
FacilityKind = choice(Facility.Kind)
VIEW = "places.view_neighbourhood"
MANAGE_FACILITIES = "places.manage_facilities"
DECIDE = "places.decide_booking"
MANAGE_EVENTS = "places.manage_events"
CAMPUS = "/{institution}/{campus}"
# A calendar answers for at most this many days at a time; its dates lie in these years (as the web's months).
MAX_CALENDAR_DAYS = 366
CALENDAR_YEARS = (2000, 2100)


ID_EXAMPLE = "3f2c1d1e-0000-4000-8000-000000000001"


# Output.


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


class CampusRef(Schema):
    institution: str = Field(description="Slug of the institution.")
    slug: str
    name: str

    @staticmethod
    def resolve_institution(obj: Campus) -> str:
        return obj.institution.slug


class AnchorOut(Schema):
    """The institution's visible, approachable contact person in the neighbourhood."""

    id: UUID = Field(validation_alias="public_id")
    name: str
    email: str
    phone: str

    @staticmethod
    def resolve_name(obj: Person) -> str:
        return str(obj)


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


class FacilityDetailOut(FacilityOut):
    campus: CampusRef


class FacilityRef(Schema):
    id: UUID = Field(validation_alias="public_id")
    name: str


class SlotOut(Schema):
    """A booking as the staff calendar shows it: when, approved or still asked, and by whom."""

    id: UUID = Field(validation_alias="public_id")
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    requester_name: str
    group_name: str


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
    internal_note: str = Field(description="Staff of the institution only; never the requester or the public.")
    created_at: dt.datetime = Field(description="When it was asked.")
    decided_at: dt.datetime | None
    version: int


class BookingDetailOut(BookingOut):
    decided_by: str | None = Field(description="Who decided, if decided.")
    clashes: list[SlotOut] = Field(
        description="Approved bookings of the same facility that overlap a request still waiting (at most 5)."
    )

    @staticmethod
    def resolve_decided_by(obj: Booking) -> str | None:
        user = obj.decided_by
        return (user.get_full_name() or user.username) if user is not None else None

    @staticmethod
    def resolve_clashes(obj: Booking) -> list[Booking]:
        return selectors.clashes(obj)


class EventOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    title: str
    date: dt.date
    place: str
    organiser: OrganisationRef | None
    attendees: list[PersonRef]
    latitude: float | None
    longitude: float | None
    notes: str = Field(description="Internal notes: staff of the institution only.")
    version: int

    @staticmethod
    def resolve_attendees(obj: NeighbourhoodEvent) -> list[Any]:
        return list(obj.attendees.all())


class AttendeeOut(Schema):
    id: UUID
    name: str
    is_anchor: bool = Field(description="The campus's neighbourhood anchor.")


class EventDetailOut(EventOut):
    campus: CampusRef
    attendees: list[AttendeeOut] = Field(description="Who of the institution attends, by last name.")  # type: ignore[assignment]

    @staticmethod
    def resolve_attendees(obj: NeighbourhoodEvent) -> list[dict[str, Any]]:
        anchor = obj.campus.anchor_id
        return [{"id": p.public_id, "name": str(p), "is_anchor": p.pk == anchor} for p in obj.attendees.all()]


class EngagementItemOut(Schema):
    id: UUID
    title: str
    kind: str
    kind_label: str
    direction: str
    direction_label: str
    status: str
    status_label: str
    start_date: dt.date | None
    end_date: dt.date | None


class PartnerGroupOut(Schema):
    name: str = Field(description="The partner's name, or a label for the engagements without one.")
    organisation: OrganisationRef | None
    engagements: list[EngagementItemOut]


class FrontGroupOut(Schema):
    front: str = Field(description="Empty for the engagements that name no front.")
    label: str
    count: int
    partners: list[PartnerGroupOut]


class DirectionCountOut(Schema):
    direction: str
    label: str
    count: int


class NeighbourhoodOut(Schema):
    """What the neighbourhood page shows: the campus and its anchor, the collaborations grouped by front and by
    partner with the count each way, and the network events coming up and of late."""

    campus: CampusOut
    anchor: AnchorOut | None
    collaboration_count: int
    truncated: bool = Field(
        description="Only the `page_cap` newest collaborations are grouped here; the collaborations list has all."
    )
    page_cap: int
    directions: list[DirectionCountOut]
    fronts: list[FrontGroupOut]
    upcoming: list[EventOut] = Field(description="The next 10 network events, soonest first.")
    recent: list[EventOut] = Field(description="The last 10 network events, latest first.")


class ReflexYearOut(Schema):
    year: str = Field(description="Academic year, September to August, by the engagements' start date.")
    to_neighbourhood: int = Field(description="Collaborations going into the neighbourhood.")
    to_campus: int = Field(description="Collaborations bringing the neighbourhood to the campus.")
    total: int
    infrastructure: int = Field(description="On the front: opening infrastructure.")
    education: int = Field(description="On the front: shaping education together.")
    network: int = Field(description="On the front: network partner in the city.")
    no_front: int
    residents: int = Field(description="Residents taking part (people in the resident role).")
    organisations: int


class ReflexOut(Schema):
    """The neighbourhood reflex over the years: the figures of the reflex page's table (and chart)."""

    campus: CampusRef
    years: list[ReflexYearOut] = Field(description="Oldest year first.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "campus": {"institution": "uas", "slug": "watersportbaan", "name": "Campus Watersportbaan"},
                    "years": [
                        {
                            "year": "2026-2027",
                            "to_neighbourhood": 4,
                            "to_campus": 2,
                            "total": 6,
                            "infrastructure": 2,
                            "education": 3,
                            "network": 1,
                            "no_front": 0,
                            "residents": 17,
                            "organisations": 5,
                        }
                    ],
                }
            ]
        }
    )


# Input.


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


class BookingPatch(InputSchema):
    version: Version
    internal_note: str = Field(
        max_length=2000,
        description="Only staff of your institution see it, never the requester or the public. Empty clears it.",
    )

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"version": 2, "internal_note": "Sleutel ligt bij het onthaal."}]}
    )


FACILITY_EXAMPLE = {
    "name": "Turnzaal",
    "kind": "sports_hall",
    "capacity": 40,
    "conditions_nl": "Sportschoenen met witte zool verplicht.",
    "conditions_en": "Indoor sports shoes only.",
    "is_public": True,
}


class FacilityIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    kind: FacilityKind = Facility.Kind.ROOM.value
    capacity: int = Field(20, ge=1, le=10000, description="People at most.")
    conditions_nl: str = Field("", description="What a user must know or do, in Dutch. Shown on the public page.")
    conditions_en: str = Field("", description="The same in English.")
    is_public: bool = Field(True, description="Open to requests from the neighbourhood (on the public page).")

    model_config = ConfigDict(json_schema_extra={"examples": [FACILITY_EXAMPLE]})


class FacilityPatch(InputSchema):
    """Only the fields sent are changed; ``version`` is the one you read."""

    version: Version
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: FacilityKind | None = None
    capacity: int | None = Field(None, ge=1, le=10000)
    conditions_nl: str | None = None
    conditions_en: str | None = None
    is_public: bool | None = None

    model_config = ConfigDict(json_schema_extra={"examples": [{"version": 1, "capacity": 60, "is_public": False}]})


class EventIn(InputSchema):
    title: str = Field(min_length=1, max_length=200)
    date: dt.date
    place: str = Field("", max_length=200)
    organiser: UUID | None = Field(None, description="An active organisation around the campus.")
    attendees: list[UUID] = Field(
        default_factory=list, max_length=500, description="Who of the institution attends (staff or students)."
    )
    latitude: float | None = Field(None, ge=-90, le=90, description="Where it is, if not at the organiser.")
    longitude: float | None = Field(None, ge=-180, le=180, description="Both or neither.")
    notes: str = Field("", max_length=4000, description="Internal: only staff of the institution see them.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "Buurtfeest Watersportbaan",
                    "date": "2026-06-20",
                    "place": "Pleintje aan de Yachtdreef",
                    "organiser": "3f2c1d1e-0000-4000-8000-000000000002",
                    "attendees": [ID_EXAMPLE],
                    "notes": "Drankbonnetjes meebrengen.",
                }
            ]
        }
    )


class EventPatch(InputSchema):
    """Only the fields sent are changed; ``version`` is the one you read."""

    version: Version
    title: str | None = Field(None, min_length=1, max_length=200)
    date: dt.date | None = None
    place: str | None = Field(None, max_length=200)
    organiser: UUID | None = Field(None, description="Send null to name no organiser.")
    attendees: list[UUID] | None = Field(None, max_length=500, description="When sent, replaces who attends.")
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    notes: str | None = Field(None, max_length=4000)

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"version": 1, "place": "Sporthal", "attendees": [ID_EXAMPLE]}]}
    )


# Finding things.


def _campus(request: HttpRequest, institution: str, campus: str, perm: str = VIEW) -> Campus:
    user = acting_user(request)
    found = get_campus_for_user(user, institution, campus)
    require(user, perm, found)
    return found


def _facility(request: HttpRequest, public_id: UUID) -> Facility:
    queryset = Facility.objects.for_user(acting_user(request)).select_related("campus__institution", "campus__anchor")
    return get_for_user_or_404(queryset, public_id=public_id)


def _booking(request: HttpRequest, public_id: UUID) -> Booking:
    queryset = Booking.objects.for_user(acting_user(request)).select_related(
        "facility__campus__institution", "facility__campus__anchor", "decided_by"
    )
    return get_for_user_or_404(queryset, public_id=public_id)


def _events(request: HttpRequest) -> QuerySet[NeighbourhoodEvent]:
    return (
        NeighbourhoodEvent.objects.for_user(acting_user(request))
        .select_related("campus__institution", "campus__anchor", "organiser")
        .prefetch_related(Prefetch("attendees", queryset=Person.objects.order_by("last_name", "first_name", "id")))
    )


def _event(request: HttpRequest, public_id: UUID) -> NeighbourhoodEvent:
    return get_for_user_or_404(_events(request), public_id=public_id)


# Campuses and their neighbourhood.


@router.get("/campuses", response=codes({200: list[CampusOut]}, 403), summary="List campuses")
@paginate(Pages)
def list_campuses(request: HttpRequest) -> Any:
    """Your institution's campuses, by name."""
    user = acting_user(request)
    require(user, "network.view_dashboard")
    return campuses_for(user).select_related("institution", "anchor").order_by("name", "id")


def _engagement_item(engagement: Any) -> dict[str, Any]:
    return {
        "id": engagement.public_id,
        "title": engagement.title,
        "kind": engagement.kind,
        "kind_label": str(engagement.get_kind_display()),
        "direction": engagement.direction,
        "direction_label": str(engagement.get_direction_display()),
        "status": engagement.status,
        "status_label": str(engagement.get_status_display()),
        "start_date": engagement.start_date,
        "end_date": engagement.end_date,
    }


@router.get(
    "/campuses" + CAMPUS + "/neighbourhood",
    response=codes({200: NeighbourhoodOut}, 403, 404),
    summary="The neighbourhood of a campus",
)
def neighbourhood(request: HttpRequest, institution: str, campus: str) -> dict[str, Any]:
    """The neighbourhood page's summary: the campus and its anchor, your institution's collaborations in the
    neighbourhood grouped by front and by partner (the newest `page_cap`), how many go each way, and the
    network events coming up and of late."""
    found = _campus(request, institution, campus)
    page = selectors.neighbourhood_page(found)
    return {
        "campus": found,
        "anchor": found.anchor,
        "collaboration_count": page["collaboration_count"],
        "truncated": page["truncated"],
        "page_cap": page["page_cap"],
        "directions": [
            {"direction": value, "label": str(label), "count": count}
            for value, (label, count) in zip(selectors.DIRECTIONS.values, page["directions"], strict=True)
        ],
        "fronts": [
            {
                "front": group.front,
                "label": str(group.label),
                "count": group.count,
                "partners": [
                    {
                        "name": str(partner.name),
                        "organisation": partner.organisation,
                        "engagements": [_engagement_item(e) for e in partner.engagements],
                    }
                    for partner in group.partners
                ],
            }
            for group in page["fronts"]
        ],
        "upcoming": page["upcoming"],
        "recent": page["recent"],
    }


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
    "/campuses" + CAMPUS + "/reflex",
    response=codes({200: ReflexOut}, 403, 404),
    summary="The neighbourhood reflex of a campus over the years",
)
def reflex(
    request: HttpRequest,
    institution: str,
    campus: str,
    year: str | None = Query(None, pattern=r"^\d{4}-\d{4}$", description="One academic year, e.g. 2026-2027."),
) -> dict[str, Any]:
    """Per academic year (September to August, by start date): the collaborations in the neighbourhood each
    way, on each front, with how many residents and organisations took part. Filter: `year`."""
    found = _campus(request, institution, campus)
    rows = selectors.reflex(found)
    return {"campus": found, "years": [row for row in rows if year is None or row.year == year]}


# Facilities and their calendar.


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


@router.post(
    "/campuses" + CAMPUS + "/facilities",
    response=codes({201: FacilityDetailOut}, 400, 403, 404),
    summary="Add a facility",
)
def add_facility(request: HttpRequest, institution: str, campus: str, payload: FacilityIn) -> Status:
    """Open a room, hall, kitchen or equipment of the campus (the office or the campus's anchor). A public one
    shows on the campus's public page, where the neighbourhood can ask to use it."""
    found = _campus(request, institution, campus, MANAGE_FACILITIES)
    facility = create_facility(by=acting_user(request), campus=found, **payload.model_dump())
    return Status(201, _facility(request, facility.public_id))


@router.get("/facilities/{public_id}", response=codes({200: FacilityDetailOut}, 403, 404), summary="One facility")
def get_facility(request: HttpRequest, public_id: UUID) -> Facility:
    facility = _facility(request, public_id)
    require(acting_user(request), VIEW, facility.campus)
    return facility


@router.patch(
    "/facilities/{public_id}",
    response=codes({200: FacilityDetailOut}, 400, 403, 404, 409),
    summary="Change a facility",
)
def change_facility(request: HttpRequest, public_id: UUID, payload: FacilityPatch) -> Facility:
    """Change the fields sent (the office or the campus's anchor). 409 when `version` is stale."""
    user = acting_user(request)
    facility = _facility(request, public_id)
    require(user, MANAGE_FACILITIES, facility.campus)
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    update_facility(facility, by=user, expected_version=payload.version, **data)
    return _facility(request, public_id)


# Query parameters named after Python keywords.
FROM_DAY = Query(None, alias="from", description="First day (with `to`).")
TO_DAY = Query(None, alias="to", description="Last day, included; at most 366 days after `from`.")


def _period(month: str | None, first: dt.date | None, last: dt.date | None) -> tuple[dt.datetime, dt.datetime]:
    """The calendar's window from the query: a month, or from and to dates (both included); by default this
    month."""
    low, high = CALENDAR_YEARS
    if month and (first or last):
        raise DomainError({"month": _("Give a month, or a from and a to date, not both.")})
    if first or last:
        if first is None or last is None:
            raise DomainError({"from" if first is None else "to": _("Give both a from and a to date.")})
        if not (low <= first.year <= high and low <= last.year <= high):
            raise DomainError({"from": _("Choose dates between %(low)d and %(high)d.") % {"low": low, "high": high}})
        if last < first:
            raise DomainError({"to": _("The to date cannot be before the from date.")})
        if (last - first).days >= MAX_CALENDAR_DAYS:
            raise DomainError({"to": _("At most %(days)d days at a time.") % {"days": MAX_CALENDAR_DAYS}})
        return selectors.day_bounds(first, last)
    if month:
        year, number = (int(part) for part in month.split("-"))
        if not (1 <= number <= 12 and low <= year <= high):
            raise DomainError({"month": _("Give a month as year-month, for example 2026-10.")})
        return selectors.month_bounds(year, number)
    today = timezone.localdate()
    return selectors.month_bounds(today.year, today.month)


@router.get(
    "/facilities/{public_id}/calendar",
    response=codes({200: list[SlotOut]}, 400, 403, 404),
    summary="Calendar of use of a facility",
)
@paginate(Pages)
def facility_calendar(
    request: HttpRequest,
    public_id: UUID,
    month: str | None = Query(None, pattern=r"^\d{4}-\d{2}$", description="A month, e.g. 2026-10."),
    first: dt.date | None = FROM_DAY,
    last: dt.date | None = TO_DAY,
    status: Literal["approved", "pending"] | None = None,
) -> Any:
    """The approved bookings and the requests still waiting for a decision that take the facility in a month
    (`month`) or between two dates (`from`, `to`), by start time; by default this month. Declined requests are
    not in it. Filter: `status`."""
    facility = _facility(request, public_id)
    require(acting_user(request), VIEW, facility.campus)
    start, end = _period(month, first, last)
    bookings = selectors.calendar_bookings(facility, start, end, include_pending=True)
    if status:
        bookings = bookings.filter(status=status)
    return bookings


# Booking requests.


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


@router.get(
    "/booking-requests/{public_id}", response=codes({200: BookingDetailOut}, 403, 404), summary="One booking request"
)
def get_booking(request: HttpRequest, public_id: UUID) -> Booking:
    """The request with who decided, and the approved bookings it would clash with while it waits."""
    booking = _booking(request, public_id)
    require(acting_user(request), VIEW, booking.facility.campus)
    return booking


@router.patch(
    "/booking-requests/{public_id}",
    response=codes({200: BookingDetailOut}, 400, 403, 404, 409),
    summary="Write the internal note of a booking request",
)
def change_booking(request: HttpRequest, public_id: UUID, payload: BookingPatch) -> Booking:
    """The internal note, for colleagues (the office or the campus's anchor). The requester never sees it, nor
    does anyone outside your institution's staff. 409 when `version` is stale."""
    user = acting_user(request)
    booking = _booking(request, public_id)
    require(user, DECIDE, booking.facility.campus)
    set_internal_note(booking, by=user, expected_version=payload.version, note=payload.internal_note)
    return _booking(request, public_id)


@router.post(
    "/booking-requests/{public_id}/decision",
    response=codes({200: BookingDetailOut}, 400, 403, 404, 409),
    summary="Approve or decline a booking request",
)
def decide_booking(request: HttpRequest, public_id: UUID, payload: BookingDecisionIn) -> Booking:
    """The office or the campus's anchor decides; the requester gets a mail. Approving a request that overlaps an
    approved booking of the same facility is refused (400); declining needs a reason. 409 when `version` is
    stale."""
    user = acting_user(request)
    booking = _booking(request, public_id)
    require(user, DECIDE, booking.facility.campus)
    operation = approve_booking if payload.decision == "approve" else decline_booking
    operation(booking, by=user, expected_version=payload.version, reason=payload.reason)
    return _booking(request, public_id)


# Network events.


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


@router.post(
    "/campuses" + CAMPUS + "/events",
    response=codes({201: EventDetailOut}, 400, 403, 404),
    summary="Add a network event",
)
def add_event(request: HttpRequest, institution: str, campus: str, payload: EventIn) -> Status:
    """A network event of the neighbourhood and who of the institution attends (staff). The organiser is an
    active organisation around the campus; attendees are people of your institution."""
    user = acting_user(request)
    found = _campus(request, institution, campus, MANAGE_EVENTS)
    event = create_event(
        by=user,
        campus=found,
        organiser=one(selectors.organiser_choices(found), payload.organiser, "organiser"),
        attendees=many(selectors.attendee_choices(found, user), payload.attendees, "attendees"),
        **payload.model_dump(exclude={"organiser", "attendees"}),
    )
    return Status(201, _event(request, event.public_id))


@router.get("/events/{public_id}", response=codes({200: EventDetailOut}, 403, 404), summary="One network event")
def get_event(request: HttpRequest, public_id: UUID) -> NeighbourhoodEvent:
    event = _event(request, public_id)
    require(acting_user(request), VIEW, event.campus)
    return event


@router.patch(
    "/events/{public_id}",
    response=codes({200: EventDetailOut}, 400, 403, 404, 409),
    summary="Change a network event",
)
def change_event(request: HttpRequest, public_id: UUID, payload: EventPatch) -> NeighbourhoodEvent:
    """Change the fields sent (staff); `attendees`, when sent, replaces who attends. 409 when `version` is
    stale."""
    user = acting_user(request)
    event = _event(request, public_id)
    require(user, MANAGE_EVENTS, event.campus)
    data = payload.model_dump(exclude_unset=True, exclude={"version", "organiser", "attendees"})
    if "organiser" in payload.model_fields_set:
        data["organiser"] = one(selectors.organiser_choices(event.campus), payload.organiser, "organiser")
    attendees = (
        many(selectors.attendee_choices(event.campus, user), payload.attendees, "attendees")
        if payload.attendees is not None
        else None
    )
    update_event(event, by=user, expected_version=payload.version, attendees=attendees, **data)
    return _event(request, public_id)
