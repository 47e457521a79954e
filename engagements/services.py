"""Course and engagement operations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import record
from engagements.models import Course, Engagement, Participation
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
    save_versioned(course, expected_version=expected_version, fields=changes)
    if teachers is not None:
        if not teachers:
            raise DomainError({"teachers": _("A course needs at least one teacher.")})
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
