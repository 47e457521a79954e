"""Operations: the scheduled jobs, their last and next runs, for coordinators, administrators and superusers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from accounts.access import require
from api.auth import acting_user
from api.errors import codes
from operations.scheduler import scheduler_status

router = Router(tags=["Operations"])


class ScheduledJobOut(Schema):
    name: str
    when: str = Field(description="The schedule in words, e.g. `every 1 min` or `daily at 07:00`.")
    last_run_at: dt.datetime | None
    last_status: str = Field(description="`ok`, `failed`, `queued`, `running`, `skipped` (not installed), or empty.")
    last_error_at: dt.datetime | None
    last_error: str = Field(description="The last line of the last failure's error (superusers: all of it).")
    next_run_at: dt.datetime


@router.get("/schedule", response=codes({200: list[ScheduledJobOut]}, 403), summary="Scheduled jobs")
def schedule(request: HttpRequest) -> list[dict[str, Any]]:
    """Every periodic job: when it last ran and how that went, its last error, and its next run."""
    user = acting_user(request)
    require(user, "operations.view_schedule")
    jobs = scheduler_status()
    for job in jobs:
        job["when"] = str(job["when"])
        if not user.is_superuser:
            job["last_error"] = job["last_error_line"]
    return jobs
