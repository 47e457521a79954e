"""What matching keeps about a person: needs they posted (contact name and e-mail), organisations they
proposed as a student, and the internal notes and matches they wrote."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lib import privacy
from matching.models import Match, Need, OrganisationProposal


def _user_id(person: Any) -> int | None:
    return getattr(getattr(person, "user", None), "pk", None) if hasattr(person, "user") else None


def _needs(person: Any, emails: list[str]) -> Any:
    condition = Q(pk__in=[])
    for email in emails:
        condition |= Q(contact_email__iexact=email)
    if (user_id := _user_id(person)) is not None:
        condition |= Q(created_by_id=user_id)
    return Need.objects.filter(condition)


def export_matching(person: Any) -> dict[str, Any]:
    emails = privacy.emails_of(person)
    user_id = _user_id(person)
    proposals = OrganisationProposal.objects.filter(proposed_by_id=user_id) if user_id else []
    return {
        "needs": [
            {
                "title": n.title,
                "organisation": str(n.organisation),
                "status": n.get_status_display(),
                "contact_name": n.contact_name,
                "contact_email": n.contact_email,
                "posted": n.created_at.isoformat(),
            }
            for n in _needs(person, emails).select_related("organisation").order_by("created_at", "id")
        ],
        "organisation_proposals": [
            {"name": p.name, "why": p.why, "status": p.get_status_display(), "posted": p.created_at.isoformat()}
            for p in proposals
        ],
    }


def erase_matching(erasure: privacy.Erasure) -> None:
    """A need stays for the organisation that has it; its contact becomes the neutral label."""
    condition = Q(pk__in=[])
    for email in erasure.emails:
        condition |= Q(contact_email__iexact=email)
    needs = Need.objects.filter(condition)
    erasure.count("matching.need", needs.update(contact_name=erasure.label[:200], contact_email=""))


def remove_unconfirmed_needs(institution: Any, cutoff: Any) -> int:
    """Needs posted through the public form and never confirmed: removed with their contact's e-mail address,
    and the address copied onto the organisation the form made for them, if that organisation was never used."""
    stale = Need.objects.filter(status=Need.Status.UNCONFIRMED, confirmed_at__isnull=True, created_at__lt=cutoff)
    removed = 0
    for need in stale.select_related("organisation"):
        organisation = need.organisation
        email = need.contact_email
        removed += need.delete()[1].get("matching.Need", 0)
        if email and not organisation.is_active and organisation.email.lower() == email.lower():
            type(organisation).objects.filter(pk=organisation.pk).update(email="")
    return removed


def remove_expired_match_links(institution: Any, cutoff: Any) -> int:
    """Links for a partner's answer to a match, and need confirmation links, expired before the cutoff."""
    matches = Match.objects.filter(institution=institution, response_expires_at__lt=cutoff).exclude(
        response_token_hash=""
    )
    needs = Need.objects.filter(confirm_expires_at__lt=cutoff, confirmed_at__isnull=False).exclude(
        confirm_token_hash=""
    )
    return matches.update(response_token_hash="") + needs.update(confirm_token_hash="")


def register_personal_data() -> None:
    privacy.register(
        privacy.PersonalData(
            key="matching.need",
            order=80,
            models=(
                "matching.need",
                "matching.neednote",
                "matching.match",
                "matching.organisationproposal",
                "matching.digestitem",
                "matching.quietperiod",
                "matching.offer",
            ),
            what=_(
                "Needs posted by community partners with a contact name and e-mail address, notes about them, "
                "the messages of match proposals, and organisations proposed by students."
            ),
            whose=_(
                "Partner staff and residents who post a need, students who propose an organisation, staff who "
                "broker matches."
            ),
            why=_("To bring a partner's need and a course's offer together, and to answer the partner."),
            kept=_(
                "An unconfirmed public need is removed after its retention period; the others as long as the "
                "partner works with the institution."
            ),
            exporter=export_matching,
            eraser=erase_matching,
            titles={"needs": _("Needs they posted"), "organisation_proposals": _("Organisations they proposed")},
            retention=(
                privacy.Retention(
                    setting="retention_unconfirmed_need_days",
                    unit="days",
                    default=30,
                    apply=remove_unconfirmed_needs,
                    what=_("Unconfirmed public needs and their contact e-mails"),
                ),
                privacy.Retention(
                    setting="retention_expired_link_days",
                    unit="days",
                    default=30,
                    apply=remove_expired_match_links,
                    what=_("Expired links to answer a match or confirm a need"),
                ),
            ),
        )
    )
    privacy.declare_no_personal_data(
        "matching.matchingweights",
        "matching.partnercriterion",
        reason="Tuning of the ranking and an institution's criteria: no people.",
    )
