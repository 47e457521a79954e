"""Steps run inside a deployment's own processes (``manage.py shell -c``) by the process tests."""

from __future__ import annotations

import json

from accounts.models import Role
from imports import services
from imports.models import ImportJob, ImportRow
from tests import factories as f


def _csv(rows: int) -> bytes:
    lines = ["Naam;Straat;Postcode;Gemeente"]
    lines += [f"Vereniging {n};Dorpsstraat {n % 200 + 1};9000;Gent" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def start_big_preview(rows: int) -> None:
    """An office user uploads a large file and asks for its preview: it goes to the task worker."""
    institution = f.make_institution("Hogeschool Proces", slug=f"proces-{ImportJob.objects.count()}")
    user = f.make_user(Role.COORDINATOR, institution=institution)
    job = services.create_job(by=user, institution=institution, kind="organisations", name="groot.csv", data=_csv(rows))
    services.set_mapping(job, job.mapping)
    services.start_preview(job)
    job.refresh_from_db()
    print(json.dumps({"job": job.pk, "public_id": str(job.public_id), "status": job.status}))


def job_state(job_id: int) -> None:
    from django_tasks_db.models import DBTaskResult

    job = ImportJob.objects.get(pk=job_id)
    task = DBTaskResult.objects.filter(pk=job.task_id).first()
    print(
        json.dumps(
            {
                "status": job.status,
                "interrupted": job.interrupted,
                "error": job.error,
                "rows": ImportRow.objects.filter(job=job).count(),
                "task": task.status if task else "",
                "workers": task.worker_ids if task else [],
                "done": services.read_progress(job)[0],
            }
        )
    )


def edit_after_demo() -> None:
    """Edits on top of the demo: an upload (a media file) and a changed organisation with its history."""
    from network.models import Organisation

    start_big_preview(50)
    organisation = Organisation.objects.order_by("pk").first()
    organisation.mission = "Na de demo bijgewerkt ✓"
    organisation.save()
    print(json.dumps({"ok": True}))


def table_digest() -> None:
    """Every table's row count and a checksum of all its rows, in any order."""
    import hashlib

    from django.db import connection

    digest = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - introspected
            rows = sorted(repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)) for row in cursor)
            digest[table] = [len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()]
    print(json.dumps(digest))
