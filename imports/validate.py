"""Turning the cells of one row into clean values, or naming what is wrong with each.

Every cleaner takes the raw cell and returns the value to store, or raises ``CellError`` with a message
that quotes the cell ("'90O0' is not a Belgian postcode"); the preview adds the row and column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from engagements.models import Course, Engagement
from imports.mapping import normalise
from imports.models import Kind
from lib.text import without_bidi_controls
from network.models import Interaction, Organisation, Person, SofarRole, TargetGroup, Theme


class CellError(Exception):
    def __init__(self, message: str, *, says_what_happens: bool = False) -> None:
        super().__init__(message)
        self.message = message
        # The message already says what becomes of the value ("kept aside, not stored").
        self.says_what_happens = says_what_happens


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    # Direction controls (U+202E and the like) would make a name read backwards on every page.
    return without_bidi_controls(str(value)).strip()


def text(max_length: int) -> Callable[[Any, Any], str]:
    def clean(value: Any, ctx: Any) -> str:
        result = as_text(value)
        if len(result) > max_length:
            raise CellError(_("is longer than %(max)s characters") % {"max": max_length})
        return result

    return clean


def postcode(value: Any, ctx: Any) -> str:
    raw = as_text(value)
    if not raw:
        return ""
    digits = re.sub(r"^(?:BE?)\s*-?\s*", "", raw.upper())
    if not re.fullmatch(r"[1-9]\d{3}", digits):
        raise CellError(_("'%(value)s' is not a Belgian postcode") % {"value": raw})
    return digits


def enterprise_digits(value: Any) -> str:
    digits = re.sub(r"\D", "", as_text(value))
    return "0" + digits if len(digits) == 9 else digits


def enterprise_number(value: Any, ctx: Any) -> str:
    raw = as_text(value)
    if not raw:
        return ""
    digits = enterprise_digits(raw)
    if len(digits) != 10 or digits[0] not in "01":
        raise CellError(_("'%(value)s' is not a Belgian enterprise number") % {"value": raw})
    if 97 - int(digits[:8]) % 97 != int(digits[8:]):
        raise CellError(
            _("'%(value)s' has check digits that do not match (a typing error?): it is kept aside, not stored")
            % {"value": raw},
            says_what_happens=True,
        )
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def email(value: Any, ctx: Any) -> str:
    raw = as_text(value)
    if raw:
        try:
            validate_email(raw)
        except ValidationError as exc:
            raise CellError(_("'%(value)s' is not an e-mail address") % {"value": raw}) from exc
    return raw.lower()


_url = URLValidator(schemes=["http", "https"])


def website(value: Any, ctx: Any) -> str:
    raw = as_text(value)
    if not raw:
        return ""
    url = raw if re.match(r"^https?://", raw, re.I) else "https://" + raw
    try:
        _url(url)
    except ValidationError as exc:
        raise CellError(_("'%(value)s' is not a web address") % {"value": raw}) from exc
    return url


def number(maximum: int) -> Callable[[Any, Any], int | None]:
    def clean(value: Any, ctx: Any) -> int | None:
        raw = as_text(value)
        if not raw:
            return None
        try:
            result = float(raw.replace(",", "."))
        except ValueError as exc:
            raise CellError(_("'%(value)s' is not a number") % {"value": raw}) from exc
        if not result.is_integer() or not 0 <= result <= maximum:
            raise CellError(_("'%(value)s' is not a whole number from 0 to %(max)s") % {"value": raw, "max": maximum})
        return int(result)

    return clean


DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d", "%d/%m/%y", "%d-%m-%y")


def parse_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = as_text(value)
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, fmt).date()  # noqa: DTZ007 - a calendar date, no time of day
        except ValueError:
            continue
    raise CellError(_("'%(value)s' is not a date like 31/01/2027 or 2027-01-31") % {"value": raw})


def date(value: Any, ctx: Any) -> str | None:
    parsed = parse_date(value)
    return parsed.isoformat() if parsed else None


YES = {"ja", "j", "yes", "y", "true", "waar", "1", "x", "actief", "active"}
NO = {"nee", "n", "no", "false", "onwaar", "0", "inactief", "inactive"}


def boolean(value: Any, ctx: Any) -> bool | None:
    raw = normalise(value)
    if not raw:
        return None
    mapped = _mapped(ctx, value)
    if mapped is not None:
        return None if mapped == "" else mapped == "yes"
    if raw in YES:
        return True
    if raw in NO:
        return False
    _unknown(ctx, value)
    raise CellError(_("'%(value)s' is not yes or no") % {"value": as_text(value)})


def _mapped(ctx: Any, value: Any) -> str | None:
    """What the office said this word means in this column (value step), or None if it was not asked."""
    mapping = getattr(ctx, "value_map", {}).get(getattr(ctx, "column", ""), {})
    return mapping.get(normalise(value)) if mapping else None


def _unknown(ctx: Any, value: Any) -> None:
    """Note a word the column's values do not know, for the value step."""
    unknown = getattr(ctx, "unknown", None)
    if unknown is not None and len(unknown.get(ctx.column, {})) < MAX_UNKNOWN:
        found = unknown.setdefault(ctx.column, {})
        key = normalise(value)
        if key:
            raw, count = found.get(key, (as_text(value)[:200], 0))
            found[key] = (raw, count + 1)


