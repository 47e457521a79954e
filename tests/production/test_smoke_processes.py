"""Production, proved as processes (issue 14, point 9): what compose.yaml describes, started on this
machine through bin/brug-entrypoint with debug off and a strong secret key read from a file: two
gunicorn servers on two ports over ONE PostgreSQL database (made for this test and dropped after it)
and one Redis, two task workers and the scheduler. Only the TLS proxy is left out (plain HTTP on
127.0.0.1). A person signs in on server A and goes on on server B; a rate limit counted on A holds on
B; a large import started on A is followed on B while one worker is killed with SIGKILL in the middle
of it and the other finishes it; /readyz answers on both.

Runs when PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) answer, skips otherwise; alone:
``make test-production``.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from typing import Any

import psycopg
import pytest
import redis
import requests
from django.conf import settings
from django.db import connection

from tests.production.helpers import STRONG_KEY
from tests.production.stack import Stack

pytestmark = pytest.mark.production_smoke

REDIS_URL = "redis://127.0.0.1:6379/6"
ROWS = 10000  # a large import: more than imports.services.BACKGROUND_ROWS, so the worker runs it
PASSWORD = "Een-lang-wachtwoord-voor-de-rooktest-7731"
BAD_PASSWORD = "niet-het-wachtwoord"


def _postgres_server() -> dict[str, Any]:
    """How to reach PostgreSQL as its administrator: the test run's own server when it runs on
    PostgreSQL, the machine's (127.0.0.1:5432, user postgres, PGPASSWORD if set) otherwise."""
    if connection.vendor == "postgresql":
        db = settings.DATABASES["default"]
        return {
            "host": db.get("HOST") or "127.0.0.1",
            "port": int(db.get("PORT") or 5432),
            "user": db.get("USER") or "postgres",
            "password": db.get("PASSWORD") or os.environ.get("PGPASSWORD") or None,
        }
    return {"host": "127.0.0.1", "port": 5432, "user": "postgres", "password": os.environ.get("PGPASSWORD") or None}


def _url(server: dict[str, Any], name: str) -> str:
    password = f":{server['password']}" if server["password"] else ""
    return f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"


