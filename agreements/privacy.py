"""What agreements keep about a person: the signatories asked to sign, their signatures and reminder mails."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agreements.models import Reminder, Signatory, Signature
from lib import privacy


def _by_email(field: str, emails: list[str]) -> Q:
    condition = Q(pk__in=[])
    for email in emails:
        condition |= Q(**{f"{field}__iexact": email})
    return condition


def export_agreements(person: Any) -> dict[str, Any]:
    emails = privacy.emails_of(person)
    signatories = (
        Signatory.objects.filter(_by_email("email", emails), agreement__institution_id=person.institution_id)
        .select_related("agreement", "version")
        .order_by("id")
    )
    signatures = {s.signatory_id: s for s in Signature.objects.filter(signatory__in=signatories)}
    reminders = (
        Reminder.objects.filter(_by_email("recipient", emails), agreement__institution_id=person.institution_id)
        .select_related("agreement")
        .order_by("send_on", "id")
    )
    return {
        "agreements": [
            {
                "agreement": s.agreement.title,
                "version": s.version.number,
                "party": s.get_party_display(),
                "name": s.name,
                "role": s.role,
                "email": s.email,
                "signed": signatures[s.pk].signed_at.isoformat() if s.pk in signatures else None,
                "signed_as": f"{signatures[s.pk].name}, {signatures[s.pk].role}" if s.pk in signatures else None,
            }
            for s in signatories
        ],
        "agreement_reminders": [
            {
                "agreement": r.agreement.title,
                "what": r.get_kind_display(),
                "date": r.due_on.isoformat(),
                "send_on": r.send_on.isoformat(),
                "email": r.recipient,
                "status": r.get_status_display(),
            }
            for r in reminders
        ],
    }


def erase_agreements(erasure: privacy.Erasure) -> None:
    """A signature stays valid evidence of the agreement (version and content hash), without the name; a
    pending reminder to the person is cancelled."""
    person = erasure.person
    signatories = Signatory.objects.filter(
        _by_email("email", erasure.emails), agreement__institution_id=person.institution_id
    )
    ids = list(signatories.values_list("pk", flat=True))
    erasure.count(
        "agreements.signatory", Signatory.objects.filter(pk__in=ids).update(name=erasure.label[:200], email="")
    )
    erasure.count(
        "agreements.signature", Signature.objects.filter(signatory_id__in=ids).update(name=erasure.label[:200])
    )
    reminders = Reminder.objects.filter(
        _by_email("recipient", erasure.emails), agreement__institution_id=person.institution_id
    )
    reminders.filter(status__in=[Reminder.Status.PENDING, Reminder.Status.FAILED]).update(
        status=Reminder.Status.CANCELLED
    )
    erasure.count("agreements.reminder", reminders.update(recipient=f"erased-{person.pk}@erased.invalid"))


def register_personal_data() -> None:
    privacy.register(
        privacy.PersonalData(
            key="agreements.signatory",
            order=70,
            models=(
                "agreements.signatory",
                "agreements.signature",
                "agreements.reminder",
                "agreements.agreementversion",
                "agreements.agreement",
            ),
            what=_(
                "The people asked to sign an agreement (name, role, e-mail address, personal link), their "
                "signatures, the texts of each version, and reminder mails."
            ),
            whose=_("Signatories of the institution and of partner organisations."),
            why=_("To show what was agreed and signed, by whom, on which version."),
            kept=_(
                "As long as the agreement is valid and may be needed as evidence; after erasure the signature "
                "stays, with the neutral label."
            ),
            exporter=export_agreements,
            eraser=erase_agreements,
            titles={
                "agreements": _("Agreements they were asked to sign"),
                "agreement_reminders": _("Agreement reminders sent to them"),
            },
        )
    )
    privacy.declare_no_personal_data(
        "agreements.agreementtemplate",
        "agreements.evaluationmoment",
        reason="Default texts and dated evaluation moments: about the collaboration, not a person.",
    )
