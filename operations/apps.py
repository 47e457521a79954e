from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from django_tasks.signals import task_started

        from operations.workers import on_task_started

        try:
            from django_tasks_db.backend import DatabaseBackend
        except ImportError:  # pragma: no cover - another queue backend
            return
        # Only the database queue's workers beat; the immediate backend runs inside the caller.
        task_started.connect(on_task_started, sender=DatabaseBackend, dispatch_uid="brug-worker-heartbeat")
