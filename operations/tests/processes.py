"""Brug as separate processes over a database of their own, for tests that kill and restart them.

``Deployment`` makes a throwaway database (a SQLite file, or a uniquely named PostgreSQL database
when the tests run on PostgreSQL), migrates it with ``manage.py migrate`` and runs commands and
long-lived processes (workers, the scheduler) against it; ``drop()`` removes everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _admin_url(name: str) -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


def _pg(sql: str) -> None:
    import psycopg

    db = settings.DATABASES["default"]
    with psycopg.connect(
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        user=db.get("USER") or "postgres",
        password=db.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(sql)


class Deployment:
    def __init__(self, tmp: Path, **env: str) -> None:
        self.tmp = tmp
        self.name = f"brug_proc_{uuid.uuid4().hex[:12]}"
        self.media = tmp / "media"
        self.env = {
            **os.environ,
            "BRUG_MEDIA_ROOT": str(self.media),
            "BRUG_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "BRUG_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        if on_postgresql():
            _pg(f'CREATE DATABASE "{self.name}"')
            self.env["DATABASE_URL"] = _admin_url(self.name)
        else:
            self.env.pop("DATABASE_URL", None)
            self.env["BRUG_SQLITE_NAME"] = str(tmp / f"{self.name}.sqlite3")
        self.processes: list[subprocess.Popen[bytes]] = []

    def manage(self, *args: str, env: dict[str, str] | None = None, timeout: float = 1800) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def python(self, code: str, **kwargs: Any) -> Any:
        """Run Python in a Django shell against this deployment; returns what the code printed, as JSON."""
        out = self.manage("shell", "-c", code, **kwargs)
        return json.loads(out.strip().splitlines()[-1]) if out.strip() else None

    def start(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.processes.append(process)
        return process

    def drop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)
        if on_postgresql():
            _pg(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def wait_for(check: Callable[[], Any], *, timeout: float = 120, every: float = 0.2, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what or check}")
