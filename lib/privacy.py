"""The register of personal data: what each app stores about whom, why, for how long, and how it is
exported, erased and cleaned up (GDPR articles 13, 15, 17, 20 and 5(1)(e)).

Each app fills it from its ``AppConfig.ready()`` (usually by importing its ``privacy`` module), so this
foundation module imports no app. The register is the single source of the export, the erasure, the
retention run and the public privacy page, and a test checks that every model of the database is either
covered by an entry or declared to hold no personal data: a new model fails that test until it is declared.

Erasers and exporters keep their queries inside their own functions, so that they can later run inside
an explicit "unscoped" block when managers refuse unscoped queries.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise

Exporter = Callable[[Any], dict[str, Any]]
Eraser = Callable[["Erasure"], None]
RetentionRule = Callable[[Any, Any], int]  # (institution, cutoff datetime) -> records changed


@dataclass
class Erasure:
    """What an eraser needs to know: the person, the neutral label that replaces them, and every way they
    were written down (names, current and earlier e-mail addresses and phone numbers)."""

    person: Any
    label: str
    names: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def distinctive(self) -> list[str]:
        """Terms that identify the person wherever they stand (a full name, an address, a number)."""
        full = [n for n in self.names if " " in n.strip()]
        return _unique([*full, *self.emails, *self.phones])

    @property
    def terms(self) -> list[str]:
        """Every term, single first or last names too: only for records already known to be about them."""
        return _unique([*self.names, *self.emails, *self.phones])

    def count(self, kind: str, number: int) -> None:
        if number:
            self.counts[kind] = self.counts.get(kind, 0) + number


def emails_of(person: Any) -> list[str]:
    """The person's current and earlier e-mail addresses: the record's, its history's and its login's."""
    emails = [person.email, *person.history.values_list("email", flat=True)]
    user = getattr(person, "user", None) if hasattr(person, "user") else None
    if user is not None:
        emails.append(user.email)
    return [e for e in dict.fromkeys((e or "").strip() for e in emails) if e]


def identifiers_of(person: Any, label: str = "") -> Erasure:
    """Every way the person was written down: current and earlier names, e-mail addresses and phone numbers,
    of the person record, its history and its login."""
    names: list[str] = [person.first_name, person.last_name, f"{person.first_name} {person.last_name}"]
    emails: list[str] = [person.email]
    phones: list[str] = [person.phone]
    for first, last, email, phone in person.history.values_list("first_name", "last_name", "email", "phone"):
        names += [first, last, f"{first} {last}"]
        emails.append(email)
        phones.append(phone)
    user = getattr(person, "user", None) if hasattr(person, "user") else None
    if user is not None:
        names += [user.first_name, user.last_name, f"{user.first_name} {user.last_name}"]
        emails.append(user.email)
        (emails if "@" in user.username else names).append(user.username)
    erasure = Erasure(person=person, label=label)
    erasure.names = [n for n in dict.fromkeys((n or "").strip() for n in names) if n]
    erasure.emails = [e for e in dict.fromkeys((e or "").strip() for e in emails) if e]
    erasure.phones = [p for p in dict.fromkeys((p or "").strip() for p in phones) if p]
    return erasure


def distinctive_of(person: Any) -> list[str]:
    """The terms that name the person wherever they stand: full names, e-mail addresses, phone numbers."""
    return identifiers_of(person).distinctive


def mentions(model: type[models.Model], terms: list[str], *, fields: Iterable[str] = ()) -> models.Q:
    """A condition matching rows of ``model`` with one of ``terms`` in a text or JSON column (JSON text as stored,
    non-ASCII escaped on SQLite); matches nothing without terms."""
    condition = models.Q(pk__in=[])
    for f in text_fields(model):
        if fields and f.name not in fields:
            continue
        for term in terms:
            for form in json_forms(term) if isinstance(f, models.JSONField) else [term]:
                condition |= models.Q(**{f"{f.name}__icontains": form})
    return condition


def _unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        value = (value or "").strip()
        if len(value) >= 2 and value.lower() not in seen:
            seen[value.lower()] = value
    # Longest first, so "Rita Bewoner" is replaced before "Rita".
    return sorted(seen.values(), key=len, reverse=True)


def scrub(value: Any, terms: list[str], label: str) -> Any:
    """``value`` with every term replaced by ``label``, case-insensitively, inside strings, lists and dicts."""
    if isinstance(value, str):
        if not terms:
            return value
        # Whole words only: erasing "Jan De" leaves "Jan Desmet" and "januari" alone.
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in terms) + r")(?!\w)", re.IGNORECASE)
        return pattern.sub(label, value)
    if isinstance(value, list):
        return [scrub(v, terms, label) for v in value]
    if isinstance(value, dict):
        return {scrub(k, terms, label): scrub(v, terms, label) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Retention:
    """A period after which data is removed or anonymised: ``setting`` names the institution's field."""

    setting: str
    unit: str  # "days" or "months"
    default: int
    apply: RetentionRule  # (institution, cutoff) -> number of records removed or anonymised
    what: Promise | str


