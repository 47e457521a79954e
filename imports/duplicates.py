"""Finding the existing record a row is about: the same key (enterprise number, e-mail, code), or for
organisations a name like it at the same postcode (``difflib`` ratio of the normalised names >= 0.85).

Each index reads the candidates once, so a preview of 100,000 rows runs a handful of queries.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import Indel

from engagements.models import Course, Engagement
from imports.mapping import normalise
from imports.models import Kind
from imports.validate import as_text, enterprise_digits
from network.models import Interaction, Organisation, Person

SIMILAR = 0.85
# The fast filter lets through a little more than SIMILAR: RapidFuzz turns its cutoff into a whole number
# of edits with floating-point arithmetic, so a ratio of exactly 0.85 must not sit on the edge.
SLACK = 0.01
EXACT, SIMILAR_NAME = "exact", "similar"
# Names that differ only in a legal form are the same name.
LEGAL_FORMS = ("vzw", "asbl", "bv", "nv", "cv", "vof", "ivzw")


def name_key(name: Any) -> str:
    words = as_text(name).lower().replace(".", "").split()
    kept = [w for w in words if w not in LEGAL_FORMS]
    return normalise(" ".join(kept or words))


def blocks(key: str) -> set[str]:
    """The buckets a normalised name is compared within: its first four letters and its longest word."""
    if not key:
        return set()
    longest = max(key.split(), key=len)
    return {"p:" + key[:4], "w:" + longest}


@dataclass
class Found:
    pk: int
    version: int | None
    label: str
    match: str
    values: dict[str, Any] = field(default_factory=dict)

    def same_as(self, data: dict[str, Any]) -> bool:
        return all(self.values[name] == value for name, value in data.items() if name in self.values)


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


class OrganisationIndex:
    def __init__(self, fields: set[str]) -> None:
        plain = [f for f in fields if f not in ("themes", "target_groups")]
        self.by_number: dict[str, dict[str, Any]] = {}
        self.by_name: dict[tuple[str, str], dict[str, Any]] = {}
        # Candidates for a similar name: same postcode and the same first letters, or the same
        # longest word. A name with a typo in both is not found; one that shares neither is not
        # "a similar name" in the sense an office means. Comparing every name at a postcode
        # made a 100,000-row preview against a region's directory take minutes.
        self.by_block: dict[tuple[str, str], list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        rows = Organisation.objects.values("pk", "version", "name", "postcode", "enterprise_number", *plain)
        records: dict[int, dict[str, Any]] = {}
        for row in rows.iterator(chunk_size=5000):
            if row["enterprise_number"]:
                row["enterprise_number"] = _format_number(row["enterprise_number"])
                self.by_number.setdefault(enterprise_digits(row["enterprise_number"]), row)
            key = name_key(row["name"])
            self.by_name.setdefault((key, row["postcode"]), row)
            for block in blocks(key):
                self.by_block[(row["postcode"], block)].append((key, row))
            records[row["pk"]] = row
        for name in ("themes", "target_groups"):
            if name in fields:
                through = getattr(Organisation, name).through
                column = "theme_id" if name == "themes" else "targetgroup_id"
                for row in records.values():
                    row[name] = []
                for org_id, term_id in through.objects.values_list("organisation_id", column).iterator(chunk_size=5000):
                    records[org_id][name].append(term_id)
                for row in records.values():
                    row[name].sort()
        self.fields = fields

    def _found(self, row: dict[str, Any], match: str) -> Found:
        values = {f: _plain(row.get(f)) for f in self.fields}
        return Found(row["pk"], row["version"], row["name"], match, values)

    def find(self, data: dict[str, Any]) -> Found | None:
        number = data.get("enterprise_number")
        if number and (row := self.by_number.get(enterprise_digits(number))):
            return self._found(row, EXACT)
        key, postcode = name_key(data.get("name")), data.get("postcode", "")
        if row := self.by_name.get((key, postcode)):
            return self._found(row, EXACT)
        if not postcode or not key:
            return None
        candidates = list(
            {
                id(row): (other, row)
                for block in blocks(key)
                for other, row in self.by_block.get((postcode, block), ())
            }.values()
        )
        if not candidates:
            return None
        # RapidFuzz's Indel similarity, 2 x longest common subsequence / total length, is never below
        # difflib's ratio (whose matching blocks are one common subsequence): a cheap filter in C that
        # only rules out names difflib would rule out too.
        names = [other for other, _row in candidates]
        near = process.extract(key, names, scorer=Indel.normalized_similarity, score_cutoff=SIMILAR - SLACK, limit=None)
        if not near:
            return None
        matcher = difflib.SequenceMatcher(None, "", key, autojunk=False)
        best, best_ratio = None, SIMILAR
        for _other, _score, index in sorted(near, key=lambda found: found[2]):
            other, row = candidates[index]
            matcher.set_seq1(other)
            if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
                continue
            ratio = matcher.ratio()
            if ratio >= best_ratio:
                best, best_ratio = row, ratio
        return self._found(best, SIMILAR_NAME) if best else None

    @staticmethod
    def file_key(data: dict[str, Any]) -> str:
        if number := data.get("enterprise_number"):
            return "kbo:" + enterprise_digits(number)
        return f"name:{name_key(data.get('name'))}:{data.get('postcode', '')}"


def _format_number(value: str) -> str:
    digits = enterprise_digits(value)
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}" if len(digits) == 10 else value


class PersonIndex:
    def __init__(self, fields: set[str], institution_id: int) -> None:
        self.fields = {f for f in fields if f in ("first_name", "last_name", "email", "phone")}
        self.by_email: dict[str, dict[str, Any]] = {}
        self.by_name: dict[str, dict[str, Any]] = {}
        rows = Person.objects.filter(institution_id=institution_id).values(
            "pk", "version", "first_name", "last_name", "email", "phone"
        )
        for row in rows.iterator(chunk_size=5000):
            if row["email"]:
                self.by_email.setdefault(row["email"].lower(), row)
            self.by_name.setdefault(normalise(f"{row['first_name']} {row['last_name']}"), row)

    def find(self, data: dict[str, Any]) -> Found | None:
        row = self.by_email.get(data.get("email", "")) or self.by_name.get(self.file_key(data))
        if row is None:
            return None
        values = {f: row[f].lower() if f == "email" else row[f] for f in self.fields}
        return Found(row["pk"], row["version"], f"{row['first_name']} {row['last_name']}", EXACT, values)

    @staticmethod
    def file_key(data: dict[str, Any]) -> str:
        return normalise(f"{data.get('first_name', '')} {data.get('last_name', '')}")


class CourseIndex:
    def __init__(self, fields: set[str], institution_id: int) -> None:
        self.fields = fields
        self.by_key: dict[tuple[str, str], dict[str, Any]] = {}
        queryset = Course.objects.filter(institution_id=institution_id)
        teachers: dict[int, list[int]] = defaultdict(list)
        if "teachers" in fields:
            through = Course.teachers.through.objects.filter(course__institution_id=institution_id)
            for course_id, person_id in through.values_list("course_id", "person_id"):
                teachers[course_id].append(person_id)
        for row in queryset.values("pk", "version", "code", "title", "programme", "academic_year", "description"):
            row["teachers"] = sorted(teachers[row["pk"]])
            for key in self._keys(row):
                self.by_key.setdefault(key, row)

    @staticmethod
    def _keys(data: dict[str, Any]) -> list[tuple[str, str]]:
        year = data.get("academic_year", "")
        keys = [(f"code:{data['code'].lower()}", year)] if data.get("code") else []
        return [*keys, (f"title:{normalise(data.get('title'))}", year)]

    def find(self, data: dict[str, Any]) -> Found | None:
        for key in self._keys(data):
            if row := self.by_key.get(key):
                values = {f: row.get(f) for f in self.fields}
                return Found(row["pk"], row["version"], f"{row['title']} ({row['academic_year']})", EXACT, values)
        return None

    @classmethod
    def file_key(cls, data: dict[str, Any]) -> str:
        return repr(cls._keys(data)[0])


class EngagementIndex:
    FIELDS = ("title", "kind", "start_date", "end_date", "hours", "course", "organisation", "status", "description")

    def __init__(self, fields: set[str], institution_id: int) -> None:
        self.fields = fields
        self.by_key: dict[str, dict[str, Any]] = {}
        names = [f if f not in ("course", "organisation") else f"{f}_id" for f in self.FIELDS]
        for row in Engagement.objects.filter(institution_id=institution_id).values("pk", "version", *names):
            row["course"], row["organisation"] = row.pop("course_id"), row.pop("organisation_id")
            self.by_key.setdefault(self.file_key({k: _plain(v) for k, v in row.items()}), row)

    def find(self, data: dict[str, Any]) -> Found | None:
        row = self.by_key.get(self.file_key(data))
        if row is None:
            return None
        values = {f: _plain(row.get(f)) for f in self.fields}
        return Found(row["pk"], row["version"], row["title"], EXACT, values)

    @staticmethod
    def file_key(data: dict[str, Any]) -> str:
        return f"{normalise(data.get('title'))}:{data.get('start_date')}"


class InteractionIndex:
    """A contact moment with the same organisation, date and summary is the same one: never logged twice."""

    def __init__(self, fields: set[str], institution_id: int) -> None:
        self.keys: dict[str, int] = {}
        rows = Interaction.objects.filter(institution_id=institution_id).values_list(
            "pk", "occurred_on", "summary", "relationship__a_organisation_id", "relationship__b_organisation_id"
        )
        for pk, occurred_on, summary, a_org, b_org in rows.iterator(chunk_size=5000):
            data = {"occurred_on": occurred_on.isoformat(), "summary": summary, "organisation": a_org or b_org}
            self.keys.setdefault(self.file_key(data), pk)

    def find(self, data: dict[str, Any]) -> Found | None:
        pk = self.keys.get(self.file_key(data))
        return Found(pk, None, as_text(data.get("summary"))[:80], EXACT, {}) if pk else None

    @staticmethod
    def file_key(data: dict[str, Any]) -> str:
        return f"{data.get('organisation')}:{data.get('occurred_on')}:{normalise(data.get('summary'))}"


def index_for(kind: str, fields: set[str], institution_id: int) -> Any:
    if kind == Kind.ORGANISATIONS:
        return OrganisationIndex(fields)
    if kind == Kind.PEOPLE:
        return PersonIndex(fields, institution_id)
    if kind == Kind.COURSES:
        return CourseIndex(fields, institution_id)
    if kind == Kind.ENGAGEMENTS:
        return EngagementIndex(fields, institution_id)
    return InteractionIndex(fields, institution_id)
