"""Questions and dilemmas the office works with: list them (in use, or all), add your institution's own,
change or translate them, and adapt a built-in one into your own copy that is used instead of it."""

from typing import Any, Literal
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from accounts.access import get_for_user_or_404, require
from api.auth import acting_user
from api.errors import codes
from api.pagination import Pages
from api.routers.reflection.base import _changes, router
from api.schemas import InputSchema, Version, choice
from reflection import services
from reflection.models import Dilemma, QuestionSet, ReflectionQuestion
from reflection.selectors import office_dilemmas, office_questions

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
