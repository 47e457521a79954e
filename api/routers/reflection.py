"""Reflection through the API: a teacher's workbooks (answers, positions on dilemmas, planned actions) and last
year's beside this year's, the questions and dilemmas an institution works with (add, adapt a built-in,
translate), workshop sessions with the group's anonymous spread, and practice examples (the office's drafts,
consents and photos, and the published ones). Same services, selectors, scopes and rules as the reflection
pages: a workbook is seen by the office and the course's teachers only; questions, workshops and practice
examples are the office's.

Joining a workshop as a participant (``/join/<code>/`` in the web pages) is web-only on purpose: participants
have no account and no token, and their positions carry no identity.
"""

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate
from pydantic import ConfigDict

from accounts.access import get_for_user_or_404, require
from api.auth import acting_user
from api.errors import codes
from api.lookups import many, one, terms
from api.pagination import Pages
from api.schemas import InputSchema, OrganisationRef, PersonRef, TermOut, Text, TitledRef, Version, choice
from engagements.models import Course, Engagement
from lib.errors import DomainError
from network.models import Organisation, Theme
from partnerships.models import Partnership
from reflection import services
from reflection.cases import FORM_LABELS, public_partners, search_public_cases, unconsented_mentions, with_public_data
from reflection.models import (
    SCALE,
    CasePhoto,
    Dilemma,
    PlannedAction,
    PracticeCase,
    QuestionSet,
    ReflectionQuestion,
    Workbook,
    WorkshopSession,
)
from reflection.selectors import (
    case_parties,
    compare_workbooks,
    managed_cases,
    office_dilemmas,
    office_questions,
    previous_workbook,
    workbook_sheet,
    workshop_spread,
)
from reflection.services import ActionSpec, save_workbook, start_workbook

router = Router(tags=["Reflection"])

MAX_ITEMS = 200


# Workbooks.


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


# Questions and dilemmas.

QuestionSetValue = choice(QuestionSet)
Listing = Literal["in_use", "all"]


class QuestionOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    question_set: int
    text: str = Field(description="In your language.")
    text_nl: str
    text_en: str
    order: int
    is_active: bool = Field(description="In use: workbooks and workshops show it.")
    builtin: bool = Field(description="One of Brug's own questions (else your institution's).")
    adapted: bool = Field(description="A built-in your institution has its own copy of: the copy is used instead.")
    adapted_from: UUID | None = Field(description="For your own copy: the built-in it replaces.")
    version: int

    @staticmethod
    def resolve_builtin(obj: ReflectionQuestion) -> bool:
        return obj.institution_id is None

    @staticmethod
    def resolve_adapted(obj: ReflectionQuestion) -> bool:
        return bool(getattr(obj, "adapted", False))

    @staticmethod
    def resolve_adapted_from(obj: ReflectionQuestion) -> UUID | None:
        return obj.replaces.public_id if obj.replaces_id else None


class DilemmaOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    statement: str = Field(description="In your language.")
    pole_a: str = Field(description="Position 1, in your language.")
    pole_b: str = Field(description="Position 5, in your language.")
    statement_nl: str
    statement_en: str
    pole_a_nl: str
    pole_a_en: str
    pole_b_nl: str
    pole_b_en: str
    order: int
    is_active: bool = Field(description="In use: workbooks and workshops show it.")
    builtin: bool
    adapted: bool = Field(description="A built-in your institution has its own copy of: the copy is used instead.")
    adapted_from: UUID | None = Field(description="For your own copy: the built-in it replaces.")
    version: int

    @staticmethod
    def resolve_builtin(obj: Dilemma) -> bool:
        return obj.institution_id is None

    @staticmethod
    def resolve_adapted(obj: Dilemma) -> bool:
        return bool(getattr(obj, "adapted", False))

    @staticmethod
    def resolve_adapted_from(obj: Dilemma) -> UUID | None:
        return obj.replaces.public_id if obj.replaces_id else None


