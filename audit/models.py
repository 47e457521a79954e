from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "created": _("created"),
    "changed": _("changed"),
    "noted": _("added an internal note to"),
    "owners changed": _("changed the owners of"),
    "logged contact": _("logged a contact moment on"),
    "handed over": _("handed over the relationships of"),
    "deactivated": _("deactivated"),
    "erased": _("erased the personal data of"),
    "issued API token": _("made the API token"),
    "revoked API token": _("revoked the API token"),
    "started assessment": _("started the assessment"),
    "answered assessment": _("answered the assessment"),
    "sent a new link": _("sent a new link for"),
    "closed assessment": _("closed the assessment"),
    "agreed action": _("agreed an action on"),
    "ticked action": _("ticked off an action on"),
    "reopened action": _("reopened an action on"),
    "copied instrument": _("copied the instrument"),
    "confirmed continuum step": _("confirmed a continuum step of"),
    "added party": _("added a party to"),
    "changed party": _("changed a party of"),
    "removed party": _("removed a party from"),
    "changed collaboration": _("changed the forms and levels of"),
    "added goal": _("added a goal to"),
    "changed goal": _("changed a goal of"),
    "removed goal": _("removed a goal from"),
    "added indicator": _("added an indicator to"),
    "changed indicator": _("changed an indicator of"),
    "removed indicator": _("removed an indicator from"),
    "recorded measurement": _("recorded a measurement for"),
    "removed measurement": _("removed a measurement from"),
    "added milestone": _("added a milestone to"),
    "changed milestone": _("changed a milestone of"),
    "removed milestone": _("removed a milestone from"),
    "adapted": _("adapted"),
    "started workshop": _("started the workshop"),
    "closed workshop": _("closed the workshop"),
    "published": _("published"),
    "unpublished": _("took offline"),
    "recorded consent": _("recorded a partner's consent on"),
    "withdrew consent": _("withdrew a partner's consent on"),
    "added photo": _("added a photo to"),
    "removed photo": _("removed a photo from"),
    "imported": _("imported"),
    "undid import": _("undid the import"),
    "changed settings": _("changed the settings of"),
    "changed neighbourhood": _("changed the neighbourhood of"),
}


class AuditEntry(models.Model):
    """Who did what, when: one row per write operation, written by the service that did it."""

    at = models.DateTimeField(_("when"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("who")
    )
    institution = models.ForeignKey(
        "network.Institution", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=60)
    target_type = models.CharField(max_length=60)
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(_("record"), max_length=200)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        indexes = [
            models.Index(fields=["institution", "-at"]),
            models.Index(fields=["target_type", "target_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.target_repr}"

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))
