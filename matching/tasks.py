"""Mail for matching, sent by the task worker after the transaction that asked for it commits.

As for assessments, the task mints the secret of a mail link itself and the database keeps only
its hash: the queue holds ids, never tokens. One organisation gets ONE digest of everything asked
of it, from all institutions together, instead of a mail per teacher (``send_digests``, run daily
or weekly by ``manage.py send_matching_digests``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import TaskContext, task

from lib.scoping import unscoped
from matching.models import DigestItem, Match, Need


def _site(base_url: str | None) -> str:
    return (base_url or settings.BRUG_SITE_URL).rstrip("/")


def _send(key: str, template: str, context: dict, to: list[str], language: str) -> None:
    """Queue the mail in the outbox; it is delivered (and retried) once the transaction commits."""
    from mail.services import queue_mail

    subject = " ".join(render_to_string(f"matching/mail/{template}_subject.txt", context).split())
    body = render_to_string(f"matching/mail/{template}.txt", context)
    queue_mail(key=key, to=to, subject=subject, body=body, language=language)


def _key(context: TaskContext, name: str) -> str:
    return f"matching.{name}:{context.task_result.id}"


@task(takes_context=True)
@unscoped("a task acts for the system, not for the user whose request queued it")
def send_need_confirmation(context: TaskContext, need_id: int, base_url: str | None = None) -> None:
    """Mail the contact of a need posted through the public form a link to confirm it."""
    from mail.services import is_queued
    from matching.services import issue_confirm_link

    key = _key(context, "need_confirmation")
    if is_queued(key):
        return
    need = Need.objects.select_related("organisation").filter(pk=need_id, status=Need.Status.UNCONFIRMED).first()
    if need is None or not need.contact_email:
        return
    with transaction.atomic(), translation.override(need.language):
        token = issue_confirm_link(need)
        values = {
            "need": need,
            "link": _site(base_url) + reverse("need-confirm", args=[token]),
            "expires": need.confirm_expires_at,
        }
        _send(key, "need_confirm", values, [need.contact_email], need.language)


@task(takes_context=True)
@unscoped("a task acts for the system, not for the user whose request queued it")
def send_match_response(context: TaskContext, match_id: int) -> None:
    """Tell whoever proposed a match how the partner answered."""
    match = (
        Match.objects.select_related("need__organisation", "offer", "proposed_by__person").filter(pk=match_id).first()
    )
    if match is None or match.proposed_by is None:
        return
    user = match.proposed_by
    email = user.email or (user.person.email if user.person_id and user.person else "")
    if not email:
        return
    with translation.override(user.language or "nl"):
        values = {
            "match": match,
            "link": _site(None) + reverse("match-detail", args=[match.public_id]),
        }
        _send(_key(context, "match_response"), "match_response", values, [email], user.language or "nl")


def digest_recipients(organisation_id: int) -> tuple[list[str], str]:
    """Who receives the organisation's proposals and answer links: its verified contacts only (its partner
    logins and the addresses it or the office vouched for and that confirmed by link), never the address a
    need was posted from, nor the directory's e-mail field on its own (see ``network.contacts``)."""
    from network.contacts import mail_recipients

    return mail_recipients(organisation_id)


@task(takes_context=True)
@unscoped("a task acts for the system, not for the user whose request queued it")
def send_digest(context: TaskContext, organisation_id: int, base_url: str | None = None) -> int:
    """Send the organisation one mail with every unsent item; returns how many items it carried.

    The items are marked sent in the transaction that queues the mail, so a second run finds none."""
    from matching.services import issue_response_link

    recipients, language = digest_recipients(organisation_id)
    if not recipients:
        return 0
    with transaction.atomic(), translation.override(language):
        items = list(
            DigestItem.objects.select_for_update()
            .filter(organisation_id=organisation_id, sent_at__isnull=True)
            .order_by("created_at", "id")
        )
        if not items:
            return 0
        matches = {
            m.pk: m
            for m in Match.objects.select_related("need__organisation", "offer__campus", "institution").filter(
                pk__in=[i.match_id for i in items if i.match_id]
            )
        }
        entries = []
        for item in items:
            match = matches.get(item.match_id) if item.match_id else None
            link = ""
            if match is not None and match.status == Match.Status.PROPOSED:
                link = _site(base_url) + reverse("match-respond", args=[issue_response_link(match)])
            elif match is not None:
                continue  # withdrawn or answered meanwhile: nothing to ask any more
            entries.append({"item": item, "match": match, "link": link, "why": _why(match) if match else []})
        organisation = items[0].organisation
        from reports.partner_overview import overview_link

        values = {
            "organisation": organisation,
            "entries": entries,
            "overview_link": _site(base_url) + overview_link(organisation),
        }
        if entries:
            _send(_key(context, "digest"), "digest", values, recipients, language)
        DigestItem.objects.filter(pk__in=[i.pk for i in items]).update(sent_at=timezone.now())
    return len(entries)


WHY_REASONS = 3


def _why(match: Match) -> list[str]:
    """The strongest reasons the offer suits the need, in the active language (the partner's): the ranking's own
    words, worked out again now rather than copied from the coordinator's page in the coordinator's language."""
    from matching.loaders import explain_pair

    ranked = explain_pair(match.need, match.offer)
    strongest = sorted((r for r in ranked.reasons if r.points > 0), key=lambda r: -r.points)[:WHY_REASONS]
    return [f"{reason.label}: {reason.detail}" for reason in strongest]


def send_digests(base_url: str | None = None) -> int:
    """One digest per organisation with something waiting; returns the number of organisations mailed."""
    organisation_ids = (
        DigestItem.objects.filter(sent_at__isnull=True).values_list("organisation_id", flat=True).distinct()
    )
    count = 0
    for organisation_id in sorted(set(organisation_ids)):
        send_digest.enqueue(organisation_id, base_url)
        count += 1
    return count
