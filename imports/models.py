"""Spreadsheet imports: the uploaded file, its mapping, the preview row by row, and what was written (for undo)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.visibility import VisibleQuerySet
from imports.access import import_scope
from lib.models import PublicIdModel


class Kind(models.TextChoices):
    ORGANISATIONS = "organisations", _("Organisations")
    PEOPLE = "people", _("People")
    COURSES = "courses", _("Courses")
    ENGAGEMENTS = "engagements", _("Engagements")
    INTERACTIONS = "interactions", _("Contact moments")


class ImportJobQuerySet(VisibleQuerySet["ImportJob"]):
    visibility = import_scope


class ImportJob(PublicIdModel):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        MAPPED = "mapped", _("Columns mapped")
        PREVIEWING = "previewing", _("Preparing the preview")
        PREVIEWED = "previewed", _("Preview ready")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")
        UNDONE = "undone", _("Undone")
        PARTLY_UNDONE = "partly_undone", _("Partly undone")

    institution = models.ForeignKey(
        "network.Institution", on_delete=models.CASCADE, related_name="import_jobs", verbose_name=_("institution")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("what to import"), max_length=20, choices=Kind.choices)
    original_name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    delimiter = models.CharField(_("delimiter"), max_length=4, blank=True)
    header_row = models.PositiveIntegerField(_("header row"), default=1)
    headers = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    summary = models.JSONField(_("preview summary"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.UPLOADED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    error = models.TextField(_("error"), blank=True)
    # The background task of a large preview or import, and, once its worker was lost, which step
    # ("previewing" or "importing") it interrupted, so that step can be retried or cancelled.
    task_id = models.CharField(max_length=64, blank=True)
    interrupted = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # When the rows were written: a history row newer than this is a change made since (undo checks it).
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)
    # The first values under each column (index -> values), read once at upload: the import's page shows
    # them without opening the file again, whatever its size.
    samples = models.JSONField(default=dict, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [
            models.Index(fields=["institution", "-created_at", "-id"]),
            models.Index(fields=["institution", "status", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.PREVIEWING, self.Status.IMPORTING)

    @property
    def can_undo(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.PARTLY_UNDONE)

    @property
    def can_retry(self) -> bool:
        return self.status == self.Status.FAILED and bool(self.interrupted)

    @property
    def can_cancel(self) -> bool:
        return self.can_retry or self.is_running


class ImportRow(models.Model):
    """One data row of the file as the preview understood it: what it will do, and why."""

    class Action(models.TextChoices):
        CREATE = "create", _("Create")
        UPDATE = "update", _("Update")
        UNCHANGED = "unchanged", _("Unchanged")
        ERROR = "error", _("Error")

    class Decision(models.TextChoices):
        MERGE = "merge", _("Merge into the existing record")
        SEPARATE = "separate", _("Keep apart: create a new record")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField(_("row"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    label = models.CharField(_("record"), max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    existing_id = models.BigIntegerField(null=True, blank=True)
    existing_version = models.PositiveIntegerField(null=True, blank=True)
    existing_label = models.CharField(max_length=300, blank=True)
    # "exact": same key (enterprise number, e-mail, code); "similar": a name like it at the same postcode.
    match = models.CharField(max_length=10, blank=True)
    same = models.BooleanField(default=False)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    # Optional cells that could not be read (left empty), cells beyond the header: the row is still imported.
    warnings = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["row_number"]
        indexes = [
            models.Index(fields=["job", "row_number"]),
            models.Index(fields=["job", "action", "row_number"]),
            models.Index(fields=["job", "match", "row_number"]),
        ]

    def __str__(self) -> str:
        return f"{self.row_number}: {self.action}"


class ImportedRecord(models.Model):
    """A record an import wrote, with what it was before (for updates), so the import can be undone whole."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="records")
    model_label = models.CharField(max_length=60)
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices)
    before = models.JSONField(null=True, blank=True)
    # The version the import left the record at; anything else at undo time means someone changed it since.
    version_after = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["job", "model_label", "object_id"])]

    def __str__(self) -> str:
        return f"{self.model_label} {self.object_id} {self.action}"


class ValueMapping(models.Model):
    """What an office's own word in a column means, chosen once in an import's value step and used by every
    later import of the institution: "stadsdienst" in the kind column is a city service, "nvt" is empty."""

    institution = models.ForeignKey(
        "network.Institution", on_delete=models.CASCADE, related_name="+", verbose_name=_("institution")
    )
    # "<kind>.<field>", e.g. "organisations.kind" or "organisations.themes".
    column = models.CharField(_("field"), max_length=60)
    # The word as normalised for comparison (lower case, no accents or punctuation), and as first seen.
    key = models.CharField(max_length=200)
    raw = models.CharField(_("value in the file"), max_length=200)
    # The known value it stands for (a choice's value, a term's id as text, "yes" or "no"); "" for empty.
    value = models.CharField(_("means"), max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["institution", "column", "key"], name="imports_value_mapping_unique")
        ]

    def __str__(self) -> str:
        return f"{self.column}: {self.raw} -> {self.value or '-'}"
