"""Brug as a process: settings read in a fresh interpreter with exactly the given environment,
and servers started through bin/brug-entrypoint on a free port."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "a-secret-key-of-our-own-for-this-test-only-4f9c2e7d1b8a6350cf2e91d7"


def base_env(**env: str) -> dict[str, str]:
    """A clean environment: none of the test run's BRUG_ variables, only what the test gives."""
    kept = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR", "PGPASSWORD"}}
    return {**kept, "DJANGO_SETTINGS_MODULE": "brug.settings", "PYTHONDONTWRITEBYTECODE": "1", **env}


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=base_env(**env), capture_output=True, text=True, timeout=120
    )


def read_settings(*names: str, **env: str) -> dict[str, object]:
    """The named settings as Brug computes them from ``env`` (fails the test if Brug refuses to start)."""
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}, default=str))"
    )
    done = run_python(code, **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def refusal(**env: str) -> str:
    """The message with which Brug refuses to start with ``env`` (fails the test if it starts)."""
    done = run_python("from django.conf import settings; settings.DEBUG", **env)
    assert done.returncode != 0, "Brug started with settings it should refuse"
    assert "ImproperlyConfigured" in done.stderr, done.stderr
    return done.stderr.strip().splitlines()[-1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, *, timeout: float = 60) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@contextmanager
def entrypoint_web(tmp_path: Path, **env: str) -> Iterator[str]:
    """`bin/brug-entrypoint web` on a free port; yields its base URL once /healthz answers."""
    port = free_port()
    server_env = {
        "BRUG_PYTHON": sys.executable,
        "BRUG_BIND": f"127.0.0.1:{port}",
        "BRUG_WEB_WORKERS": "1",
        "BRUG_WEB_THREADS": "2",
        **env,
    }
    log = (tmp_path / "web.log").open("w")
    try:
        server = subprocess.Popen(
            [str(ROOT / "bin" / "brug-entrypoint"), "web"],
            cwd=ROOT,
            env=base_env(**server_env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    except OSError:
        log.close()
        raise
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if server.poll() is not None:
                raise AssertionError(f"the server stopped: {(tmp_path / 'web.log').read_text()}")
            try:
                if get(f"{base}/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"the server did not answer: {(tmp_path / 'web.log').read_text()}")
            time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