@dataclass(frozen=True)
class PersonalData:
    """One kind of personal data an app stores, with what, about whom, why and how long, in words."""

    key: str
    models: tuple[str, ...]
    what: Promise | str
    whose: Promise | str
    why: Promise | str
    kept: Promise | str
    exporter: Exporter | None = None
    eraser: Eraser | None = None
    titles: dict[str, Promise | str] = field(default_factory=dict)
    retention: tuple[Retention, ...] = ()
    order: int = 100


_ENTRIES: dict[str, PersonalData] = {}
_NO_PERSONAL_DATA: dict[str, str] = {}


def register(entry: PersonalData) -> PersonalData:
    """Add an entry (registering the same key again replaces it, so a reloaded app does not double it)."""
    _ENTRIES[entry.key] = entry
    return entry


def declare_no_personal_data(*model_labels: str, reason: str) -> None:
    """Say, for the completeness test and the reader, that these models hold nothing about a person."""
    for label in model_labels:
        _NO_PERSONAL_DATA[label.lower()] = reason


def entries() -> list[PersonalData]:
    return sorted(_ENTRIES.values(), key=lambda e: (e.order, e.key))


def retention_rules() -> list[Retention]:
    return [rule for entry in entries() for rule in entry.retention]


def covered_models() -> set[str]:
    return {label.lower() for entry in _ENTRIES.values() for label in entry.models}


def no_personal_data() -> dict[str, str]:
    return dict(_NO_PERSONAL_DATA)


def section_titles() -> dict[str, Promise | str]:
    titles: dict[str, Promise | str] = {}
    for entry in entries():
        titles.update(entry.titles)
    return titles


def text_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField) and not f.primary_key
    ]


def json_forms(term: str) -> list[str]:
    """A term as it may stand inside stored JSON text (non-ASCII escaped, as Django writes it on SQLite)."""
    escaped = json.dumps(term)[1:-1]
    return [term] if escaped == term else [term, escaped]


def scrub_rows(queryset: models.QuerySet[Any], terms: list[str], label: str, *, fields: Iterable[str] = ()) -> int:
    """Replace ``terms`` by ``label`` in the text and JSON columns of every row of ``queryset``; an e-mail
    column that holds nothing but a term is emptied. Returns the number of rows changed."""
    model = queryset.model
    columns = [f for f in text_fields(model) if not fields or f.name in fields]
    if not columns or not terms:
        return 0
    lowered = [t.lower() for t in terms]
    changed = 0
    pk_name = model._meta.pk.attname
    for row in queryset.values(pk_name, *[f.attname for f in columns]).iterator():
        updates: dict[str, Any] = {}
        for f in columns:
            value = row[f.attname]
            if value in (None, "", {}, []):
                continue
            if isinstance(f, models.EmailField) and value.strip().lower() in lowered:
                new: Any = ""
            else:
                new = scrub(value, terms, label)
            if new != value:
                updates[f.attname] = new
        if updates:
            model._base_manager.filter(**{pk_name: row[pk_name]}).update(**updates)
            changed += 1
    return changed
