"""A schedule for the scheduler's tests: a job that counts, one that fails, a task, and one not installed."""

import datetime as dt

from django_tasks import task

RUNS: list[str] = []


def count() -> None:
    RUNS.append("count")


def fail() -> None:
    raise RuntimeError("the mail server is down")


@task()
def queued_job() -> int:
    RUNS.append("queued")
    return 1


SCHEDULE = [
    {"name": "count", "path": "operations.tests.sample_schedule.count", "every": dt.timedelta(minutes=1)},
    {"name": "fail", "path": "operations.tests.sample_schedule.fail", "every": dt.timedelta(minutes=5)},
    {"name": "queued", "path": "operations.tests.sample_schedule.queued_job", "daily_at": dt.time(7, 0)},
    {"name": "absent", "path": "privacy.tasks.apply_retention_not_here", "daily_at": dt.time(3, 0)},
]
