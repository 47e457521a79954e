"""What the outbox keeps about a person: the mail addressed to them, until it is sent or given up."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from lib import privacy
from mail.models import OutgoingMail


def export_mail(person: Any) -> dict[str, Any]:
    addresses = {address.lower() for address in privacy.emails_of(person)}
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
        for mail in OutgoingMail.objects.order_by("created_at", "id").iterator()
        if addresses & {address.lower() for address in mail.to}
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
