"""Network events of a campus's neighbourhood and who of the institution attends: list a campus's events,
add one, read and change one."""

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Status
from ninja.pagination import paginate

from accounts.access import require
from api.auth import acting_user
from api.errors import codes
from api.lookups import many, one
from api.pagination import Pages
from api.routers.places.base import CAMPUS, MANAGE_EVENTS, VIEW, _campus, _event, router
from api.routers.places.schemas import EventDetailOut, EventIn, EventOut, EventPatch
from places import selectors
from places.models import NeighbourhoodEvent
from places.services import create_event, update_event


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
