"""Organisation proposals through the API: a student proposes a new partner organisation, judged against the
institution's partner criteria; the coordinator's office decides, and the student answers a request for more
information."""

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from accounts.access import get_for_user_or_404, require
from api.auth import acting_user
from api.errors import codes
from api.pagination import Pages
from api.routers.needs.base import ProposalStatus, _not_null, proposals
from api.schemas import InputSchema, OrganisationRef, Version
from matching.models import OrganisationProposal
from matching.services import decide_proposal, propose_organisation, resubmit_proposal


class ProposalCriterionOut(Schema):
    criterion: int
    ok: bool
    comment: str


class ProposalOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    name: str
    website: str
    description: str
    why: str
    criteria: list[ProposalCriterionOut] = Field(
        description="The institution's partner criteria as the student judged them."
    )
    status: str
    coordinator_reason: str
    organisation: OrganisationRef | None = Field(description="The organisation it became, once approved.")
    proposed_by: str
    created_at: dt.datetime
    decided_at: dt.datetime | None
    version: int

    @staticmethod
    def resolve_criteria(obj: OrganisationProposal) -> list[dict[str, Any]]:
        rows = []
        for key, item in (obj.criteria or {}).items():
            if str(key).isdigit() and isinstance(item, dict):
                rows.append(
                    {"criterion": int(key), "ok": bool(item.get("ok")), "comment": str(item.get("comment") or "")}
                )
        return rows

    @staticmethod
    def resolve_proposed_by(obj: OrganisationProposal) -> str:
        by = obj.proposed_by
        return (by.get_full_name() or by.username) if by is not None else ""


class ProposalCriterionIn(InputSchema):
    ok: bool = False
    comment: str = Field("", max_length=500)


class ProposalIn(InputSchema):
    name: str = Field(max_length=200)
    website: str = Field("", max_length=300)
    description: str = Field(max_length=3000, description="What the organisation does.")
    why: str = Field(max_length=3000, description="Why it would be a good partner.")
    criteria: dict[str, ProposalCriterionIn] = Field(
        default_factory=dict, description="Per partner criterion of your institution (its number): met, and a comment."
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Voedselteam Brugse Poort",
                    "website": "https://voedselteam.example",
                    "description": "Lokale voedselverdeling door vrijwilligers.",
                    "why": "Ze zoeken hulp bij hun logistiek.",
                    "criteria": {"1": {"ok": True, "comment": "Vzw sinds 2015"}},
                }
            ]
        }
    )


class ProposalDecisionIn(InputSchema):
    version: Version
    decision: Literal["approved", "more_info", "declined"]
    reason: str = Field("", max_length=1000, description="Required when you ask for more or decline.")

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"version": 1, "decision": "declined", "reason": "Geen vzw-statuut."}]}
    )


def _proposals(request: HttpRequest) -> QuerySet[OrganisationProposal]:
    return (
        OrganisationProposal.objects.for_user(acting_user(request))
        .select_related("proposed_by", "organisation")
        .order_by("-created_at", "-id")
    )


@proposals.get("", response=codes({200: list[ProposalOut]}), summary="List organisation proposals")
@paginate(Pages)
def list_proposals(request: HttpRequest, status: ProposalStatus | None = None) -> Any:
    """A student's own proposals; the institution's staff see all of their institution's. Filter: `status`."""
    queryset = _proposals(request)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


@proposals.get("/{public_id}", response=codes({200: ProposalOut}, 404), summary="One organisation proposal")
def get_proposal(request: HttpRequest, public_id: UUID) -> OrganisationProposal:
    return get_for_user_or_404(_proposals(request), public_id=public_id)


@proposals.post("", response=codes({201: ProposalOut}, 400, 403), summary="Propose a new partner organisation")
def add_proposal(request: HttpRequest, payload: ProposalIn) -> Status:
    """A student proposes an organisation, judged against the institution's partner criteria."""
    user = acting_user(request)
    require(user, "matching.add_organisation_proposal")
    criteria = {key: item.model_dump() for key, item in payload.criteria.items()}
    proposal = propose_organisation(by=user, criteria=criteria, **payload.model_dump(exclude={"criteria"}))
    return Status(201, get_for_user_or_404(_proposals(request), pk=proposal.pk))


@proposals.post(
    "/{public_id}/decision",
    response=codes({200: ProposalOut}, 400, 403, 404, 409),
    summary="Decide on an organisation proposal",
)
def decide(request: HttpRequest, public_id: UUID, payload: ProposalDecisionIn) -> OrganisationProposal:
    """Approve (the organisation joins the directory), ask for more information, or decline with a reason (the
    coordinator's office). 409 when `version` is stale."""
    user = acting_user(request)
    proposal = get_for_user_or_404(_proposals(request), public_id=public_id)
    require(user, "matching.decide_organisation_proposal", proposal)
    decide_proposal(
        proposal, by=user, decision=payload.decision, reason=payload.reason, expected_version=payload.version
    )
    return get_for_user_or_404(_proposals(request), pk=proposal.pk)


class ProposalPatch(InputSchema):
    """The student's answer to a request for more information: the fields sent change, and the proposal goes
    back to the office (status `submitted`). Criteria not sent keep their answers."""

    version: Version
    name: str | None = Field(None, max_length=200)
    website: str | None = Field(None, max_length=300)
    description: str | None = Field(None, max_length=3000)
    why: str | None = Field(None, max_length=3000)
    criteria: dict[str, ProposalCriterionIn] | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"version": 2, "why": "Ze hebben een vaste vrijwilligerscoördinator die studenten begeleidt."}]
        }
    )


@proposals.patch(
    "/{public_id}",
    response=codes({200: ProposalOut}, 400, 403, 404, 409),
    summary="Change and resend an organisation proposal",
)
def resubmit(request: HttpRequest, public_id: UUID, payload: ProposalPatch) -> OrganisationProposal:
    """Only the student who proposed it, and only after the office asked for more information. 409 when `version`
    is stale."""
    user = acting_user(request)
    proposal = get_for_user_or_404(_proposals(request), public_id=public_id)
    require(user, "matching.change_organisation_proposal", proposal)
    fields = payload.model_dump(exclude_unset=True, exclude={"version", "criteria"})
    _not_null(fields, ("name", "description", "why"))
    if fields.get("website") is None:
        fields.pop("website", None)
    criteria: dict[str, Any] = dict(proposal.criteria or {})
    for key, item in (payload.criteria or {}).items():
        criteria[key] = item.model_dump()
    resubmit_proposal(proposal, by=user, expected_version=payload.version, criteria=criteria, **fields)
    return get_for_user_or_404(_proposals(request), pk=proposal.pk)
