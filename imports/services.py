"""The life of an import: upload (read and guess the columns), map, preview row by row, decide on
duplicates, import in one transaction, undo. Called alike by the web pages, the command and the tasks.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.services import record
from imports import undo, writers
from imports.duplicates import index_for
from imports.mapping import IGNORE, find_header_row, guess_mapping, normalise, target_names, targets
from imports.models import ImportedRecord, ImportJob, ImportRow, Kind
from imports.readers import MAX_COLUMNS, MAX_ROWS, Cell, UnreadableFile, count_rows, max_upload_bytes, read_table
from imports.undo import UndoCheck
from imports.validate import FINAL, Context, clean_row, model_errors, row_errors
from lib.bulk import RowInserter
from lib.errors import DomainError
from lib.text import without_bidi_controls

logger = logging.getLogger(__name__)

# Files with more data rows than this are previewed and imported by the task worker.
BACKGROUND_ROWS = 2000
BATCH = 2000
Progress = Callable[[int, int], None] | None


# Progress lives in the shared cache (Redis with several machines): the import's own transaction
# hides its database writes from the page that polls, and the worker is another process.
PROGRESS_SECONDS = 24 * 3600


def _progress_key(job: ImportJob) -> str:
    return f"imports:progress:{job.public_id}"


def report_progress(job: ImportJob, done: int, total: int) -> None:
    cache.set(_progress_key(job), (done, total), timeout=PROGRESS_SECONDS)


def read_progress(job: ImportJob) -> tuple[int, int]:
    found = cache.get(_progress_key(job))
    if isinstance(found, tuple) and len(found) == 2:
        return int(found[0]), int(found[1])
    return job.progress_done, job.progress_total


def _clear_progress(job: ImportJob) -> None:
    cache.delete(_progress_key(job))


def _data_rows(job: ImportJob, rows: list[tuple[int, list[Cell]]]) -> list[tuple[int, list[Cell]]]:
    """The rows below the header, without repeats of the header (a file glued from several exports)."""
    header = _strip(job.headers)
    first = header[0] if header else ""

    def repeats_header(cells: list[Cell]) -> bool:
        # The first cell decides most rows without comparing the whole row.
        head = cells[0] if cells else None
        return (str(head).strip() if head is not None else "") == first and _strip(cells) == header

    return [(n, cells) for n, cells in rows if n > job.header_row and not repeats_header(cells)]


def _strip(cells: list[Any]) -> list[str]:
    values = [str(c).strip() if c is not None else "" for c in cells]
    while values and not values[-1]:
        values.pop()
    return values


# Rows read at upload from a workbook: enough to find the header (in the first ten) and show samples.
HEAD_ROWS = 40
SAMPLE_COUNT = 3


@transaction.atomic
def create_job(*, by: Any, institution: Any, kind: str, name: str, data: bytes, encoding: str = "") -> ImportJob:
    """Read the uploaded file, find its header row and guess the columns. An unreadable file is refused whole.

    A CSV is read whole (that is fast); of a workbook only the first rows are read here, and its rows are
    counted from its XML without reading the cells: the preview reads it whole, once.
    """
    if kind not in Kind.values:
        raise DomainError({"kind": _("Choose what the file holds.")})
    if len(data) > max_upload_bytes():
        raise UnreadableFile(
            _("The file is larger than %(max)s, so it was not read. Split it into smaller files.")
            % {"max": filesizeformat(max_upload_bytes())}
        )
    estimate = count_rows(data, name)
    if estimate is not None and estimate > MAX_ROWS + HEAD_ROWS:
        raise UnreadableFile(
            _("The file has more than %(max)s rows. Split it into smaller files.") % {"max": f"{MAX_ROWS:,}"}
        )
    table = read_table(data, name, limit=HEAD_ROWS if estimate is not None else None, encoding=encoding)
    if not table.rows:
        raise UnreadableFile(_("The file has no rows with data."))
    index = find_header_row(kind, table.rows)
    header_number, header_cells = table.rows[index]
    headers = _strip(header_cells)
    job = ImportJob(
        institution=institution,
        created_by=by if getattr(by, "is_authenticated", False) else None,
        kind=kind,
        original_name=without_bidi_controls(Path(name).name)[:255],
        file_size=len(data),
        encoding=table.encoding,
        delimiter=table.delimiter,
        header_row=header_number,
        headers=headers,
        mapping=guess_mapping(kind, headers),
    )
    rows = _data_rows(job, table.rows)
    if not rows:
        raise UnreadableFile(_("The file has a header row but no rows with data under it."))
    job.progress_total = len(rows) if estimate is None else max(len(rows), estimate - index - 1)
    job.samples = _samples_of(rows)
    job.file.save(f"{job.public_id}-{Path(name).suffix.lower()[:6] or '.csv'}", ContentFile(data), save=False)
    job.save()
    return job


def _samples_of(rows: list[tuple[int, list[Cell]]], count: int = SAMPLE_COUNT) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for _number, cells in rows[:count]:
        for index, cell in enumerate(cells[:MAX_COLUMNS]):
            found.setdefault(str(index), []).append("" if cell is None else str(cell)[:40])
    return found


def column_samples(job: ImportJob, count: int = SAMPLE_COUNT) -> dict[int, list[str]]:
    """The first ``count`` values under each column (index -> values), to help map it, as read at upload:
    the page never opens the file again."""
    return {int(index): values[:count] for index, values in (job.samples or {}).items()}


def column_label(job: ImportJob, index: int) -> str:
    header = job.headers[index] if index < len(job.headers) else ""
    return header or _("column %(number)s") % {"number": index + 1}


@transaction.atomic
def set_mapping(job: ImportJob, mapping: dict[str, str]) -> ImportJob:
    """Keep the user's column mapping (column index -> field or ignore) if every needed field has a column."""
    _require_status(job, ImportJob.Status.UPLOADED, ImportJob.Status.MAPPED, ImportJob.Status.PREVIEWED)
    known = target_names(job.kind)
    clean: dict[str, str] = {}
    for column, target in mapping.items():
        if target == IGNORE:
            continue
        index = str(column)
        if target not in known or not (index.isascii() and index.isdigit()) or int(index) >= max(len(job.headers), 1):
            raise DomainError(_("The mapping names a column or field that does not exist."))
        if target in clean.values():
            label = next(str(t.label) for t in targets(job.kind) if t.name == target)
            raise DomainError(_("Two columns are mapped to “%(field)s”; choose one.") % {"field": label})
        clean[str(column)] = target
    missing = [str(t.label) for t in targets(job.kind) if t.required and t.name not in clean.values()]
    if missing:
        raise DomainError(_("Choose a column for: %(fields)s.") % {"fields": ", ".join(missing)})
    job.mapping = clean
    job.status = ImportJob.Status.MAPPED
    job.save(update_fields=["mapping", "status", "updated_at"])
    return job


