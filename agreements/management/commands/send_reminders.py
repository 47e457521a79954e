"""Enqueue one run of the reminder task now; the worker (``manage.py db_worker``) runs it.

The scheduler (``manage.py scheduler``) runs it every morning by itself; this is for a run by hand.
"""

from typing import Any

from django.core.management.base import BaseCommand

from agreements.tasks import send_due_reminders


class Command(BaseCommand):
    help = "Enqueue the task that sends agreement reminders whose day has come."

    def handle(self, *args: Any, **options: Any) -> None:
        result = send_due_reminders.enqueue()
        self.stdout.write(f"Enqueued reminder run {result.id}.")