# Distinct unknown words kept per column: more than this is not a vocabulary but free text.
MAX_UNKNOWN = 100


@cache
def _choice_lookup(choices: type[models.TextChoices], extra: tuple[tuple[str, str], ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for language in ("en", "nl"):
        with translation.override(language):
            for value, label in choices.choices:
                found.setdefault(normalise(label), value)
    for value in choices.values:
        found.setdefault(normalise(value), value)
    for synonym, value in extra:
        found.setdefault(normalise(synonym), value)
    return found


def choice(choices: type[models.TextChoices], *extra: tuple[str, str]) -> Callable[[Any, Any], str | None]:
    def clean(value: Any, ctx: Any) -> str | None:
        raw = as_text(value)
        if not raw:
            return None
        mapped = _mapped(ctx, raw)
        if mapped is not None:
            return mapped or None
        found = _choice_lookup(choices, extra).get(normalise(raw))
        if found is None:
            _unknown(ctx, raw)
            labels = ", ".join(str(label) for label in choices.labels)
            raise CellError(_("'%(value)s' is not one of: %(choices)s") % {"value": raw, "choices": labels})
        return found

    return clean


ROLE_SYNONYMS = (
    ("docent", SofarRole.FACULTY),
    ("lesgever", SofarRole.FACULTY),
    ("lecturer", SofarRole.FACULTY),
    ("teacher", SofarRole.FACULTY),
    ("professor", SofarRole.FACULTY),
    ("partner", SofarRole.ORGANISATION),
    ("organisatie", SofarRole.ORGANISATION),
    ("organisation", SofarRole.ORGANISATION),
    ("medewerker organisatie", SofarRole.ORGANISATION),
    ("bewoner", SofarRole.RESIDENT),
    ("buurtbewoner", SofarRole.RESIDENT),
    ("administratie", SofarRole.ADMINISTRATOR),
    ("beleid", SofarRole.ADMINISTRATOR),
    ("coordinator", SofarRole.ADMINISTRATOR),
    ("staff", SofarRole.ADMINISTRATOR),
    ("studenten", SofarRole.STUDENT),
)
CHANNEL_SYNONYMS = (
    ("vergadering", Interaction.Channel.MEETING),
    ("overleg", Interaction.Channel.MEETING),
    ("bezoek", Interaction.Channel.VISIT),
    ("telefoon", Interaction.Channel.PHONE),
    ("gebeld", Interaction.Channel.PHONE),
    ("mail", Interaction.Channel.EMAIL),
    ("teams", Interaction.Channel.VIDEO),
    ("zoom", Interaction.Channel.VIDEO),
    ("video", Interaction.Channel.VIDEO),
    ("event", Interaction.Channel.EVENT),
)
ORG_KIND_SYNONYMS = (("vzw", Organisation.Kind.NONPROFIT), ("stad", Organisation.Kind.CITY_SERVICE))
# Words offices use that are not sure enough to be read without asking, but make good suggestions in the
# value step (Dutch and English).
SUGGESTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "organisations.kind": (
        ("stadsdienst", Organisation.Kind.CITY_SERVICE),
        ("gemeente", Organisation.Kind.CITY_SERVICE),
        ("ocmw", Organisation.Kind.CITY_SERVICE),
        ("openbaar", Organisation.Kind.CITY_SERVICE),
        ("municipality", Organisation.Kind.CITY_SERVICE),
        ("vereniging", Organisation.Kind.NONPROFIT),
        ("feitelijke vereniging", Organisation.Kind.NONPROFIT),
        ("ngo", Organisation.Kind.NONPROFIT),
        ("charity", Organisation.Kind.NONPROFIT),
        ("association", Organisation.Kind.NONPROFIT),
        ("bedrijf", Organisation.Kind.OTHER),
        ("onderneming", Organisation.Kind.OTHER),
        ("company", Organisation.Kind.OTHER),
        ("school", Organisation.Kind.SCHOOL),
        ("basisschool", Organisation.Kind.SCHOOL),
        ("secundaire school", Organisation.Kind.SCHOOL),
        ("sportclub", Organisation.Kind.SPORTS_CLUB),
        ("jeugdbeweging", Organisation.Kind.YOUTH_WORK),
        ("jeugdhuis", Organisation.Kind.YOUTH_WORK),
        ("buurtwerk", Organisation.Kind.NEIGHBOURHOOD),
        ("wijkwerking", Organisation.Kind.NEIGHBOURHOOD),
        ("zorg", Organisation.Kind.CARE),
        ("welzijn", Organisation.Kind.CARE),
        ("cultuurhuis", Organisation.Kind.CULTURE),
    ),
}


def _split(value: Any) -> list[str]:
    return [part.strip() for part in re.split(r"[;,|\n]", as_text(value)) if part.strip()]


def terms(attribute: str, what: str) -> Callable[[Any, Any], list[int] | None]:
    """A list of themes or target groups, named by slug, Dutch or English name."""

    def clean(value: Any, ctx: Any) -> list[int] | None:
        if not as_text(value):
            return []
        lookup = getattr(ctx, attribute)
        found: list[int] = []
        unknown: list[str] = []
        for part in _split(value):
            mapped = _mapped(ctx, part)
            if mapped == "":
                continue
            term_id = int(mapped) if mapped and mapped.isdigit() else lookup.get(normalise(part))
            if term_id is None:
                _unknown(ctx, part)
                unknown.append(part)
            elif term_id not in found:
                found.append(term_id)
        if unknown:
            raise CellError(_("'%(value)s' is not a known %(what)s") % {"value": "', '".join(unknown), "what": what})
        return sorted(found)

    return clean


def organisation_ref(value: Any, ctx: Any) -> int | None:
    raw = as_text(value)
    if not raw:
        return None
    found = ctx.organisation_by_reference(raw)
    if found is None:
        raise CellError(
            _("no organisation '%(value)s' is known (give its exact name or enterprise number)") % {"value": raw}
        )
    return found


def course_ref(value: Any, ctx: Any) -> int | None:
    raw = as_text(value)
    if not raw:
        return None
    found = ctx.courses.get(raw.lower()) or ctx.courses.get(normalise(raw))
    if found is None:
        raise CellError(
            _("no course '%(value)s' of your institution is known (give its code or title)") % {"value": raw}
        )
    return found


def person_ref(value: Any, ctx: Any) -> int | None:
    raw = as_text(value)
    if not raw:
        return None
    found = ctx.people.get(raw.lower()) or ctx.people.get(normalise(raw))
    if found is None:
        raise CellError(
            _("no person '%(value)s' of your institution is known (give an e-mail or full name)") % {"value": raw}
        )
    return found


def people_refs(value: Any, ctx: Any) -> list[int]:
    return sorted({person_ref(part, ctx) for part in _split(value)} - {None})  # type: ignore[type-var]


def academic_year(value: Any, ctx: Any) -> str:
    raw = as_text(value).replace("/", "-").replace(" ", "")
    match = re.fullmatch(r"(\d{4})-(\d{2}|\d{4})", raw)
    if not match:
        raise CellError(_("'%(value)s' is not an academic year like 2026-2027") % {"value": as_text(value)})
    start = int(match.group(1))
    end = int(match.group(2)) if len(match.group(2)) == 4 else start // 100 * 100 + int(match.group(2))
    if end != start + 1:
        raise CellError(_("'%(value)s' is not an academic year like 2026-2027") % {"value": as_text(value)})
    return f"{start}-{end}"


CLEANERS: dict[str, dict[str, Callable[[Any, Any], Any]]] = {
    Kind.ORGANISATIONS: {
        "name": text(200),
        "kind": choice(Organisation.Kind, *ORG_KIND_SYNONYMS),
        "mission": text(10_000),
        "street": text(200),
        "postcode": postcode,
        "city": text(100),
        "enterprise_number": enterprise_number,
        "website": website,
        "email": email,
        "phone": text(40),
        "capacity_per_period": number(32767),
        "themes": terms("themes", _("theme")),
        "target_groups": terms("target_groups", _("target group")),
        "is_active": boolean,
    },
    Kind.PEOPLE: {
        "first_name": text(100),
        "last_name": text(100),
        "email": email,
        "phone": text(40),
        "role": choice(SofarRole, *ROLE_SYNONYMS),
        "organisation": organisation_ref,
        "title": text(200),
    },
    Kind.COURSES: {
        "code": text(30),
        "title": text(200),
        "programme": text(200),
        "academic_year": academic_year,
        "description": text(10_000),
        "teachers": people_refs,
    },
    Kind.ENGAGEMENTS: {
        "title": text(200),
        "kind": choice(Engagement.Kind),
        "start_date": date,
        "end_date": date,
        "hours": number(1_000_000),
        "course": course_ref,
        "organisation": organisation_ref,
        "status": choice(Engagement.Status),
        "description": text(10_000),
    },
    Kind.INTERACTIONS: {
        "occurred_on": date,
        "organisation": organisation_ref,
        "person": person_ref,
        "channel": choice(Interaction.Channel, *CHANNEL_SYNONYMS),
        "summary": text(1000),
    },
}

# What a field is called in a message when it is required but empty.
REQUIRED_MESSAGE = {
    "teachers": _("a course needs at least one teacher of your institution"),
}


# Appended (invisibly) to a message that already says what becomes of the value: no "left empty" after it.
FINAL = "\u2060"


class Context:
    """What rows may refer to, read once per preview: terms, organisations, and the institution's courses and people."""

    def __init__(self, kind: str, institution_id: int) -> None:
        from imports.models import ValueMapping

        self.kind = kind
        self.column = ""
        # "<kind>.<field>" -> normalised word -> what the office said it means ("" for empty).
        self.value_map: dict[str, dict[str, str]] = {}
        for column, key, value in ValueMapping.objects.filter(
            institution_id=institution_id, column__startswith=f"{kind}."
        ).values_list("column", "key", "value"):
            self.value_map.setdefault(column, {})[key] = value
        # The words no column knew: "<kind>.<field>" -> normalised word -> (word as written, how often).
        self.unknown: dict[str, dict[str, tuple[str, int]]] = {}
        self.themes = self._terms(Theme)
        self.target_groups = self._terms(TargetGroup)
        self._orgs_by_number: dict[str, int] | None = None
        self._orgs_by_name: dict[str, int] | None = None
        self.courses: dict[str, int] = {}
        self.people: dict[str, int] = {}
        if kind == Kind.ENGAGEMENTS:
            for pk, code, title in Course.objects.filter(institution_id=institution_id).values_list(
                "pk", "code", "title"
            ):
                if code:
                    self.courses.setdefault(code.lower(), pk)
                self.courses.setdefault(normalise(title), pk)
        if kind in (Kind.COURSES, Kind.INTERACTIONS):
            people = Person.objects.filter(institution_id=institution_id, is_active=True)
            for pk, first, last, mail in people.values_list("pk", "first_name", "last_name", "email"):
                if mail:
                    self.people.setdefault(mail.lower(), pk)
                self.people.setdefault(normalise(f"{first} {last}"), pk)

    @staticmethod
    def _terms(model: type[Theme] | type[TargetGroup]) -> dict[str, int]:
        found: dict[str, int] = {}
        for pk, slug, name_nl, name_en in model.objects.values_list("pk", "slug", "name_nl", "name_en"):
            for name in (slug, name_nl, name_en):
                found.setdefault(normalise(name), pk)
        return found

    def organisation_by_reference(self, raw: str) -> int | None:
        if self._orgs_by_number is None or self._orgs_by_name is None:
            self._orgs_by_number, self._orgs_by_name = {}, {}
            for pk, name, number_ in Organisation.objects.values_list("pk", "name", "enterprise_number"):
                if number_:
                    self._orgs_by_number.setdefault(enterprise_digits(number_), pk)
                self._orgs_by_name.setdefault(normalise(name), pk)
        digits = enterprise_digits(raw)
        if len(digits) == 10 and digits in self._orgs_by_number:
            return self._orgs_by_number[digits]
        return self._orgs_by_name.get(normalise(raw))


def clean_row(
    kind: str, values: dict[str, Any], ctx: Context, required: set[str]
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Clean values (field -> cell) of one row: (clean data, [(field, message)])."""
    data: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    cleaners = CLEANERS[kind]
    for name, value in values.items():
        if ctx is not None:
            ctx.column = f"{kind}.{name}"
        try:
            cleaned = cleaners[name](value, ctx)
        except CellError as exc:
            errors.append((name, exc.message if not exc.says_what_happens else exc.message + FINAL))
            continue
        if cleaned is not None:
            data[name] = cleaned
    failed = {name for name, _message in errors}
    for name in required:
        if name not in failed and data.get(name) in (None, "", []):
            errors.append((name, str(REQUIRED_MESSAGE.get(name, _("is empty, but it is needed")))))
    return data, errors


def row_errors(kind: str, data: dict[str, Any]) -> list[tuple[str, str]]:
    """Rules across fields of one row, as the services and model constraints apply them."""
    from django.utils import timezone

    errors: list[tuple[str, str]] = []
    start, end = data.get("start_date"), data.get("end_date")
    if kind == Kind.ENGAGEMENTS and start and end and end < start:
        errors.append(("end_date", _("the end date cannot be before the start date")))
    occurred_on = data.get("occurred_on")
    if kind == Kind.INTERACTIONS and occurred_on and occurred_on > timezone.localdate().isoformat():
        errors.append(("occurred_on", _("a contact moment cannot be in the future")))
    return errors


MODEL_OF_KIND: dict[str, type[models.Model]] = {
    Kind.ORGANISATIONS: Organisation,
    Kind.PEOPLE: Person,
    Kind.COURSES: Course,
    Kind.ENGAGEMENTS: Engagement,
}


@cache
def _plain_fields(kind: str) -> dict[str, models.Field[Any, Any]]:
    model = MODEL_OF_KIND.get(kind)
    if model is None:
        return {}
    return {f.name: f for f in model._meta.concrete_fields if not f.is_relation}


def model_errors(kind: str, data: dict[str, Any]) -> list[tuple[str, str]]:
    """The model's own field rules (what the services' ``full_clean`` would say) for the plain fields given."""
    plain = _plain_fields(kind)
    errors: list[tuple[str, str]] = []
    for name, value in data.items():
        field = plain.get(name)
        # An empty value of a field that may be blank passes every rule (validators skip empty values).
        if field is None or (value == "" and field.blank):
            continue
        try:
            field.clean(field.to_python(value), None)
        except ValidationError as exc:
            errors.append((name, " ".join(str(m) for m in exc.messages)))
    return errors


def _choices(choices: type[models.TextChoices]) -> Callable[[], list[tuple[str, str]]]:
    return lambda: [(str(value), str(label)) for value, label in choices.choices]


def _term_options(model: type[Theme] | type[TargetGroup]) -> Callable[[], list[tuple[str, str]]]:
    def options() -> list[tuple[str, str]]:
        return [(str(term.pk), str(term)) for term in model.objects.order_by("name_nl")]

    return options


# The columns of a vocabulary ("<kind>.<field>"): the known values a word of the office's may stand for.
VALUE_OPTIONS: dict[str, Callable[[], list[tuple[str, str]]]] = {
    "organisations.kind": _choices(Organisation.Kind),
    "organisations.themes": _term_options(Theme),
    "organisations.target_groups": _term_options(TargetGroup),
    "organisations.is_active": lambda: [("yes", str(_("yes"))), ("no", str(_("no")))],
    "people.role": _choices(SofarRole),
    "engagements.kind": _choices(Engagement.Kind),
    "engagements.status": _choices(Engagement.Status),
    "interactions.channel": _choices(Interaction.Channel),
}


def value_options(column: str) -> list[tuple[str, str]]:
    options = VALUE_OPTIONS.get(column)
    return options() if options else []
