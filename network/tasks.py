"""Mail about an organisation's contact addresses, sent by the task worker after the transaction commits."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from network.models import Organisation, OrganisationContact


def _send(template: str, context: dict, to: list[str], language: str) -> None:
    subject = " ".join(render_to_string(f"network/mail/{template}_subject.txt", context).split())
    body = render_to_string(f"network/mail/{template}.txt", context)
    EmailMultiAlternatives(
        subject, body, settings.DEFAULT_FROM_EMAIL, to, headers={"Content-Language": language}
    ).send()


@task()
def send_contact_confirmation(contact_id: int, base_url: str | None = None) -> None:
    """Mail a new contact address the link that proves it reads its mail."""
    from network.contacts import issue_contact_link

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
        context = {
            "contact": contact,
            "organisation": contact.organisation,
            "link": site + reverse("contact-confirm", args=[token]),
            "expires": contact.token_expires_at,
        }
        _send("contact_confirm", context, [contact.email], contact.language)


@task()
def send_contact_change_notice(organisation_id: int, old: str, new: str, who: str) -> None:
    """Tell the address that no longer receives the organisation's mail, in the site's default language."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None or not old:
        return
    language = settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"organisation": organisation, "old": old, "new": new, "who": who}
        _send("contact_changed", context, [old], language)