def _require_status(job: ImportJob, *allowed: str) -> None:
    if job.status not in allowed:
        raise DomainError(
            _("This import is “%(status)s”, so that cannot be done now.") % {"status": job.get_status_display()}
        )


def runs_in_background(job: ImportJob) -> bool:
    return job.progress_total > BACKGROUND_ROWS


def _language(job: ImportJob) -> str:
    return getattr(job.created_by, "language", None) or settings.LANGUAGE_CODE


def start_preview(job: ImportJob) -> None:
    """Preview now, or hand a large file to the task worker."""
    from imports.tasks import preview_task

    _require_status(job, ImportJob.Status.MAPPED, ImportJob.Status.PREVIEWED)
    if runs_in_background(job):
        job.status = ImportJob.Status.PREVIEWING
        job.progress_done = 0
        job.save(update_fields=["status", "progress_done", "updated_at"])
        report_progress(job, 0, job.progress_total)
        _remember_task(job, preview_task.enqueue(job.pk))
    else:
        build_preview(job)


def build_preview(job: ImportJob, progress: Progress = None) -> ImportJob:
    """Read every row, clean it, find its existing record and say what importing it would do."""
    try:
        with translation.override(_language(job)):
            _build_preview(job, progress)
    except _Cancelled:
        ImportRow.objects.filter(job=job).delete()
        _clear_progress(job)
    except DomainError as exc:
        _fail(job, " ".join(str(m) for m in exc.messages))
    except Exception:
        logger.exception("Preview of import %s failed", job.pk)
        _fail(job, _("The preview failed unexpectedly. Nothing was imported."))
    return job