class QuestionIn(InputSchema):
    question_set: QuestionSetValue = Field(description="1 actors, 2 contacts, 3 goals.")  # type: ignore[valid-type]
    text_nl: str = Field(max_length=1000, description="The question in Dutch.")
    text_en: str = Field("", max_length=1000, description="The question in English (optional).")
    order: int = Field(10, ge=0, le=999)
    is_active: bool = True

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "question_set": 2,
                    "text_nl": "Wie neemt het eerste contact op?",
                    "text_en": "Who makes the first contact?",
                    "order": 40,
                }
            ]
        }
    )


class QuestionPatch(InputSchema):
    version: Version
    question_set: QuestionSetValue | None = None  # type: ignore[valid-type]
    text_nl: str | None = Field(None, max_length=1000)
    text_en: str | None = Field(None, max_length=1000)
    order: int | None = Field(None, ge=0, le=999)
    is_active: bool | None = None

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"version": 1, "text_en": "Who makes the first contact?"}]}
    )


class DilemmaIn(InputSchema):
    statement_nl: str = Field(max_length=300)
    statement_en: str = Field("", max_length=300)
    pole_a_nl: str = Field(max_length=200, description="Position 1, in Dutch.")
    pole_a_en: str = Field("", max_length=200)
    pole_b_nl: str = Field(max_length=200, description="Position 5, in Dutch.")
    pole_b_en: str = Field("", max_length=200)
    order: int = Field(10, ge=0, le=999)
    is_active: bool = True

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "statement_nl": "Wie bepaalt de vraag?",
                    "pole_a_nl": "De partner",
                    "pole_b_nl": "De docent",
                    "statement_en": "Who sets the question?",
                    "pole_a_en": "The partner",
                    "pole_b_en": "The teacher",
                }
            ]
        }
    )


class DilemmaPatch(InputSchema):
    version: Version
    statement_nl: str | None = Field(None, max_length=300)
    statement_en: str | None = Field(None, max_length=300)
    pole_a_nl: str | None = Field(None, max_length=200)
    pole_a_en: str | None = Field(None, max_length=200)
    pole_b_nl: str | None = Field(None, max_length=200)
    pole_b_en: str | None = Field(None, max_length=200)
    order: int | None = Field(None, ge=0, le=999)
    is_active: bool | None = None

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"version": 1, "statement_en": "Who sets the question?"}]}
    )


def _office_institution(request: HttpRequest) -> Any:
    user = acting_user(request)
    require(user, "reflection.manage_questions")
    return user.institution_id


def _office_institution_record(request: HttpRequest) -> Any:
    """The office's institution, for a write (an administrator without one has nothing to write to)."""
    user = acting_user(request)
    require(user, "reflection.manage_questions")
    if user.institution is None:
        raise Http404
    return user.institution


def _changes(payload: InputSchema) -> dict[str, Any]:
    """The fields a PATCH sent (a null is the same as not sending the field)."""
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    return {k: v for k, v in data.items() if v is not None}


@router.get("/questions", response=codes({200: list[QuestionOut]}, 403), summary="List reflection questions")
@paginate(Pages)
def list_questions(
    request: HttpRequest,
    question_set: int | None = Query(None, ge=1, le=9),
    listing: Listing = "in_use",
) -> Any:
    """The questions of your institution per set (the coordinator's office). Filters: `question_set`, and
    `listing`: `in_use` (default) what your workbooks and workshops show (your own in use, and the built-ins you
    have not replaced); `all` as the questions page lists them, also those not in use and the built-ins your
    own copy replaces (see `adapted`)."""
    queryset = office_questions(_office_institution(request), everything=listing == "all")
    if question_set is not None:
        queryset = queryset.filter(question_set=question_set)
    return queryset


@router.post("/questions", response=codes({201: QuestionOut}, 400, 403, 404), summary="Add a question")
def add_question(request: HttpRequest, payload: QuestionIn) -> Status:
    """Your institution's own question, in Dutch and optionally English (the office)."""
    institution = _office_institution_record(request)
    question = services.create_question(by=acting_user(request), institution=institution, **payload.model_dump())
    return Status(201, office_questions(institution.pk).get(pk=question.pk))


