"""The scheduler: runs the jobs of ``brug/schedule.py`` on time, once, however many schedulers run.

Each job has time slots (every N minutes, or daily at a time). For the latest slot that has come,
the scheduler inserts a ``ScheduledRun`` row; the unique (job, slot) pair means only one scheduler
wins it, on any number of machines. Only the latest slot is run (a scheduler that was down for
three days sends one reminder run, not three). Each slot stands on its own, so a run that fails
does not stop the next one: the failure and its message are kept and shown to the office.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import traceback
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from operations.models import ScheduledRun

logger = logging.getLogger(__name__)

KEEP_RUNS = dt.timedelta(days=7)
KEEP_TASK_RESULTS_DAYS = 14


@dataclass(frozen=True)
class Job:
    name: str
    path: str
    every: dt.timedelta | None = None
    daily_at: dt.time | None = None

    def last_slot(self, now: dt.datetime) -> dt.datetime:
        """The most recent moment (not after ``now``) this job was due."""
        if self.every is not None:
            step = int(self.every.total_seconds())
            return dt.datetime.fromtimestamp(int(now.timestamp()) // step * step, tz=dt.UTC)
        assert self.daily_at is not None
        day = timezone.localtime(now).date()
        slot = timezone.make_aware(dt.datetime.combine(day, self.daily_at))
        return (
            slot if slot <= now else timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=1), self.daily_at))
        )

    def next_slot(self, now: dt.datetime) -> dt.datetime:
        if self.every is not None:
            return self.last_slot(now) + self.every
        last = timezone.localtime(self.last_slot(now))
        return timezone.make_aware(dt.datetime.combine(last.date() + dt.timedelta(days=1), self.daily_at))

    @property
    def when(self) -> str:
        if self.every is not None:
            minutes = int(self.every.total_seconds() // 60)
            return _("every %(minutes)s min") % {"minutes": minutes}
        return _("daily at %(time)s") % {"time": self.daily_at.strftime("%H:%M")}  # type: ignore[union-attr]


def schedule() -> list[Job]:
    module = import_module(getattr(settings, "BRUG_SCHEDULE_MODULE", "brug.schedule"))
    return [Job(**entry) for entry in module.SCHEDULE]


def scheduler_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _claim(job: Job, slot: dt.datetime) -> ScheduledRun | None:
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(job=job.name, slot=slot, scheduler=scheduler_name())
    except IntegrityError:
        return None  # another scheduler took this slot


def _resolve(path: str) -> Any:
    try:
        return import_string(path)
    except ImportError:
        return None


def _run(job: Job, run: ScheduledRun) -> None:
    target = _resolve(job.path)
    if target is None:
        run.status, run.error = ScheduledRun.Status.SKIPPED, _("%(path)s is not installed.") % {"path": job.path}
    elif hasattr(target, "enqueue"):
        try:
            result = target.enqueue()
        except Exception as error:  # noqa: BLE001 - the queue refused: record it, the next slot tries again
            run.status, run.error = ScheduledRun.Status.FAILED, f"{type(error).__name__}: {error}"
        else:
            run.task_id, run.status = str(result.id), ScheduledRun.Status.QUEUED
            _take_result(run, result.status, getattr(result, "errors", []))
    else:
        try:
            target()
        except Exception as error:  # noqa: BLE001 - a failed run must not stop the scheduler or the next run
            logger.exception("Scheduled job %s failed", job.name)
            run.status, run.error = ScheduledRun.Status.FAILED, _format(error)
        else:
            run.status = ScheduledRun.Status.OK
    if run.status != ScheduledRun.Status.QUEUED:
        run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "task_id", "finished_at"])


def _format(error: BaseException) -> str:
    return "".join(traceback.format_exception(error))[-4000:]


def _take_result(run: ScheduledRun, status: Any, errors: list[Any]) -> None:
    status = str(getattr(status, "value", status))
    if status == "SUCCESSFUL":
        run.status, run.finished_at = ScheduledRun.Status.OK, timezone.now()
    elif status == "FAILED":
        run.status, run.finished_at = ScheduledRun.Status.FAILED, timezone.now()
        run.error = (errors[-1].traceback if errors else "") or _("The task failed.")


def refresh_queued() -> int:
    """Copy the worker's outcome of queued runs onto them; returns how many finished."""
    from django_tasks_db.models import DBTaskResult

    queued = list(ScheduledRun.objects.filter(status=ScheduledRun.Status.QUEUED).exclude(task_id=""))
    if not queued:
        return 0
    found = {
        str(r.pk): r
        for r in DBTaskResult.objects.filter(pk__in=[q.task_id for q in queued]).only(
            "id", "status", "traceback", "exception_class_path"
        )
    }
    finished = 0
    for run in queued:
        result = found.get(run.task_id)
        if result is None or result.status not in ("SUCCESSFUL", "FAILED"):
            continue
        run.status = ScheduledRun.Status.OK if result.status == "SUCCESSFUL" else ScheduledRun.Status.FAILED
        run.error = "" if result.status == "SUCCESSFUL" else (result.traceback or result.exception_class_path)[-4000:]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        finished += 1
    return finished