def _fail(job: ImportJob, message: str) -> None:
    ImportRow.objects.filter(job=job).delete()
    job.status = ImportJob.Status.FAILED
    job.error = message
    job.save(update_fields=["status", "error", "updated_at"])
    _clear_progress(job)


def _build_preview(job: ImportJob, progress: Progress) -> None:
    with job.file.open("rb") as handle:
        data = handle.read()
    table = read_table(data, job.original_name, encoding=job.encoding)
    header_width = next((len(cells) for n, cells in table.rows if n == job.header_row), len(job.headers))
    ragged = table.encoding != "xlsx"  # a workbook leaves out empty cells at a row's end: that is no error
    rows = _data_rows(job, table.rows)
    total = len(rows)
    columns = {int(column): target for column, target in job.mapping.items() if target}
    labels = {target: column_label(job, column) for column, target in columns.items()}
    required = {t.name for t in targets(job.kind) if t.required}
    context = Context(job.kind, job.institution_id)
    index = index_for(job.kind, set(columns.values()), job.institution_id)
    ImportRow.objects.filter(job=job).delete()
    seen: dict[str, int] = {}
    batch: list[dict[str, Any]] = []
    counts: Counter[str] = Counter()
    inserter = RowInserter(ImportRow)
    for done, (number, cells) in enumerate(rows, start=1):
        values = {target: cells[column] if column < len(cells) else None for column, target in columns.items()}
        data_, problems = clean_row(job.kind, values, context, required)
        problems += model_errors(job.kind, {k: v for k, v in data_.items() if k not in {n for n, _m in problems}})
        problems += row_errors(job.kind, data_)
        # Only a required value that is missing or unreadable skips the row; an optional cell that cannot be
        # read is left empty, with a warning next to its column.
        errors = [(name, message) for name, message in problems if name in required or not name]
        warnings = [
            {
                "column": labels.get(name, ""),
                "message": message.removesuffix(FINAL)
                if message.endswith(FINAL)
                else _("%(problem)s; left empty") % {"problem": message},
            }
            for name, message in problems
            if name not in required and name
        ]
        for name, _message in problems:
            if name not in required:
                data_.pop(name, None)
        warnings += _shape_warnings(cells, len(job.headers), header_width if ragged else 0)
        row: dict[str, Any] = {
            "job_id": job.pk,
            "row_number": number,
            "data": data_,
            "label": _row_label(job.kind, data_),
            "warnings": warnings,
        }
        if not errors:
            key = index.file_key(data_)
            if key in seen:
                errors.append(("", _("the same record as row %(row)s") % {"row": seen[key]}))
            else:
                seen[key] = number
        if errors:
            row["action"] = ImportRow.Action.ERROR
            row["errors"] = [{"column": labels.get(name, ""), "message": message} for name, message in errors]
        else:
            found = index.find(data_)
            existing = found is not None
            if found is not None:
                row.update(
                    existing_id=found.pk,
                    existing_version=found.version,
                    existing_label=found.label[:300],
                    match=found.match,
                    same=found.same_as(data_),
                    decision=ImportRow.Decision.MERGE,
                )
            row["action"] = _action(job.kind, existing, row.get("decision", ""), row.get("same", False))
        counts[row["action"]] += 1
        counts["duplicates"] += bool(row.get("existing_id") and not row.get("same"))
        counts["warnings"] += bool(warnings)
        batch.append(row)
        if len(batch) >= BATCH:
            inserter.insert(batch)
            batch = []
            _progress(job, progress, done, total)
    inserter.insert(batch)
    if progress:
        progress(total, total)
    unknown = {
        column: sorted(([raw, count] for raw, count in words.values()), key=lambda item: (-item[1], item[0]))
        for column, words in context.unknown.items()
    }
    job.summary = {"total": total, **counts, "unknown": unknown}
    job.status = ImportJob.Status.PREVIEWED
    job.progress_done = job.progress_total = total
    job.error = ""
    job.save(update_fields=["summary", "status", "progress_done", "progress_total", "error", "updated_at"])
    _clear_progress(job)


