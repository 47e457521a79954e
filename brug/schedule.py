"""Brug's periodic jobs, in one place; ``manage.py scheduler`` runs them (``operations.scheduler``).

Each job names a dotted path: a task is queued for the worker (``db_worker``); a plain function
runs inside the scheduler's process (kept for quick checks that must run even when every worker
is gone). ``every`` repeats at a fixed interval; ``daily_at`` once a day at that local time.
A job whose path does not exist (an app not installed) is shown as such and skipped.
"""

import datetime as dt

SCHEDULE = [
    # Tasks whose worker was killed: queue them again, or fail them with a message.
    {"name": "lost-tasks", "path": "operations.workers.recover_lost_tasks", "every": dt.timedelta(minutes=1)},
    # Imports whose task was given up: say so on the import, offer retry and cancel.
    {
        "name": "interrupted-imports",
        "path": "imports.tasks.recover_interrupted_imports",
        "every": dt.timedelta(minutes=1),
    },
    # Mail whose retry is due (the outbox also plans each retry itself; this catches any lost one).
    {"name": "outbox", "path": "mail.tasks.flush_outbox", "every": dt.timedelta(minutes=5)},
    {"name": "agreement-reminders", "path": "agreements.tasks.send_due_reminders", "daily_at": dt.time(7, 0)},
    {"name": "matching-digests", "path": "matching.tasks.send_digests", "daily_at": dt.time(8, 0)},
    {"name": "retention", "path": "network.tasks.apply_retention", "daily_at": dt.time(3, 0)},
    {"name": "prune-history", "path": "operations.scheduler.prune_history", "daily_at": dt.time(4, 0)},
]
