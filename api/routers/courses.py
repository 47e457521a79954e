"""Courses and their missing voices."""

import datetime as dt
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from accounts.access import get_for_user_or_404, require
from api.auth import acting_user
from api.errors import codes
from api.lookups import many
from api.pagination import Pages
from api.schemas import CoverageOut, InputSchema, PersonRef, SearchTerm, Text, Version, coverage_out
from engagements.models import Course
from engagements.selectors import course_coverage
from engagements.services import create_course, update_course
from lib.errors import DomainError
from network.models import Campus, Person

router = Router(tags=["Courses"])


class CourseOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    code: str
    title: str
    programme: str
    academic_year: str
    description: str
    teachers: list[PersonRef]
    campus: str | None = Field(description="Slug of the campus, if any.")
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_teachers(obj: Course) -> list[Person]:
        return list(obj.teachers.all())

    @staticmethod
    def resolve_campus(obj: Course) -> str | None:
        return obj.campus.slug if obj.campus else None


class CourseIn(InputSchema):
    code: str = Field("", max_length=30)
    title: str = Field(max_length=200)
    programme: str = Field("", max_length=200)
    academic_year: str = Field(max_length=9, description="For example 2026-2027.")
    description: str = ""
    teachers: list[UUID] = Field(description="People of your institution, at least one.")
    campus: str | None = Field(None, description="Slug of a campus of your institution.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "SW123",
                    "title": "Community service-learning",
                    "academic_year": "2026-2027",
                    "teachers": ["3f2c1d1e-0000-4000-8000-000000000001"],
                }
            ]
        }
    )


class CoursePatch(InputSchema):
    """Only the fields sent are changed; `teachers`, when sent, replaces all teachers; `campus: null` clears it."""

    version: Version
    code: str | None = Field(None, max_length=30)
    title: str | None = Field(None, min_length=1, max_length=200)
    programme: str | None = Field(None, max_length=200)
    academic_year: str | None = Field(None, max_length=9, description="For example 2026-2027.")
    description: str | None = None
    teachers: list[UUID] | None = Field(None, description="People of your institution, at least one.")
    campus: str | None = Field(None, description="Slug of a campus of your institution; null for none.")

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"version": 1, "title": "Community service-learning II", "campus": None}]}
    )


def courses(request: HttpRequest) -> QuerySet[Course]:
    return Course.objects.for_user(acting_user(request)).select_related("campus").prefetch_related("teachers")


def _find(request: HttpRequest, public_id: UUID) -> Course:
    return get_for_user_or_404(courses(request), public_id=public_id)


@router.get("", response=codes({200: list[CourseOut]}), summary="List courses")
@paginate(Pages)
def list_courses(
    request: HttpRequest, q: SearchTerm = "", academic_year: Text = "", teacher: UUID | None = None
) -> Any:
    """The courses you may see, by title. Filters: `q` (part of the title or the code), `academic_year`,
    `teacher`."""
    queryset = courses(request)
    if q:
        term = q.strip()
        queryset = queryset.filter(Q(title__icontains=term) | Q(code__iexact=term))
    if academic_year:
        queryset = queryset.filter(academic_year=academic_year.strip())
    if teacher:
        queryset = queryset.filter(pk__in=Course.objects.filter(teachers__public_id=teacher).values("pk"))
    return queryset


@router.get("/{public_id}", response=codes({200: CourseOut}, 404), summary="One course")
def get_course(request: HttpRequest, public_id: UUID) -> Course:
    return _find(request, public_id)


@router.get("/{public_id}/coverage", response=codes({200: CoverageOut}, 404), summary="Missing voices of a course")
def get_course_coverage(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    """Which SOFAR roles take part in the course (teachers, people and organisations of its engagements),
    and which role pairs have an active relationship."""
    return coverage_out(course_coverage(_find(request, public_id)))


def _campus(institution_id: int, slug: str | None) -> Campus | None:
    if not slug:
        return None
    campus = Campus.objects.filter(institution_id=institution_id, slug=slug).first()
    if campus is None:
        raise DomainError({"campus": _("Your institution has no campus %(slug)s.") % {"slug": slug}})
    return campus


@router.post("", response=codes({201: CourseOut}, 400, 403), summary="Add a course")
def add_course(request: HttpRequest, payload: CourseIn) -> Status:
    """Add a course of your institution (institution staff)."""
    user = acting_user(request)
    require(user, "engagements.add_course")
    if user.institution is None:
        raise DomainError(_("Your account does not belong to an institution."))
    campus = _campus(user.institution_id, payload.campus)
    course = create_course(
        by=user,
        institution=user.institution,
        teachers=many(Person.objects.for_user(user), payload.teachers, "teachers"),
        campus=campus,
        **payload.model_dump(exclude={"teachers", "campus"}),
    )
    return Status(201, _find(request, course.public_id))


@router.patch("/{public_id}", response=codes({200: CourseOut}, 400, 403, 404, 409), summary="Change a course")
def change_course(request: HttpRequest, public_id: UUID, payload: CoursePatch) -> Course:
    """Change the fields sent (the course's institution staff, as on the course's edit page).
    Answers 409 when someone else changed it since you read `version`."""
    user = acting_user(request)
    course = _find(request, public_id)
    require(user, "engagements.change_course", course)
    sent = payload.model_dump(exclude_unset=True, exclude={"version", "teachers", "campus"})
    data: dict[str, Any] = {name: value for name, value in sent.items() if value is not None}
    if "campus" in payload.model_fields_set:
        data["campus"] = _campus(course.institution_id, payload.campus)
    teachers = None
    if payload.teachers is not None:
        teachers = many(Person.objects.for_user(user), payload.teachers, "teachers")
    update_course(course, by=user, expected_version=payload.version, teachers=teachers, **data)
    return _find(request, public_id)
