"""The facilities of a campus and their calendar: list and add a campus's rooms, halls and equipment, read
and change one, and its calendar of approved bookings and waiting requests for a month or between two dates
(at most 366 days)."""

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Status
from ninja.pagination import paginate

from accounts.access import require
from api.auth import acting_user
from api.errors import codes
from api.pagination import Pages
from api.routers.places.base import CAMPUS, MANAGE_FACILITIES, VIEW, _campus, _facility, router
from api.routers.places.schemas import FacilityDetailOut, FacilityIn, FacilityOut, FacilityPatch, SlotOut
from lib.errors import DomainError
from places import selectors
from places.models import Facility
from places.services import create_facility, update_facility

# A calendar answers for at most this many days at a time; its dates lie in these years (as the web's months).
MAX_CALENDAR_DAYS = 366
CALENDAR_YEARS = (2000, 2100)


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
