"""What imports keep about a person: the uploaded file, the preview rows and the records written (for undo)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from imports.models import ImportedRecord, ImportJob, ImportRow, Kind
from lib import privacy

FINISHED = (ImportJob.Status.DONE, ImportJob.Status.FAILED, ImportJob.Status.UNDONE)
RUNNING = (ImportJob.Status.PREVIEWING, ImportJob.Status.IMPORTING)


def _rows(person: Any, emails: list[str]) -> Any:
    condition = Q(job__kind=Kind.PEOPLE, existing_id=person.pk)
    for email in emails:
        condition |= Q(data__icontains=email)
    return ImportRow.objects.filter(condition, job__institution_id=person.institution_id)


def _records(person: Any) -> Any:
    return ImportedRecord.objects.filter(model_label="network.person", object_id=person.pk)


def export_imports(person: Any) -> dict[str, Any]:
    emails = privacy.emails_of(person)
    return {
        "import_rows": [
            {"import": str(r.job), "row": r.row_number, "action": r.get_action_display(), "data": r.data}
            for r in _rows(person, emails).select_related("job").order_by("job_id", "row_number")
        ],
        "imported_records": [
            {"import": str(r.job), "action": r.get_action_display(), "before": r.before}
            for r in _records(person).select_related("job").order_by("id")
        ],
    }


def erase_imports(erasure: privacy.Erasure) -> None:
    rows = _rows(erasure.person, erasure.emails)
    erasure.count("imports.importrow", privacy.scrub_rows(rows, erasure.terms, erasure.label))
    records = _records(erasure.person)
    erasure.count("imports.importedrecord", privacy.scrub_rows(records, erasure.terms, erasure.label))
    # The first values of each column, kept from the upload for the mapping page (any institution's import
    # may have named the person; files are removed after their retention period, and the samples with them).
    jobs = ImportJob.objects.exclude(samples={})
    erasure.count("imports.importjob", privacy.scrub_rows(jobs, erasure.terms, erasure.label, fields=["samples"]))


def remove_import_files(institution: Any, cutoff: Any) -> int:
    """Uploaded files and their preview rows, of imports started before the cutoff that are not running; an
    import that was never finished is marked failed. What was written, and the record for undo, stay."""
    stale = (
        ImportJob.objects.filter(institution=institution, created_at__lt=cutoff)
        .exclude(status__in=RUNNING)
        .filter(~Q(file="") | Q(rows__isnull=False))
        .distinct()
    )
    removed = 0
    for job in stale:
        if job.file:
            job.file.delete(save=False)
        ImportRow.objects.filter(job=job).delete()
        fields: dict[str, Any] = {"file": "", "samples": {}}
        if job.status not in FINISHED:
            fields |= {
                "status": ImportJob.Status.FAILED,
                "error": gettext("The file was removed after its retention period."),
            }
        ImportJob.objects.filter(pk=job.pk).update(**fields)
        removed += 1
    return removed


def register_personal_data() -> None:
    privacy.register(
        privacy.PersonalData(
            key="imports.importjob",
            order=95,
            models=("imports.importjob", "imports.importrow", "imports.importedrecord"),
            what=_(
                "Uploaded spreadsheets, the preview of each row (names, e-mail addresses, phone numbers as in "
                "the file), and what an import changed, so it can be undone."
            ),
            whose=_("Everyone named in an imported spreadsheet."),
            why=_("To import partners and people in bulk, checked row by row, and to undo an import."),
            kept=_(
                "The file and its preview are removed after the retention period; what was imported stays as "
                "the records themselves."
            ),
            exporter=export_imports,
            eraser=erase_imports,
            titles={"import_rows": _("Rows of imported files"), "imported_records": _("Records written by imports")},
            retention=(
                privacy.Retention(
                    setting="retention_import_file_days",
                    unit="days",
                    default=30,
                    apply=remove_import_files,
                    what=_("Uploaded import files"),
                ),
            ),
        )
    )
    privacy.declare_no_personal_data(
        "imports.valuemapping",
        reason="An office's own words for kinds, themes, roles, channels and yes/no, and what they mean.",
    )
