"""Booking requests from the neighbourhood for a campus's facilities: list a campus's requests, read one with
the approved bookings it clashes with, write its internal note, and approve or decline it (the requester gets
a mail)."""

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja.pagination import paginate

from accounts.access import require
from api.auth import acting_user
from api.errors import codes
from api.pagination import Pages
from api.routers.places.base import CAMPUS, DECIDE, VIEW, _booking, _campus, router
from api.routers.places.schemas import BookingDecisionIn, BookingDetailOut, BookingOut, BookingPatch, BookingStatus
from places.models import Booking
from places.services import approve_booking, decline_booking, set_internal_note


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
