"""Workbooks: a teacher's answers per question set, positions on the dilemmas with reasons, and planned
actions; listing, starting one for a course, changing one in one go, and last year's beside this year's.
Seen by the office and the course's teachers only."""

import datetime as dt
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from accounts.access import get_for_user_or_404, require
from api.auth import acting_user
from api.errors import codes
from api.lookups import one
from api.pagination import Pages
from api.routers.reflection.base import MAX_ITEMS, router
from api.schemas import InputSchema, PersonRef, Text, TitledRef, Version
from engagements.models import Course
from lib.errors import DomainError
from reflection.models import SCALE, Dilemma, PlannedAction, ReflectionQuestion, Workbook
from reflection.selectors import compare_workbooks, previous_workbook, workbook_sheet
from reflection.services import ActionSpec, save_workbook, start_workbook


class WorkbookOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    course: TitledRef
    academic_year: str
    teacher: PersonRef
    version: int
    updated_at: dt.datetime


class WorkbookAnswerOut(Schema):
    question: UUID
    question_set: int
    set_label: str
    text: str = Field(description="The question, in your language.")
    answer: str


class WorkbookPositionOut(Schema):
    dilemma: UUID
    statement: str
    pole_a: str = Field(description="Position 1.")
    pole_b: str = Field(description="Position 5.")
    position: int | None
    reason: str


class WorkbookActionOut(Schema):
    id: int = Field(description="Its number inside the workbook: send it back to keep the action.")
    what: str
    needs: str
    due_on: dt.date | None
    done: bool


class WorkbookDetailOut(WorkbookOut):
    answers: list[WorkbookAnswerOut]
    positions: list[WorkbookPositionOut]
    actions: list[WorkbookActionOut]


class WorkbookStartIn(InputSchema):
    teacher: UUID | None = Field(None, description="One of the course's teachers; default: you, if you teach it.")

    model_config = ConfigDict(json_schema_extra={"examples": [{"teacher": "3f2c1d1e-0000-4000-8000-000000000001"}]})


class WorkbookAnswerIn(InputSchema):
    question: UUID
    answer: str = Field("", max_length=5000)


class WorkbookPositionIn(InputSchema):
    dilemma: UUID
    position: int | None = Field(None, ge=min(SCALE), le=max(SCALE), description="1 to 5; none clears it.")
    reason: str = Field("", max_length=2000, description="Required with a position.")


class WorkbookActionIn(InputSchema):
    id: int | None = Field(None, ge=1, le=2**62, description="An existing action's number; none for a new one.")
    what: str = Field(max_length=300)
    needs: str = Field("", max_length=300)
    due_on: dt.date | None = None
    done: bool = False


class WorkbookPatch(InputSchema):
    version: Version
    answers: list[WorkbookAnswerIn] | None = Field(
        None, max_length=MAX_ITEMS, description="Only the questions sent change."
    )
    positions: list[WorkbookPositionIn] | None = Field(
        None, max_length=MAX_ITEMS, description="Only the dilemmas sent change."
    )
    actions: list[WorkbookActionIn] | None = Field(
        None, max_length=MAX_ITEMS, description="When sent, replaces the planned actions (in this order)."
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "version": 1,
                    "answers": [{"question": "3f2c1d1e-0000-4000-8000-000000000005", "answer": "Meer tijd voor ..."}],
                    "positions": [
                        {"dilemma": "3f2c1d1e-0000-4000-8000-000000000006", "position": 2, "reason": "Omdat ..."}
                    ],
                    "actions": [{"what": "Partner uitnodigen voor de evaluatie", "due_on": "2026-06-30"}],
                }
            ]
        }
    )


def _workbooks(request: HttpRequest) -> QuerySet[Workbook]:
    return (
        Workbook.objects.for_user(acting_user(request))
        .select_related("course", "teacher", "institution")
        .order_by("-academic_year", "id")
    )


def _detail(workbook: Workbook) -> dict[str, Any]:
    sheet = workbook_sheet(workbook)
    return {
        "public_id": workbook.public_id,
        "course": workbook.course,
        "academic_year": workbook.academic_year,
        "teacher": workbook.teacher,
        "version": workbook.version,
        "updated_at": workbook.updated_at,
        "answers": [
            {
                "question": question.public_id,
                "question_set": group["number"],
                "set_label": str(group["label"]),
                "text": question.text,
                "answer": answer,
            }
            for group in sheet.sets
            for question, answer in group["questions"]
        ],
        "positions": [
            {
                "dilemma": dilemma.public_id,
                "statement": dilemma.statement,
                "pole_a": dilemma.pole_a,
                "pole_b": dilemma.pole_b,
                "position": position.position if position else None,
                "reason": position.reason if position else "",
            }
            for dilemma, position in sheet.dilemmas
        ],
        "actions": sheet.actions,
    }


@router.get("/workbooks", response=codes({200: list[WorkbookOut]}), summary="List reflection workbooks")
@paginate(Pages)
def list_workbooks(request: HttpRequest, academic_year: Text = "", course: UUID | None = None) -> Any:
    """Your own workbooks (a teacher) or your institution's (the office), newest year first. Filters:
    `academic_year` (e.g. 2026-2027), `course`."""
    queryset = _workbooks(request)
    if academic_year.strip():
        queryset = queryset.filter(academic_year=academic_year.strip())
    if course:
        queryset = queryset.filter(course__public_id=course)
    return queryset


