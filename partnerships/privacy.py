"""What partnerships keep about a person: partnerships they own, hand-overs, and being a party's contact."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lib import privacy
from partnerships.models import HandOver, PartnershipParty


def export_partnerships(person: Any) -> dict[str, Any]:
    return {
        "owns_partnerships": [p.title for p in person.owned_partnerships.order_by("title", "id")],
        "contact_for_partnerships": [
            {"partnership": p.partnership.title, "organisation": str(p.organisation), "role": p.role}
            for p in PartnershipParty.objects.filter(contact_person=person)
            .select_related("partnership", "organisation")
            .order_by("id")
        ],
        "hand_overs": [
            {
                "at": h.at.isoformat(),
                "from": str(h.from_person),
                "to": str(h.to_person),
                "relationships": h.relationships,
                "partnerships": h.partnerships,
                "note": h.note,
            }
            for h in HandOver.objects.filter(Q(from_person=person) | Q(to_person=person))
            .select_related("from_person", "to_person")
            .order_by("at", "id")
        ],
    }


def erase_partnerships(erasure: privacy.Erasure) -> None:
    """Hand-overs stay (colleagues need to know where relationships came from); their notes lose the name."""
    person = erasure.person
    rows = HandOver.objects.filter(Q(from_person=person) | Q(to_person=person))
    erasure.count("partnerships.handover", privacy.scrub_rows(rows, erasure.terms, erasure.label, fields=["note"]))


def register_personal_data() -> None:
    privacy.register(
        privacy.PersonalData(
            key="partnerships.ownership",
            order=30,
            models=(
                "partnerships.partnership",
                "partnerships.historicalpartnership",
                "partnerships.historicalpartnership_owners",
                "partnerships.partnershipparty",
                "partnerships.handover",
                "partnerships.stagechange",
                "partnerships.measurement",
                "partnerships.indicator",
            ),
            what=_(
                "Owners of partnerships, hand-overs between colleagues with their notes, the contact person "
                "of each partner organisation, and who measured an indicator."
            ),
            whose=_("Staff of the institution and partner staff."),
            why=_("So that a partnership never depends on one person and survives when someone leaves."),
            kept=_("As long as the partnership exists; after erasure hand-overs stay, with the neutral label."),
            exporter=export_partnerships,
            eraser=erase_partnerships,
            titles={
                "owns_partnerships": _("Partnerships they own"),
                "contact_for_partnerships": _("Contact person for"),
                "hand_overs": _("Hand-overs"),
            },
        )
    )
    privacy.declare_no_personal_data(
        "partnerships.goal",
        "partnerships.milestone",
        reason="Goals and milestones of a partnership: about the collaboration, not a person.",
    )
