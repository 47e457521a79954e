"""The scheduler runs each slot of each job once, however many schedulers run; a failure is recorded
and does not stop the next run; the office sees last and next runs and the last error."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from api.tests.support import ApiClient
from operations import scheduler
from operations.models import ScheduledRun
from operations.tests import sample_schedule

T0 = dt.datetime(2027, 3, 1, 6, 59, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def sample(settings):
    settings.BRUG_SCHEDULE_MODULE = "operations.tests.sample_schedule"
    settings.TIME_ZONE = "UTC"
    sample_schedule.RUNS.clear()
    yield
    sample_schedule.RUNS.clear()


def _runs(job: str) -> list[ScheduledRun]:
    return list(ScheduledRun.objects.filter(job=job).order_by("slot"))


def test_two_schedulers_looking_at_the_same_moment_run_each_job_once(db):
    first = scheduler.run_due(now=T0)
    second = scheduler.run_due(now=T0 + dt.timedelta(seconds=20))  # another scheduler, same slots
    assert {r.job for r in first} == {"count", "fail", "queued", "absent"}
    assert second == []
    assert sample_schedule.RUNS.count("count") == 1
    assert ScheduledRun.objects.filter(job="count").count() == 1


def test_a_failed_run_is_recorded_and_the_next_slot_runs_all_the_same(db):
    scheduler.run_due(now=T0)
    failed = _runs("fail")[0]
    assert failed.status == ScheduledRun.Status.FAILED
    assert "RuntimeError: the mail server is down" in failed.error and failed.finished_at
    scheduler.run_due(now=T0 + dt.timedelta(minutes=5))
    assert [r.status for r in _runs("fail")] == ["failed", "failed"]
    # Meanwhile the other jobs went on: one run per minute slot.
    assert len(_runs("count")) == 2


def test_a_task_job_is_queued_for_the_worker_and_its_outcome_kept(db):
    scheduler.run_due(now=T0)
    run = _runs("queued")[0]
    # 06:59: the 07:00 job's latest slot is yesterday's (a scheduler started late still runs it once).
    assert run.slot == dt.datetime(2027, 2, 28, 7, 0, tzinfo=dt.UTC)
    assert run.task_id and run.status == ScheduledRun.Status.OK  # the immediate backend ran it
    scheduler.run_due(now=T0 + dt.timedelta(seconds=29))
    assert len(_runs("queued")) == 1
    scheduler.run_due(now=T0 + dt.timedelta(seconds=31))  # 07:00:01
    assert [r.slot.hour for r in _runs("queued")] == [7, 7] and sample_schedule.RUNS.count("queued") == 2


def test_a_job_whose_app_is_not_installed_is_skipped_with_a_note(db):
    scheduler.run_due(now=T0)
    run = _runs("absent")[0]
    assert run.status == ScheduledRun.Status.SKIPPED and "apply_retention_not_here" in run.error


def test_the_status_gives_last_and_next_run_and_the_last_error_per_job(db):
    scheduler.run_due(now=T0)
    status = {job["name"]: job for job in scheduler.scheduler_status(now=T0)}
    assert status["count"]["last_status"] == "ok"
    assert status["count"]["next_run_at"] == dt.datetime(2027, 3, 1, 7, 0, tzinfo=dt.UTC)
    assert status["queued"]["next_run_at"] == dt.datetime(2027, 3, 1, 7, 0, tzinfo=dt.UTC)
    assert status["fail"]["last_error_line"] == "RuntimeError: the mail server is down"
    assert scheduler.last_run_at() is not None


def test_the_office_sees_the_schedule_on_its_page_and_in_the_api(world, as_user):
    scheduler.run_due(now=timezone.now())
    page = as_user(world.coordinator).get("/office/schedule/")
    assert page.status_code == 200
    assert "RuntimeError: the mail server is down" in page.text and 'id="job-count"' in page.text
    assert "Traceback" not in page.text, "the full traceback is for superusers"
    assert as_user(world.faculty).get("/office/schedule/").status_code == 403
    assert as_user(None).get("/office/schedule/").status_code == 302

    response = ApiClient(world.coordinator).get("/operations/schedule")
    assert response.status_code == 200
    jobs = {job["name"]: job for job in response.json()}
    assert jobs["fail"]["last_status"] == "failed"
    assert jobs["fail"]["last_error"] == "RuntimeError: the mail server is down"
    assert jobs["count"]["next_run_at"]
    assert ApiClient(world.faculty).get("/operations/schedule").status_code == 403
    assert ApiClient(None).get("/operations/schedule").status_code == 401


def test_the_real_schedule_names_every_periodic_job_of_brug(settings):
    settings.BRUG_SCHEDULE_MODULE = "brug.schedule"
    names = {job.name for job in scheduler.schedule()}
    assert {"lost-tasks", "interrupted-imports", "outbox", "agreement-reminders", "matching-digests"} <= names
    assert {"retention", "prune-history"} <= names
