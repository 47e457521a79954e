"""Background work for agreements: the signing mails and the reminders, run by the task worker.

Signing links. The queue holds only the signatory's id and the site's address; the task mints
the secret, keeps its hash and sends the mail in one transaction (as the assessment invitations
do), so the secret never rests in the task table.

Reminders. ``send_due_reminders`` sends every reminder whose day has come, in the recipient's
language. A reminder is *claimed* before it is sent (status pending/failed → sending, in one
guarded statement: ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, a conditional UPDATE on
SQLite), so two workers, or a worker restarted halfway, never send it twice; a send that fails
is marked failed with the error and taken again by the next run, up to ``MAX_ATTEMPTS`` times.
A claim older than ``STALE_CLAIM`` (a worker that died between claiming and sending) is taken
again: in that rare crash a reminder may go twice rather than never.

How it runs. ``manage.py send_reminders`` enqueues one run (put it in cron, daily); with
``--daily`` the run enqueues its own next run for tomorrow morning (``run_after``), so a
worker started with ``manage.py db_worker`` keeps sending every day without cron. Starting the
chain twice does no harm: a run only plans the next one if none is planned yet.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from agreements.models import Reminder, Signatory
from lib.scoping import unscoped

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
STALE_CLAIM = dt.timedelta(hours=1)
BATCH = 100
DAILY_AT = dt.time(7, 0)


@task()
@unscoped("a task acts for the system, not for the user whose request queued it")
def send_signing_link(signatory_id: int, base_url: str) -> None:
    """Mail one signatory a fresh link to the version they are asked to sign, in their language."""
    from agreements.services import LinkState, issue_link, link_state

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
        context = {
            "signatory": signatory,
            "agreement": agreement,
            "version": signatory.version,
            "institution": agreement.institution,
            "link": base_url.rstrip("/") + reverse("agreement-sign", args=[token]),
            "sender": agreement.created_by,
        }
        subject = " ".join(render_to_string("agreements/mail/signing_subject.txt", context).split())
        body = render_to_string("agreements/mail/signing.txt", context)
        EmailMultiAlternatives(
            subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [signatory.email],
            headers={"Content-Language": signatory.language},
        ).send()


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
        EmailMultiAlternatives(
            subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [reminder.recipient],
            headers={"Content-Language": reminder.language},
        ).send()


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


def next_morning(now: dt.datetime | None = None) -> dt.datetime:
    local = timezone.localtime(now)
    day = local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, DAILY_AT, tzinfo=timezone.get_current_timezone())


def _plan_next_run() -> None:
    backend = send_due_reminders.get_backend()
    if not getattr(backend, "supports_defer", False):
        return
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - another queue backend
        DBTaskResult = None  # noqa: N806
    if DBTaskResult is not None:
        planned = DBTaskResult.objects.filter(
            task_path=send_due_reminders.module_path, status="READY", run_after__gt=timezone.now()
        )
        if planned.exists():
            return
    send_due_reminders.using(run_after=next_morning()).enqueue(daily=True)


@task()
@unscoped("a task acts for the system, not for the user whose request queued it")
def send_due_reminders(daily: bool = False) -> dict[str, Any]:
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
    if daily:
        _plan_next_run()
    return {"sent": sent, "failed": failed, "statuses_changed": moved}
