"""What compose.yaml describes, as processes on this machine: every process is started through
bin/brug-entrypoint (the container's entrypoint) in a session of its own, so that it and its children
(gunicorn's workers) are stopped together by their process group, whatever happened in the test."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

from tests.production.helpers import ROOT, base_env, free_port, get


class Stack:
    def __init__(self, tmp: Path, env: dict[str, str]) -> None:
        self.tmp = tmp
        self.env = env
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def run(self, *args: str, timeout: float = 600, **extra: str) -> str:
        """One command through the entrypoint (``migrate``, ``manage ...``) to its end; its output."""
        done = subprocess.run(
            [str(ROOT / "bin" / "brug-entrypoint"), *args],
            cwd=ROOT,
            env=base_env(**self.env, **extra),
            capture_output=True,
            text=True,
            timeout=timeout,
            start_new_session=True,
        )
        assert done.returncode == 0, f"brug-entrypoint {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def start(self, name: str, *args: str, **extra: str) -> subprocess.Popen[bytes]:
        with (self.tmp / f"{name}.log").open("wb") as log:
            process = subprocess.Popen(
                [str(ROOT / "bin" / "brug-entrypoint"), *args],
                cwd=ROOT,
                env=base_env(**self.env, **extra),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes[name] = process
        return process

    def web(self, name: str, **extra: str) -> str:
        """A gunicorn server on a free port; its base URL."""
        port = free_port()
        self.start(name, "web", BRUG_BIND=f"127.0.0.1:{port}", **extra)
        return f"http://127.0.0.1:{port}"

    def wait_healthy(self, name: str, base: str, timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        while True:
            process = self.processes[name]
            if process.poll() is not None:
                raise AssertionError(f"{name} stopped:\n{self.log(name)}")
            try:
                if get(f"{base}/healthz", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"{name} did not answer /healthz:\n{self.log(name)}")
            time.sleep(0.3)

    def kill(self, name: str) -> None:
        """SIGKILL, as the kernel's out-of-memory killer or a pulled plug would; the process is reaped
        so that it is really gone (a zombie still answers ``kill -0``)."""
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for process in self.processes.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            # Whatever is left of the group (a gunicorn worker that outlived its master).
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
