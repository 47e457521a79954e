"""A large preview or import whose background worker was lost: the page and the API say so instead of
"it continues", its half-written rows go, and the user can retry or cancel. (The real SIGKILL of a
worker process is in operations/tests/test_lost_worker.py.)"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from api.tests.support import ApiClient
from audit.models import AuditEntry
from imports import services
from imports.models import ImportJob, ImportRow
from operations.workers import recover_lost_tasks

ROWS = services.BACKGROUND_ROWS + 10


@pytest.fixture
def queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.BRUG_TASK_MAX_ATTEMPTS = 1


def _big_csv() -> bytes:
    lines = ["Naam;Straat;Postcode;Gemeente"] + [f"Vereniging {n};Dorpsstraat 1;9000;Gent" for n in range(ROWS)]
    return ("\n".join(lines) + "\n").encode()


def _previewing(world) -> ImportJob:
    job = services.create_job(
        by=world.coordinator, institution=world.a, kind="organisations", name="groot.csv", data=_big_csv()
    )
    services.set_mapping(job, job.mapping)
    services.start_preview(job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWING and job.task_id
    return job


def _lose_the_worker(job: ImportJob) -> None:
    """The worker took the task, wrote part of the preview, and died without a heartbeat."""
    DBTaskResult.objects.filter(pk=job.task_id).update(
        status="RUNNING", started_at=timezone.now() - dt.timedelta(hours=1), worker_ids=["gone"]
    )
    ImportRow.objects.create(job=job, row_number=3, action=ImportRow.Action.CREATE, data={"name": "half"})
    assert recover_lost_tasks()["failed"] == [job.task_id]


def test_the_page_says_the_worker_was_lost_removes_the_half_preview_and_offers_retry(world, queue, as_user, english):
    job = _previewing(world)
    _lose_the_worker(job)

    page = as_user(world.coordinator).get(f"/imports/{job.public_id}/")
    assert page.status_code == 200
    assert "background worker was lost" in page.text
    assert f"/imports/{job.public_id}/retry/" in page.text and f"/imports/{job.public_id}/cancel/" in page.text
    job.refresh_from_db()
    assert (job.status, job.interrupted) == (ImportJob.Status.FAILED, "previewing")
    assert not ImportRow.objects.filter(job=job).exists()

    assert as_user(world.faculty).post(f"/imports/{job.public_id}/retry/").status_code == 403
    assert as_user(world.outsider).post(f"/imports/{job.public_id}/retry/").status_code == 404
    response = as_user(world.coordinator).post(f"/imports/{job.public_id}/retry/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWING and job.error == ""
    assert DBTaskResult.objects.get(pk=job.task_id).status == "READY", "a new task for the worker"
    assert AuditEntry.objects.filter(action="retried import", actor=world.coordinator).exists()


def test_the_api_shows_an_interrupted_import_and_cancels_it_back_to_the_mapping(world, queue, english):
    job = _previewing(world)
    _lose_the_worker(job)
    client = ApiClient(world.coordinator)

    detail = client.get(f"/imports/{job.public_id}").json()
    assert detail["status"] == "failed" and detail["can_retry"] and detail["can_cancel"]
    assert "worker was lost" in detail["error"]

    assert ApiClient(world.outsider).post(f"/imports/{job.public_id}/cancel", {}).status_code == 404
    response = client.post(f"/imports/{job.public_id}/cancel", {})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "mapped" and not response.json()["can_retry"]
    assert client.post(f"/imports/{job.public_id}/retry", {}).status_code == 400


def test_a_preview_still_waiting_for_the_worker_can_be_cancelled_and_the_worker_then_does_nothing(
    world, queue, as_user
):
    job = _previewing(world)
    response = as_user(world.coordinator).post(f"/imports/{job.public_id}/cancel/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.MAPPED
    from imports.tasks import preview_task

    preview_task.call(job.pk)  # the worker gets to the task after all
    job.refresh_from_db()
    assert job.status == ImportJob.Status.MAPPED and not ImportRow.objects.filter(job=job).exists()


def test_an_import_being_written_cannot_be_cancelled_halfway(world, queue, english):
    job = _previewing(world)
    DBTaskResult.objects.filter(pk=job.task_id).update(status="RUNNING", started_at=timezone.now())
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.IMPORTING)
    response = ApiClient(world.coordinator).post(f"/imports/{job.public_id}/cancel", {})
    assert response.status_code == 400
    assert "cannot be stopped halfway" in response.content.decode()
