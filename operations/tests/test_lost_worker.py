"""A worker killed with SIGKILL in the middle of a large preview, for real: separate processes over a
database of their own. The lost-task check finds the task, and another worker runs it again to the
end; after the last attempt it is failed instead, the import says so, its half-written rows are
removed, and the user can retry."""

from __future__ import annotations

import os
import signal

import pytest

from operations.tests.processes import Deployment, wait_for

ROWS = 30000


@pytest.fixture
def deployment(tmp_path):
    d = Deployment(tmp_path, BRUG_WORKER_HEARTBEAT_SECONDS="1")
    try:
        d.manage("migrate", "--noinput")
        yield d
    finally:
        d.drop()


def _state(d: Deployment, job: int) -> dict:
    return d.python(f"from operations.tests.scenario import job_state; job_state({job})")


def _start_and_kill(d: Deployment, worker_id: str) -> int:
    started = d.python(f"from operations.tests.scenario import start_big_preview; start_big_preview({ROWS})")
    assert started["status"] == "previewing"
    job = started["job"]
    worker = d.start("db_worker", "--no-startup-delay", "--interval", "0.2", "--worker-id", worker_id)
    wait_for(lambda: _state(d, job)["rows"] > 0, timeout=240, every=0.5, what="the first preview rows")
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    state = _state(d, job)
    # What the user saw before: "previewing" forever, and half a preview in the table.
    assert state["status"] == "previewing" and state["task"] == "RUNNING"
    assert 0 < state["rows"] < ROWS
    return job


def test_a_task_on_a_killed_worker_is_run_again_by_another_worker_and_finishes(deployment):
    d = deployment
    job = _start_and_kill(d, "first")

    assert "lost-tasks: ok" in d.manage("scheduler", "--run", "lost-tasks")
    assert _state(d, job)["task"] == "READY"

    d.manage("db_worker", "--batch", "--no-startup-delay", "--interval", "0", "--worker-id", "second")
    state = _state(d, job)
    assert state["status"] == "previewed" and state["task"] == "SUCCESSFUL"
    assert state["workers"] == ["first", "second"]
    assert state["rows"] == ROWS, "the second run starts the preview over: no orphan or doubled rows"


def test_after_the_last_attempt_the_import_fails_with_a_message_and_can_be_retried(deployment):
    d = deployment
    job = _start_and_kill(d, "only")

    d.manage("scheduler", "--run", "lost-tasks", env={"BRUG_TASK_MAX_ATTEMPTS": "1"})
    assert _state(d, job)["task"] == "FAILED"
    d.manage("scheduler", "--run", "interrupted-imports")
    state = _state(d, job)
    assert state["status"] == "failed" and state["interrupted"] == "previewing"
    assert "worker" in state["error"]  # in the user's language: "achtergrondproces" or "background worker"
    assert state["rows"] == 0, "the half-written preview is removed"

    # Retry: the preview goes back to the worker and runs to the end.
    d.python(
        "from imports.models import ImportJob; from imports.services import retry_job; "
        f"job = ImportJob.objects.get(pk={job}); retry_job(job, by=job.created_by); print('{{}}')"
    )
    d.manage("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    state = _state(d, job)
    assert state["status"] == "previewed" and state["rows"] == ROWS
