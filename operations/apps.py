from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from django_tasks.signals import task_started

        from operations.workers import on_task_started

        task_started.connect(on_task_started, dispatch_uid="brug-worker-heartbeat")