def _shape_warnings(cells: list[Cell], columns: int, header_width: int) -> list[dict[str, str]]:
    """A row with cells beyond the header's columns (they are not read), or, in a CSV, fewer cells than the
    header (the missing ones are empty): said on the row, the row itself is read."""
    beyond = [cell for cell in cells[columns:] if cell not in (None, "")]
    if beyond:
        return [
            {
                "column": "",
                "message": _("this row has %(count)s filled cells right of the header's last column; they are not read")
                % {"count": len(beyond)},
            }
        ]
    if header_width and len(cells) < header_width:
        return [
            {
                "column": "",
                "message": _(
                    "this row has %(count)s cells where the header has %(columns)s; the missing ones are empty"
                )
                % {"count": len(cells), "columns": header_width},
            }
        ]
    return []


class _Cancelled(Exception):
    """Someone cancelled the preview the worker is building."""


def _progress(job: ImportJob, progress: Progress, done: int, total: int) -> None:
    if (
        job.status == ImportJob.Status.PREVIEWING
        and not ImportJob.objects.filter(pk=job.pk, status=job.status).exists()
    ):
        raise _Cancelled
    report_progress(job, done, total)
    if progress:
        progress(done, total)


def _row_label(kind: str, data: dict[str, Any]) -> str:
    if kind == Kind.PEOPLE:
        label = f"{data.get('first_name', '')} {data.get('last_name', '')}"
    elif kind == Kind.INTERACTIONS:
        label = f"{data.get('occurred_on', '')}: {data.get('summary', '')}"
    else:
        label = str(data.get("name") or data.get("title") or "")
    return label.strip()[:300]


def _action(kind: str, existing: bool, decision: str, same: bool) -> str:
    if not existing or decision == ImportRow.Decision.SEPARATE:
        return ImportRow.Action.CREATE
    # A contact moment is never changed by an import: once logged, the same one is skipped.
    if same or kind == Kind.INTERACTIONS:
        return ImportRow.Action.UNCHANGED
    return ImportRow.Action.UPDATE


@transaction.atomic
def decide(job: ImportJob, decisions: dict[int, str]) -> int:
    """Merge or keep apart, per row with a likely duplicate; returns how many rows changed their action."""
    _require_status(job, ImportJob.Status.PREVIEWED)
    rows = ImportRow.objects.filter(job=job, row_number__in=list(decisions), existing_id__isnull=False)
    changed: list[ImportRow] = []
    for row in rows.exclude(action=ImportRow.Action.ERROR):
        decision = decisions[row.row_number]
        if decision not in ImportRow.Decision.values or decision == row.decision:
            continue
        old = row.action
        row.decision = decision
        row.action = _action(job.kind, row.existing_id is not None, row.decision, row.same)
        changed.append(row)
        job.summary[old] = job.summary.get(old, 0) - 1
        job.summary[row.action] = job.summary.get(row.action, 0) + 1
    ImportRow.objects.bulk_update(changed, ["decision", "action"])
    if changed:
        job.save(update_fields=["summary", "updated_at"])
    return len(changed)


def start_import(job: ImportJob, *, by: Any) -> None:
    from imports.tasks import import_task

    _require_status(job, ImportJob.Status.PREVIEWED)
    if runs_in_background(job):
        job.status = ImportJob.Status.IMPORTING
        job.progress_done = 0
        job.save(update_fields=["status", "progress_done", "updated_at"])
        report_progress(job, 0, _to_write(job))
        _remember_task(job, import_task.enqueue(job.pk, getattr(by, "pk", None)))
    else:
        run_import(job, by=by)


def _to_write(job: ImportJob) -> int:
    return int(job.summary.get(ImportRow.Action.CREATE, 0)) + int(job.summary.get(ImportRow.Action.UPDATE, 0))


