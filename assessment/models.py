"""Relationship assessments answered from both sides.

Instruments are data: an institution can add or adapt one. The built-in one
follows the structure of the TRES II approach (Clayton et al.): domains of a
relationship rated for the current and the desired state on a scale from
exploitative (1) through transactional (3) to transformational (5).
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.visibility import VisibleQuerySet
from assessment.access import round_scope
from lib.models import PublicIdModel
from network.models import Institution, Person, Relationship
from partnerships.models import Partnership

SCALE_MIN, SCALE_MAX = 1, 5


def _bilingual(obj: Any, field: str) -> str:
    english = (get_language() or "nl").startswith("en")
    return getattr(obj, f"{field}_en" if english else f"{field}_nl") or getattr(obj, f"{field}_nl")


class Instrument(models.Model):
    class Kind(models.TextChoices):
        CURRENT_DESIRED = "current_desired", _("Current and desired state per domain")
        DIRECT = "direct", _("Direct rating per item")

    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="instruments",
        help_text=_("Empty for the built-in instruments every institution can use."),
    )
    slug = models.SlugField()
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name_nl"]
        constraints = [models.UniqueConstraint(fields=["institution", "slug"], name="instrument_unique_slug")]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _bilingual(self, "name")

    @property
    def description(self) -> str:
        return _bilingual(self, "description")


class InstrumentItem(models.Model):
    class Dimension(models.TextChoices):
        CLOSENESS = "closeness", _("Closeness")
        EQUITY = "equity", _("Equity and reciprocity")
        INTEGRITY = "integrity", _("Integrity and shared values")

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(default=0)
    domain = models.SlugField(_("domain"))
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices, blank=True)
    label_nl = models.CharField(_("domain (Dutch)"), max_length=100)
    label_en = models.CharField(_("domain (English)"), max_length=100)
    text_nl = models.TextField(_("question (Dutch)"))
    text_en = models.TextField(_("question (English)"))
    low_nl = models.CharField(_("what the lowest score looks like (Dutch)"), max_length=300, blank=True)
    low_en = models.CharField(_("what the lowest score looks like (English)"), max_length=300, blank=True)
    high_nl = models.CharField(_("what the highest score looks like (Dutch)"), max_length=300, blank=True)
    high_en = models.CharField(_("what the highest score looks like (English)"), max_length=300, blank=True)

    class Meta:
        ordering = ["instrument", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["instrument", "domain"], name="item_unique_domain")]
        verbose_name = _("item")
        verbose_name_plural = _("items")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _bilingual(self, "label")

    @property
    def text(self) -> str:
        return _bilingual(self, "text")

    @property
    def low(self) -> str:
        return _bilingual(self, "low")

    @property
    def high(self) -> str:
        return _bilingual(self, "high")


class RoundQuerySet(VisibleQuerySet["Round"]):
    visibility = round_scope


class Round(PublicIdModel):
    """One assessment of a partnership (or one relationship), sent to people on each side."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="assessment_rounds")
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, null=True, blank=True, related_name="assessment_rounds"
    )
    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, null=True, blank=True, related_name="assessment_rounds"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="rounds")
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closes_on = models.DateField(_("answers until"))
    # When the round closes, the partner organisation reads the same results as the campus, unless the
    # office says why not (the instrument is two-sided: the partner answered half of it).
    results_shared = models.BooleanField(_("results shared with the partner"), default=True)
    not_shared_reason = models.CharField(_("why the results are not shared"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        indexes = [
            models.Index(fields=["institution", "-created_at"]),
            models.Index(fields=["partnership", "-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(partnership__isnull=False) | models.Q(relationship__isnull=False),
                name="round_is_about_something",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Respondent(models.Model):
    """One person asked to answer a round, through a personal link that works once and expires."""

    class Side(models.TextChoices):
        CAMPUS = "campus", _("Campus side")
        COMMUNITY = "community", _("Community side")
        STUDENT = "student", _("Student")
        RESIDENT = "resident", _("Resident")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="respondents")
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="nl")
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("link expires"))
    invited_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(_("answered"), null=True, blank=True)
    draft = models.JSONField(default=dict, blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["side", "name", "id"]
        verbose_name = _("respondent")
        verbose_name_plural = _("respondents")
        indexes = [models.Index(fields=["round", "side"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_side_display()})"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class Answer(models.Model):
    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(InstrumentItem, on_delete=models.PROTECT, related_name="answers")
    current = models.PositiveSmallIntegerField(_("current"), null=True, blank=True)
    desired = models.PositiveSmallIntegerField(_("desired"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["respondent", "item"], name="answer_once_per_item"),
            models.CheckConstraint(
                condition=(models.Q(current__isnull=True) | models.Q(current__gte=SCALE_MIN, current__lte=SCALE_MAX))
                & (models.Q(desired__isnull=True) | models.Q(desired__gte=SCALE_MIN, desired__lte=SCALE_MAX)),
                name="answer_on_the_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.current}/{self.desired}"


class AgreedAction(models.Model):
    """What the partners agree to do after reading a round: describe, examine, articulate learning."""

    class Step(models.TextChoices):
        DESCRIBE = "describe", _("Describe")
        EXAMINE = "examine", _("Examine")
        ARTICULATE = "articulate", _("Articulate learning")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="actions")
    step = models.CharField(_("reflection step"), max_length=12, choices=Step.choices, default=Step.ARTICULATE)
    what = models.CharField(_("what"), max_length=300)
    who = models.CharField(_("who"), max_length=200)
    due_on = models.DateField(_("by when"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("agreed action")
        verbose_name_plural = _("agreed actions")

    def __str__(self) -> str:
        return self.what
