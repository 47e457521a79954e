"""The worker's side of the outbox. Tasks take ids."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver_mail(mail_id: int) -> str:
    from mail.services import deliver

    return deliver(mail_id)


@task()
def flush_outbox() -> dict[str, int]:
    from mail import services

    return services.flush_outbox()
