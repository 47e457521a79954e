"""The one entrypoint (container, `make run`, CI) starts the production server; a kept database
connection that PostgreSQL drops is replaced instead of failing the next request."""

from __future__ import annotations

import json
import subprocess
import uuid

import psycopg
import pytest
from django.db import connection

from tests.production.helpers import ROOT, STRONG_KEY, base_env, entrypoint_web, get


def test_the_entrypoint_starts_gunicorn_which_answers_the_probes_with_debug_off(tmp_path):
    with entrypoint_web(
        tmp_path,
        BRUG_SECRET_KEY=STRONG_KEY,
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        BRUG_MEDIA_ROOT=str(tmp_path / "media"),
    ) as base:
        status, headers, body = get(f"{base}/healthz")
        assert (status, json.loads(body)) == (200, {"status": "ok"})
        assert headers["Server"].startswith("gunicorn")
        # An empty database: alive, but not ready until migrated.
        status, _headers, body = get(f"{base}/readyz")
        assert status == 503 and json.loads(body)["checks"]["migrations"]["ok"] is False
        status, _headers, body = get(f"{base}/no-such-page/")
        assert status == 404 and b"Traceback" not in body and b"URLconf" not in body


def test_the_entrypoint_refuses_an_unknown_command():
    done = subprocess.run(
        [str(ROOT / "bin" / "brug-entrypoint"), "serve"], cwd=ROOT, env=base_env(), capture_output=True, text=True
    )
    assert done.returncode == 64
    assert "unknown command 'serve'" in done.stderr and "web" in done.stderr


def _url(settings_dict: dict, **options: str) -> str:
    user = settings_dict["USER"] + (f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else "")
    query = "&".join(f"{k}={v}" for k, v in options.items())
    host = settings_dict["HOST"] or "127.0.0.1"
    return f"postgres://{user}@{host}:{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}?{query}"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL drops idle connections; SQLite has none")
def test_a_kept_connection_that_postgresql_dropped_is_replaced_before_the_next_request(db, tmp_path):
    name = f"brug-conn-{uuid.uuid4().hex[:8]}"
    with entrypoint_web(
        tmp_path,
        BRUG_SECRET_KEY=STRONG_KEY,
        DATABASE_URL=_url(connection.settings_dict, application_name=name),
        BRUG_DB_CONN_MAX_AGE="600",
        BRUG_WEB_THREADS="1",
        BRUG_MEDIA_ROOT=str(tmp_path / "media"),
    ) as base:
        assert get(f"{base}/cases/")[0] == 200
        with psycopg.connect(_url(connection.settings_dict).rstrip("?"), autocommit=True) as admin:
            killed = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s", [name]
            ).fetchall()
        assert killed == [(True,)]  # the server kept exactly one connection, and it is gone now
        assert get(f"{base}/cases/")[0] == 200
