"""Students propose organisations: checked against the institution's partner criteria, sent back for more,
or accepted into the directory by the office."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from lib.concurrency import save_versioned
from lib.errors import DomainError
from matching.models import OrganisationProposal, PartnerCriterion
from matching.services.common import REASON_MAX, _reason
from network.models import Organisation


def criteria_for(institution_id: int) -> list[PartnerCriterion]:
    return list(PartnerCriterion.objects.filter(institution_id=institution_id).order_by("order", "id"))


def _clean_criteria(institution_id: int, raw: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    cleaned = {}
    for criterion in criteria_for(institution_id):
        item = raw.get(str(criterion.pk)) or {}
        comment = str(item.get("comment") or "").strip()
        if len(comment) > 500:
            raise DomainError({f"criterion_{criterion.pk}_comment": _("Keep the comment under 500 characters.")})
        cleaned[str(criterion.pk)] = {"ok": bool(item.get("ok")), "comment": comment}
    return cleaned


PROPOSAL_FIELDS = ("name", "website", "description", "why")


@transaction.atomic
def propose_organisation(*, by: Any, criteria: Mapping[str, Any], **fields: Any) -> OrganisationProposal:
    if by.institution_id is None:
        raise DomainError(_("Only a member of an institution can propose an organisation."))
    proposal = OrganisationProposal(
        institution_id=by.institution_id,
        proposed_by=by,
        criteria=_clean_criteria(by.institution_id, criteria),
        **{k: (v or "").strip() for k, v in fields.items() if k in PROPOSAL_FIELDS},
    )
    proposal.full_clean()
    proposal.save()
    record(by, "proposed organisation", proposal)
    return proposal


@transaction.atomic
def resubmit_proposal(
    proposal: OrganisationProposal, *, by: Any, expected_version: int | None, criteria: Mapping[str, Any], **fields: Any
) -> OrganisationProposal:
    """The student answers a request for more information and sends the proposal again."""
    if proposal.status != OrganisationProposal.Status.MORE_INFO:
        raise DomainError(_("Only a proposal that was sent back can be changed."))
    changes: dict[str, Any] = {k: (v or "").strip() for k, v in fields.items() if k in PROPOSAL_FIELDS}
    changes["criteria"] = _clean_criteria(proposal.institution_id, criteria)
    changes["status"] = OrganisationProposal.Status.SUBMITTED
    save_versioned(proposal, expected_version=expected_version, fields=changes)
    record(by, "resubmitted organisation proposal", proposal)
    return proposal


@transaction.atomic
def decide_proposal(
    proposal: OrganisationProposal, *, by: Any, decision: str, reason: str = "", expected_version: int | None
) -> OrganisationProposal:
    """Approve (the organisation joins the directory), ask for more, or decline with a reason."""
    from network.services import create_organisation

    Status = OrganisationProposal.Status
    if proposal.status not in (Status.SUBMITTED, Status.MORE_INFO):
        raise DomainError(_("This proposal was already decided."))
    if decision not in (Status.APPROVED, Status.MORE_INFO, Status.DECLINED):
        raise DomainError({"decision": _("Choose a decision.")})
    reason = (reason or "").strip()
    if decision != Status.APPROVED:
        reason = _reason(reason, "reason", _("Tell the student why."))
    elif len(reason) > REASON_MAX:
        raise DomainError({"reason": _("Keep it under %(max)d characters.") % {"max": REASON_MAX}})
    fields: dict[str, Any] = {"status": decision, "coordinator_reason": reason, "decided_by": by}
    if decision != Status.MORE_INFO:
        fields["decided_at"] = timezone.now()
    if decision == Status.APPROVED:
        existing = Organisation.objects.filter(Q(name__iexact=proposal.name)).first()
        fields["organisation"] = existing or create_organisation(
            by=by, name=proposal.name, website=proposal.website, mission=proposal.description
        )
    save_versioned(proposal, expected_version=expected_version, fields=fields)
    record(by, f"organisation proposal {decision}", proposal, changes={"reason": reason})
    return proposal
