"""Background work for agreements: the signing mails and the reminders, run by the task worker.

Signing links. The queue holds only the signatory's id and the site's address; the task mints
the secret, keeps its hash and sends the mail in one transaction (as the assessment invitations
do), so the secret never rests in the task table.

Reminders. ``send_due_reminders`` hands every reminder whose day has come to the outbox
(``mail.services.queue_mail``), in the recipient's language; the outbox delivers it and retries a
mail server that is down. A reminder is *claimed* before it is queued (status pending/failed →
sending, in one guarded statement: ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, a
conditional UPDATE on SQLite), so two workers never take it both; its outbox key is the
reminder's id, so a claim taken again after a worker died (``STALE_CLAIM``) never queues a copy.

How it runs. The scheduler (``manage.py scheduler``, ``brug/schedule.py``) runs it every
morning; ``manage.py send_reminders`` enqueues one run by hand.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import TaskContext, task

from agreements.models import Reminder, Signatory
from lib.scoping import unscoped

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
STALE_CLAIM = dt.timedelta(hours=1)
BATCH = 100


@task(takes_context=True)
@unscoped("a task acts for the system, not for the user whose request queued it")
def send_signing_link(context: TaskContext, signatory_id: int, base_url: str) -> None:
    """Mail one signatory a fresh link to the version they are asked to sign, in their language."""
    from agreements.services import LinkState, issue_link, link_state
    from mail.services import is_queued, queue_mail

    key = f"agreements.signing:{context.task_result.id}"
    if is_queued(key):
        return
    signatory = (
        Signatory.objects.select_related("agreement__institution", "version", "agreement__created_by")
        .filter(pk=signatory_id)
        .first()
    )
    if signatory is None or link_state(signatory) != LinkState.OPEN:
        return
    with transaction.atomic(), translation.override(signatory.language):
        token = issue_link(signatory)
        agreement = signatory.agreement
        values = {
            "signatory": signatory,
            "agreement": agreement,
            "version": signatory.version,
            "institution": agreement.institution,
            "link": base_url.rstrip("/") + reverse("agreement-sign", args=[token]),
            "sender": agreement.created_by,
        }
        subject = " ".join(render_to_string("agreements/mail/signing_subject.txt", values).split())
        body = render_to_string("agreements/mail/signing.txt", values)
        queue_mail(
            key=key,
            to=[signatory.email],
            subject=subject,
            body=body,
            language=signatory.language,
            institution_id=agreement.institution_id,
        )


def _due(today: dt.date) -> QuerySet[Reminder]:
    stale = timezone.now() - STALE_CLAIM
    return Reminder.objects.filter(
        Q(status=Reminder.Status.PENDING)
        | Q(status=Reminder.Status.FAILED, attempts__lt=MAX_ATTEMPTS)
        | Q(status=Reminder.Status.SENDING, claimed_at__lt=stale),
        send_on__lte=today,
    )


def claim_due_reminders(today: dt.date, *, exclude: set[int] = frozenset(), limit: int = BATCH) -> list[int]:  # type: ignore[assignment]
    """Mark up to ``limit`` due reminders as being sent by this worker and return their ids."""
    now = timezone.now()
    due = _due(today).exclude(pk__in=exclude).order_by("send_on", "id")
    if connection.vendor == "postgresql":
        with transaction.atomic():
            ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
            Reminder.objects.filter(pk__in=ids).update(status=Reminder.Status.SENDING, claimed_at=now)
        return ids
    claimed = []
    for pk in list(due.values_list("pk", flat=True)[:limit]):
        # Compare-and-set: only one worker's UPDATE finds the row still due.
        if _due(today).filter(pk=pk).update(status=Reminder.Status.SENDING, claimed_at=now):
            claimed.append(pk)
    return claimed


def _send_one(reminder: Reminder, base_url: str) -> None:
    from mail.services import queue_mail

    agreement = reminder.agreement
    with translation.override(reminder.language):
        context = {
            "reminder": reminder,
            "agreement": agreement,
            "institution": agreement.institution,
            "days": (reminder.due_on - timezone.localdate()).days,
            "link": base_url + reverse("agreement-detail", args=[agreement.public_id]),
        }
        subject = " ".join(render_to_string("agreements/mail/reminder_subject.txt", context).split())
        body = render_to_string("agreements/mail/reminder.txt", context)
        queue_mail(
            key=f"agreements.reminder:{reminder.pk}",
            to=[reminder.recipient],
            subject=subject,
            body=body,
            language=reminder.language,
            institution_id=agreement.institution_id,
        )


def send_claimed(ids: list[int], base_url: str) -> tuple[int, int]:
    sent = failed = 0
    reminders = Reminder.objects.select_related("agreement__institution").filter(pk__in=ids).order_by("id")
    for reminder in reminders:
        try:
            _send_one(reminder, base_url)
        except Exception as error:  # noqa: BLE001 - any failure of the mail server is retried later
            logger.warning("Reminder %s failed: %s", reminder.pk, error)
            Reminder.objects.filter(pk=reminder.pk).update(
                status=Reminder.Status.FAILED, attempts=reminder.attempts + 1, last_error=str(error)[:2000]
            )
            failed += 1
        else:
            Reminder.objects.filter(pk=reminder.pk).update(
                status=Reminder.Status.SENT, attempts=reminder.attempts + 1, sent_at=timezone.now(), last_error=""
            )
            sent += 1
    return sent, failed


@task()
@unscoped("a task acts for the system, not for the user whose request queued it")
def send_due_reminders() -> dict[str, Any]:
    """Move agreements along the calendar, then send every reminder whose day has come."""
    from agreements.services import refresh_statuses, site_url

    today = timezone.localdate()
    moved = refresh_statuses(today)
    base_url = site_url(None)
    tried: set[int] = set()
    sent = failed = 0
    while ids := claim_due_reminders(today, exclude=tried):
        tried.update(ids)
        s, f = send_claimed(ids, base_url)
        sent, failed = sent + s, failed + f
    return {"sent": sent, "failed": failed, "statuses_changed": moved}
