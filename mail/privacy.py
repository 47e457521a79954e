"""What the outbox keeps about a person: the mail addressed to them, until it is sent or given up."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lib import privacy
from mail.models import OutgoingMail


def _mail_to(addresses: list[str]) -> Any:
    """Mail with one of the addresses among its recipients. The recipients are a JSON list: the database narrows
    the rows down to those whose list holds the address as text (as stored, non-ASCII escaped on SQLite); the
    exact, case-insensitive comparison with each recipient is made on those few rows."""
    wanted = {address.lower() for address in addresses}
    condition = Q(pk__in=[])
    for address in addresses:
        for form in privacy.json_forms(address):
            condition |= Q(to__icontains=form)
    return [
        mail
        for mail in OutgoingMail.objects.filter(condition).order_by("created_at", "id")
        if wanted & {str(recipient).lower() for recipient in mail.to}
    ]


def export_mail(person: Any) -> dict[str, Any]:
    addresses = privacy.emails_of(person)
    if not addresses:
        return {}
    rows = [
        {
            "to": mail.to,
            "subject": mail.subject,
            "status": mail.get_status_display(),
            "queued": mail.created_at.isoformat(),
            "sent": mail.sent_at.isoformat() if mail.sent_at else None,
        }
        for mail in _mail_to(addresses)
    ]
    return {"mail": rows} if rows else {}


def register_personal_data() -> None:
    privacy.register(
        privacy.PersonalData(
            key="mail.outbox",
            order=90,
            models=("mail.outgoingmail",),
            what=_("Mail Brug sends: the addresses, the subject and, until it is sent, the text."),
            whose=_("Everyone Brug writes to."),
            why=_("To send each mail once, and to show the office a mail that could not be delivered."),
            kept=_("The text is removed once the mail is sent; an erasure replaces the addresses."),
            exporter=export_mail,
            titles={"mail": _("Mail sent by Brug")},
        )
    )