@router.get("/workbooks/{public_id}", response=codes({200: WorkbookDetailOut}, 404), summary="One workbook")
def get_workbook(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    """The questions per set with the answers, the dilemmas with the positions and reasons, the planned actions."""
    return _detail(get_for_user_or_404(_workbooks(request), public_id=public_id))


@router.post(
    "/courses/{public_id}/workbooks",
    response=codes({201: WorkbookDetailOut}, 400, 403, 404),
    summary="Start a workbook for a course",
)
def add_workbook(request: HttpRequest, public_id: UUID, payload: WorkbookStartIn) -> Status:
    """A teacher starts their own workbook for the course's academic year; the office starts one for a teacher
    of the course. When it exists already, that one is the answer."""
    user = acting_user(request)
    course = get_for_user_or_404(Course.objects.for_user(user).select_related("institution"), public_id=public_id)
    require(user, "reflection.start_workbook", course)
    teacher = one(course.teachers.all(), payload.teacher, "teacher")
    if teacher is None:
        teacher = course.teachers.filter(pk=user.person_id).first() if user.person_id else None
    if teacher is None:
        raise DomainError({"teacher": _("Choose one of the course's teachers.")})
    workbook = start_workbook(course, by=user, teacher=teacher)
    return Status(201, _detail(_workbooks(request).get(pk=workbook.pk)))


def _by_public_id(queryset: QuerySet[Any], ids: list[UUID], field: str) -> dict[UUID, int]:
    found = dict(queryset.filter(public_id__in=set(ids)).values_list("public_id", "pk"))
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise DomainError({field: _("Not part of this workbook: %(ids)s") % {"ids": ", ".join(missing)}})
    return found


@router.patch(
    "/workbooks/{public_id}",
    response=codes({200: WorkbookDetailOut}, 400, 403, 404, 409),
    summary="Change a workbook",
)
def change_workbook(request: HttpRequest, public_id: UUID, payload: WorkbookPatch) -> dict[str, Any]:
    """Write answers, positions (a position needs a reason) and planned actions in one go (the course's teacher,
    or the office). 409 when `version` is stale; nothing is saved on an error."""
    user = acting_user(request)
    workbook = get_for_user_or_404(_workbooks(request), public_id=public_id)
    require(user, "reflection.change_workbook", workbook)
    answers: dict[int, str] = {}
    if payload.answers:
        questions = ReflectionQuestion.objects.for_institution(workbook.institution_id)
        ids = _by_public_id(questions, [a.question for a in payload.answers], "answers")
        answers = {ids[a.question]: a.answer for a in payload.answers}
    positions: dict[int, tuple[int | None, str]] = {}
    if payload.positions:
        dilemmas = Dilemma.objects.for_institution(workbook.institution_id)
        ids = _by_public_id(dilemmas, [p.dilemma for p in payload.positions], "positions")
        positions = {ids[p.dilemma]: (p.position, p.reason) for p in payload.positions}
    if payload.actions is None:
        current = PlannedAction.objects.filter(workbook=workbook)
        actions = [ActionSpec(what=a.what, needs=a.needs, due_on=a.due_on, done=a.done, id=a.pk) for a in current]
    else:
        actions = [ActionSpec(**a.model_dump()) for a in payload.actions]
    save_workbook(
        workbook, by=user, expected_version=payload.version, answers=answers, positions=positions, actions=actions
    )
    return _detail(_workbooks(request).get(pk=workbook.pk))


# Last year beside this year.


class MovementOut(Schema):
    dilemma: UUID
    statement: str
    pole_a: str = Field(description="Position 1.")
    pole_b: str = Field(description="Position 5.")
    before: int | None = Field(description="Last year's position, if any.")
    after: int | None = Field(description="This year's position, if any.")
    shift: int | None = Field(description="`after` minus `before`: a positive shift moved towards `pole_b`.")
    summary: str = Field(description="The move in words, in your language.")
    reason_before: str
    reason_after: str


class AnswerPairOut(Schema):
    question: UUID
    question_set: int
    text: str = Field(description="The question, in your language.")
    before: str = Field(description="Last year's answer.")
    after: str = Field(description="This year's answer.")


class ComparisonOut(Schema):
    workbook: WorkbookOut
    previous: WorkbookOut | None = Field(
        description="Last year's workbook of the same course (same course, code or title) that you may read; "
        "none when there is none."
    )
    positions: list[MovementOut]
    answers: list[AnswerPairOut]
    actions_before: list[WorkbookActionOut] = Field(description="Last year's planned actions.")
    actions_after: list[WorkbookActionOut] = Field(description="This year's planned actions.")
    actions_done: int = Field(description="How many of last year's planned actions are done.")


@router.get(
    "/workbooks/{public_id}/compare",
    response=codes({200: ComparisonOut}, 404),
    summary="Last year's workbook beside this year's",
)
def compare_workbook(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    """How the positions moved per dilemma, the answers side by side, and whether last year's planned actions
    were done. A question or dilemma your institution adapted compares with the built-in it replaces."""
    workbook = get_for_user_or_404(_workbooks(request), public_id=public_id)
    comparison = compare_workbooks(previous_workbook(workbook, acting_user(request)), workbook)
    return {
        "workbook": workbook,
        "previous": comparison.before,
        "positions": [
            {
                "dilemma": m.dilemma.public_id,
                "statement": m.dilemma.statement,
                "pole_a": m.dilemma.pole_a,
                "pole_b": m.dilemma.pole_b,
                "before": m.before,
                "after": m.after,
                "shift": m.shift,
                "summary": m.words,
                "reason_before": m.reason_before,
                "reason_after": m.reason_after,
            }
            for m in comparison.movements
        ],
        "answers": [
            {
                "question": row["question"].public_id,
                "question_set": row["question"].question_set,
                "text": row["question"].text,
                "before": row["before"],
                "after": row["after"],
            }
            for row in comparison.answers
        ],
        "actions_before": comparison.actions_before,
        "actions_after": comparison.actions_after,
        "actions_done": comparison.actions_done,
    }
