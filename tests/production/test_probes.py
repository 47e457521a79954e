"""/healthz and /readyz for load balancers and containers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from brug import probes


@pytest.fixture(autouse=True)
def fresh_migration_check(monkeypatch):
    monkeypatch.setattr(probes, "_migrations_applied", False)


def test_healthz_answers_alive_without_touching_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_probes_answer_whatever_host_the_load_balancer_sends(db, settings):
    settings.ALLOWED_HOSTS = ["brug.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    probe = Client(HTTP_HOST="10.0.0.7:8000")
    assert probe.get("/healthz").status_code == 200
    assert probe.get("/readyz").status_code == 200
    assert probe.get("/login/").status_code == 400  # the rest of Brug still checks the host


def test_readyz_reports_database_cache_migrations_tasks_and_scheduler(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "migrations", "tasks", "scheduler"}
    assert body["checks"]["migrations"] == {"ok": True, "unapplied": 0}
    assert body["checks"]["tasks"]["oldest_waiting_seconds"] is None
    # The scheduler (operations) reports its last run; it has not run yet.
    assert body["checks"]["scheduler"] == {"ok": True, "last_run": None, "known": True}


def test_readyz_is_503_when_the_cache_cannot_be_reached(client, db, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "fail"
    assert response.json()["checks"]["cache"] == {"ok": False, "error": "ConnectionError"}
    assert response.json()["checks"]["database"] == {"ok": True}


def test_readyz_is_503_while_a_migration_is_not_applied(client, db):
    app, name = MigrationExecutor(connection).loader.graph.leaf_nodes()[0]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s AND name = %s", [app, name])
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"]["ok"] is False


def test_readyz_tells_how_long_the_oldest_waiting_task_has_waited(client, db, settings):
    from django_tasks_db.models import DBTaskResult

    from imports.tasks import preview_task

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    preview_task.using(backend="default").enqueue(0)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(minutes=10))
    waited = client.get("/readyz").json()["checks"]["tasks"]["oldest_waiting_seconds"]
    assert 595 <= waited <= 700


def test_the_scheduler_reports_its_last_run_through_the_hook(client, db, monkeypatch):
    last = dt.datetime(2026, 12, 7, 3, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(probes, "_scheduler_last_run", None)
    probes.register_scheduler_status(lambda: last)
    assert client.get("/readyz").json()["checks"]["scheduler"] == {
        "ok": True,
        "last_run": "2026-12-07T03:00:00+00:00",
        "known": True,
    }
