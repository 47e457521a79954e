"""What the audit trail keeps about a person: entries about them, and entries naming them in their changes."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry
from lib import privacy


def _about(person: Any) -> Q:
    return Q(target_type="network.person", target_id=str(person.public_id))


def export_audit(person: Any) -> dict[str, Any]:
    condition = _about(person)
    user_id = getattr(getattr(person, "user", None), "pk", None) if hasattr(person, "user") else None
    if user_id is not None:
        condition |= Q(actor_id=user_id)
    for email in privacy.emails_of(person):
        condition |= Q(changes__icontains=email)
    # Entries of their institution (or of none) whose record or changes name them: a relationship with them,
    # an agreement they signed, owners changed, a hand-over.
    terms = privacy.distinctive_of(person)
    if terms:
        naming = privacy.mentions(AuditEntry, terms, fields=["changes", "target_repr"])
        condition |= naming & (Q(institution_id=person.institution_id) | Q(institution_id__isnull=True))
    entries = AuditEntry.objects.filter(condition).select_related("actor").order_by("at", "id")
    return {
        "audit_trail": [
            {
                "at": e.at.isoformat(),
                "who": str(e.actor) if e.actor_id else None,
                "did": e.action_label,
                "record": e.target_repr,
                "changes": e.changes,
            }
            for e in entries
        ]
    }


def erase_audit(erasure: privacy.Erasure) -> None:
    """Entries about the person keep their action and date; every identifier in them becomes the label."""
    rows = AuditEntry.objects.filter(_about(erasure.person))
    erasure.count("audit.auditentry", rows.update(target_repr=erasure.label[:200]))
    erasure.count("audit.auditentry", privacy.scrub_rows(rows, erasure.terms, erasure.label, fields=["changes"]))


def register_personal_data() -> None:
    privacy.register(
        privacy.PersonalData(
            key="audit.auditentry",
            order=900,
            models=("audit.auditentry",),
            what=_("Who did what and when, with the values changed."),
            whose=_("Everyone who changes something in Brug, and everyone a change is about."),
            why=_("Accountability: an institution must be able to show who changed its records."),
            kept=_(
                "As long as the institution uses Brug; an erased person's identifiers are replaced by the "
                "neutral label in every entry."
            ),
            exporter=export_audit,
            eraser=erase_audit,
            titles={"audit_trail": _("Audit trail entries about them or by them")},
        )
    )
