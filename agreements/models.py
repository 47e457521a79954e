"""Agreements: versioned, signed expectations of a partnership or an engagement.

An agreement has numbered versions. The newest version is a draft that can be edited in
place until it is sent; from then on it is frozen (``sent_at``) and never changes, and a
later change makes the next version. A signature names the exact version and the sha256 of
its content, so what was signed can always be shown and checked.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.visibility import VisibleQuerySet
from agreements.access import agreement_scope
from engagements.models import Engagement
from lib.models import PublicIdModel, VersionedModel
from network.models import Institution, Organisation
from partnerships.models import Partnership

STRATEGIC = "strategic"
TEMPLATE_KINDS = [*Engagement.Kind.choices, (STRATEGIC, _("Strategic partnership"))]


class AgreementTemplate(models.Model):
    """Default texts per kind of collaboration; built-in ones have no institution."""

    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="agreement_templates",
        help_text=_("Empty for the built-in templates every institution can use."),
    )
    slug = models.SlugField()
    kind = models.CharField(_("kind of collaboration"), max_length=30, choices=TEMPLATE_KINDS)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    sections_nl = models.JSONField(_("default texts (Dutch)"), default=dict, blank=True)
    sections_en = models.JSONField(_("default texts (English)"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name_nl", "id"]
        verbose_name = _("agreement template")
        verbose_name_plural = _("agreement templates")
        constraints = [models.UniqueConstraint(fields=["institution", "slug"], name="agreement_template_unique_slug")]

    def __str__(self) -> str:
        return self.name

    @property
    def english(self) -> bool:
        return (get_language() or "nl").startswith("en")

    @property
    def name(self) -> str:
        return (self.name_en if self.english else self.name_nl) or self.name_nl

    def sections(self, language: str | None = None) -> dict[str, Any]:
        english = language.startswith("en") if language else self.english
        return (self.sections_en if english else self.sections_nl) or self.sections_nl


class AgreementQuerySet(VisibleQuerySet["Agreement"]):
    visibility = agreement_scope


class Agreement(PublicIdModel, VersionedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent for signing")
        PARTLY_SIGNED = "partly_signed", _("Signed by some parties")
        ACTIVE = "active", _("Active")
        RENEWAL_DUE = "renewal_due", _("Up for renewal")
        ENDED = "ended", _("Ended")

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("institution")
    )
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("partnership"),
    )
    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("engagement"),
    )
    template = models.ForeignKey(
        AgreementTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("template"),
    )
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    renewal_notice_days = models.PositiveSmallIntegerField(
        _("up for renewal this many days before the end"), default=60
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        indexes = [
            models.Index(fields=["institution", "status", "-created_at"]),
            models.Index(fields=["partnership", "-created_at"]),
            models.Index(fields=["engagement", "-created_at"]),
            models.Index(fields=["status", "valid_until"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(partnership__isnull=False, engagement__isnull=True)
                | Q(partnership__isnull=True, engagement__isnull=False),
                name="agreement_about_one_thing",
                violation_error_message=_("An agreement is about one partnership or one engagement."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="agreement_validity_in_order",
                violation_error_message=_("The agreement cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def subject(self) -> Partnership | Engagement:
        return self.partnership if self.partnership_id else self.engagement  # type: ignore[return-value]

    @property
    def partnership_for_calendar(self) -> Partnership | None:
        if self.partnership_id:
            return self.partnership
        return self.engagement.partnership if self.engagement_id else None


class AgreementVersion(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    content_hash = models.CharField(_("content hash (sha256)"), max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, help_text=_("From then on it never changes."))

    class Meta:
        ordering = ["agreement", "-number"]
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="agreement_version_once")]

    def __str__(self) -> str:
        return f"{self.agreement} v{self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.sent_at is not None


class Signatory(models.Model):
    """Someone asked to sign one version, through a link of their own."""

    class Party(models.TextChoices):
        INSTITUTION = "institution", _("Institution")
        ORGANISATION = "organisation", _("Partner organisation")
        OTHER = "other", _("Other party")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatories")
    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="signatories")
    party = models.CharField(_("party"), max_length=20, choices=Party.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="nl")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agreement", "version", "party", "id"]
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        indexes = [models.Index(fields=["version", "party"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_party_display()})"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)


class Signature(models.Model):
    """A signature: who, in which role, when, and the exact version and content hash. Written once."""

    signatory = models.OneToOneField(Signatory, on_delete=models.PROTECT, related_name="signature")
    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="signatures")
    content_hash = models.CharField(_("signed content hash"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200)
    signed_at = models.DateTimeField(_("signed"))

    class Meta:
        ordering = ["signed_at", "id"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")

    def __str__(self) -> str:
        return f"{self.name}, {self.signed_at:%Y-%m-%d}"


class EvaluationMoment(models.Model):
    """A dated evaluation moment of the version that was sent last: for calendars and reminders."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="evaluation_moments")
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("evaluation moment")
        verbose_name_plural = _("evaluation moments")
        indexes = [models.Index(fields=["agreement", "date"])]

    def __str__(self) -> str:
        return f"{self.date}: {self.title}"


class Reminder(models.Model):
    class Kind(models.TextChoices):
        EVALUATION = "evaluation", _("Evaluation moment")
        EXPIRY = "expiry", _("End of the agreement")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    due_on = models.DateField(_("date it is about"))
    send_on = models.DateField(_("send on"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    recipient = models.EmailField(_("recipient"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="nl")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["send_on", "id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        indexes = [models.Index(fields=["status", "send_on"])]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "kind", "due_on", "recipient"], name="reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_on} → {self.recipient}"
