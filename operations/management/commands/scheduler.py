"""``manage.py scheduler``: run Brug's periodic jobs (``brug/schedule.py``) on time, for as long as it runs.

Start one beside the workers (``make run`` does); starting more (on other machines) is safe:
each slot of each job runs once. ``--once`` runs what is due and stops; ``--run JOB`` runs one
job now, whatever its schedule (e.g. ``--run lost-tasks`` after a worker was killed).
"""

from __future__ import annotations

import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from operations import scheduler


class Command(BaseCommand):
    help = "Run the scheduled jobs (reminders, digests, retention, lost-task checks) on time."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run what is due now, then stop.")
        parser.add_argument("--run", metavar="JOB", help="Run this one job now, whatever its schedule.")
        parser.add_argument("--interval", type=float, default=15.0, help="Longest sleep between two looks, in seconds.")

    def handle(
        self, *args: Any, once: bool = False, run: str | None = None, interval: float = 15.0, **options: Any
    ) -> None:
        if run:
            try:
                result = scheduler.run_now(run)
            except LookupError as error:
                names = ", ".join(job.name for job in scheduler.schedule())
                raise CommandError(f"No job {run!r}; the jobs are: {names}.") from error
            self.stdout.write(f"{run}: {result.status} {result.error}".strip())
            return
        self.running = True

        def stop(signum: int, frame: FrameType | None) -> None:
            self.running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while self.running:
            close_old_connections()
            scheduler.refresh_queued()
            for done in scheduler.run_due():
                self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} {done.job}: {done.status}")
            if once:
                return
            wait = (scheduler.next_wake(timezone.now()) - timezone.now()).total_seconds()
            deadline = time.monotonic() + max(0.5, min(interval, wait + 0.1))
            while self.running and time.monotonic() < deadline:
                time.sleep(0.2)
