"""The schemas of assessment rounds: a round, its detail (who was asked, the agreed actions), its results per
domain and side, and what you send to start a round, agree on an action or tick one off."""

import datetime as dt
from uuid import UUID

from ninja import Field, Schema
from pydantic import ConfigDict

from api.routers.assessments.base import Day, Language, Side, Step
from api.schemas import InputSchema, Text, TitledRef
from assessment.models import AgreedAction


class AssessmentInstrumentRef(Schema):
    slug: str
    name: str


class RoundOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    title: str
    status: str
    partnership: TitledRef | None
    instrument: AssessmentInstrumentRef
    closes_on: dt.date
    invited: int = Field(description="People asked.")
    answered: int = Field(description="People who sent their answers.")
    created_at: dt.datetime


class RoundRespondentOut(Schema):
    """Someone asked to answer. The personal link is never shown: only its owner gets it, by mail."""

    number: int = Field(description="The n-th person asked in this round; use it to send them a new link.")
    name: str
    side: str
    side_label: str
    person: UUID | None = Field(description="The person record, if the respondent has one you may see.")
    invited: bool = Field(description="The invitation mail has left.")
    answered: bool
    answered_at: dt.datetime | None


class RoundActionOut(Schema):
    number: int = Field(description="The n-th action agreed in this round; use it to tick the action off.")
    step: str
    what: str
    who: str
    due_on: dt.date | None
    done: bool


class RoundDetailOut(RoundOut):
    respondents: list[RoundRespondentOut]
    actions: list[RoundActionOut]
    can_change: bool = Field(description="You may add and tick actions and close the round.")


class RoundSideScoreOut(Schema):
    side: str
    answered: int = Field(description="Answers on this question from this side.")
    current: float | None = Field(description="Mean score now, 1 to 5.")
    desired: float | None = Field(description="Mean score wished for (instruments with a current and desired state).")
    gap: float | None = Field(description="Desired minus current.")
    current_label: str = Field(description="Place of the current mean on the scale, in words.")
    change: float | None = Field(description="Current mean minus that of the previous round, if both are known.")


class RoundDomainOut(Schema):
    domain: str
    label: str
    sides: list[RoundSideScoreOut]
    side_gap: float | None = Field(description="Campus minus community on the current state.")
    sentence: str


class RoundSideCountOut(Schema):
    side: str
    label: str
    invited: int
    answered: int


class RoundCommentOut(Schema):
    side: str
    domain_label: str
    text: str


class RoundResultOut(Schema):
    round: UUID
    uses_scale: bool = Field(description="Scores sit on the exploitative-transactional-transformational scale.")
    overall_current: float | None
    overall_label: str
    overall_by_side: dict[str, float | None]
    counts: list[RoundSideCountOut]
    domains: list[RoundDomainOut]
    comments: list[RoundCommentOut]
    previous_round: UUID | None = Field(description="The earlier round that changes are measured against.")
    summary: list[str] = Field(description="The result in sentences.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "round": "3f2c1d1e-0000-4000-8000-000000000009",
                    "uses_scale": True,
                    "overall_current": 3.4,
                    "overall_label": "transactional",
                    "overall_by_side": {"campus": 3.8, "community": 3.0},
                    "counts": [{"side": "campus", "label": "Campus side", "invited": 2, "answered": 2}],
                    "domains": [
                        {
                            "domain": "decision_making",
                            "label": "Decision-making",
                            "sides": [
                                {
                                    "side": "campus",
                                    "answered": 2,
                                    "current": 5.0,
                                    "desired": 5.0,
                                    "gap": 0.0,
                                    "current_label": "transformational",
                                    "change": None,
                                }
                            ],
                            "side_gap": 2.0,
                            "sentence": "The partner rates decision-making as transactional (3.0) where you rate "
                            "it transformational (5.0).",
                        }
                    ],
                    "comments": [],
                    "previous_round": None,
                    "summary": ["Overall the relationship is rated transactional now (3.4 on a scale from 1 to 5)."],
                }
            ]
        }
    )


class RoundRespondentIn(InputSchema):
    """A person record (its e-mail and language are used), or a name and e-mail for someone without one."""

    side: Side
    person: UUID | None = Field(None, description="A person you may see, with an e-mail address.")
    name: Text = Field("", max_length=200)
    email: Text = Field("", max_length=254)
    language: Language | None = Field(None, description="nl or en; default: the person's own, else Dutch.")


class RoundIn(InputSchema):
    partnership: UUID
    instrument: str = Field(max_length=50, description="Slug of an instrument (see the list of instruments).")
    closes_on: Day = Field(description="Last day to answer.")
    title: Text = Field("", max_length=200, description="Leave empty to use the instrument's name.")
    respondents: list[RoundRespondentIn] = Field(max_length=500, description="At least one on each of both sides.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "partnership": "3f2c1d1e-0000-4000-8000-000000000003",
                    "instrument": "relationship-tres",
                    "closes_on": "2026-12-20",
                    "respondents": [
                        {"side": "campus", "person": "3f2c1d1e-0000-4000-8000-000000000001"},
                        {"side": "community", "name": "An Peeters", "email": "an@example.org", "language": "en"},
                    ],
                }
            ]
        }
    )


class RoundActionIn(InputSchema):
    step: Step = AgreedAction.Step.ARTICULATE.value
    what: Text = Field(min_length=1, max_length=300)
    who: Text = Field(min_length=1, max_length=200)
    due_on: Day | None = Field(None, description="From today on.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"step": "articulate", "what": "Plan a joint evaluation", "who": "Cora and Pia"}]
        }
    )


class RoundActionDoneIn(InputSchema):
    done: bool

    model_config = ConfigDict(json_schema_extra={"examples": [{"done": True}]})
