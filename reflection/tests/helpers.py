"""Test data for reflection, made through Brug's own services (imported by the web tests too)."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from engagements.models import Course
from network.models import Interaction, SofarRole
from reflection.models import Dilemma, ReflectionQuestion, Workbook
from reflection.services import start_workbook
from tests import factories as f


def course_with_actors(world: SimpleNamespace, *, students: int = 1, title: str = "Buurtgericht ontwerpen") -> Course:
    """A course of institution A taught by the faculty persona, with a community partner and students.

    Relationships: the teacher and the partner organisation (direct contacts), the teacher and the
    partner's staff member (through the coordinator as intermediary). No residents, no administrators.
    """
    course = f.make_course(world.a, [world.faculty_person], title=title, code="BGO1", academic_year="2026-2027")
    people = [(world.staff_person, SofarRole.ORGANISATION, 0)]
    people.append((world.student_person, SofarRole.STUDENT, 10))
    for _n in range(students - 1):
        people.append((f.make_person(world.a, SofarRole.STUDENT), SofarRole.STUDENT, 10))
    f.make_engagement(world.a, course=course, organisation=world.org, participants=people)
    direct = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    f.make_interaction(direct, summary="Kennismaking")
    via = f.make_relationship(world.a, world.faculty_person, world.staff_person, owners=[world.faculty_person])
    f.make_interaction(
        via, summary="Via de coördinator", mode=Interaction.Mode.INTERMEDIARY, intermediary=world.coord_person
    )
    return course


def workbook_for(world: SimpleNamespace, course: Course | None = None) -> Workbook:
    course = course or course_with_actors(world)
    return start_workbook(course, by=world.faculty, teacher=world.faculty_person)


def builtin_question(key: str) -> ReflectionQuestion:
    return ReflectionQuestion.objects.get(institution__isnull=True, key=key)


def builtin_dilemma(key: str) -> Dilemma:
    return Dilemma.objects.get(institution__isnull=True, key=key)


def png_upload(name: str = "foto.png", size: tuple[int, int] = (8, 8)) -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def post_data(**extra: Any) -> dict[str, Any]:
    """An empty action formset's management form, for posting a workbook."""
    return {
        "action-TOTAL_FORMS": "2",
        "action-INITIAL_FORMS": "0",
        "action-MIN_NUM_FORMS": "0",
        "action-MAX_NUM_FORMS": "30",
        **extra,
    }
