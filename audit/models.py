import datetime as dt
import re
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import formats
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
    "renewed calendar address": _("renewed the calendar address"),
    "switched off calendar address": _("switched off the calendar address"),
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
    "mapped import values": _("said what the unrecognised values mean in the import"),
    "added vocabulary term": _("added a theme or target group"),
    "changed settings": _("changed the settings of"),
    "contributions changed": _("changed what each party puts in and gets out of"),
    "exported personal data": _("exported the personal data of"),
    "applied retention": _("removed or anonymised, after their retention period, personal data of"),
    "changed neighbourhood": _("changed the neighbourhood of"),
    "entered need": _("entered, on the partner's behalf, the need"),
    "posted need": _("posted the need"),
    "confirmed need": _("confirmed the need"),
    "changed need": _("changed the need"),
    "posted offer": _("posted the offer"),
    "changed offer": _("changed the offer"),
    "proposed match": _("proposed the match"),
    "proposal held": _("proposed, held for capacity or a quiet period, the match"),
    "overrode hold": _("overrode the hold on"),
    "withdrew match": _("withdrew the match"),
    "partner accepted match": _("accepted, for the partner, the match"),
    "partner declined match": _("declined, for the partner, the match"),
    "answered points of attention": _("answered the points of attention of"),
    "match became engagement": _("turned into an engagement the match"),
    "proposed organisation": _("proposed the organisation"),
    "confirmed profile": _("confirmed, as the organisation itself, the profile of"),
    "resubmitted organisation proposal": _("resubmitted the proposed organisation"),
    "organisation proposal approved": _("approved the proposed organisation"),
    "organisation proposal declined": _("declined the proposed organisation"),
    "organisation proposal more_info": _("asked for more about the proposed organisation"),
    "changed matching weights": _("changed the matching weights of"),
    "sent for signing": _("sent for signing"),
    "signed": _("signed"),
    "status changed": _("changed the status of"),
    "created in admin": _("created, in the admin,"),
    "changed in admin": _("changed, in the admin,"),
    "deleted in admin": _("deleted, in the admin,"),
    "requested": _("asked to use a facility:"),
    "approved": _("approved the booking request"),
    "declined": _("declined the booking request"),
    "set quiet period": _("set the quiet period"),
    "changed quiet period": _("changed the quiet period"),
    "removed quiet period": _("removed the quiet period"),
    "added partner criterion": _("added the partner criterion"),
    "changed partner criterion": _("changed the partner criterion"),
    "moved partner criterion": _("moved the partner criterion"),
    "removed partner criterion": _("removed the partner criterion"),
    "accepted need": _("accepted, as its organisation's, the need"),
    "rejected need": _("rejected the need from the public form"),
    "added mail contact": _("added a mail contact to"),
    "removed mail contact": _("removed a mail contact from"),
    "confirmed mail contact": _("confirmed a mail contact of"),
    "changed contact details": _("changed the contact details of"),
    "changed sign-in settings": _("changed the sign-in settings of"),
    "invited": _("invited"),
    "accepted invitation": _("accepted the invitation of"),
    "changed role from identity provider": _("changed the role, as the identity provider said, of"),
    "deactivated account": _("deactivated the account of"),
    "saved identity provider": _("saved the identity provider"),
    "linked to identity provider": _("linked to the identity provider"),
    "signed up through identity provider": _("signed up through the identity provider"),
    "retried mail": _("sent again the mail"),
    "changed contact": _("corrected the contact moment"),
    "removed contact": _("removed the contact moment"),
    "import interrupted": _("saw interrupted the import"),
    "retried import": _("retried the import"),
    "cancelled import": _("cancelled the import"),
    "lifted the sign-in throttle": _("lifted the sign-in throttle of"),
    "signed out everywhere": _("signed out everywhere"),
}


# The names of the details an entry records, as a reader sees them; a key not named here is shown as written.
CHANGE_LABELS = {
    "date": _("date"),
    "channel": _("channel"),
    "reason": _("reason"),
    "name": _("name"),
    "email": _("e-mail"),
    "verified": _("verified"),
    "indicator": _("indicator"),
    "value": _("value"),
    "measured_on": _("measured on"),
    "version": _("version"),
    "new version": _("new version"),
    "party": _("party"),
    "signatories": _("signatories"),
    "goal": _("goal"),
    "target": _("target"),
    "about": _("about"),
    "organisation": _("organisation"),
    "from": _("from"),
    "to": _("to"),
    "milestone": _("milestone"),
    "kind": _("kind"),
    "summary": _("summary"),
    "status": _("status"),
    "role": _("role"),
    "user": _("user"),
    "respondent": _("respondent"),
    "what": _("what"),
    "who": _("who"),
}
# Coded values whose labels live on a model's field choices: key -> (app label, model, field).
CHANGE_CHOICES = {"channel": ("network", "Interaction", "channel")}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def readable_value(key: str, value: Any) -> str:
    """One recorded detail in the reader's language: dates in their format, codes by their label."""
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return ", ".join(readable_value(key, item) for item in value)
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            return formats.date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except ValueError:
            return value
    if key in CHANGE_CHOICES and isinstance(value, str):
        app_label, model_name, field_name = CHANGE_CHOICES[key]
        field = apps.get_model(app_label, model_name)._meta.get_field(field_name)
        return str(dict(field.flatchoices).get(value, value))
    return "" if value is None else str(value)


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

    @property
    def readable_changes(self) -> list[tuple[str, str]]:
        """The recorded details as (label, value) pairs in the reader's language."""
        return [
            (str(CHANGE_LABELS.get(key, key.replace("_", " "))), readable_value(key, value))
            for key, value in (self.changes or {}).items()
        ]
