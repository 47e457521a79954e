"""Schemas shared by every part of the API: errors, references to other records, SOFAR coverage."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from django.db.models import Choices
from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field, field_validator

from lib.text import SEARCH_MAX_LENGTH
from network.selectors import SofarCoverage


def choice(choices: type[Choices]) -> Any:
    """A model's choices as a ``Literal`` type: plain values in, an inline ``enum`` in the OpenAPI document."""
    return Literal[tuple(choices.values)]  # type: ignore[valid-type]


def _contains_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_contains_nul(v) for v in value)
    return False


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store or compare text with NUL characters; refuse them up front (422), as Django's forms do.
    if "\x00" in value:
        raise ValueError("Null characters are not allowed.")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
Version = Annotated[
    int,
    Field(ge=1, le=2**31 - 1, description="The `version` you read: a change to a newer record is refused (409)."),
]
"""A free-text query parameter."""
SearchTerm = Annotated[
    str,
    Field(max_length=SEARCH_MAX_LENGTH, description=f"Words to look for (at most {SEARCH_MAX_LENGTH} characters)."),
    AfterValidator(_no_nul),
]
"""The search words of a list (422 when longer than a person types)."""


class InputSchema(Schema):
    """Request bodies: surrounding white space is dropped and NUL characters refused, as Django's forms do."""

    model_config = ConfigDict(str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def refuse_nul_characters(cls, value: Any) -> Any:
        if _contains_nul(value):
            raise ValueError("Null characters are not allowed.")
        return value


class ErrorOut(Schema):
    """Every error answer: a sentence for people, and the messages per field (may be empty)."""

    detail: str = Field(description="What went wrong, in the user's language.")
    errors: dict[str, list[str]] = Field(
        default_factory=dict, description="Messages per field of the request; `__all__` for the request as a whole."
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"detail": "Choose at least one SOFAR role.", "errors": {"roles": ["Choose at least one SOFAR role."]}}
            ]
        }
    )


class TermOut(Schema):
    """A term of a controlled vocabulary (theme, target group): the slug to send, the name to show."""

    slug: str
    name: str


class OrganisationRef(Schema):
    id: UUID = Field(validation_alias="public_id")
    name: str


class PersonRef(Schema):
    id: UUID = Field(validation_alias="public_id")
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)


class TitledRef(Schema):
    id: UUID = Field(validation_alias="public_id")
    title: str


class RoleCount(Schema):
    code: str = Field(description="SOFAR role: S, O, F, A or R.")
    label: str
    count: int


class PairCount(Schema):
    pair: list[str] = Field(description="Two SOFAR role codes, in SOFAR order.")
    labels: list[str]
    count: int


class CoverageOut(Schema):
    """Which SOFAR roles take part, and which of the ten role pairs have an active relationship."""

    roles: list[RoleCount]
    roles_missing: list[str]
    pairs: list[PairCount]
    pairs_missing: list[list[str]]

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "roles": [{"code": "F", "label": "Faculty", "count": 1}],
                    "roles_missing": ["S", "A", "R"],
                    "pairs": [{"pair": ["O", "F"], "labels": ["Organisation staff", "Faculty"], "count": 1}],
                    "pairs_missing": [["S", "O"]],
                }
            ]
        }
    )


def coverage_out(coverage: SofarCoverage) -> dict[str, Any]:
    return {
        "roles": [{**row, "label": str(row["label"])} for row in coverage.rows()],
        "roles_missing": coverage.roles_missing,
        "pairs": [
            {"pair": list(row["pair"]), "labels": [str(x) for x in row["labels"]], "count": row["count"]}
            for row in coverage.pair_rows()
        ],
        "pairs_missing": [list(p) for p in coverage.pairs_missing],
    }
