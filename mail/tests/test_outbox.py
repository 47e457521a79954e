"""Every mail goes through the outbox: it waits while the mail server is down, goes exactly once when
the server is back, and a mail that keeps failing is shown to the office, who can send it again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone, translation

from agreements.services import send_agreement
from agreements.tests.helpers import SPECS, make_agreement
from audit.models import AuditEntry
from mail.models import OutgoingMail
from mail.services import flush_outbox, queue_mail
from mail.tests.smtp import SmtpServer, free_port

LATER = dt.timedelta(days=1)


@pytest.fixture
def smtp(settings) -> Iterator[SmtpServer]:
    """The SMTP backend pointed at a port where no server listens yet."""
    server = SmtpServer(free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_TIMEOUT = 5
    settings.EMAIL_USE_TLS = False
    yield server
    server.stop()


def _queue(key: str, to: str, capture, institution_id: int | None = None) -> OutgoingMail:
    with capture(execute=True):
        return queue_mail(key=key, to=[to], subject=f"Hallo {to}", body="Tekst", institution_id=institution_id)


def test_signing_mails_wait_while_the_server_is_down_and_go_exactly_once_when_it_is_back(
    world, smtp, django_capture_on_commit_callbacks
):
    agreement = make_agreement(world)
    with django_capture_on_commit_callbacks(execute=True):
        send_agreement(agreement, by=world.coordinator, expected_version=agreement.version, signatories=SPECS)

    waiting = list(OutgoingMail.objects.all())
    assert len(waiting) == 2
    assert {m.status for m in waiting} == {OutgoingMail.Status.WAITING}
    assert all(m.attempts == 1 and "Connection" in m.last_error for m in waiting)
    assert all(m.next_attempt_at > timezone.now() for m in waiting)

    # Before the back-off is over nothing is tried, server or not.
    smtp.start()
    assert flush_outbox()["due"] == 0
    assert smtp.inbox.messages == []

    result = flush_outbox(now=timezone.now() + LATER)
    assert result["sent"] == 2
    assert smtp.inbox.recipients() == ["cora@uas.example", "pia@brug.example"]
    # Sent once: later sweeps, and a task that delivers the same mail again, send nothing more.
    flush_outbox(now=timezone.now() + 2 * LATER)
    from mail.services import deliver

    for mail in waiting:
        assert deliver(mail.pk, now=timezone.now() + 2 * LATER) == OutgoingMail.Status.SENT
    assert len(smtp.inbox.messages) == 2
    sent = OutgoingMail.objects.get(to=["pia@brug.example"])
    assert sent.status == OutgoingMail.Status.SENT and sent.attempts == 2 and sent.sent_at is not None
    # The signing link is a secret: it does not stay in the outbox once delivered.
    assert sent.body == ""
    assert "/sign/" in smtp.inbox.messages[0].get_payload() or "/sign/" in smtp.inbox.messages[1].get_payload()


def test_the_back_off_doubles_after_each_failed_attempt(world, smtp, settings, django_capture_on_commit_callbacks):
    settings.BRUG_MAIL_RETRY_SECONDS = 60
    mail = _queue("test:backoff", "a@example.org", django_capture_on_commit_callbacks)
    waits = []
    for _ in range(3):
        mail.refresh_from_db()
        now = mail.next_attempt_at
        flush_outbox(now=now)
        mail.refresh_from_db()
        waits.append((mail.next_attempt_at - now).total_seconds())
    assert waits == [120, 240, 480]
    assert mail.attempts == 4


def test_queueing_the_same_logical_mail_twice_sends_it_once(world, smtp, django_capture_on_commit_callbacks):
    smtp.start()
    first = _queue("agreements.reminder:1", "a@example.org", django_capture_on_commit_callbacks)
    second = _queue("agreements.reminder:1", "a@example.org", django_capture_on_commit_callbacks)
    assert first.pk == second.pk
    assert OutgoingMail.objects.count() == 1
    assert smtp.inbox.recipients() == ["a@example.org"]


def test_a_mail_that_keeps_failing_is_shown_to_its_office_who_can_send_it_again(
    world, smtp, settings, as_user, django_capture_on_commit_callbacks
):
    settings.BRUG_MAIL_MAX_ATTEMPTS = 2
    ours = _queue("test:ours", "ours@example.org", django_capture_on_commit_callbacks, world.a.pk)
    theirs = _queue("test:theirs", "theirs@example.org", django_capture_on_commit_callbacks, world.b.pk)
    flush_outbox(now=timezone.now() + LATER)
    ours.refresh_from_db()
    assert ours.status == OutgoingMail.Status.FAILED and ours.attempts == 2

    page = as_user(world.coordinator).get("/office/mail/")
    assert page.status_code == 200
    assert "ours@example.org" in page.text and "theirs@example.org" not in page.text
    assert as_user(world.faculty).get("/office/mail/").status_code == 403
    assert as_user(None).get("/office/mail/").status_code == 302
    # Another institution's mail is not found.
    assert as_user(world.coordinator).post(f"/office/mail/{theirs.public_id}/retry/").status_code == 404

    smtp.start()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.coordinator).post(f"/office/mail/{ours.public_id}/retry/")
    assert response.status_code == 302
    ours.refresh_from_db()
    assert ours.status == OutgoingMail.Status.SENT
    assert smtp.inbox.recipients() == ["ours@example.org"]
    assert AuditEntry.objects.filter(action="retried mail", actor=world.coordinator).exists()

    # Sent mail cannot be "retried" into a second copy.
    as_user(world.coordinator).post(f"/office/mail/{ours.public_id}/retry/")
    assert len(smtp.inbox.messages) == 1


def test_a_claim_nobody_finished_is_failed_with_a_message_rather_than_sent_twice(
    world, smtp, django_capture_on_commit_callbacks
):
    mail = _queue("test:stale", "a@example.org", django_capture_on_commit_callbacks)
    long_ago = timezone.now() - dt.timedelta(hours=1)
    OutgoingMail.objects.filter(pk=mail.pk).update(status=OutgoingMail.Status.SENDING, claimed_at=long_ago)
    smtp.start()
    with translation.override("en"):
        assert flush_outbox()["stale"] == 1
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.FAILED and "may have arrived" in mail.last_error
    assert smtp.inbox.messages == []
