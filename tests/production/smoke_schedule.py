"""The schedule of the production smoke test: Brug's own (``brug/schedule.py``), with the two checks
for lost work every 5 seconds instead of every minute, so that a killed worker's task is found in
seconds rather than at the next whole minute. Every other job is the real one."""

import datetime as dt

from brug.schedule import SCHEDULE as BRUG_SCHEDULE

FAST = {"lost-tasks", "interrupted-imports"}

SCHEDULE = [{**job, "every": dt.timedelta(seconds=5)} if job["name"] in FAST else job for job in BRUG_SCHEDULE]