@router.get("/questions/{public_id}", response=codes({200: QuestionOut}, 403, 404), summary="One question")
def get_question(request: HttpRequest, public_id: UUID) -> ReflectionQuestion:
    """One of your institution's questions or a built-in one."""
    return get_for_user_or_404(office_questions(_office_institution(request)), public_id=public_id)


@router.patch(
    "/questions/{public_id}", response=codes({200: QuestionOut}, 400, 403, 404, 409), summary="Change a question"
)
def change_question(request: HttpRequest, public_id: UUID, payload: QuestionPatch) -> ReflectionQuestion:
    """Change or translate one of your institution's own questions; `is_active: false` takes it out of use.
    A built-in question is adapted first (`POST .../adapt`), which gives your own copy to change."""
    institution = _office_institution_record(request)
    question = get_for_user_or_404(office_questions(institution.pk), public_id=public_id)
    services.update_question(
        question,
        by=acting_user(request),
        institution=institution,
        expected_version=payload.version,
        **_changes(payload),
    )
    return office_questions(institution.pk).get(pk=question.pk)


@router.post(
    "/questions/{public_id}/adapt",
    response=codes({200: QuestionOut, 201: QuestionOut}, 400, 403, 404),
    summary="Adapt a built-in question",
)
def adapt_question(request: HttpRequest, public_id: UUID) -> Status:
    """Your institution's own copy of a built-in question, to reword or translate; from now on your workbooks
    show the copy instead of the built-in. 201 with the new copy; 200 with the copy you made before."""
    institution = _office_institution_record(request)
    builtin = get_for_user_or_404(office_questions(institution.pk), public_id=public_id)
    existed = ReflectionQuestion.objects.filter(institution=institution, replaces=builtin).exists()
    copy = services.adapt_question(builtin, by=acting_user(request), institution=institution)
    return Status(200 if existed else 201, office_questions(institution.pk).get(pk=copy.pk))


@router.get("/dilemmas", response=codes({200: list[DilemmaOut]}, 403), summary="List dilemmas")
@paginate(Pages)
def list_dilemmas(
    request: HttpRequest,
    listing: Listing = "in_use",
) -> Any:
    """The dilemmas of your institution (the coordinator's office). Filter: `listing`: `in_use` (default) or
    `all` (also those not in use and the built-ins your own copy replaces), as for the questions."""
    return office_dilemmas(_office_institution(request), everything=listing == "all")


@router.post("/dilemmas", response=codes({201: DilemmaOut}, 400, 403, 404), summary="Add a dilemma")
def add_dilemma(request: HttpRequest, payload: DilemmaIn) -> Status:
    """Your institution's own dilemma: a statement and its two ends, in Dutch and optionally English."""
    institution = _office_institution_record(request)
    dilemma = services.create_dilemma(by=acting_user(request), institution=institution, **payload.model_dump())
    return Status(201, office_dilemmas(institution.pk).get(pk=dilemma.pk))


@router.get("/dilemmas/{public_id}", response=codes({200: DilemmaOut}, 403, 404), summary="One dilemma")
def get_dilemma(request: HttpRequest, public_id: UUID) -> Dilemma:
    return get_for_user_or_404(office_dilemmas(_office_institution(request)), public_id=public_id)


@router.patch(
    "/dilemmas/{public_id}", response=codes({200: DilemmaOut}, 400, 403, 404, 409), summary="Change a dilemma"
)
def change_dilemma(request: HttpRequest, public_id: UUID, payload: DilemmaPatch) -> Dilemma:
    """Change or translate one of your institution's own dilemmas; a built-in one is adapted first."""
    institution = _office_institution_record(request)
    dilemma = get_for_user_or_404(office_dilemmas(institution.pk), public_id=public_id)
    services.update_dilemma(
        dilemma, by=acting_user(request), institution=institution, expected_version=payload.version, **_changes(payload)
    )
    return office_dilemmas(institution.pk).get(pk=dilemma.pk)


