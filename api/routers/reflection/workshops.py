"""Workshop sessions of the office: open one on a few dilemmas, follow the group's anonymous spread per
dilemma, and close it. Participants join on the web pages only (no account, no token)."""

import datetime as dt
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from accounts.access import get_for_user_or_404, require
from api.auth import acting_user
from api.errors import codes
from api.lookups import many
from api.pagination import Pages
from api.routers.reflection.base import MAX_ITEMS, router
from api.schemas import InputSchema, choice
from reflection import services
from reflection.models import Dilemma, ReflectionQuestion, WorkshopSession
from reflection.selectors import workshop_spread

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