def run_import(job: ImportJob, *, by: Any, progress: Progress = None) -> ImportJob:
    """Write every accepted row in ONE transaction: all of it, or on any refusal nothing at all."""
    total = _to_write(job)
    by = by if getattr(by, "is_authenticated", False) else None

    def step(done: int) -> None:
        _progress(job, progress, done, total)

    try:
        with translation.override(_language(job)), transaction.atomic():
            locked = ImportJob.objects.select_for_update().get(pk=job.pk)
            _require_status(locked, ImportJob.Status.PREVIEWED, ImportJob.Status.IMPORTING)
            rows = list(
                ImportRow.objects.filter(job=job, action__in=[ImportRow.Action.CREATE, ImportRow.Action.UPDATE])
                .order_by("row_number")
                .only("row_number", "action", "data", "existing_id", "existing_version", "existing_label")
            )
            if job.kind == Kind.ORGANISATIONS:
                writers.write_organisations(job, rows, by, step)
            else:
                writers.write_one_by_one(job, rows, by, step)
            counts = {
                "created": sum(r.action == ImportRow.Action.CREATE for r in rows),
                "updated": sum(r.action == ImportRow.Action.UPDATE for r in rows),
                "unchanged": job.summary.get(ImportRow.Action.UNCHANGED, 0),
                "skipped": job.summary.get(ImportRow.Action.ERROR, 0),
                "warnings": job.summary.get("warnings", 0),
                "file": job.original_name,
            }
            record(by, "imported", job, institution_id=job.institution_id, changes=counts)
            job.status = ImportJob.Status.DONE
            job.progress_done = job.progress_total = total
            job.error = ""
            job.summary = {**job.summary, "written": counts}
            job.imported_at = timezone.now()
            job.save(
                update_fields=[
                    "status",
                    "progress_done",
                    "progress_total",
                    "error",
                    "summary",
                    "imported_at",
                    "updated_at",
                ]
            )
    except DomainError as exc:
        _mark(job, ImportJob.Status.PREVIEWED, " ".join(str(m) for m in exc.messages))
    except Exception:
        logger.exception("Import %s failed", job.pk)
        _mark(job, ImportJob.Status.FAILED, _("The import failed unexpectedly; nothing was imported."))
    finally:
        _clear_progress(job)
    return job


def result_message(job: ImportJob) -> str:
    """What an import did, every count named; nothing written is never put as a success."""
    written = job.summary.get("written", {})
    counts = {
        "created": written.get("created", 0),
        "updated": written.get("updated", 0),
        "unchanged": written.get("unchanged", 0),
        "skipped": written.get("skipped", 0),
        "warnings": written.get("warnings", 0),
    }
    if not counts["created"] and not counts["updated"]:
        return (
            _(
                "Nothing was imported: 0 created, 0 updated; %(unchanged)s unchanged, %(skipped)s skipped "
                "(see the rows with errors)."
            )
            % counts
        )
    return (
        _(
            "Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged, %(skipped)s skipped; "
            "%(warnings)s rows with warnings (cells left empty)."
        )
        % counts
    )


def _mark(job: ImportJob, status: str, message: str) -> None:
    """After a refused import: nothing was written; say why, and let the user preview again if that helps."""
    job.refresh_from_db(fields=["summary"])
    job.status = status
    job.error = message
    job.save(update_fields=["status", "error", "updated_at"])


def check_undo(job: ImportJob) -> UndoCheck:
    """What an undo of ``job`` would keep back, and why (without changing anything)."""
    return undo.find_blockers(job)


def undo_import(job: ImportJob, *, by: Any, only_safe: bool = False) -> int:
    """Take an import back, losing nothing written since: returns how many of its records were taken back.

    When anything points at the import's records or changed them since, the undo is refused whole
    (``UndoRefused`` lists what and where), unless the caller chose ``only_safe``: then every record
    nothing holds back is undone, the others stay, and the import is "partly undone".
    """
    by = by if getattr(by, "is_authenticated", False) else None
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status == ImportJob.Status.UNDONE:
            raise DomainError(_("This import is already undone."), code="undone")
        _require_status(locked, ImportJob.Status.DONE, ImportJob.Status.PARTLY_UNDONE)
        check = undo.find_blockers(locked)
        if check.blockers and not only_safe:
            raise undo.UndoRefused(check)
        if check.blockers and not check.safe:
            raise DomainError(
                _("Nothing of this import can be undone without losing work: %(list)s")
                % {"list": " ".join(b.message for b in check.blockers)},
                code="blocked",
            )
        count = undo.undo_records(locked, by, check.kept)
        kept = check.kept_count
        locked.status = ImportJob.Status.PARTLY_UNDONE if kept else ImportJob.Status.UNDONE
        locked.summary = {**locked.summary, "undo": {"undone": count, "kept": kept}}
        locked.save(update_fields=["status", "summary", "updated_at"])
        record(
            by,
            "undid import",
            locked,
            institution_id=locked.institution_id,
            changes={"records": count, "kept": kept, "kept_because": [b.message for b in check.blockers]},
        )
    job.status = locked.status
    job.summary = locked.summary
    return count