@router.post(
    "/dilemmas/{public_id}/adapt",
    response=codes({200: DilemmaOut, 201: DilemmaOut}, 400, 403, 404),
    summary="Adapt a built-in dilemma",
)
def adapt_dilemma(request: HttpRequest, public_id: UUID) -> Status:
    """Your institution's own copy of a built-in dilemma, used instead of it from now on. 201 with the new
    copy; 200 with the copy you made before."""
    institution = _office_institution_record(request)
    builtin = get_for_user_or_404(office_dilemmas(institution.pk), public_id=public_id)
    existed = Dilemma.objects.filter(institution=institution, replaces=builtin).exists()
    copy = services.adapt_dilemma(builtin, by=acting_user(request), institution=institution)
    return Status(200 if existed else 201, office_dilemmas(institution.pk).get(pk=copy.pk))


# Workshops.

WorkshopStatus = choice(WorkshopSession.Status)


class WorkshopOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    title: str
    code: str = Field(description="The code participants join with on their own device, while the session is open.")
    status: WorkshopStatus  # type: ignore[valid-type]
    created_at: dt.datetime
    closed_at: dt.datetime | None


class PointOut(Schema):
    point: int = Field(description="1 to 5.")
    count: int = Field(description="How many participants chose it.")


class SpreadOut(Schema):
    dilemma: UUID
    statement: str
    pole_a: str = Field(description="Position 1.")
    pole_b: str = Field(description="Position 5.")
    points: list[PointOut]
    total: int


class WorkshopQuestionOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    question_set: int
    text: str


class WorkshopDetailOut(WorkshopOut):
    """The group's screen: only how many chose each point per dilemma, never who."""

    join_url: str = Field(description="Where participants type the code.")
    questions: list[WorkshopQuestionOut] = Field(description="The questions to discuss.")
    spread: list[SpreadOut]


class WorkshopIn(InputSchema):
    title: str = Field(max_length=200)
    dilemmas: list[UUID] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="At least one, of the dilemmas your institution works with.",
    )
    questions: list[UUID] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Questions to discuss (optional)."
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "Terugkomdag docenten",
                    "dilemmas": ["3f2c1d1e-0000-4000-8000-000000000006"],
                    "questions": ["3f2c1d1e-0000-4000-8000-000000000005"],
                }
            ]
        }
    )


def _workshop_detail(request: HttpRequest, session: WorkshopSession) -> dict[str, Any]:
    return {
        "public_id": session.public_id,
        "title": session.title,
        "code": session.code,
        "status": session.status,
        "created_at": session.created_at,
        "closed_at": session.closed_at,
        "join_url": request.build_absolute_uri(reverse("workshop-join")),
        "questions": list(session.questions.order_by("question_set", "order", "id")),
        "spread": [
            {
                "dilemma": s.dilemma.public_id,
                "statement": s.dilemma.statement,
                "pole_a": s.dilemma.pole_a,
                "pole_b": s.dilemma.pole_b,
                "points": s.points(),
                "total": s.total,
            }
            for s in workshop_spread(session)
        ],
    }


def _workshop(request: HttpRequest, public_id: UUID) -> WorkshopSession:
    return get_for_user_or_404(WorkshopSession.objects.for_user(acting_user(request)), public_id=public_id)


@router.get("/workshops", response=codes({200: list[WorkshopOut]}, 403), summary="List workshop sessions")
@paginate(Pages)
def list_workshops(request: HttpRequest, status: WorkshopStatus | None = None) -> Any:  # type: ignore[valid-type]
    """Your institution's sessions, newest first (the office). Filter: `status`."""
    user = acting_user(request)
    require(user, "reflection.run_workshop")
    sessions = WorkshopSession.objects.for_user(user).order_by("-created_at", "-id")
    if status:
        sessions = sessions.filter(status=status)
    return sessions


