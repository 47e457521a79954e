"""Queue, deliver and retry outgoing mail.

Exactly once: a mail is claimed (waiting → sending) by one conditional UPDATE, so two workers or
a retried task never both hand it to the mail server; it is marked sent right after the server
accepted it. A failed attempt is tried again after a back-off that doubles each time
(``BRUG_MAIL_RETRY_SECONDS``, 2×, 4× ...), up to ``BRUG_MAIL_MAX_ATTEMPTS``; then the mail is
failed and shown to the office, who may retry it. A worker killed between the server's "accepted"
and our "sent" leaves a claim that nobody finishes: after ``STALE_CLAIM`` it is failed with a
message saying it may have arrived, for a person to decide, rather than sent twice automatically.
The body is emptied once sent: it may carry a personal link, which must not rest in the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from lib.errors import DomainError
from mail.models import OutgoingMail

logger = logging.getLogger(__name__)

STALE_CLAIM = dt.timedelta(minutes=10)
MAX_DELAY = dt.timedelta(hours=6)


def max_attempts() -> int:
    return int(getattr(settings, "BRUG_MAIL_MAX_ATTEMPTS", 8))


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt: the base, then twice as long each time."""
    base = float(getattr(settings, "BRUG_MAIL_RETRY_SECONDS", 60))
    return min(dt.timedelta(seconds=base * 2 ** max(attempts - 1, 0)), MAX_DELAY)


def is_queued(key: str) -> bool:
    return OutgoingMail.objects.filter(key=key).exists()


def queue_mail(
    *,
    key: str,
    to: list[str],
    subject: str,
    body: str,
    language: str = "",
    institution_id: int | None = None,
) -> OutgoingMail:
    """Put one mail in the outbox and have the worker send it once the transaction commits.

    Idempotent: a second call with the same ``key`` returns the mail already queued."""
    headers = {"Content-Language": language} if language else {}
    with transaction.atomic():
        mail, created = OutgoingMail.objects.get_or_create(
            key=key[:200],
            defaults={
                "to": list(to),
                "from_email": settings.DEFAULT_FROM_EMAIL,
                "subject": subject[:300],
                "body": body,
                "headers": headers,
                "institution_id": institution_id,
                "next_attempt_at": timezone.now(),
            },
        )
        if created:
            transaction.on_commit(lambda: _enqueue(mail.pk))
    return mail


def _enqueue(mail_id: int, run_after: dt.datetime | None = None) -> None:
    from mail.tasks import deliver_mail

    if run_after is not None:
        if not deliver_mail.get_backend().supports_defer:
            return  # the scheduler's outbox sweep takes it when it is due
        deliver_mail.using(run_after=run_after).enqueue(mail_id)
    else:
        deliver_mail.enqueue(mail_id)


def _claim(mail_id: int, now: dt.datetime) -> bool:
    return bool(
        OutgoingMail.objects.filter(pk=mail_id, status=OutgoingMail.Status.WAITING, next_attempt_at__lte=now).update(
            status=OutgoingMail.Status.SENDING, claimed_at=now
        )
    )


def _message_id(mail: OutgoingMail) -> str:
    digest = hashlib.sha256(mail.key.encode()).hexdigest()[:32]
    return f"<{digest}@{settings.DEFAULT_FROM_EMAIL.rpartition('@')[2] or 'brug'}>"


def deliver(mail_id: int, *, now: dt.datetime | None = None) -> str:
    """Send one due mail if nobody else is sending it; returns its status afterwards."""
    now = now or timezone.now()
    if not _claim(mail_id, now):
        return OutgoingMail.objects.filter(pk=mail_id).values_list("status", flat=True).first() or ""
    mail = OutgoingMail.objects.get(pk=mail_id)
    message = EmailMultiAlternatives(
        mail.subject,
        mail.body,
        mail.from_email,
        mail.to,
        headers={**mail.headers, "Message-ID": _message_id(mail)},
        connection=get_connection(fail_silently=False),
    )
    try:
        message.send()
    except Exception as error:  # noqa: BLE001 - whatever the mail server says, we try again later
        return _failed_attempt(mail, error, now)
    OutgoingMail.objects.filter(pk=mail.pk, status=OutgoingMail.Status.SENDING).update(
        status=OutgoingMail.Status.SENT, sent_at=timezone.now(), attempts=mail.attempts + 1, body="", last_error=""
    )
    return OutgoingMail.Status.SENT


def _failed_attempt(mail: OutgoingMail, error: Exception, now: dt.datetime) -> str:
    attempts = mail.attempts + 1
    message = f"{type(error).__name__}: {error}"[:2000]
    logger.warning("Mail %s attempt %s failed: %s", mail.pk, attempts, message)
    if attempts >= max_attempts():
        status, next_at = OutgoingMail.Status.FAILED, now
    else:
        status, next_at = OutgoingMail.Status.WAITING, now + retry_delay(attempts)
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=status, attempts=attempts, last_error=message, next_attempt_at=next_at, claimed_at=None
    )
    if status == OutgoingMail.Status.WAITING:
        _enqueue(mail.pk, run_after=next_at)
    return status


def flush_outbox(*, now: dt.datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Send what is due (a lost or deferred task does not lose a mail) and fail claims nobody finished."""
    now = now or timezone.now()
    stale = OutgoingMail.objects.filter(status=OutgoingMail.Status.SENDING, claimed_at__lt=now - STALE_CLAIM).update(
        status=OutgoingMail.Status.FAILED,
        last_error=_(
            "The worker stopped while handing this mail to the mail server: it may have arrived. "
            "Retry it only if the recipient did not get it."
        ),
    )
    due = list(
        OutgoingMail.objects.filter(status=OutgoingMail.Status.WAITING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    sent = sum(deliver(pk, now=now) == OutgoingMail.Status.SENT for pk in due)
    return {"due": len(due), "sent": sent, "stale": stale}


def retry_mail(mail: OutgoingMail, *, by: Any) -> OutgoingMail:
    """The office sends a failed mail again (from the start of the back-off)."""
    with transaction.atomic():
        locked = OutgoingMail.objects.select_for_update().get(pk=mail.pk)
        if locked.status != OutgoingMail.Status.FAILED:
            raise DomainError(_("Only a mail that failed can be sent again."), code="status")
        if not locked.body:
            raise DomainError(_("This mail's text is no longer kept, so it cannot be sent again."), code="body")
        locked.status = OutgoingMail.Status.WAITING
        locked.attempts = 0
        locked.next_attempt_at = timezone.now()
        locked.save(update_fields=["status", "attempts", "next_attempt_at"])
        record(by, "retried mail", locked, institution_id=locked.institution_id, changes={"to": locked.to})
        transaction.on_commit(lambda: _enqueue(locked.pk))
    return locked
