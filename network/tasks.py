"""Background tasks of the network: mail about an organisation's contact addresses (through the outbox,
after the transaction commits) and the daily retention run (the scheduler calls it; it takes no arguments)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import TaskContext, task

from mail.services import is_queued, queue_mail
from network.models import Organisation, OrganisationContact
from network.privacy import apply_retention as apply_retention_now


def _send(key: str, template: str, context: dict, to: list[str], language: str) -> None:
    subject = " ".join(render_to_string(f"network/mail/{template}_subject.txt", context).split())
    body = render_to_string(f"network/mail/{template}.txt", context)
    queue_mail(key=key, to=to, subject=subject, body=body, language=language)


@task(takes_context=True)
def send_contact_confirmation(context: TaskContext, contact_id: int, base_url: str | None = None) -> None:
    """Mail a new contact address the link that proves it reads its mail."""
    from network.contacts import issue_contact_link

    key = f"network.contact_confirm:{context.task_result.id}"
    if is_queued(key):
        return

    contact = (
        OrganisationContact.objects.select_related("organisation")
        .filter(pk=contact_id, address_confirmed_at__isnull=True)
        .first()
    )
    if contact is None:
        return
    with transaction.atomic(), translation.override(contact.language):
        token = issue_contact_link(contact)
        site = (base_url or settings.BRUG_SITE_URL).rstrip("/")
        values = {
            "contact": contact,
            "organisation": contact.organisation,
            "link": site + reverse("contact-confirm", args=[token]),
            "expires": contact.token_expires_at,
        }
        _send(key, "contact_confirm", values, [contact.email], contact.language)


@task(takes_context=True)
def send_contact_change_notice(context: TaskContext, organisation_id: int, old: str, new: str, who: str) -> None:
    """Tell the address that no longer receives the organisation's mail, in the site's default language."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None or not old:
        return
    language = settings.LANGUAGE_CODE
    with translation.override(language):
        values = {"organisation": organisation, "old": old, "new": new, "who": who}
        _send(f"network.contact_changed:{context.task_result.id}", "contact_changed", values, [old], language)


@task()
def apply_retention() -> dict[str, int]:
    """Remove or anonymise what has outlived its retention period; returns the count per kind."""
    return apply_retention_now()