@router.post("/workshops", response=codes({201: WorkshopDetailOut}, 400, 403, 404), summary="Open a workshop session")
def add_workshop(request: HttpRequest, payload: WorkshopIn) -> Status:
    """Open a session on a few dilemmas (and questions to discuss); participants join with its `code` on
    their own device, without an account."""
    user = acting_user(request)
    require(user, "reflection.run_workshop")
    if user.institution is None:
        raise Http404
    dilemmas = many(Dilemma.objects.for_institution(user.institution_id), payload.dilemmas, "dilemmas")
    questions = many(ReflectionQuestion.objects.for_institution(user.institution_id), payload.questions, "questions")
    session = services.start_workshop(
        by=user, institution=user.institution, title=payload.title, dilemmas=dilemmas, questions=questions
    )
    return Status(201, _workshop_detail(request, session))


@router.get(
    "/workshops/{public_id}",
    response=codes({200: WorkshopDetailOut}, 404),
    summary="A workshop session with the group's spread",
)
def get_workshop(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    """The session's questions and, per dilemma, how many participants chose each point (anonymous). Call it
    again to follow the group, as the web page refreshes itself."""
    return _workshop_detail(request, _workshop(request, public_id))


@router.post(
    "/workshops/{public_id}/close",
    response=codes({200: WorkshopDetailOut}, 400, 403, 404),
    summary="Close a workshop session",
)
def close_workshop(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    """Nobody can join or add positions any more; the spread stays. Closing a closed session changes nothing."""
    session = _workshop(request, public_id)
    require(acting_user(request), "reflection.run_workshop")
    services.close_workshop(session, by=acting_user(request))
    return _workshop_detail(request, session)


# Published practice examples.


class PhotoOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    alt_text: str = Field(description="Describes the photo for people who cannot see it.")
    caption: str
    url: str = Field(description="Where the photo is served (to everyone once the case is published).")

    @staticmethod
    def resolve_url(obj: CasePhoto) -> str:
        return reverse("case-photo", args=[obj.case.slug, obj.public_id])


class CasePartnerOut(Schema):
    label: str = Field(description="The partner's name when it consented to be named, else a description.")
    named: bool
    role: str


class CaseOut(Schema):
    """Only what the public page of a practice example shows: no people, no internal records."""

    slug: str
    title: str
    summary: str
    story: str
    lessons: str
    institution: str = Field(description="Name of the institution that tells it.")
    themes: list[TermOut]
    collaboration_forms: list[str]
    partners: list[CasePartnerOut]
    photos: list[PhotoOut]
    published_at: dt.datetime | None

    @staticmethod
    def resolve_institution(obj: PracticeCase) -> str:
        return obj.institution.name

    @staticmethod
    def resolve_themes(obj: PracticeCase) -> list[Any]:
        return list(obj.themes.all())

    @staticmethod
    def resolve_collaboration_forms(obj: PracticeCase) -> list[str]:
        return [str(FORM_LABELS.get(f.kind, f.kind)) for f in obj.forms.all()]

    @staticmethod
    def resolve_partners(obj: PracticeCase) -> list[Any]:
        return public_partners(obj)

    @staticmethod
    def resolve_photos(obj: PracticeCase) -> list[Any]:
        return list(obj.photos.all())


@router.get("/cases", response=codes({200: list[CaseOut]}), summary="List published practice examples")
@paginate(Pages)
def list_cases(request: HttpRequest, q: Text = "", theme: Text = "", form: Text = "") -> Any:
    """Published practice examples of every institution, newest first. Filters: `q` (text), `theme` (slug),
    `form` (engagement kind)."""
    return search_public_cases(q=q.strip()[:100], theme=theme.strip(), form=form.strip())


@router.get("/cases/{slug}", response=codes({200: CaseOut}, 404), summary="One published practice example")
def get_case(request: HttpRequest, slug: str) -> PracticeCase:
    return get_for_user_or_404(search_public_cases(), slug=slug)


# The office's practice examples: drafts, consents, photos, publishing.

FormKind = choice(Engagement.Kind)
Slug = Field(
    "",
    max_length=120,
    pattern=r"^[-a-zA-Z0-9_]*$",
    description="The last part of the public address; made from the title when empty.",
)


class ManagedCaseOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    slug: str
    title: str
    summary: str
    partnership: TitledRef
    published: bool
    published_at: dt.datetime | None
    version: int
    updated_at: dt.datetime


class ConsentInfoOut(Schema):
    given_by: str = Field(description="Name and role at the partner.")
    given_on: dt.date
    recorded_at: dt.datetime


class ConsentOut(ConsentInfoOut):
    organisation: OrganisationRef


class CasePartyOut(Schema):
    organisation: OrganisationRef
    role: str
    named: bool = Field(description="Its consent is recorded: the public page names it.")
    consent: ConsentInfoOut | None


class ManagedCaseDetailOut(ManagedCaseOut):
    story: str
    lessons: str
    themes: list[TermOut]
    collaboration_forms: list[FormKind] = Field(description="Engagement kinds, as sent.")  # type: ignore[valid-type]
    partners: list[CasePartyOut] = Field(description="The partnership's partners and their consent to be named.")
    photos: list[PhotoOut]
    names_without_consent: list[str] = Field(
        description="Names the text contains without consent (partners without consent, people of the "
        "partnership): publishing is refused while there are any."
    )
    public_url: str | None = Field(description="The public page, once published.")


class CaseIn(InputSchema):
    title: str = Field(max_length=200)
    slug: str = Slug
    summary: str = Field("", max_length=400)
    story: str = Field(
        max_length=20000,
        description="Published as written: name a partner only with their consent, and no people.",
    )
    lessons: str = Field("", max_length=10000)
    collaboration_forms: list[FormKind] = Field(default_factory=list, max_length=20)  # type: ignore[valid-type]
    themes: list[Text] = Field(default_factory=list, max_length=50, description="Theme slugs.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "Samen in de wijk",
                    "summary": "Studenten en buren bouwen samen een buurtcampus.",
                    "story": "Een buurtorganisatie en een opleiding ...",
                    "lessons": "Begin klein.",
                    "collaboration_forms": ["service_learning"],
                    "themes": ["armoede"],
                }
            ]
        }
    )


