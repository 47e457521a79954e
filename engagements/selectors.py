from __future__ import annotations

from collections import defaultdict

from engagements.models import Course, Participation
from network.models import SofarRole
from network.selectors import SofarCoverage, sofar_coverage


def course_coverage(course: Course) -> SofarCoverage:
    """Missing voices of a course: its teachers, the people and organisations of its engagements."""
    person_roles: dict[int, set[str]] = defaultdict(set)
    for teacher_id in course.teachers.values_list("pk", flat=True):
        person_roles[teacher_id].add(SofarRole.FACULTY.value)
    for person_id, role in Participation.objects.filter(engagement__course=course).values_list("person_id", "role"):
        person_roles[person_id].add(role)
    organisation_ids = set(
        course.engagements.filter(organisation__isnull=False).values_list("organisation_id", flat=True)
    )
    return sofar_coverage(
        institution_id=course.institution_id, person_roles=dict(person_roles), organisation_ids=organisation_ids
    )
