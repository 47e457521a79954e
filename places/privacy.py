"""What the neighbourhood campus keeps about a person: booking requests of residents and groups, and who of
the institution attends a neighbourhood event."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lib import privacy
from places.models import Booking


def _bookings(emails: list[str], institution_id: int) -> Any:
    condition = Q(pk__in=[])
    for email in emails:
        condition |= Q(requester_email__iexact=email)
    return Booking.objects.filter(condition, facility__campus__institution_id=institution_id)


def export_places(person: Any) -> dict[str, Any]:
    emails = privacy.emails_of(person)
    return {
        "bookings": [
            {
                "facility": str(b.facility),
                "from": b.starts_at.isoformat(),
                "until": b.ends_at.isoformat(),
                "name": b.requester_name,
                "email": b.requester_email,
                "group": b.group_name,
                "purpose": b.purpose,
                "status": b.get_status_display(),
            }
            for b in _bookings(emails, person.institution_id).select_related("facility").order_by("starts_at", "id")
        ],
        "neighbourhood_events": [
            {"title": e.title, "date": e.date.isoformat()} for e in person.neighbourhood_events.order_by("date", "id")
        ],
    }


def erase_places(erasure: privacy.Erasure) -> None:
    bookings = _bookings(erasure.emails, erasure.person.institution_id)
    ids = list(bookings.values_list("pk", flat=True))
    erasure.count(
        "places.booking",
        Booking.objects.filter(pk__in=ids).update(requester_name=erasure.label[:200], requester_email=""),
    )
    erasure.count(
        "places.booking", privacy.scrub_rows(Booking.objects.filter(pk__in=ids), erasure.terms, erasure.label)
    )


def anonymise_bookings(institution: Any, cutoff: Any) -> int:
    """Requests that ended (or were declined for a time) before the cutoff: the requester's name and e-mail
    address go; the date, facility and group stay for the campus's figures."""
    stale = Booking.objects.filter(facility__campus__institution=institution, ends_at__lt=cutoff).exclude(
        requester_email=""
    )
    return stale.update(requester_name=gettext("a requester"), requester_email="", internal_note="")


def register_personal_data() -> None:
    privacy.register(
        privacy.PersonalData(
            key="places.booking",
            order=90,
            models=("places.booking", "places.neighbourhoodevent"),
            what=_(
                "Requests to use a facility: name, e-mail address, group, purpose and language of the requester; "
                "who of the institution attends a neighbourhood event."
            ),
            whose=_("Residents and neighbourhood groups who ask to use a room; staff who attend events."),
            why=_("To decide on the request and tell the requester."),
            kept=_(
                "The requester's name and address are removed after the retention period once the booked time "
                "has passed."
            ),
            exporter=export_places,
            eraser=erase_places,
            titles={"bookings": _("Booking requests"), "neighbourhood_events": _("Neighbourhood events attended")},
            retention=(
                privacy.Retention(
                    setting="retention_booking_months",
                    unit="months",
                    default=12,
                    apply=anonymise_bookings,
                    what=_("Booking requests of residents"),
                ),
            ),
        )
    )
    privacy.declare_no_personal_data("places.facility", reason="Rooms and equipment a campus opens: no people.")