class CasePatch(InputSchema):
    version: Version
    title: str | None = Field(None, max_length=200)
    slug: str | None = Field(None, max_length=120, pattern=r"^[-a-zA-Z0-9_]*$", description="The public address.")
    summary: str | None = Field(None, max_length=400)
    story: str | None = Field(None, max_length=20000)
    lessons: str | None = Field(None, max_length=10000)
    collaboration_forms: list[FormKind] | None = Field(  # type: ignore[valid-type]
        None, max_length=20, description="When sent, replaces the forms."
    )
    themes: list[Text] | None = Field(None, max_length=50, description="Theme slugs; when sent, replaces them.")

    model_config = ConfigDict(json_schema_extra={"examples": [{"version": 2, "lessons": "Begin klein, bouw samen."}]})


class CaseVersionIn(InputSchema):
    version: Version

    model_config = ConfigDict(json_schema_extra={"examples": [{"version": 3}]})


class ConsentIn(InputSchema):
    organisation: UUID = Field(description="A partner of the case's partnership.")
    given_by: str = Field(max_length=200, description="Name and role at the partner.")
    given_on: dt.date = Field(description="Not in the future.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "organisation": "3f2c1d1e-0000-4000-8000-000000000002",
                    "given_by": "Pia Partner, coördinator",
                    "given_on": "2026-01-05",
                }
            ]
        }
    )


class PhotoIn(InputSchema):
    alt_text: str = Field("", max_length=300, description="Required: describe the photo for who cannot see it.")
    caption: str = Field("", max_length=300)

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"alt_text": "Studenten en buren schilderen een muur", "caption": "Mei 2026"}]}
    )


def _managed(request: HttpRequest) -> QuerySet[PracticeCase]:
    return managed_cases(acting_user(request)).prefetch_related(
        "themes",
        "forms",
        "consents",
        Prefetch("photos", queryset=CasePhoto.objects.order_by("order", "id")),
    )


