"""Tasks that survive a killed worker.

Each worker process keeps a heartbeat row (``WorkerHeartbeat``) fresh from a thread while it
runs. ``recover_lost_tasks`` (run every minute by the scheduler, in the scheduler's own process so
that it runs also when every worker is gone) finds tasks still marked running whose worker is
dead: on this machine its process is gone; elsewhere its heartbeat is older than the lease
(``BRUG_WORKER_LEASE_SECONDS``). Such a task is put back in the queue, to be run again from the
start by another worker, up to ``BRUG_TASK_MAX_ATTEMPTS`` workers in all; then it is failed with a
message. Our tasks are written to be run again: imports write in one transaction or start their
preview over, mail goes through the outbox with a key per logical mail.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import close_old_connections
from django.utils import timezone

from operations.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

LOST = "operations.workers.WorkerLost"


class WorkerLost(Exception):
    """The worker running a task stopped (killed, out of memory, machine gone) before it finished."""


def heartbeat_seconds() -> float:
    return float(getattr(settings, "BRUG_WORKER_HEARTBEAT_SECONDS", 5))


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=float(getattr(settings, "BRUG_WORKER_LEASE_SECONDS", 60)))


def max_attempts() -> int:
    return int(getattr(settings, "BRUG_TASK_MAX_ATTEMPTS", 3))


# --- in the worker process ---------------------------------------------------------------------

_beating: dict[str, threading.Thread] = {}
_lock = threading.Lock()


def beat(worker_id: str) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"hostname": socket.gethostname(), "pid": os.getpid(), "last_seen": timezone.now()},
    )


def _beat_forever(worker_id: str) -> None:
    stop = threading.Event()
    while not stop.wait(heartbeat_seconds()):
        try:
            beat(worker_id)
        except Exception as error:  # noqa: BLE001 - a heartbeat never takes its worker down
            # SQLite busy under a long import (the pid check covers it), or no database at all.
            logger.debug("Heartbeat of %s skipped: %s", worker_id, error)
        finally:
            close_old_connections()


def start_heartbeat(worker_id: str) -> None:
    """Write the worker's row now and keep it fresh from a daemon thread (once per worker id)."""
    with _lock:
        if worker_id in _beating:
            return
        beat(worker_id)
        thread = threading.Thread(target=_beat_forever, args=(worker_id,), name="brug-heartbeat", daemon=True)
        _beating[worker_id] = thread
        thread.start()


def on_task_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """``task_started`` of the database queue's worker: the first task starts the heartbeat. Only
    that queue's workers beat (its worker sends the backend itself; the immediate backend, running
    inside the caller, sends its class)."""
    try:
        from django_tasks_db.backend import DatabaseBackend
    except ImportError:  # pragma: no cover - another queue backend
        return
    if isinstance(sender, DatabaseBackend) and task_result.worker_ids:
        start_heartbeat(task_result.worker_ids[-1])


# --- in the scheduler (or by hand) -------------------------------------------------------------


def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def is_dead(beat_row: WorkerHeartbeat | None, started_at: dt.datetime | None, now: dt.datetime) -> bool:
    if beat_row is None:
        # Never beat: dead once it has had a whole lease to write its first heartbeat.
        return started_at is None or started_at < now - lease()
    if beat_row.hostname == socket.gethostname():
        return _process_gone(beat_row.pid)
    return beat_row.last_seen < now - lease()


def recover_lost_tasks(*, now: dt.datetime | None = None) -> dict[str, list[str]]:
    """Put tasks of dead workers back in the queue, or fail them after the last attempt."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    running = list(DBTaskResult.objects.filter(status="RUNNING").only("id", "worker_ids", "started_at", "task_path"))
    ids = {r.worker_ids[-1] for r in running if r.worker_ids}
    beats = {b.worker_id: b for b in WorkerHeartbeat.objects.filter(worker_id__in=ids)}
    retried: list[str] = []
    failed: list[str] = []
    for result in running:
        worker = result.worker_ids[-1] if result.worker_ids else ""
        if not is_dead(beats.get(worker), result.started_at, now):
            continue
        # Compare-and-set on the claim we saw, so a task that another check already moved is left alone.
        claimed = DBTaskResult.objects.filter(pk=result.pk, status="RUNNING", started_at=result.started_at)
        if len(result.worker_ids) < max_attempts():
            if claimed.update(status="READY", started_at=None):
                retried.append(str(result.pk))
                logger.warning("Task %s (%s) lost its worker %s; queued again", result.pk, result.task_path, worker)
        else:
            message = f"The worker {worker} stopped while running this task, {len(result.worker_ids)} times."
            if claimed.update(status="FAILED", finished_at=now, exception_class_path=LOST, traceback=message):
                failed.append(str(result.pk))
                logger.error("Task %s (%s) failed: %s", result.pk, result.task_path, message)
    WorkerHeartbeat.objects.filter(last_seen__lt=now - dt.timedelta(days=1)).delete()
    return {"retried": retried, "failed": failed}


def task_state(task_id: str) -> str:
    """The queue's status of one task (READY, RUNNING, SUCCESSFUL, FAILED), or "" if it is not there."""
    from django_tasks_db.models import DBTaskResult

    if not task_id:
        return ""
    try:
        return DBTaskResult.objects.filter(pk=task_id).values_list("status", flat=True).first() or ""
    except (ValueError, ValidationError):
        return ""