def written_count(job: ImportJob) -> int:
    return ImportedRecord.objects.filter(job=job).count()


# ---------------------------------------------------------------------------------------------- lost workers


def _remember_task(job: ImportJob, result: Any) -> None:
    # An update of these two fields only: the immediate backend may already have finished the job.
    job.task_id, job.interrupted = str(result.id), ""
    ImportJob.objects.filter(pk=job.pk).update(task_id=job.task_id, interrupted="")


def recover_interrupted(job: ImportJob) -> bool:
    """If the task behind a running preview or import is over (its worker was lost and it was given up,
    or it ended without moving the job on), say so on the job and offer retry and cancel. A preview's
    half-written rows are removed. Returns whether the job was interrupted."""
    from operations.workers import task_state

    if not job.is_running or not job.task_id or task_state(job.task_id) not in ("FAILED", "SUCCESSFUL"):
        return False
    step = job.status
    with translation.override(_language(job)):
        message = (
            _("The preview stopped halfway because the background worker was lost. Retry it, or cancel.")
            if step == ImportJob.Status.PREVIEWING
            else _(
                "The import stopped because the background worker was lost; nothing was imported. Retry it, or cancel."
            )
        )
    with transaction.atomic():
        if not ImportJob.objects.filter(pk=job.pk, status=step).update(
            status=ImportJob.Status.FAILED, interrupted=step, error=message
        ):
            return False
        if step == ImportJob.Status.PREVIEWING:
            ImportRow.objects.filter(job=job).delete()
        record(None, "import interrupted", job, institution_id=job.institution_id, changes={"step": step})
    _clear_progress(job)
    job.status, job.interrupted, job.error = ImportJob.Status.FAILED, step, message
    return True


def recover_interrupted_imports() -> int:
    """Every running preview or import whose task is over; run by the scheduler. Returns how many."""
    jobs = ImportJob.objects.filter(status__in=[ImportJob.Status.PREVIEWING, ImportJob.Status.IMPORTING]).exclude(
        task_id=""
    )
    return sum(recover_interrupted(job) for job in jobs)


def retry_job(job: ImportJob, *, by: Any) -> ImportJob:
    """Run the step a lost worker interrupted again: the preview, or the import."""
    if not job.can_retry:
        raise DomainError(_("Only an import that was interrupted can be retried."), code="status")
    step = job.interrupted
    with transaction.atomic():
        job.status = ImportJob.Status.MAPPED if step == ImportJob.Status.PREVIEWING else ImportJob.Status.PREVIEWED
        job.interrupted, job.error = "", ""
        job.save(update_fields=["status", "interrupted", "error", "updated_at"])
        record(by, "retried import", job, institution_id=job.institution_id, changes={"step": step})
    if step == ImportJob.Status.PREVIEWING:
        start_preview(job)
    else:
        start_import(job, by=by)
    return job


