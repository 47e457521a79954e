"""Demo data of the neighbourhood campus at the Watersportbaan in Ghent: the neighbourhood, its anchor,
what the campus opens (a sports hall, a meeting room, a kitchen), some requests and the
neighbourhood's network events. Idempotent: running it twice changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from network.models import Campus, Organisation, Person, SofarRole
from places.models import Booking, Facility, NeighbourhoodEvent
from places.services import approve_booking, create_event, create_facility, decline_booking, request_booking

FACILITIES = [
    {
        "name": "Sporthal Watersportbaan",
        "kind": Facility.Kind.SPORTS_HALL,
        "capacity": 60,
        "conditions_nl": "Sportschoenen met lichte zool. Na gebruik de materialen terug in het berghok. "
        "Gratis voor buurtgroepen; een sleutel haal je op bij het onthaal.",
        "conditions_en": "Indoor shoes with light soles. Put the equipment back in the store room afterwards. "
        "Free for neighbourhood groups; collect a key at the reception.",
    },
    {
        "name": "Vergaderzaal Dok",
        "kind": Facility.Kind.ROOM,
        "capacity": 24,
        "conditions_nl": "Met scherm en koffiemachine. Laat de zaal achter zoals je ze aantrof.",
        "conditions_en": "With a screen and a coffee machine. Leave the room as you found it.",
    },
    {
        "name": "Keuken De Kombuis",
        "kind": Facility.Kind.KITCHEN,
        "capacity": 12,
        "conditions_nl": "Alleen samen met een medewerker van de campus. Breng je eigen ingrediënten mee.",
        "conditions_en": "Only together with a member of campus staff. Bring your own ingredients.",
    },
]

# (facility index, days from today, from hour, until hour, name, group, purpose, people, decision)
BOOKINGS = [
    (
        0,
        6,
        14,
        17,
        "Bart Meersmans",
        "Wijkactieteam Watersportbaan",
        "Sportnamiddag voor kinderen uit de buurt.",
        40,
        "approve",
    ),
    (1, 9, 19, 21, "Pieter Van Bieskens", "Speelpleincomité", "Bewonersoverleg over het speelplein.", 15, "approve"),
    (2, 13, 10, 13, "Fatou Diallo-Klaverhove", "", "Samen koken met buren voor het buurtfeest.", 8, ""),
    (0, 8, 15, 16, "Ilias Kreekmans", "Jeugdhuis Watersportbaan", "Zaalvoetbal met de jongeren.", 20, "decline"),
]

EVENTS = [
    (-75, "Netwerkoverleg wijkactieteam", "Lokaal dienstencentrum Watersportbaan", "Wijkactieteam Watersportbaan"),
    (
        -12,
        "Netwerkoverleg: wijkbudget en jeugdhuis",
        "Lokaal dienstencentrum Watersportbaan",
        "Lokaal dienstencentrum Watersportbaan",
    ),
    (20, "Buurtfeest Watersportbaan", "Pleintje aan de Yachtdreef", "Wijkactieteam Watersportbaan"),
    (48, "Bewonersavond wijkbudget", "Vergaderzaal Dok, Campus Watersportbaan", "SAAMO Oost-Vlaanderen"),
]


def find_campus() -> Campus | None:
    return (
        Campus.objects.select_related("institution", "anchor")
        .filter(Q(name__icontains="watersport") | Q(institution__slug="stadshogeschool-gent"))
        .order_by("-name")
        .first()
    )


def _anchor(campus: Campus) -> Person | None:
    if campus.anchor is not None:
        return campus.anchor
    administrators = Person.objects.filter(
        institution_id=campus.institution_id, is_active=True, affiliations__role=SofarRole.ADMINISTRATOR
    )
    return (
        administrators.filter(affiliations__title__icontains="anker").first()
        or administrators.order_by("last_name", "id").first()
    )


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _write(stdout: Any, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


@transaction.atomic
def load_demo_places(stdout: Any = None) -> Campus | None:
    campus = find_campus()
    if campus is None:
        _write(stdout, "  places: no Watersportbaan campus in the demo data; skipped")
        return None
    anchor = _anchor(campus)
    campus.neighbourhood_radius_m = 1200
    campus.neighbourhood_name = "Watersportbaan"
    campus.anchor = anchor
    campus.save(update_fields=["neighbourhood_radius_m", "neighbourhood_name", "anchor"])

    facilities = []
    for spec in FACILITIES:
        facility = Facility.objects.filter(campus=campus, name=spec["name"]).first()
        facilities.append(facility or create_facility(by=None, campus=campus, **spec))

    made = 0
    if not Booking.objects.filter(facility__in=facilities).exists():
        for index, days, start, end, name, group, purpose, people, decision in BOOKINGS:
            booking = request_booking(
                facilities[index],
                requester_name=name,
                requester_email=f"{name.split()[0].lower()}@voorbeeld.be",
                group_name=group,
                purpose=purpose,
                starts_at=_at(days, start),
                ends_at=_at(days, end),
                people=people,
            )
            if decision == "approve":
                approve_booking(booking, by=None, expected_version=booking.version, notify=False)
            elif decision == "decline":
                decline_booking(
                    booking,
                    by=None,
                    expected_version=booking.version,
                    reason="De sporthal is dan gereserveerd voor onderhoud; woensdag om 16 uur kan wel.",
                    notify=False,
                )
            made += 1

    organisers = {o.name: o for o in Organisation.objects.filter(name__in={e[3] for e in EVENTS})}
    staff = list(
        Person.objects.filter(
            institution_id=campus.institution_id, is_active=True, affiliations__role=SofarRole.FACULTY
        ).order_by("last_name", "id")[:2]
    )
    events = 0
    for days, title, place, organiser in EVENTS:
        if NeighbourhoodEvent.objects.filter(campus=campus, title=title).exists():
            continue
        attendees = [p for p in [anchor, *staff[: 1 + events % 2]] if p is not None]
        create_event(
            by=None,
            campus=campus,
            title=title,
            date=timezone.localdate() + dt.timedelta(days=days),
            place=place,
            organiser=organisers.get(organiser),
            attendees=attendees,
        )
        events += 1
    _write(stdout, f"  places: {campus.name}: {len(facilities)} facilities, {made} requests, {events} network events")
    return campus
