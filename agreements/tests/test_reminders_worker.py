"""Reminders through the real database queue, worker and outbox: sent once, a failed one retried, none doubled."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.utils import timezone

from agreements.models import Reminder
from agreements.services import send_agreement
from agreements.tasks import claim_due_reminders
from agreements.tests.helpers import SPECS, make_agreement, today
from mail.models import OutgoingMail
from mail.services import flush_outbox

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class FlakyBackend(EmailBackend):
    """A mail server that refuses the first reminder it is given, then works."""

    failures_left = 1

    def send_messages(self, messages: Any) -> int:
        if any("Evalua" in m.subject for m in messages) and FlakyBackend.failures_left:
            FlakyBackend.failures_left -= 1
            raise ConnectionRefusedError("mail server down")
        return super().send_messages(messages)


def _work() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


def _reminder_mails() -> list[Any]:
    return [m for m in mail.outbox if "Evalua" in m.subject]


@pytest.fixture
def queue(settings):
    settings.TASKS = DB_TASKS
    settings.EMAIL_BACKEND = "agreements.tests.test_reminders_worker.FlakyBackend"
    FlakyBackend.failures_left = 1
    yield
    FlakyBackend.failures_left = 0


@pytest.fixture(autouse=True, scope="module")
def builtins_back_afterwards(django_db_blocker):
    """A transactional test empties every table when it ends, the rows that migrations install
    included; put the built-in ones back so the tests after this module find them as usual."""
    yield
    from agreements.builtin import install_builtin_templates
    from assessment.builtin import install_builtin_instruments

    with django_db_blocker.unblock():
        install_builtin_templates()
        install_builtin_instruments()


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_due_reminders_retries_a_failure_and_never_sends_twice(world, queue):
    soon = (today() + dt.timedelta(days=7)).isoformat()
    agreement = make_agreement(world, evaluations=[{"date": soon, "title": "Tussentijdse evaluatie"}])
    send_agreement(agreement, by=world.coordinator, expected_version=agreement.version, signatories=SPECS)
    _work()  # the signing mails
    assert {m.to[0] for m in mail.outbox} == {"cora@uas.example", "pia@brug.example"}
    assert Reminder.objects.filter(send_on=today()).count() == 2

    call_command("send_reminders", stdout=io.StringIO())
    _work()
    # Both reminders are handed to the outbox; the mail server refused one of them, which waits.
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.SENT}
    waiting = OutgoingMail.objects.get(status=OutgoingMail.Status.WAITING)
    assert waiting.attempts == 1 and "mail server down" in waiting.last_error
    assert len(_reminder_mails()) == 1

    # Its retry is planned after a back-off; the worker leaves it until then, the sweep sends it when due.
    _work()
    assert len(_reminder_mails()) == 1
    flush_outbox(now=waiting.next_attempt_at)
    assert OutgoingMail.objects.get(pk=waiting.pk).status == OutgoingMail.Status.SENT
    mails = _reminder_mails()
    assert sorted(m.to[0] for m in mails) == ["cora@uas.example", "pia@brug.example"]
    # Each in the recipient's language.
    assert {m.to[0]: m.extra_headers["Content-Language"] for m in mails} == {
        "cora@uas.example": "en",
        "pia@brug.example": "nl",
    }

    # A restarted worker, a second run: nothing goes twice.
    call_command("send_reminders", stdout=io.StringIO())
    _work()
    flush_outbox(now=timezone.now() + dt.timedelta(days=1))
    assert len(_reminder_mails()) == 2


@pytest.mark.django_db(transaction=True)
def test_a_claimed_reminder_cannot_be_claimed_by_a_second_worker(world, queue):
    agreement = make_agreement(
        world, evaluations=[{"date": (today() + dt.timedelta(days=3)).isoformat(), "title": "E"}]
    )
    send_agreement(agreement, by=world.coordinator, expected_version=agreement.version, signatories=SPECS)
    first = claim_due_reminders(today())
    second = claim_due_reminders(today())
    assert len(first) == 2 and second == []
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.SENDING}


@pytest.mark.django_db(transaction=True)
def test_a_reminder_that_keeps_failing_stops_after_the_last_attempt(world, queue):
    from agreements.tasks import MAX_ATTEMPTS

    agreement = make_agreement(
        world, evaluations=[{"date": (today() + dt.timedelta(days=3)).isoformat(), "title": "E"}]
    )
    send_agreement(agreement, by=world.coordinator, expected_version=agreement.version, signatories=SPECS)
    Reminder.objects.update(status=Reminder.Status.FAILED, attempts=MAX_ATTEMPTS, claimed_at=timezone.now())
    assert claim_due_reminders(today()) == []