def cancel_job(job: ImportJob, *, by: Any) -> ImportJob:
    """Stop a preview (the worker stops at its next batch), an import not yet begun, or an interrupted
    step, and go back to where the user was before it: the mapping, or the preview."""
    from operations.workers import task_state

    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        step = locked.interrupted if locked.can_retry else locked.status
        if not locked.can_cancel:
            raise DomainError(_("Only a running or interrupted import can be cancelled."), code="status")
        if locked.status == ImportJob.Status.IMPORTING and task_state(locked.task_id) == "RUNNING":
            raise DomainError(
                _(
                    "The import is being written right now, all at once, so it cannot be stopped halfway. "
                    "Wait until it is done, then undo it if you want."
                ),
                code="running",
            )
        if step == ImportJob.Status.PREVIEWING:
            locked.status = ImportJob.Status.MAPPED
            ImportRow.objects.filter(job=locked).delete()
        else:
            locked.status = ImportJob.Status.PREVIEWED
        locked.interrupted, locked.error = "", ""
        locked.save(update_fields=["status", "interrupted", "error", "updated_at"])
        record(by, "cancelled import", locked, institution_id=locked.institution_id, changes={"step": step})
    _clear_progress(locked)
    job.status, job.interrupted, job.error = locked.status, "", ""
    return job


# ---------------------------------------------------------------------------------------------- value step

LEAVE_EMPTY = "-"
NEW_TERM = "+"
# The columns whose word may become a new term of the shared vocabulary (``network.add_vocabulary_term``).
TERM_COLUMNS = {"organisations.themes": "theme", "organisations.target_groups": "target_group"}


def may_add_terms(user: Any) -> bool:
    return bool(user.has_perm("network.add_vocabulary_term"))


def value_questions(job: ImportJob) -> list[dict[str, Any]]:
    """The words the preview did not recognise, per column: what each could mean (the known values, "leave
    empty") and Brug's suggestion (a synonym in Dutch or English, or a similar spelling)."""
    from imports.validate import value_options

    unknown = (job.summary or {}).get("unknown") or {}
    columns = {t.name: t for t in targets(job.kind)}
    mapped = {target: int(index) for index, target in job.mapping.items()}
    questions: list[dict[str, Any]] = []
    for column, words in unknown.items():
        field = column.split(".", 1)[-1]
        options = value_options(column)
        if not words or not (options or column in TERM_COLUMNS) or field not in columns:
            continue
        questions.append(
            {
                "column": column,
                "field": field,
                "label": column_label(job, mapped[field]) if field in mapped else str(columns[field].label),
                "options": options,
                "words": [
                    {"raw": raw, "count": count, "suggestion": _suggest(column, raw, options)} for raw, count in words
                ],
            }
        )
    return questions


def _suggest(column: str, raw: str, options: list[tuple[str, str]]) -> str:
    import difflib

    from imports.validate import SUGGESTIONS

    key = normalise(raw)
    for word, value in SUGGESTIONS.get(column, ()):
        if normalise(word) == key or (len(key) > 4 and normalise(word) in key):
            return str(value)
    names: dict[str, str] = {}
    for value, label in options:
        names.setdefault(normalise(label), value)
        names.setdefault(normalise(value), value)
    close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.75)
    return names[close[0]] if close else ""


@transaction.atomic
def set_values(job: ImportJob, answers: dict[str, dict[str, str]], *, by: Any) -> int:
    """Keep what the office said its words mean ({column: {word: value, LEAVE_EMPTY or, for themes and target
    groups, NEW_TERM}}), for this import and every later one of the institution; a word left unanswered stays
    unrecognised. NEW_TERM adds the word to the shared vocabulary, when ``by`` is of the office. Returns how many
    were kept.
    The preview is then made again."""
    from imports.models import ValueMapping
    from imports.validate import value_options

    _require_status(job, ImportJob.Status.PREVIEWED)
    unknown = (job.summary or {}).get("unknown") or {}
    kept = 0
    for column, words in answers.items():
        allowed = {value for value, _label in value_options(column)}
        asked = {normalise(raw): raw for raw, _count in unknown.get(column, [])}
        for raw, value in words.items():
            if not value:
                continue
            key = normalise(raw)
            if key in asked and value == NEW_TERM and column in TERM_COLUMNS:
                value = str(_new_term(column, asked[key], by).pk)
            elif key not in asked or (value != LEAVE_EMPTY and value not in allowed):
                raise DomainError(_("Choose one of the values offered for “%(value)s”.") % {"value": raw})
            ValueMapping.objects.update_or_create(
                institution_id=job.institution_id,
                column=column,
                key=key,
                defaults={"raw": asked[key][:200], "value": "" if value == LEAVE_EMPTY else value},
            )
            kept += 1
    if kept:
        record(by, "mapped import values", job, institution_id=job.institution_id, changes={"values": kept})
    return kept


