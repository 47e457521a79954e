"""Which column holds what: the fields each kind of import can fill, and guessing them from Dutch or
English column headers."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from imports.models import Kind

IGNORE = ""


@dataclass(frozen=True)
class Target:
    name: str
    label: str | Promise
    synonyms: tuple[str, ...]
    required: bool = False


def normalise(text: Any) -> str:
    """Lower case, accents off, only letters and digits: 'Thema’s' and 'themas' are the same header."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


ORG = "organisatie organisation organization partner partnerorganisatie vzw"

TARGETS: dict[str, tuple[Target, ...]] = {
    Kind.ORGANISATIONS: (
        Target("name", _("Name"), ("naam", "name", "organisatienaam", "naamorganisatie", *ORG.split()), required=True),
        Target("kind", _("Kind"), ("soort", "type", "kind", "typeorganisatie", "soortorganisatie", "categorie")),
        Target("mission", _("Mission"), ("missie", "mission", "omschrijving", "beschrijving", "description")),
        Target(
            "street", _("Street and number"), ("straat", "adres", "straatennummer", "straatnr", "street", "address")
        ),
        Target(
            "postcode", _("Postcode"), ("postcode", "zip", "zipcode", "postalcode", "postnummer", "postcodegemeente")
        ),
        Target("city", _("City"), ("gemeente", "stad", "city", "plaats", "woonplaats", "town", "deelgemeente")),
        Target(
            "enterprise_number",
            _("Enterprise number"),
            ("ondernemingsnummer", "kbo", "kbonummer", "kbonr", "enterprisenumber", "btw", "btwnummer", "vat"),
        ),
        Target("website", _("Website"), ("website", "webstek", "site", "url", "web")),
        Target("email", _("E-mail"), ("email", "mail", "emailadres", "mailadres")),
        Target("phone", _("Phone"), ("telefoon", "tel", "telefoonnummer", "gsm", "phone", "telephone")),
        Target("capacity_per_period", _("Capacity per period"), ("capaciteit", "capacity", "capaciteitperperiode")),
        Target("themes", _("Themes"), ("themas", "thema", "themes", "theme", "domein", "domeinen")),
        Target("target_groups", _("Target groups"), ("doelgroep", "doelgroepen", "targetgroup", "targetgroups")),
        Target("is_active", _("Active"), ("actief", "active")),
    ),
    Kind.PEOPLE: (
        Target("first_name", _("First name"), ("voornaam", "firstname", "givenname", "roepnaam"), required=True),
        Target(
            "last_name", _("Last name"), ("achternaam", "familienaam", "naam", "lastname", "surname"), required=True
        ),
        Target("email", _("E-mail"), ("email", "mail", "emailadres", "mailadres")),
        Target("phone", _("Phone"), ("telefoon", "tel", "telefoonnummer", "gsm", "phone", "telephone")),
        Target("role", _("SOFAR role"), ("rol", "role", "sofarrol", "sofarrole", "hoedanigheid")),
        Target("organisation", _("Organisation (name or enterprise number)"), (*ORG.split(), "werkgever")),
        Target("title", _("Position or programme"), ("functie", "titel", "title", "position", "jobtitle")),
    ),
    Kind.COURSES: (
        Target("code", _("Course code"), ("code", "coursecode", "olodcode", "vakcode", "opocode")),
        Target(
            "title",
            _("Title"),
            ("titel", "naam", "opleidingsonderdeel", "vak", "olod", "title", "course", "name"),
            required=True,
        ),
        Target("programme", _("Programme"), ("opleiding", "programma", "programme", "program")),
        Target("academic_year", _("Academic year"), ("academiejaar", "jaar", "academicyear", "year"), required=True),
        Target("description", _("Description"), ("beschrijving", "omschrijving", "description")),
        Target(
            "teachers",
            _("Teachers (e-mail or name)"),
            ("docent", "docenten", "lesgever", "titularis", "teacher", "teachers", "lecturer"),
        ),
    ),
    Kind.ENGAGEMENTS: (
        Target("title", _("Title"), ("titel", "naam", "project", "title", "name"), required=True),
        Target("kind", _("Type"), ("soort", "type", "kind", "soortengagement")),
        Target(
            "start_date",
            _("Start date"),
            ("startdatum", "begindatum", "start", "van", "datum", "startdate", "date", "from"),
            required=True,
        ),
        Target("end_date", _("End date"), ("einddatum", "eind", "tot", "enddate", "end", "until")),
        Target("hours", _("Hours"), ("uren", "uur", "aantaluren", "hours")),
        Target(
            "course",
            _("Course (code or title)"),
            ("opleidingsonderdeel", "vak", "cursus", "course", "coursecode", "code"),
        ),
        Target("organisation", _("Community partner (name or enterprise number)"), (*ORG.split(), "communitypartner")),
        Target("status", _("Status"), ("status", "stand")),
        Target("description", _("Description"), ("beschrijving", "omschrijving", "description")),
    ),
    Kind.INTERACTIONS: (
        Target("occurred_on", _("Date"), ("datum", "date", "wanneer", "dag", "when"), required=True),
        Target("organisation", _("Organisation (name or enterprise number)"), ORG.split(), required=True),
        Target(
            "person",
            _("Our person (e-mail or name)"),
            ("persoon", "wie", "medewerker", "contactpersoon", "person", "who", "staff"),
        ),
        Target("channel", _("Channel"), ("kanaal", "channel", "via", "medium", "soortcontact")),
        Target(
            "summary",
            _("Summary"),
            (
                "samenvatting",
                "onderwerp",
                "verslag",
                "notities",
                "notitie",
                "summary",
                "notes",
                "subject",
                "omschrijving",
            ),
            required=True,
        ),
    ),
}


def targets(kind: str) -> tuple[Target, ...]:
    return TARGETS[kind]


def target_names(kind: str) -> set[str]:
    return {t.name for t in TARGETS[kind]}


def _lookup(kind: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for target in TARGETS[kind]:
        for synonym in (target.name, *target.synonyms):
            found.setdefault(normalise(synonym), target.name)
    return found


def guess_target(kind: str, header: Any) -> str:
    return _lookup(kind).get(normalise(header), IGNORE)


def guess_mapping(kind: str, headers: list[Any]) -> dict[str, str]:
    """Column index (as text, for JSON) -> target field; each field taken by the first column that names it."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        target = guess_target(kind, header)
        if target and target not in taken:
            mapping[str(index)] = target
            taken.add(target)
    return mapping


def find_header_row(kind: str, rows: list[tuple[int, list[Any]]], look: int = 10) -> int:
    """Index (in ``rows``) of the header: the first row where most filled cells name known columns.

    A title row above the header ("Partnerlijst 2027") names none, so it is passed over.
    """
    best, best_count = 0, 0
    for index, (_number, cells) in enumerate(rows[:look]):
        filled = [c for c in cells if c not in (None, "")]
        known = sum(1 for c in filled if guess_target(kind, c))
        if filled and known >= 1 and known * 2 >= len(filled):
            return index
        if known > best_count:
            best, best_count = index, known
    return best
