"""The schemas of the neighbourhood-campus routes: a campus, its neighbourhood summary, collaborations, map
and reflex, a facility and its calendar slots, a booking request, a network event and its attendees as an
answer shows them; what deciding or noting a booking request, and adding or changing a facility or an
event, sends."""

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import ConfigDict

from api.schemas import InputSchema, OrganisationRef, PersonRef, Version, choice
from network.models import Campus, Person
from places import selectors
from places.models import Booking, Facility, NeighbourhoodEvent

BookingStatus = choice(Booking.Status)
FacilityKind = choice(Facility.Kind)

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