def _sql(server: dict[str, Any], dbname: str, query: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(dbname=dbname, autocommit=True, connect_timeout=5, **server) as conn:
        cursor = conn.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def wait_for(check: Callable[[], Any], *, timeout: float, what: str, every: float = 0.3) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture
def services() -> Iterator[dict[str, Any]]:
    server = _postgres_server()
    try:
        _sql(server, "postgres", "SELECT 1")
    except psycopg.Error as error:
        pytest.skip(f"the production smoke test needs PostgreSQL on {server['host']}:{server['port']}: {error}")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.skip(f"the production smoke test needs Redis on 127.0.0.1:6379: {error}")
    name = f"brug_smoke_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    prefix = f"brug-smoke-{uuid.uuid4().hex[:8]}"
    _sql(server, "postgres", f'CREATE DATABASE "{name}"')
    try:
        yield {"server": server, "name": name, "prefix": prefix}
    finally:
        _sql(server, "postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


@pytest.fixture
def stack(services, tmp_path) -> Iterator[Stack]:
    secrets = tmp_path / "secrets"
    secrets.mkdir(mode=0o700)
    (secrets / "brug_secret_key").write_text(STRONG_KEY + "\n")
    (secrets / "brug_database_url").write_text(_url(services["server"], services["name"]) + "\n")
    env = {
        # As compose.yaml's x-brug environment, on 127.0.0.1 without the TLS proxy.
        "BRUG_PYTHON": sys.executable,
        "BRUG_SECRET_KEY_FILE": str(secrets / "brug_secret_key"),
        "DATABASE_URL_FILE": str(secrets / "brug_database_url"),
        "BRUG_DB_CONN_MAX_AGE": "60",
        "BRUG_CACHE_URL": REDIS_URL,
        "BRUG_CACHE_PREFIX": services["prefix"],
        "BRUG_ALLOWED_HOSTS": "127.0.0.1",
        "BRUG_MEDIA_ROOT": str(tmp_path / "media"),  # the shared media volume
        "BRUG_LOG_LEVEL": "info",
        # Quicker than production, so that the test is short: heartbeats every second, lost-task
        # checks every 5 seconds (tests/production/smoke_schedule.py).
        "BRUG_WORKER_HEARTBEAT_SECONDS": "1",
        "BRUG_SCHEDULE_MODULE": "tests.production.smoke_schedule",
    }
    s = Stack(tmp_path, env)
    try:
        yield s
    finally:
        s.stop_all()


class _Form(HTMLParser):
    """The fields of the forms of a page: name -> value (a select's chosen option)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in {"submit", "checkbox", "radio", "file"}:
            self.fields.setdefault(a["name"] or "", a.get("value") or "")
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def fields(html: str) -> dict[str, str]:
    parser = _Form()
    parser.feed(html)
    return parser.fields


def browser() -> requests.Session:
    session = requests.Session()
    session.headers["Accept-Language"] = "en"
    return session


def sign_in(session: requests.Session, base: str, username: str, password: str) -> requests.Response:
    token = fields(session.get(f"{base}/login/").text)["csrfmiddlewaretoken"]
    return session.post(
        f"{base}/login/",
        data={"login": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/login/"},
        allow_redirects=False,
    )


def progress(session: requests.Session, base: str, job: str) -> tuple[int, int, bool]:
    """What the import page's progress bar shows on this server: done, total, and whether it goes on."""
    response = session.get(f"{base}/imports/{job}/progress/", allow_redirects=False)
    assert response.status_code == 200, response.status_code
    bar = re.search(r'<progress[^>]*max="(\d+)"[^>]*value="(\d+)"', response.text)
    assert bar, response.text
    return int(bar.group(2)), int(bar.group(1)), "hx-get=" in response.text


def _csv(rows: int) -> bytes:
    lines = ["Naam;Straat;Postcode;Gemeente"]
    lines += [f"Rooktest vzw {n};Dorpsstraat {n % 200 + 1};9000;Gent" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


SET_UP = """
import json
from accounts.models import Role, User
from tests import factories as f
institution = f.make_institution("Hogeschool Rooktest", slug="rooktest")
for name in ("coordinator", "locked-out"):
    user = f.make_user(Role.COORDINATOR, institution=institution, username=name, language="en")
    user.set_password({password!r})
    user.save()
print(json.dumps({{"users": User.objects.count()}}))
"""


def test_two_servers_two_workers_and_the_scheduler_share_one_database_and_one_cache(stack, services):
    server, db = services["server"], services["name"]

    def task_of(job: str) -> tuple[str, list[str]]:
        rows = _sql(
            server,
            db,
            "SELECT t.status, t.worker_ids FROM imports_importjob j "
            "JOIN django_tasks_database_dbtaskresult t ON t.id::text = j.task_id WHERE j.public_id = %s",
            (job,),
        )
        return (rows[0][0], list(rows[0][1])) if rows else ("", [])

    def job_state(job: str) -> tuple[str, int]:
        status, job_id = _sql(server, db, "SELECT status, id FROM imports_importjob WHERE public_id = %s", (job,))[0]
        count = _sql(server, db, "SELECT count(*) FROM imports_importrow WHERE job_id = %s", (job_id,))[0][0]
        return status, count

    # The one-off steps compose.yaml runs first, through the same entrypoint.
    stack.run("migrate", PGOPTIONS="-c synchronous_commit=off")  # a faster test; production keeps the default
    made = stack.run("manage", "shell", "-c", SET_UP.format(password=PASSWORD))
    assert json.loads(made.strip().splitlines()[-1]) == {"users": 2}

    a = stack.web("web-a", BRUG_WEB_WORKERS="1", BRUG_WEB_THREADS="4")
    b = stack.web("web-b", BRUG_WEB_WORKERS="1", BRUG_WEB_THREADS="4")
    for n in (1, 2):
        stack.start(f"worker-{n}", "worker", "--worker-id", f"smoke-worker-{n}", "--interval", "0.2")
    stack.start("scheduler", "scheduler", "--interval", "1")
    stack.wait_healthy("web-a", a)
    stack.wait_healthy("web-b", b)

    # Debug is off: an unknown page is a plain 404, without Django's debug page.
    missing = requests.get(f"{b}/no-such-page/")
    assert missing.status_code == 404 and "Traceback" not in missing.text and "URLconf" not in missing.text

    # 1. Signed in on A, the same session cookie is signed in on B.
    on_a = browser()
    assert sign_in(on_a, a, "coordinator", PASSWORD).status_code == 302
    on_b = browser()
    for cookie in on_a.cookies:
        on_b.cookies.set(cookie.name, cookie.value)
    assert on_b.get(f"{b}/imports/", allow_redirects=False).status_code == 200
    assert browser().get(f"{b}/imports/", allow_redirects=False).status_code == 302, "a stranger is sent to sign in"

    # 2. The failed sign-ins counted on A lock the account on B too (the counter is in Redis).
    stranger_a = browser()
    for _ in range(settings.BRUG_LOGIN_FAILURES_PER_ACCOUNT):
        refused = sign_in(stranger_a, a, "locked-out", BAD_PASSWORD)
        assert refused.status_code == 200 and "Too many failed" not in refused.text
    on_b_locked = sign_in(browser(), b, "locked-out", PASSWORD)
    assert on_b_locked.status_code == 200, "the right password is refused on the other server"
    assert "Too many failed login attempts" in on_b_locked.text

    # 3. A large import, uploaded on A; its preview goes to a worker and is followed on B.
    token = fields(on_a.get(f"{a}/imports/").text)["csrfmiddlewaretoken"]
    uploaded = on_a.post(
        f"{a}/imports/",
        data={"kind": "organisations", "csrfmiddlewaretoken": token},
        files={"file": ("rooktest.csv", _csv(ROWS), "text/csv")},
        headers={"Referer": f"{a}/imports/"},
        allow_redirects=False,
    )
    assert uploaded.status_code == 302, uploaded.text[-2000:]
    job = uploaded.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    mapping = {k: v for k, v in fields(on_a.get(f"{a}/imports/{job}/").text).items() if k.startswith("column_")}
    assert "name" in mapping.values(), mapping
    started = on_a.post(
        f"{a}/imports/{job}/mapping/",
        data={**mapping, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{a}/imports/{job}/"},
        allow_redirects=False,
    )
    assert started.status_code == 302

    # 4. Mid-task, the worker that holds the preview is killed; B still shows it going on.
    first_worker = wait_for(
        lambda: (t := task_of(job))[0] == "RUNNING" and t[1][-1], timeout=120, what="a worker to take the preview"
    )
    done, total, going_on = wait_for(
        lambda: (p := progress(on_b, b, job))[0] > 0 and p, timeout=180, what="the first rows on B", every=0.1
    )
    assert 0 < done < total == ROWS and going_on
    stack.kill(first_worker.replace("smoke-worker-", "worker-"))
    status, rows = job_state(job)
    assert status == "previewing" and rows < ROWS, "killed halfway: the preview is not done"

    # The scheduler sees the worker gone and queues the task again; the other worker runs it to the end.
    wait_for(lambda: not progress(on_b, b, job)[2], timeout=300, what="the preview on the other worker", every=0.5)
    status, workers = task_of(job)
    other = "smoke-worker-2" if first_worker == "smoke-worker-1" else "smoke-worker-1"
    assert (status, workers) == ("SUCCESSFUL", [first_worker, other])
    assert job_state(job) == ("previewed", ROWS), "the preview started over: no orphan or doubled rows"

    # 5. The import itself, confirmed on A, runs on the surviving worker and is followed on B to the end.
    confirmed = on_a.post(
        f"{a}/imports/{job}/decide/",
        data={"confirm": "1", "csrfmiddlewaretoken": token},
        headers={"Referer": f"{a}/imports/{job}/"},
        allow_redirects=False,
    )
    assert confirmed.status_code == 302
    wait_for(lambda: not progress(on_b, b, job)[2], timeout=300, what="the import to finish", every=0.5)
    assert job_state(job)[0] == "done"
    assert task_of(job) == ("SUCCESSFUL", [other])
    made = _sql(server, db, "SELECT count(*) FROM network_organisation WHERE name LIKE 'Rooktest vzw %%'")[0][0]
    assert made == ROWS
    assert on_b.get(f"{b}/imports/{job}/", allow_redirects=False).status_code == 200

    # 6. Both servers are ready: database, Redis, migrations; the scheduler's last run is known.
    for base in (a, b):
        ready = requests.get(f"{base}/readyz")
        body = ready.json()
        assert ready.status_code == 200 and body["status"] == "ok", body
        assert body["checks"]["cache"] == {"ok": True, "backend": "RedisCache"}
        assert body["checks"]["migrations"] == {"ok": True, "unapplied": 0}
        assert body["checks"]["scheduler"]["known"] and body["checks"]["scheduler"]["last_run"], body
    for name in ("web-a", "web-b", "scheduler", f"worker-{other[-1]}"):
        assert stack.processes[name].poll() is None, f"{name} stopped:\n{stack.log(name)}"
