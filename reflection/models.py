"""Reflection: the source document's questions and dilemmas as data, teachers' workbooks,
workshop sessions with anonymous positions, and published practice examples.

Questions and dilemmas with no institution are built in (installed by a data migration);
an institution adapts one by copying it into its own (``replaces`` points at the original,
which is then hidden for that institution) and translates or adds its own.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.visibility import VisibleQuerySet
from lib.models import PublicIdModel, VersionedModel
from network.models import Institution, Organisation, Person, Theme
from reflection.access import case_scope, workbook_scope, workshop_scope

SCALE = (1, 2, 3, 4, 5)
# Short codes people type from a projected slide: no 0/O or 1/I/L to confuse.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def _bilingual(obj: Any, field: str) -> str:
    english = (get_language() or "nl").startswith("en")
    return getattr(obj, f"{field}_en" if english else f"{field}_nl") or getattr(obj, f"{field}_nl")


class QuestionSet(models.IntegerChoices):
    ACTORS = 1, _("Who are the actors, and are voices missing?")
    CONTACTS = 2, _("How do contacts run?")
    GOALS = 3, _("What do you want to achieve together?")


class ReflectionQuestionQuerySet(models.QuerySet["ReflectionQuestion"]):
    def for_institution(self, institution_id: int | None) -> ReflectionQuestionQuerySet:
        """The questions an institution works with: its own active ones and the built-ins it has not replaced."""
        own = Q(institution_id=institution_id, is_active=True)
        replaced = self.model.objects.filter(institution_id=institution_id, replaces__isnull=False)
        builtin = Q(institution__isnull=True, is_active=True) & ~Q(pk__in=replaced.values("replaces_id"))
        return self.filter(own | builtin).order_by("question_set", "order", "id")


class ReflectionQuestion(PublicIdModel, VersionedModel):
    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reflection_questions",
        help_text=_("Empty for the built-in questions every institution can use."),
    )
    key = models.SlugField(blank=True, help_text=_("Stable name of a built-in question."))
    question_set = models.PositiveSmallIntegerField(_("set"), choices=QuestionSet.choices)
    text_nl = models.TextField(_("question (Dutch)"), max_length=1000)
    text_en = models.TextField(_("question (English)"), max_length=1000, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)
    replaces = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("adapted from")
    )

    objects = ReflectionQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["question_set", "order", "id"]
        verbose_name = _("reflection question")
        verbose_name_plural = _("reflection questions")
        indexes = [models.Index(fields=["institution", "is_active", "question_set", "order"])]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(institution__isnull=True) & ~Q(key=""),
                name="reflectionquestion_builtin_key",
            ),
            models.UniqueConstraint(
                fields=["institution", "replaces"],
                condition=Q(replaces__isnull=False),
                name="reflectionquestion_adapted_once",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return _bilingual(self, "text")

    @property
    def is_builtin(self) -> bool:
        return self.institution_id is None


class DilemmaQuerySet(models.QuerySet["Dilemma"]):
    def for_institution(self, institution_id: int | None) -> DilemmaQuerySet:
        own = Q(institution_id=institution_id, is_active=True)
        replaced = self.model.objects.filter(institution_id=institution_id, replaces__isnull=False)
        builtin = Q(institution__isnull=True, is_active=True) & ~Q(pk__in=replaced.values("replaces_id"))
        return self.filter(own | builtin).order_by("order", "id")


class Dilemma(PublicIdModel, VersionedModel):
    """A choice to take a position on, between two poles, on a five-point scale."""

    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dilemmas",
        help_text=_("Empty for the built-in dilemmas every institution can use."),
    )
    key = models.SlugField(blank=True)
    statement_nl = models.CharField(_("dilemma (Dutch)"), max_length=300)
    statement_en = models.CharField(_("dilemma (English)"), max_length=300, blank=True)
    pole_a_nl = models.CharField(_("one end (Dutch)"), max_length=200)
    pole_a_en = models.CharField(_("one end (English)"), max_length=200, blank=True)
    pole_b_nl = models.CharField(_("other end (Dutch)"), max_length=200)
    pole_b_en = models.CharField(_("other end (English)"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)
    replaces = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("adapted from")
    )

    objects = DilemmaQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("dilemma")
        verbose_name_plural = _("dilemmas")
        indexes = [models.Index(fields=["institution", "is_active", "order"])]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(institution__isnull=True) & ~Q(key=""), name="dilemma_builtin_key"
            ),
            models.UniqueConstraint(
                fields=["institution", "replaces"], condition=Q(replaces__isnull=False), name="dilemma_adapted_once"
            ),
        ]

    def __str__(self) -> str:
        return self.statement

    @property
    def statement(self) -> str:
        return _bilingual(self, "statement")

    @property
    def pole_a(self) -> str:
        return _bilingual(self, "pole_a")

    @property
    def pole_b(self) -> str:
        return _bilingual(self, "pole_b")

    @property
    def is_builtin(self) -> bool:
        return self.institution_id is None


class WorkbookQuerySet(VisibleQuerySet["Workbook"]):
    visibility = workbook_scope


class Workbook(PublicIdModel, VersionedModel):
    """One teacher's reflection on one course in one academic year."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="workbooks")
    course = models.ForeignKey(
        "engagements.Course", on_delete=models.CASCADE, related_name="workbooks", verbose_name=_("course")
    )
    academic_year = models.CharField(_("academic year"), max_length=9)
    teacher = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="workbooks", verbose_name=_("teacher"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = WorkbookQuerySet.as_manager()

    class Meta:
        ordering = ["-academic_year", "course__title", "id"]
        verbose_name = _("reflection workbook")
        verbose_name_plural = _("reflection workbooks")
        indexes = [
            models.Index(fields=["institution", "-academic_year"]),
            models.Index(fields=["teacher", "-academic_year"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["course", "academic_year", "teacher"], name="workbook_once_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.course.title} ({self.academic_year})"


class WorkbookAnswer(models.Model):
    workbook = models.ForeignKey(Workbook, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(ReflectionQuestion, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("answer"), max_length=5000, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["workbook", "question"], name="answer_once_per_question")]

    def __str__(self) -> str:
        return self.text[:60]


class DilemmaPosition(models.Model):
    workbook = models.ForeignKey(Workbook, on_delete=models.CASCADE, related_name="positions")
    dilemma = models.ForeignKey(Dilemma, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"), choices=[(n, str(n)) for n in SCALE])
    reason = models.TextField(_("reason"), max_length=2000)

    class Meta:
        verbose_name = _("position on a dilemma")
        verbose_name_plural = _("positions on dilemmas")
        constraints = [
            models.UniqueConstraint(fields=["workbook", "dilemma"], name="position_once_per_dilemma"),
            models.CheckConstraint(condition=Q(position__gte=1) & Q(position__lte=5), name="position_on_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.dilemma}: {self.position}"


class PlannedAction(models.Model):
    workbook = models.ForeignKey(Workbook, on_delete=models.CASCADE, related_name="actions")
    what = models.CharField(_("what"), max_length=300)
    needs = models.CharField(_("who or what is needed"), max_length=300, blank=True)
    due_on = models.DateField(_("by when"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("planned action")
        verbose_name_plural = _("planned actions")

    def __str__(self) -> str:
        return self.what


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class WorkshopSessionQuerySet(VisibleQuerySet["WorkshopSession"]):
    visibility = workshop_scope


class WorkshopSession(PublicIdModel):
    """A coordinator's reflection session with a group; participants join with the short code."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="workshops")
    title = models.CharField(_("title"), max_length=200)
    code = models.CharField(_("join code"), max_length=12, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    dilemmas = models.ManyToManyField(Dilemma, related_name="+", verbose_name=_("dilemmas"))
    questions = models.ManyToManyField(ReflectionQuestion, blank=True, related_name="+", verbose_name=_("questions"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = WorkshopSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("workshop session")
        verbose_name_plural = _("workshop sessions")
        indexes = [models.Index(fields=["institution", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class WorkshopPosition(models.Model):
    """One device's position on one dilemma: no name, no user, only a random key from its session cookie."""

    session = models.ForeignKey(WorkshopSession, on_delete=models.CASCADE, related_name="positions")
    dilemma = models.ForeignKey(Dilemma, on_delete=models.CASCADE, related_name="+")
    participant_key = models.CharField(max_length=64)
    position = models.PositiveSmallIntegerField(choices=[(n, str(n)) for n in SCALE])
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("workshop position")
        verbose_name_plural = _("workshop positions")
        constraints = [
            models.UniqueConstraint(fields=["session", "dilemma", "participant_key"], name="workshop_one_per_device"),
            models.CheckConstraint(
                condition=Q(position__gte=1) & Q(position__lte=5), name="workshop_position_on_scale"
            ),
        ]
        indexes = [models.Index(fields=["session", "dilemma", "position"])]

    def __str__(self) -> str:
        return f"{self.dilemma}: {self.position}"


class PracticeCaseQuerySet(VisibleQuerySet["PracticeCase"]):
    visibility = case_scope

    def published(self) -> PracticeCaseQuerySet:
        return self.filter(published=True)


class PracticeCase(PublicIdModel, VersionedModel):
    """A partnership told as a practice example for others in the region."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="practice_cases")
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="cases", verbose_name=_("partnership")
    )
    slug = models.SlugField(_("web address"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=400, blank=True)
    story = models.TextField(_("story"), max_length=20000)
    lessons = models.TextField(_("lessons learned"), max_length=10000, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="cases", verbose_name=_("themes"))
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = PracticeCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("practice example")
        verbose_name_plural = _("practice examples")
        indexes = [
            models.Index(fields=["published", "-published_at"]),
            models.Index(fields=["institution", "-updated_at"]),
        ]

    def __str__(self) -> str:
        return self.title


class CaseCollaborationForm(models.Model):
    """A form of collaboration a case shows (the engagement kinds), for searching by form."""

    case = models.ForeignKey(PracticeCase, on_delete=models.CASCADE, related_name="forms")
    kind = models.CharField(_("form of collaboration"), max_length=30)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="case_form_once")]
        indexes = [models.Index(fields=["kind", "case"])]

    def __str__(self) -> str:
        return self.kind


class CaseConsent(models.Model):
    """A partner organisation agreed to be named in a published case."""

    case = models.ForeignKey(PracticeCase, on_delete=models.CASCADE, related_name="consents")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    given_by = models.CharField(_("consent given by"), max_length=200, help_text=_("Name and role at the partner."))
    given_on = models.DateField(_("consent given on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consent to be named")
        verbose_name_plural = _("consents to be named")
        constraints = [models.UniqueConstraint(fields=["case", "organisation"], name="consent_once_per_partner")]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.given_on})"


def case_photo_path(instance: CasePhoto, filename: str) -> str:
    # The stored name never carries the uploader's file name (it may hold a person's name).
    extension = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}.get(instance.content_type, "bin")
    return f"cases/{instance.public_id}.{extension}"


class CasePhoto(PublicIdModel):
    case = models.ForeignKey(PracticeCase, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to=case_photo_path)
    content_type = models.CharField(max_length=40)
    alt_text = models.CharField(
        _("description for people who cannot see the photo"), max_length=300, help_text=_("Required.")
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.alt_text