def _managed_case(request: HttpRequest, public_id: UUID) -> PracticeCase:
    case = get_for_user_or_404(_managed(request), public_id=public_id)
    require(acting_user(request), "reflection.change_case", case)
    return case


def _case_detail(case: PracticeCase) -> dict[str, Any]:
    return {
        "public_id": case.public_id,
        "slug": case.slug,
        "title": case.title,
        "summary": case.summary,
        "story": case.story,
        "lessons": case.lessons,
        "partnership": case.partnership,
        "published": case.published,
        "published_at": case.published_at,
        "version": case.version,
        "updated_at": case.updated_at,
        "themes": list(case.themes.all()),
        "collaboration_forms": [f.kind for f in case.forms.all()],
        "partners": [
            {"organisation": party.organisation, "role": party.role, "named": consent is not None, "consent": consent}
            for party, consent in case_parties(case)
        ],
        "photos": list(case.photos.all()),
        "names_without_consent": unconsented_mentions(case),
        "public_url": reverse("case-detail", args=[case.slug]) if case.published else None,
    }


def _fresh(request: HttpRequest, case: PracticeCase) -> dict[str, Any]:
    return _case_detail(_managed(request).get(pk=case.pk))


@router.get("/manage/cases", response=codes({200: list[ManagedCaseOut]}, 403), summary="List your practice examples")
@paginate(Pages)
def list_managed_cases(request: HttpRequest, published: bool | None = None) -> Any:
    """Your institution's practice examples, drafts and published ones, last changed first (the office).
    Filter: `published`."""
    user = acting_user(request)
    require(user, "reflection.manage_cases")
    cases = managed_cases(user)
    if published is not None:
        cases = cases.filter(published=published)
    return cases


@router.post(
    "/partnerships/{public_id}/cases",
    response=codes({201: ManagedCaseDetailOut}, 400, 403, 404),
    summary="Turn a partnership into a practice example",
)
def add_case(request: HttpRequest, public_id: UUID, payload: CaseIn) -> Status:
    """A draft practice example of one of your institution's partnerships. Record the partners' consent
    before you publish: without it, a partner is described, not named."""
    user = acting_user(request)
    require(user, "reflection.manage_cases")
    partnership = get_for_user_or_404(Partnership.objects.for_user(user), public_id=public_id)
    require(user, "reflection.change_case", partnership)
    data = payload.model_dump()
    case = services.create_case(
        partnership,
        by=user,
        forms=data.pop("collaboration_forms"),
        themes=terms(Theme.objects.all(), data.pop("themes"), "themes"),
        **data,
    )
    return Status(201, _fresh(request, case))


