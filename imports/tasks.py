"""Large imports run in the task worker; the page polls their progress. Tasks take ids, not objects."""

from __future__ import annotations

from django_tasks import task

from accounts.models import User
from imports.models import ImportJob
from lib.scoping import unscoped


@task()
@unscoped("a task acts for the system, not for the user whose request queued it")
def preview_task(job_id: int) -> None:
    from imports.services import build_preview

    job = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.PREVIEWING).first()
    if job is not None:
        build_preview(job)


@task()
@unscoped("a task acts for the system, not for the user whose request queued it")
def import_task(job_id: int, user_id: int | None) -> None:
    from imports.services import run_import

    job = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.IMPORTING).first()
    if job is not None:
        run_import(job, by=User.objects.filter(pk=user_id).first() if user_id else None)


def recover_interrupted_imports() -> int:
    """Scheduled (in the scheduler's process): previews and imports whose worker was lost for good."""
    from imports.services import recover_interrupted_imports as recover

    return recover()
