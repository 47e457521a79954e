"""Enqueue a run of the reminder task; the worker (``manage.py db_worker``) sends the mails.

Run it daily from cron, or once with ``--daily``: each run then plans the next one for the
following morning, so the worker keeps going without cron.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from agreements.tasks import send_due_reminders


class Command(BaseCommand):
    help = "Enqueue the task that sends agreement reminders whose day has come."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--daily", action="store_true", help="Let each run plan the next one for tomorrow morning.")

    def handle(self, *args: Any, daily: bool = False, **options: Any) -> None:
        result = send_due_reminders.enqueue(daily=daily)
        self.stdout.write(f"Enqueued reminder run {result.id}.")