@router.get(
    "/manage/cases/{public_id}", response=codes({200: ManagedCaseDetailOut}, 403, 404), summary="One practice example"
)
def get_managed_case(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    """A draft or published practice example with its partners' consents and its photos."""
    return _case_detail(_managed_case(request, public_id))


@router.patch(
    "/manage/cases/{public_id}",
    response=codes({200: ManagedCaseDetailOut}, 400, 403, 404, 409),
    summary="Change a practice example",
)
def change_case(request: HttpRequest, public_id: UUID, payload: CasePatch) -> dict[str, Any]:
    """Only the fields sent change. A published case stays clean: a change that names someone without consent
    is refused (400) and nothing is saved."""
    case = _managed_case(request, public_id)
    data = _changes(payload)
    forms = data.pop("collaboration_forms", None)
    themes = data.pop("themes", None)
    services.update_case(
        case,
        by=acting_user(request),
        expected_version=payload.version,
        forms=[f.kind for f in case.forms.all()] if forms is None else forms,
        themes=list(case.themes.all()) if themes is None else terms(Theme.objects.all(), themes, "themes"),
        **data,
    )
    return _fresh(request, case)


@router.get(
    "/manage/cases/{public_id}/preview",
    response=codes({200: CaseOut}, 403, 404),
    summary="Preview a practice example's public page",
)
def preview_case(request: HttpRequest, public_id: UUID) -> PracticeCase:
    """Exactly what the public page will show, also before publishing."""
    case = _managed_case(request, public_id)
    return with_public_data(PracticeCase.objects.filter(pk=case.pk)).get()


@router.post(
    "/manage/cases/{public_id}/publish",
    response=codes({200: ManagedCaseDetailOut}, 400, 403, 404, 409),
    summary="Publish a practice example",
)
def publish_case(request: HttpRequest, public_id: UUID, payload: CaseVersionIn) -> dict[str, Any]:
    """Put it on the public pages. Refused (400) while the text names a partner without consent or a person
    (see `names_without_consent`); 409 when `version` is stale."""
    case = _managed_case(request, public_id)
    services.publish_case(case, by=acting_user(request), expected_version=payload.version)
    return _fresh(request, case)


@router.post(
    "/manage/cases/{public_id}/unpublish",
    response=codes({200: ManagedCaseDetailOut}, 400, 403, 404, 409),
    summary="Take a practice example offline",
)
def unpublish_case(request: HttpRequest, public_id: UUID, payload: CaseVersionIn) -> dict[str, Any]:
    case = _managed_case(request, public_id)
    services.unpublish_case(case, by=acting_user(request), expected_version=payload.version)
    return _fresh(request, case)


@router.post(
    "/manage/cases/{public_id}/consents",
    response=codes({201: ConsentOut}, 400, 403, 404),
    summary="Record a partner's consent to be named",
)
def add_consent(request: HttpRequest, public_id: UUID, payload: ConsentIn) -> Status:
    """From now on the public page names the partner. Recording it again replaces the earlier record."""
    user = acting_user(request)
    case = _managed_case(request, public_id)
    organisation = one(Organisation.objects.for_user(user), payload.organisation, "organisation")
    consent = services.record_consent(
        case, by=user, organisation=organisation, given_by=payload.given_by, given_on=payload.given_on
    )
    return Status(201, consent)


@router.delete(
    "/manage/cases/{public_id}/consents/{organisation_id}",
    response=codes({204: None}, 403, 404),
    summary="Withdraw a partner's consent",
)
def withdraw_consent(request: HttpRequest, public_id: UUID, organisation_id: UUID) -> Status:
    """Takes effect at once: the public page describes the partner without its name again. When the text still
    names the partner, the case is taken offline."""
    case = _managed_case(request, public_id)
    consent = get_for_user_or_404(case.consents.select_related("organisation"), organisation__public_id=organisation_id)
    services.withdraw_consent(case, by=acting_user(request), organisation=consent.organisation)
    return Status(204, None)


@router.post(
    "/manage/cases/{public_id}/photos",
    response=codes({201: PhotoOut}, 400, 403, 404),
    summary="Add a photo to a practice example",
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "example": {
                        "image": "(a JPEG, PNG or WebP file)",
                        "alt_text": "Studenten en buren schilderen een muur",
                    }
                }
            }
        }
    },
)
def add_case_photo(request: HttpRequest, public_id: UUID, image: File[UploadedFile], payload: Form[PhotoIn]) -> Status:
    """A `multipart/form-data` upload: `image` (JPEG, PNG or WebP, at most 5 MB; checked by its content, not
    its name), `alt_text` (required) and `caption`. The stored name never carries the uploaded file's name."""
    case = _managed_case(request, public_id)
    photo = services.add_photo(
        case, by=acting_user(request), upload=image, alt_text=payload.alt_text, caption=payload.caption
    )
    return Status(201, photo)


@router.delete(
    "/manage/cases/{public_id}/photos/{photo_id}",
    response=codes({204: None}, 403, 404),
    summary="Remove a photo",
)
def remove_case_photo(request: HttpRequest, public_id: UUID, photo_id: UUID) -> Status:
    case = _managed_case(request, public_id)
    photo = get_for_user_or_404(CasePhoto.objects.filter(case=case).select_related("case"), public_id=photo_id)
    services.remove_photo(photo, by=acting_user(request))
    return Status(204, None)
