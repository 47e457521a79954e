"""Operations of the neighbourhood campus: facilities, booking requests and their decision, network events.

Double bookings are impossible: approving a request locks the facility's row
(``select_for_update``; on SQLite every write transaction is IMMEDIATE, so writers queue) and
checks, inside that transaction, that no approved booking of the facility overlaps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from lib.concurrency import save_versioned
from lib.errors import ConflictError, DomainError
from network.models import Campus, Person
from places.geo import position_errors
from places.models import Booking, Facility, NeighbourhoodEvent

FACILITY_FIELDS = ("name", "kind", "capacity", "conditions_nl", "conditions_en", "is_public")
EVENT_FIELDS = ("title", "date", "place", "organiser", "latitude", "longitude", "notes")
BOOKING_FIELDS = ("requester_name", "requester_email", "group_name", "purpose", "starts_at", "ends_at", "people")


def _already_taken() -> DomainError:
    return DomainError(
        _(
            "The facility is already booked at that time: an approved request overlaps it. "
            "Choose another time; the calendar shows when it is free."
        ),
        code="overlap",
    )


# ---- facilities ----------------------------------------------------------------------------


@transaction.atomic
def create_facility(*, by: Any, campus: Campus, **fields: Any) -> Facility:
    facility = Facility(campus=campus, **{k: v for k, v in fields.items() if k in FACILITY_FIELDS})
    facility.full_clean()
    facility.save()
    record(by, "created", facility, institution_id=campus.institution_id)
    return facility


@transaction.atomic
def update_facility(facility: Facility, *, by: Any, expected_version: int | None, **fields: Any) -> Facility:
    changes = {k: v for k, v in fields.items() if k in FACILITY_FIELDS and getattr(facility, k) != v}
    save_versioned(facility, expected_version=expected_version, fields=changes)
    record(by, "changed", facility, institution_id=facility.campus.institution_id, changes=changes)
    return facility


# ---- booking requests ----------------------------------------------------------------------


def _check_request(facility: Facility, starts_at: dt.datetime, ends_at: dt.datetime, people: int) -> None:
    errors: dict[str, list[str]] = {}
    if ends_at <= starts_at:
        errors.setdefault("ends_at", []).append(_("The end time must be after the start time."))
    if starts_at <= timezone.now():
        errors.setdefault("date", []).append(_("Choose a moment in the future."))
    if people < 1:
        errors.setdefault("people", []).append(_("At least one person."))
    elif people > facility.capacity:
        errors.setdefault("people", []).append(
            _("%(name)s takes at most %(capacity)d people.") % {"name": facility.name, "capacity": facility.capacity}
        )
    if errors:
        raise DomainError(errors)


@transaction.atomic
def request_booking(
    facility: Facility,
    *,
    requester_name: str,
    requester_email: str,
    purpose: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    people: int,
    group_name: str = "",
    language: str = "nl",
) -> Booking:
    """A neighbourhood group or resident asks to use a public facility (no account needed)."""
    if not facility.is_public:
        raise DomainError(_("This facility does not take requests from the neighbourhood."))
    _check_request(facility, starts_at, ends_at, people)
    # Telling the requester now saves them a wait for a decline: the public calendar shows it anyway.
    if facility.bookings.approved().overlapping(starts_at, ends_at).exists():
        raise _already_taken()
    booking = Booking(
        facility=facility,
        requester_name=requester_name.strip(),
        requester_email=requester_email.strip(),
        group_name=group_name.strip(),
        purpose=purpose.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        people=people,
        language=language if language in ("nl", "en") else "nl",
    )
    booking.full_clean()
    booking.save()
    record(None, "requested", booking, institution_id=facility.campus.institution_id)
    return booking


def _decide(
    booking: Booking, *, by: Any, expected_version: int | None, status: str, reason: str, notify: bool = True
) -> Booking:
    # Lock the facility first: every decision on this facility now waits for this one to commit.
    Facility.objects.select_for_update().get(pk=booking.facility_id)
    current = Booking.objects.select_for_update().get(pk=booking.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError()
    if current.status != Booking.Status.PENDING:
        raise DomainError(
            _("This request was already decided on: %(status)s.") % {"status": current.get_status_display()}
        )
    if status == Booking.Status.APPROVED:
        clash = (
            Booking.objects.approved()
            .filter(facility_id=booking.facility_id)
            .exclude(pk=booking.pk)
            .overlapping(current.starts_at, current.ends_at)
            .first()
        )
        if clash is not None:
            local = timezone.localtime
            raise DomainError(
                _(
                    "This request cannot be approved: it overlaps an approved booking of the same facility "
                    "(%(start)s – %(end)s). Decline it, or ask the requester for another time."
                )
                % {"start": f"{local(clash.starts_at):%d/%m/%Y %H:%M}", "end": f"{local(clash.ends_at):%H:%M}"},
                code="overlap",
            )
    save_versioned(
        booking,
        expected_version=current.version,
        fields={"status": status, "reason": reason.strip(), "decided_by": by, "decided_at": timezone.now()},
    )
    record(by, status, booking, institution_id=booking.facility.campus.institution_id, changes={"reason": reason})
    if notify:
        from places.tasks import send_booking_decision

        transaction.on_commit(lambda: send_booking_decision.enqueue(booking.pk))
    return booking


@transaction.atomic
def approve_booking(
    booking: Booking, *, by: Any, expected_version: int | None, reason: str = "", notify: bool = True
) -> Booking:
    """Approve a pending request unless an approved booking of the same facility overlaps it.
    ``notify=False`` (demo data) sends no mail."""
    return _decide(
        booking,
        by=by,
        expected_version=expected_version,
        status=Booking.Status.APPROVED,
        reason=reason,
        notify=notify,
    )


@transaction.atomic
def decline_booking(
    booking: Booking, *, by: Any, expected_version: int | None, reason: str, notify: bool = True
) -> Booking:
    """Decline a pending request; the requester is told why."""
    if not reason.strip():
        raise DomainError({"reason": _("Tell the requester why: the reason goes into the mail.")})
    return _decide(
        booking,
        by=by,
        expected_version=expected_version,
        status=Booking.Status.DECLINED,
        reason=reason,
        notify=notify,
    )


@transaction.atomic
def set_internal_note(booking: Booking, *, by: Any, expected_version: int | None, note: str) -> Booking:
    save_versioned(booking, expected_version=expected_version, fields={"internal_note": note.strip()})
    record(by, "noted", booking, institution_id=booking.facility.campus.institution_id)
    return booking


# ---- neighbourhood events ------------------------------------------------------------------


def _check_event(
    campus: Campus, attendees: Sequence[Person] | None, latitude: float | None, longitude: float | None
) -> None:
    errors: dict[str, list[str]] = {}
    if attendees is not None and any(person.institution_id != campus.institution_id for person in attendees):
        errors["attendees"] = [_("Attendees must be people of the campus's institution.")]
    errors.update(position_errors(latitude, longitude))
    if errors:
        raise DomainError(errors)


@transaction.atomic
def create_event(*, by: Any, campus: Campus, attendees: Sequence[Person] = (), **fields: Any) -> NeighbourhoodEvent:
    data = {k: v for k, v in fields.items() if k in EVENT_FIELDS}
    _check_event(campus, attendees, data.get("latitude"), data.get("longitude"))
    event = NeighbourhoodEvent(campus=campus, **data)
    event.full_clean()
    event.save()
    event.attendees.set(attendees)
    record(by, "created", event, institution_id=campus.institution_id)
    return event


@transaction.atomic
def update_event(
    event: NeighbourhoodEvent,
    *,
    by: Any,
    expected_version: int | None,
    attendees: Sequence[Person] | None = None,
    **fields: Any,
) -> NeighbourhoodEvent:
    changes = {k: v for k, v in fields.items() if k in EVENT_FIELDS and getattr(event, k) != v}
    _check_event(
        event.campus,
        attendees,
        changes.get("latitude", event.latitude),
        changes.get("longitude", event.longitude),
    )
    save_versioned(event, expected_version=expected_version, fields=changes)
    if attendees is not None:
        event.attendees.set(attendees)
    record(by, "changed", event, institution_id=event.campus.institution_id, changes=changes)
    return event
