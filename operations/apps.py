from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from django_tasks.signals import task_started

        from brug.probes import register_scheduler_status
        from operations.scheduler import last_run_at
        from operations.workers import on_task_started

        task_started.connect(on_task_started, dispatch_uid="brug-worker-heartbeat")
        # /readyz shows the scheduler's last run.
        register_scheduler_status(last_run_at)

        from lib import privacy

        privacy.declare_no_personal_data(
            "operations.workerheartbeat",
            "operations.scheduledrun",
            reason="Which worker processes live and when each periodic job ran: host names and counts, no people.",
        )
