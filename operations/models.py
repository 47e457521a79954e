"""What keeps Brug running: the task workers' heartbeats and the scheduler's runs."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One task worker process, seen alive at ``last_seen``: the liveness behind each running task.

    A worker writes its row when it starts its first task and then every few seconds from a
    thread. The task queue's row names the worker that claimed it (``worker_ids``), so a task
    whose worker stopped beating (or whose process is gone, on the same machine) is known to be lost.
    """

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"


class ScheduledRun(models.Model):
    """One run of one scheduled job for one time slot. The unique (job, slot) pair is the lock:
    when several schedulers run, the first to insert the row runs the job, the others see it taken."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        QUEUED = "queued", _("Queued for the worker")
        OK = "ok", _("Succeeded")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not installed")

    job = models.CharField(_("job"), max_length=60)
    slot = models.DateTimeField(_("planned for"))
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    task_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    scheduler = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-slot", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="one_run_per_job_and_slot")]
        indexes = [models.Index(fields=["job", "-slot"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.job} @ {self.slot:%Y-%m-%d %H:%M}"