def run_due(*, now: dt.datetime | None = None, only: str | None = None) -> list[ScheduledRun]:
    """Run every job whose latest slot nobody has taken yet (``only``: just that job)."""
    now = now or timezone.now()
    runs = []
    for job in schedule():
        if only and job.name != only:
            continue
        run = _claim(job, job.last_slot(now))
        if run is not None:
            _run(job, run)
            runs.append(run)
    return runs


def run_now(name: str) -> ScheduledRun:
    """Run one job at once, outside its slots (``manage.py scheduler --run JOB``)."""
    job = next((j for j in schedule() if j.name == name), None)
    if job is None:
        raise LookupError(name)
    run = ScheduledRun.objects.create(job=job.name, slot=timezone.now(), scheduler=scheduler_name())
    _run(job, run)
    return run


def next_wake(now: dt.datetime) -> dt.datetime:
    return min(job.next_slot(now) for job in schedule())


def scheduler_status(*, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Per job: its schedule, its last run (when, status, error), its last failure and its next run.
    For the office's page, the API and ``/readyz``."""
    now = now or timezone.now()
    jobs = schedule()
    status = []
    for job in jobs:
        last = ScheduledRun.objects.filter(job=job.name).order_by("-slot", "-id").first()
        failed = (
            ScheduledRun.objects.filter(job=job.name, status=ScheduledRun.Status.FAILED)
            .order_by("-slot", "-id")
            .first()
        )
        status.append(
            {
                "name": job.name,
                "path": job.path,
                "when": job.when,
                "last_run": last,
                "last_run_at": last.started_at if last else None,
                "last_status": last.status if last else "",
                "last_error": failed.error if failed else "",
                "last_error_line": error_line(failed.error) if failed else "",
                "last_error_at": failed.started_at if failed else None,
                "next_run_at": job.next_slot(now),
            }
        )
    return status


def error_line(error: str) -> str:
    """The last line of a traceback (the exception and its message): what the office is shown."""
    lines = [line.strip() for line in error.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def last_run_at() -> dt.datetime | None:
    """When any scheduler last started a run: for ``/readyz`` (a scheduler that stopped shows here)."""
    return ScheduledRun.objects.order_by("-started_at").values_list("started_at", flat=True).first()


def prune_history(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Forget scheduled runs after a week and finished task results after two weeks."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    runs, _count = ScheduledRun.objects.filter(started_at__lt=now - KEEP_RUNS).delete()
    tasks, _count = DBTaskResult.objects.filter(
        status__in=["SUCCESSFUL", "FAILED"], finished_at__lt=now - dt.timedelta(days=KEEP_TASK_RESULTS_DAYS)
    ).delete()
    return {"runs": runs, "task_results": tasks}