def _new_term(column: str, raw: str, by: Any) -> Any:
    """The office's word as a new theme or target group (or the one of that name that exists)."""
    from network.models import TargetGroup, Theme
    from network.services import add_vocabulary_term

    model = Theme if TERM_COLUMNS[column] == "theme" else TargetGroup
    return add_vocabulary_term(model, name=raw, by=by)


# ---------------------------------------------------------------------------------------------- field diff


def field_changes(job: ImportJob, rows: list[ImportRow]) -> dict[int, list[dict[str, str]]]:
    """For each row that updates a record of the shared directory (by row id): every field the import would
    change, with the value now and the value from the file, so nothing is overwritten unseen."""
    from imports.writers import LABELS, MODELS

    updates = [r for r in rows if r.action == ImportRow.Action.UPDATE and r.existing_id]
    if not updates or job.kind not in LABELS:
        return {}
    model = MODELS[LABELS[job.kind]]
    current = model.objects.in_bulk([r.existing_id for r in updates])
    labels = {t.name: str(t.label) for t in targets(job.kind)}
    given = {name for r in updates for name in r.data}
    many = {f.name for f in model._meta.many_to_many if f.name in given}
    related = {f.name: f.related_model for f in model._meta.concrete_fields if f.is_relation and f.name in given}
    names = _names_of(updates, model, many, related, current)
    changes: dict[int, list[dict[str, str]]] = {}
    for row in updates:
        record = current.get(row.existing_id)
        if record is None:
            continue
        found: list[dict[str, str]] = []
        for name, new in row.data.items():
            if name in many:
                old: Any = sorted(names[("now", name)].get(record.pk, []))
                new_shown = ", ".join(sorted(names[name].get(i, str(i)) for i in new or []))
                if old == sorted(names[name].get(i, str(i)) for i in new or []):
                    continue
                found.append({"field": labels.get(name, name), "old": ", ".join(old), "new": new_shown})
                continue
            if name in related:
                old_id = getattr(record, f"{name}_id", None)
                if old_id == new:
                    continue
                found.append(
                    {
                        "field": labels.get(name, name),
                        "old": names[name].get(old_id, "") if old_id else "",
                        "new": names[name].get(new, "") if new else "",
                    }
                )
                continue
            if not hasattr(record, name):
                continue
            old = getattr(record, name)
            old_text = old.isoformat() if hasattr(old, "isoformat") else ("" if old is None else str(old))
            new_text = "" if new is None else str(new)
            if old_text != new_text:
                found.append({"field": labels.get(name, name), "old": old_text, "new": new_text})
        changes[row.pk] = found
    return changes


def _names_of(
    rows: list[ImportRow], model: Any, many: set[str], related: dict[str, Any], current: dict[int, Any]
) -> dict[Any, dict[int, Any]]:
    """The names of the terms and related records the rows and their records name, read in a few queries."""
    names: dict[Any, dict[int, Any]] = {}
    for name in many:
        field = model._meta.get_field(name)
        through = field.remote_field.through
        own = f"{model._meta.model_name}_id"
        other = f"{field.related_model._meta.model_name}_id"
        links = list(through.objects.filter(**{f"{own}__in": list(current)}).values_list(own, other))
        wanted = {i for r in rows for i in r.data.get(name) or []} | {t for _o, t in links}
        terms = {t.pk: str(t) for t in field.related_model.objects.filter(pk__in=wanted)}
        names[name] = terms
        now: dict[int, list[str]] = {}
        for owner, term in links:
            now.setdefault(owner, []).append(terms.get(term, str(term)))
        names[("now", name)] = now
    for name, other_model in related.items():
        wanted = {r.data.get(name) for r in rows if isinstance(r.data.get(name), int)}
        wanted |= {getattr(record, f"{name}_id", None) for record in current.values()}
        wanted.discard(None)
        names[name] = {o.pk: str(o) for o in other_model._base_manager.filter(pk__in=wanted)} if wanted else {}
    return names
