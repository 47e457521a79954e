"""The points of attention on a match: both sides' answers before a match becomes an engagement, read by
whoever sees the match and saved for the institution's side."""

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Schema
from pydantic import ConfigDict

from accounts.access import get_for_user_or_404, require
from api.auth import acting_user
from api.errors import codes
from api.routers.needs.base import matches
from api.routers.needs.match_routes import _matches
from api.schemas import InputSchema, TitledRef
from lib.errors import DomainError
from matching import attention as points
from matching.models import Match
from matching.services import save_attention_checklist

AnswerCode = Literal[points.ANSWER_CODES]  # type: ignore[valid-type]
PointCode = Literal[points.CODES]  # type: ignore[valid-type]


class AttentionAnswerOut(Schema):
    answer: str = Field(description=f"One of {', '.join(points.ANSWER_CODES)}.")
    label: str
    note: str


class AttentionPointOut(Schema):
    code: str
    title: str
    question: str
    institution: AttentionAnswerOut | None = Field(description="The institution's answer, once given.")
    partner: AttentionAnswerOut | None = Field(description="The partner's answer, once given.")


class AttentionSideOut(Schema):
    done: bool
    by: str
    at: dt.datetime | None


class AttentionOut(Schema):
    points: list[AttentionPointOut]
    institution: AttentionSideOut
    partner: AttentionSideOut
    engagement: TitledRef | None = Field(description="The engagement it became once both sides went through it.")


class AttentionAnswerIn(InputSchema):
    answer: AnswerCode
    note: str = Field("", max_length=points.NOTE_MAX)


class AttentionIn(InputSchema):
    answers: dict[PointCode, AttentionAnswerIn] = Field(description="An answer for every point of attention.")

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"answers": {code: {"answer": "yes", "note": ""} for code in points.CODES}}]}
    )


def _attention_out(match: Match) -> dict[str, Any]:
    labels = dict(points.ANSWERS)
    stored = match.attention or {}
    rows = []
    for point in points.POINTS:
        row: dict[str, Any] = {"code": point.code, "title": str(point.title), "question": str(point.question)}
        for side in points.SIDES:
            item = stored.get(side, {}).get("answers", {}).get(point.code)
            row[side] = (
                {"answer": item["answer"], "label": str(labels.get(item["answer"], "")), "note": item.get("note", "")}
                if item
                else None
            )
        rows.append(row)
    sides = {}
    for side in points.SIDES:
        info = stored.get(side, {})
        at = info.get("at")
        sides[side] = {
            "done": points.side_done(stored, side),
            "by": info.get("by", ""),
            "at": dt.datetime.fromisoformat(at) if at else None,
        }
    return {"points": rows, **sides, "engagement": match.engagement}


def _match_with_engagement(request: HttpRequest, **lookup: Any) -> Match:
    return get_for_user_or_404(_matches(request).select_related("engagement"), **lookup)


@matches.get("/{public_id}/attention", response=codes({200: AttentionOut}, 404), summary="Points of attention")
def get_attention(request: HttpRequest, public_id: UUID) -> Any:
    """Both sides' walk through the points of attention before a match becomes an engagement (whoever sees the
    match)."""
    return _attention_out(_match_with_engagement(request, public_id=public_id))


@matches.put(
    "/{public_id}/attention",
    response=codes({200: AttentionOut}, 400, 403, 404),
    summary="Save your side of the points of attention",
)
def save_attention(request: HttpRequest, public_id: UUID, payload: AttentionIn) -> Any:
    """Save the institution's side (staff of the proposing institution); every point needs an answer. An
    accepted match whose partner already answered becomes an engagement."""
    user = acting_user(request)
    match = _match_with_engagement(request, public_id=public_id)
    require(user, "matching.change_match", match)
    answers = {code: item.model_dump() for code, item in payload.answers.items()}
    try:
        save_attention_checklist(match, side="institution", answers=answers, by=user)
    except DomainError as error:
        if not hasattr(error, "error_dict"):
            raise
        renamed = {
            name.replace("attention_", "answers.", 1).replace("_note", ".note"): messages
            for name, messages in error.error_dict.items()
        }
        raise DomainError(renamed) from None
    return _attention_out(_match_with_engagement(request, pk=match.pk))
