"""Course and engagement operations."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import record
from engagements.models import Contribution, Course, Engagement, Participation
from lib.concurrency import save_versioned
from lib.errors import DomainError
from network.models import Person

COURSE_FIELDS = ("code", "title", "programme", "academic_year", "description", "campus")
ENGAGEMENT_FIELDS = (
    "title",
    "kind",
    "level",
    "direction",
    "front",
    "status",
    "course",
    "partnership",
    "organisation",
    "start_date",
    "end_date",
    "hours",
    "description",
    "outcomes",
)

ACADEMIC_YEAR = re.compile(r"^(\d{4})-(\d{4})$")


def _check_academic_year(value: Any) -> None:
    match = ACADEMIC_YEAR.match(str(value or "").strip())
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        raise DomainError(
            {"academic_year": _("Write the academic year as two following years, for example 2026-2027.")}
        )


def _check_same_institution(institution_id: int, **related: Any) -> None:
    for name, obj in related.items():
        if obj is not None and getattr(obj, "institution_id", institution_id) != institution_id:
            raise DomainError({name: _("This belongs to another institution.")})


@transaction.atomic
def create_course(*, by: Any, institution: Any, teachers: Sequence[Person], **fields: Any) -> Course:
    if not teachers:
        raise DomainError({"teachers": _("A course needs at least one teacher.")})
    for teacher in teachers:
        if teacher.institution_id != institution.pk:
            raise DomainError({"teachers": _("Teachers must be people of your institution.")})
    _check_same_institution(institution.pk, campus=fields.get("campus"))
    _check_academic_year(fields.get("academic_year"))
    course = Course(institution=institution, **{k: v for k, v in fields.items() if k in COURSE_FIELDS})
    course.full_clean()
    course.save()
    course.teachers.set(teachers)
    record(by, "created", course)
    return course


@transaction.atomic
def update_course(
    course: Course, *, by: Any, expected_version: int | None, teachers: Sequence[Person] | None = None, **fields: Any
) -> Course:
    changes = {k: v for k, v in fields.items() if k in COURSE_FIELDS and getattr(course, k) != v}
    _check_same_institution(course.institution_id, campus=changes.get("campus"))
    if "academic_year" in changes:
        _check_academic_year(changes["academic_year"])
    if teachers is not None:
        if not teachers:
            raise DomainError({"teachers": _("A course needs at least one teacher.")})
        for teacher in teachers:
            if teacher.institution_id != course.institution_id:
                raise DomainError({"teachers": _("Teachers must be people of your institution.")})
    save_versioned(course, expected_version=expected_version, fields=changes)
    if teachers is not None:
        course.teachers.set(teachers)
    record(by, "changed", course, changes=changes)
    return course


@transaction.atomic
def create_engagement(
    *, by: Any, institution: Any, participants: Sequence[tuple[Person, str, int]] = (), **fields: Any
) -> Engagement:
    data = {k: v for k, v in fields.items() if k in ENGAGEMENT_FIELDS}
    _check_same_institution(institution.pk, course=data.get("course"), partnership=data.get("partnership"))
    engagement = Engagement(institution=institution, **data)
    engagement.full_clean()
    engagement.save()
    set_participants(engagement, participants)
    record(by, "created", engagement)
    return engagement


def set_participants(engagement: Engagement, participants: Sequence[tuple[Person, str, int]]) -> None:
    if len({person.pk for person, _role, _hours in participants}) != len(participants):
        raise DomainError({"participants": _("Name each person once.")})
    for person, _role, _hours in participants:
        if person.institution_id != engagement.institution_id:
            raise DomainError({"participants": _("People must be from your institution's network.")})
    engagement.participations.all().delete()
    Participation.objects.bulk_create(
        [Participation(engagement=engagement, person=p, role=role, hours=hours) for p, role, hours in participants]
    )


@transaction.atomic
def update_engagement(
    engagement: Engagement,
    *,
    by: Any,
    expected_version: int | None,
    participants: Sequence[tuple[Person, str, int]] | None = None,
    **fields: Any,
) -> Engagement:
    changes = {k: v for k, v in fields.items() if k in ENGAGEMENT_FIELDS and getattr(engagement, k) != v}
    _check_same_institution(
        engagement.institution_id, course=changes.get("course"), partnership=changes.get("partnership")
    )
    save_versioned(engagement, expected_version=expected_version, fields=changes)
    if participants is not None:
        set_participants(engagement, participants)
    record(by, "changed", engagement, changes=changes)
    return engagement


# What each party puts into an engagement and gets out of it (the material of equity, read in ``health.equity``).

GIVES_AMOUNT_KINDS = (Contribution.Kind.HOURS, Contribution.Kind.MONEY)


@dataclass(frozen=True)
class ContributionSpec:
    party: str
    direction: str
    kind: str
    description: str
    amount: Decimal | None = None
    shared: bool = False


@transaction.atomic
def set_contributions(
    engagement: Engagement, *, by: Any, expected_version: int | None, rows: Sequence[ContributionSpec]
) -> list[Contribution]:
    """Replace what the parties put into and get out of an engagement.

    Hours and money put in need an amount, so that the balance can be
    computed. The engagement's version guards against two people editing the
    list at the same time.
    """
    errors: list[str] = []
    for number, row in enumerate(rows, start=1):
        if not row.description.strip():
            errors.append(_("Row %(n)s: say in a few words what it is.") % {"n": number})
        if row.amount is not None and row.amount < 0:
            errors.append(_("Row %(n)s: an amount cannot be negative.") % {"n": number})
        if row.direction == Contribution.Direction.GIVES and row.kind in GIVES_AMOUNT_KINDS and row.amount is None:
            errors.append(_("Row %(n)s: hours or money put in need an amount.") % {"n": number})
    if errors:
        raise DomainError(errors)
    save_versioned(engagement, expected_version=expected_version, fields={})
    engagement.contributions.all().delete()
    created = Contribution.objects.bulk_create(
        [
            Contribution(
                engagement=engagement,
                party=row.party,
                direction=row.direction,
                kind=row.kind,
                amount=row.amount,
                description=row.description.strip(),
                shared=row.shared,
            )
            for row in rows
        ]
    )
    record(by, "contributions changed", engagement, changes={"contributions": len(created)})
    return created


def contribution_specs(contributions: Iterable[Contribution]) -> list[ContributionSpec]:
    return [
        ContributionSpec(
            party=c.party,
            direction=c.direction,
            kind=c.kind,
            description=c.description,
            amount=c.amount,
            shared=c.shared,
        )
        for c in contributions
    ]
