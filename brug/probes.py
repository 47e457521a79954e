"""Probes for load balancers and containers, answered before any other middleware (no session,
no host check, no HTTPS redirect: the probe comes from inside the network with whatever Host).

- ``/healthz``: the process is alive and answers; touches nothing else.
- ``/readyz``: the database answers, the cache answers, every migration is applied (503 otherwise);
  also tells the age of the oldest task waiting for a worker and the scheduler's last run.

The scheduler (another part of Brug) reports its last run through ``register_scheduler_status``.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Min, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"

# Returns the scheduler's last run (aware datetime) or None when it never ran; set by the scheduler.
_scheduler_last_run: Callable[[], dt.datetime | None] | None = None
# Once every migration is applied it stays so for the life of the process: checked until then.
_migrations_applied = False


def register_scheduler_status(last_run: Callable[[], dt.datetime | None]) -> None:
    """The scheduler tells /readyz where its last run is kept (call from its AppConfig.ready)."""
    global _scheduler_last_run
    _scheduler_last_run = last_run


def check_database() -> dict[str, Any]:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def check_cache() -> dict[str, Any]:
    key, value = f"readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    found = cache.get(key)
    cache.delete(key)
    # The backend's class (RedisCache, FileBasedCache), not that of the ``cache`` proxy in front of it.
    return {"ok": found == value, "backend": type(caches[DEFAULT_CACHE_ALIAS]).__name__}


def check_migrations() -> dict[str, Any]:
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            return {"ok": False, "unapplied": len(plan)}
        _migrations_applied = True
    return {"ok": True, "unapplied": 0}


def check_tasks(now: dt.datetime) -> dict[str, Any]:
    """How long the oldest task that a worker could run now has waited (informative: never fails)."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    ready = DBTaskResult.objects.ready()
    found = ready.aggregate(
        unscheduled=Min("enqueued_at", filter=Q(run_after=get_date_max())),
        scheduled=Min("run_after", filter=~Q(run_after=get_date_max())),
    )
    since = min((t for t in found.values() if t is not None), default=None)
    return {
        "ok": True,
        "oldest_waiting_seconds": round((now - since).total_seconds(), 1) if since else None,
    }


def check_scheduler() -> dict[str, Any]:
    if _scheduler_last_run is None:
        return {"ok": True, "last_run": None, "known": False}
    last = _scheduler_last_run()
    return {"ok": True, "last_run": last.isoformat() if last else None, "known": True}


# name -> (check, whether a failure makes Brug not ready)
def _checks(now: dt.datetime) -> list[tuple[str, Callable[[], dict[str, Any]], bool]]:
    return [
        ("database", check_database, True),
        ("cache", check_cache, True),
        ("migrations", check_migrations, True),
        ("tasks", lambda: check_tasks(now), False),
        ("scheduler", check_scheduler, False),
    ]


def readiness() -> tuple[bool, dict[str, Any]]:
    now = timezone.now()
    results: dict[str, Any] = {}
    ready = True
    for name, check, required in _checks(now):
        try:
            result = check()
        except Exception as error:  # a probe reports every failure, it never raises
            logger.warning("readiness check %s failed: %s", name, error)
            result = {"ok": False, "error": type(error).__name__}
        results[name] = result
        if required and not result["ok"]:
            ready = False
    return ready, results


def healthz() -> JsonResponse:
    return JsonResponse({"status": "ok"})


def readyz() -> JsonResponse:
    ready, checks = readiness()
    return JsonResponse({"status": "ok" if ready else "fail", "checks": checks}, status=200 if ready else 503)


class ProbesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == HEALTH_PATH:
            response = healthz()
        elif request.path == READY_PATH:
            response = readyz()
        else:
            return self.get_response(request)
        response["Cache-Control"] = "no-store"
        return response
