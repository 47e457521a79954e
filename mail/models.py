"""The outbox: every mail Brug sends is a row here first, delivered by the task worker.

A mail is queued in the same transaction as the change that causes it, so a rolled-back change
sends nothing, and a mail server that is down only delays it. ``key`` names the logical mail
(one invitation, one reminder, one digest), so a task that runs again never queues a copy.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lib.models import PublicIdModel


class OutgoingMailQuerySet(models.QuerySet["OutgoingMail"]):
    def for_user(self, user: object) -> OutgoingMailQuerySet:
        from mail.access import outbox_scope

        return self.filter(outbox_scope(user))


class OutgoingMail(PublicIdModel):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    key = models.CharField(max_length=200, unique=True)
    # The institution whose office may see the mail; empty for mail of the shared directory.
    # A plain id, not a foreign key: the outbox sits below the network app.
    institution_id = models.BigIntegerField(_("institution"), null=True, blank=True, db_index=True)
    to = models.JSONField(_("to"), default=list)
    from_email = models.CharField(max_length=254)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = OutgoingMailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["institution_id", "status", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"
