"""Spreadsheet imports: upload a CSV or XLSX, correct the guessed column mapping, read the preview row by row,
decide on likely duplicates, confirm, and undo. The same services, limits and rules as the import pages: office
work (``imports.use_imports``: coordinators and administrators; other roles get 403), and another institution's
imports are not found (404).

A large file (more than 2,000 data rows) is previewed and imported by the task worker: the answer then says
``previewing`` or ``importing``; poll the import's detail for its ``progress``.
"""

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any, Literal
from uuid import UUID

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.decorators import decorate_view
from ninja.pagination import paginate
from pydantic import ConfigDict

from accounts.access import get_for_user_or_404, require
from api.auth import acting_user
from api.errors import codes
from api.pagination import Pages
from api.schemas import InputSchema, choice
from imports import services
from imports.mapping import IGNORE, targets
from imports.models import ImportJob, ImportRow, Kind
from imports.readers import ENCODINGS, max_upload_bytes
from imports.writers import LABELS, MODELS
from lib.errors import DomainError

router = Router(tags=["Imports"])

KindValue = choice(Kind)
StatusValue = choice(ImportJob.Status)
DecisionValue = choice(ImportRow.Decision)
USE = "imports.use_imports"
CHANGE = "imports.change_importjob"
# Room for the form's other fields and the multipart boundaries around the file (as the upload page).
UPLOAD_OVERHEAD = 64 * 1024
SAMPLE_ROWS = 3
EDITABLE = (ImportJob.Status.UPLOADED, ImportJob.Status.MAPPED, ImportJob.Status.PREVIEWED)


# ---------------------------------------------------------------------------------------------- schemas


class ProgressOut(Schema):
    done: int
    total: int
    percent: int


class FieldOut(Schema):
    name: str = Field(description="What to send in the mapping.")
    label: str
    required: bool


class ColumnOut(Schema):
    index: int = Field(description="The column's position, from 0; the key of the mapping.")
    header: str
    field: str = Field(description="The field the column fills; empty: the column is ignored.")
    samples: list[str] = Field(description="The first values under the header.")


class SummaryOut(Schema):
    total: int = Field(0, description="Data rows of the file.")
    create: int = 0
    update: int = 0
    unchanged: int = 0
    error: int = Field(0, description="Rows with an error: they are skipped.")
    duplicates: int = Field(0, description="Rows that look like an existing record (merge or keep apart).")
    warnings: int = Field(
        0, description="Rows imported with a warning: optional cells that could not be read are left empty."
    )
    unknown: dict[str, list[tuple[str, int]]] = Field(
        default_factory=dict,
        description="Per column (`<kind>.<field>`), the words Brug did not recognise and in how many rows; the "
        "import's page asks once what they mean and remembers it for the institution.",
    )
    created: int | None = Field(None, description="After the import: records created.")
    updated: int | None = Field(None, description="After the import: records updated.")


class ImportOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    kind: str
    kind_label: str
    status: str
    status_label: str
    file_name: str = Field(validation_alias="original_name")
    file_size: int
    created_at: dt.datetime
    created_by: str | None
    summary: SummaryOut

    @staticmethod
    def resolve_kind_label(obj: ImportJob) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj: ImportJob) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_created_by(obj: ImportJob) -> str | None:
        user = obj.created_by
        return (user.get_full_name() or user.username) if user else None

    @staticmethod
    def resolve_summary(obj: ImportJob) -> dict[str, Any]:
        summary = dict(obj.summary or {})
        written = summary.pop("written", None) or {}
        return {**summary, "created": written.get("created"), "updated": written.get("updated")}


class ImportDetailOut(ImportOut):
    encoding: str = Field(description="utf-8, cp1252 (Windows-1252) or xlsx.")
    delimiter: str
    header_row: int = Field(description="The row of the file (from 1) read as the column headers.")
    error: str = Field(description="Why the last preview or import did not go through; empty if it did.")
    progress: ProgressOut
    runs_in_background: bool
    columns: list[ColumnOut]
    fields: list[FieldOut] = Field(description="The fields a column can fill for this kind of import.")
    can_change_mapping: bool
    can_decide: bool
    can_confirm: bool
    can_undo: bool
    can_retry: bool = Field(description="A lost background worker interrupted the preview or import: run it again.")
    can_cancel: bool = Field(description="A running preview, an import not yet begun, or an interrupted step.")

    @staticmethod
    def resolve_progress(obj: ImportJob) -> dict[str, int]:
        done, total = services.read_progress(obj) if obj.is_running else (obj.progress_done, obj.progress_total)
        return {"done": done, "total": total, "percent": int(done * 100 / total) if total else 0}

    @staticmethod
    def resolve_runs_in_background(obj: ImportJob) -> bool:
        return services.runs_in_background(obj)

    @staticmethod
    def resolve_columns(obj: ImportJob) -> list[dict[str, Any]]:
        samples = services.column_samples(obj, SAMPLE_ROWS) if obj.status in EDITABLE else {}
        return [
            {
                "index": index,
                "header": services.column_label(obj, index),
                "field": obj.mapping.get(str(index), IGNORE),
                "samples": samples.get(index, []),
            }
            for index in range(len(obj.headers))
        ]

    @staticmethod
    def resolve_fields(obj: ImportJob) -> list[dict[str, Any]]:
        return [{"name": t.name, "label": str(t.label), "required": t.required} for t in targets(obj.kind)]

    @staticmethod
    def resolve_can_change_mapping(obj: ImportJob) -> bool:
        return obj.status in EDITABLE

    @staticmethod
    def resolve_can_decide(obj: ImportJob) -> bool:
        return obj.status == ImportJob.Status.PREVIEWED

    @staticmethod
    def resolve_can_confirm(obj: ImportJob) -> bool:
        return obj.status == ImportJob.Status.PREVIEWED

    @staticmethod
    def resolve_can_undo(obj: ImportJob) -> bool:
        return obj.can_undo

    @staticmethod
    def resolve_can_retry(obj: ImportJob) -> bool:
        return obj.can_retry

    @staticmethod
    def resolve_can_cancel(obj: ImportJob) -> bool:
        return obj.can_cancel

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0b8f2a64-5d0e-4b7a-9a53-5b7a8d8c9f10",
                    "kind": "organisations",
                    "kind_label": "Organisations",
                    "status": "previewed",
                    "status_label": "Preview ready",
                    "file_name": "partners.csv",
                    "file_size": 2048,
                    "created_at": "2027-01-31T10:00:00+01:00",
                    "created_by": "Carla Coördinator",
                    "summary": {"total": 3, "create": 1, "update": 1, "unchanged": 0, "error": 1, "duplicates": 1},
                    "encoding": "cp1252",
                    "delimiter": ";",
                    "header_row": 2,
                    "error": "",
                    "progress": {"done": 3, "total": 3, "percent": 100},
                    "runs_in_background": False,
                    "columns": [{"index": 0, "header": "Naam", "field": "name", "samples": ["Buurtwerk De Brug"]}],
                    "fields": [{"name": "name", "label": "Name", "required": True}],
                    "can_change_mapping": True,
                    "can_decide": True,
                    "can_confirm": True,
                    "can_undo": False,
                }
            ]
        }
    )


class CellErrorOut(Schema):
    column: str = Field(description="The column's header; empty for the row as a whole.")
    message: str


class ExistingOut(Schema):
    id: UUID | None = Field(description="Public id of the existing record.")
    label: str
    match: str = Field(description="`exact` (same key) or `similar` (a similar name at the same postcode).")
    same: bool = Field(description="The row holds nothing the record does not already have.")


class RowOut(Schema):
    row: int = Field(validation_alias="row_number", description="The row number in the spreadsheet.")
    action: str = Field(description="create, update, unchanged or error.")
    action_label: str
    label: str
    errors: list[CellErrorOut] = Field(description="Why the row is skipped (a required value missing or unreadable).")
    warnings: list[CellErrorOut] = Field(
        description="Optional cells that could not be read (left empty), cells beyond the header: the row is imported."
    )
    existing: ExistingOut | None
    decision: str = Field(description="For a likely duplicate: `merge` or `separate`; else empty.")

    @staticmethod
    def resolve_action_label(obj: ImportRow) -> str:
        return str(obj.get_action_display())

    @staticmethod
    def resolve_existing(obj: ImportRow) -> dict[str, Any] | None:
        if obj.existing_id is None:
            return None
        return {
            "id": getattr(obj, "existing_public_id", None),
            "label": obj.existing_label,
            "match": obj.match,
            "same": obj.same,
        }


class MappingIn(InputSchema):
    mapping: dict[str, str] = Field(
        description='Column index (from 0, as text) → field name; a column left out, or mapped to "", is '
        "ignored. Every required field needs a column. Sending the mapping (re)builds the preview."
    )

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"mapping": {"0": "name", "2": "postcode", "3": "city", "4": ""}}]}
    )


class DecisionIn(InputSchema):
    row: int = Field(ge=1, le=2**31 - 1, description="The row number of a likely duplicate.")
    decision: DecisionValue


class DecisionsIn(InputSchema):
    decisions: list[DecisionIn] = Field(max_length=10_000)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"decisions": [{"row": 4, "decision": "separate"}, {"row": 7, "decision": "merge"}]}]
        }
    )


# ---------------------------------------------------------------------------------------------- helpers


def _jobs(request: HttpRequest) -> QuerySet[ImportJob]:
    return ImportJob.objects.for_user(acting_user(request)).select_related("created_by")


def _job(request: HttpRequest, public_id: UUID) -> ImportJob:
    require(acting_user(request), USE)
    return get_for_user_or_404(_jobs(request), public_id=public_id)


def _changeable(request: HttpRequest, public_id: UUID) -> ImportJob:
    job = _job(request, public_id)
    require(acting_user(request), CHANGE, job)
    return job


def _on_field(field: str, exc: DomainError) -> DomainError:
    """A refusal of the whole request, said on the field it is about (a refusal per field stays as it is)."""
    if hasattr(exc, "error_dict"):
        return exc
    return DomainError({field: exc.messages})


# ---------------------------------------------------------------------------------------------- upload limit


class _LimitHandler(FileUploadHandler):
    """Stops reading an upload that grows past the limit, also when the client sent no length."""

    def __init__(self, request: HttpRequest, too_big: bool) -> None:
        super().__init__(request)
        self.received = 0
        self.too_big = too_big

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.too_big or self.received > max_upload_bytes() + UPLOAD_OVERHEAD:
            self.request.import_too_big = True  # type: ignore[union-attr]
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _too_big_answer() -> HttpResponse:
    message = _("The file is larger than %(max)s, so it was not read. Split it into smaller files.") % {
        "max": filesizeformat(max_upload_bytes())
    }
    return JsonResponse({"detail": message, "errors": {"file": [message]}}, status=400)


def limit_upload(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse a file past the size limit before it is read whole (the request body is not kept)."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        request.upload_handlers.insert(0, _LimitHandler(request, length > max_upload_bytes() + UPLOAD_OVERHEAD))
        response = run(request, *args, **kwargs)
        # Authentication answers first (401, 403); a file cut off then fails the schema (422): say why.
        if getattr(request, "import_too_big", False) and response.status_code not in (401, 403):
            return _too_big_answer()
        return response

    return wrapper


# ---------------------------------------------------------------------------------------------- routes


@router.get("", response=codes({200: list[ImportOut]}, 403), summary="List imports")
@paginate(Pages)
def list_imports(request: HttpRequest, status: StatusValue | None = None, kind: KindValue | None = None) -> Any:
    """Your institution's imports, newest first (coordinators and administrators). Filters: `status`, `kind`."""
    require(acting_user(request), USE)
    jobs = _jobs(request)
    if status:
        jobs = jobs.filter(status=status)
    if kind:
        jobs = jobs.filter(kind=kind)
    return jobs.order_by("-created_at", "-id")


@router.post("", response=codes({201: ImportDetailOut}, 400, 403), summary="Upload a spreadsheet")
@decorate_view(limit_upload)
def upload(  # type: ignore[valid-type]
    request: HttpRequest, kind: Form[KindValue], file: File[UploadedFile], encoding: Form[str] = ""
) -> Status:
    """Send the file as `multipart/form-data` with what it holds (`kind`). CSV (comma or semicolon separated,
    UTF-8 or Windows-1252) or XLSX, at most 20 MB and 200 columns. Brug finds the header row (a title row
    above it is passed over) and guesses the columns; nothing is read into the records yet. Next: send the
    mapping, which builds the preview. A file that cannot be read is refused (400) with the reason. `encoding`
    (optional: utf-8, cp1252, iso-8859-1, utf-16, mac_roman) reads a CSV in the encoding you choose, when its
    characters were refused or read wrongly."""
    user = acting_user(request)
    require(user, USE)
    if user.institution_id is None:
        raise DomainError({"kind": [_("Only someone of an institution can import for it.")]})
    if file.size is not None and file.size > max_upload_bytes():
        raise DomainError(
            {
                "file": [
                    _("The file is %(size)s; Brug takes files of at most %(max)s. Split it into smaller files.")
                    % {"size": filesizeformat(file.size), "max": filesizeformat(max_upload_bytes())}
                ]
            }
        )
    try:
        if encoding and encoding not in dict(ENCODINGS):
            raise DomainError(_("Choose one of the encodings offered."))
        job = services.create_job(
            by=user,
            institution=user.institution,
            kind=kind,
            name=file.name or "upload.csv",
            data=file.read(),
            encoding=encoding,
        )
    except DomainError as exc:
        raise _on_field("file", exc) from exc
    return Status(201, job)


@router.get("/{public_id}", response=codes({200: ImportDetailOut}, 403, 404), summary="One import")
def get_import(request: HttpRequest, public_id: UUID) -> ImportJob:
    """Status and progress, the columns with their mapping and first values, the fields they can fill, the
    preview's counts and why the last step failed (`error`). The rows themselves: `/rows`. A step whose
    background worker was lost shows as `failed` with `can_retry` and `can_cancel`."""
    job = _job(request, public_id)
    services.recover_interrupted(job)
    return job


@router.get("/{public_id}/rows", response=codes({200: list[RowOut]}, 403, 404), summary="Preview rows of an import")
@paginate(Pages)
def list_rows(
    request: HttpRequest,
    public_id: UUID,
    show: Literal["create", "update", "unchanged", "error", "duplicates", "warnings"] | None = None,
) -> Any:
    """The preview row by row, in the file's order: what importing will do with it, every error with its
    column, and the existing record it looks like. Filter `show`: an action, or `duplicates` (rows that look
    like an existing record and would change it: merge or keep apart)."""
    job = _job(request, public_id)
    rows = ImportRow.objects.filter(job=job)
    if show == "duplicates":
        rows = rows.filter(existing_id__isnull=False, same=False)
    elif show == "warnings":
        rows = rows.exclude(warnings=[])
    elif show:
        rows = rows.filter(action=show)
    model = MODELS[LABELS[job.kind]]
    existing = model.objects.filter(pk=OuterRef("existing_id")).values("public_id")[:1]
    return rows.annotate(existing_public_id=Subquery(existing)).order_by("row_number")


@router.post("/{public_id}/mapping", response=codes({200: ImportDetailOut}, 400, 403, 404), summary="Map the columns")
def set_mapping(request: HttpRequest, public_id: UUID, payload: MappingIn) -> ImportJob:
    """Which column fills which field, then the preview: at once, or for a large file in the background
    (status `previewing`; poll the detail). A preview that fails says why in `error` (status `failed`)."""
    job = _changeable(request, public_id)
    try:
        services.set_mapping(job, payload.mapping)
        services.start_preview(job)
    except DomainError as exc:
        raise _on_field("mapping", exc) from exc
    job.refresh_from_db()
    return job


class WordOut(Schema):
    raw: str = Field(description="The word as written in the file.")
    count: int = Field(description="In how many rows.")
    suggestion: str = Field(description="Brug's suggestion: one of the options' values, or empty.")


class OptionOut(Schema):
    value: str
    label: str


class ValueQuestionOut(Schema):
    column: str = Field(description="`<kind>.<field>`, e.g. `organisations.kind`.")
    label: str = Field(description="The column's header in the file.")
    options: list[OptionOut]
    words: list[WordOut]


class ValuesIn(InputSchema):
    answers: dict[str, dict[str, str]] = Field(
        description="Column → word → one of the column's option values, or `-` to leave such cells empty, or, in "
        "the themes and target groups columns and for the coordinator's office, `+` to add the word as a new term "
        "of the shared vocabulary. A word left out stays unrecognised (its cells empty, with a warning). Kept for "
        "the institution's next imports."
    )

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"answers": {"organisations.kind": {"stadsdienst": "city_service"}}}]}
    )


@router.get(
    "/{public_id}/values",
    response=codes({200: list[ValueQuestionOut]}, 403, 404),
    summary="Words the preview did not recognise",
)
def list_values(request: HttpRequest, public_id: UUID) -> list[dict[str, Any]]:
    """Per column of a vocabulary (kinds, themes, target groups, roles, channels, yes/no), the words the
    preview did not recognise, how often, the values they can stand for, and Brug's suggestion."""
    job = _job(request, public_id)
    return [
        {**q, "options": [{"value": v, "label": label} for v, label in q["options"]]}
        for q in services.value_questions(job)
    ]


@router.post("/{public_id}/values", response=codes({200: ImportDetailOut}, 400, 403, 404), summary="Map the values")
def set_values(request: HttpRequest, public_id: UUID, payload: ValuesIn) -> ImportJob:
    """Say once what the office's words mean; the preview is made again (at once, or in the background)."""
    job = _changeable(request, public_id)
    try:
        if services.set_values(job, payload.answers, by=acting_user(request)):
            services.start_preview(job)
    except DomainError as exc:
        raise _on_field("answers", exc) from exc
    job.refresh_from_db()
    return job


@router.post(
    "/{public_id}/decisions", response=codes({200: ImportDetailOut}, 400, 403, 404), summary="Merge or keep apart"
)
def decide(request: HttpRequest, public_id: UUID, payload: DecisionsIn) -> ImportJob:
    """For rows that look like an existing record: `merge` into it (the default) or keep it apart
    (`separate`: a new record). Only while the preview is ready."""
    job = _changeable(request, public_id)
    decisions = {item.row: item.decision for item in payload.decisions}
    known = (
        set(decisions)
        if job.status != ImportJob.Status.PREVIEWED
        else set(
            ImportRow.objects.filter(job=job, row_number__in=list(decisions), existing_id__isnull=False)
            .exclude(action=ImportRow.Action.ERROR)
            .values_list("row_number", flat=True)
        )
    )
    if unknown := sorted(set(decisions) - known):
        raise DomainError(
            {
                "decisions": [
                    _("These rows do not look like an existing record, so there is nothing to decide: %(rows)s.")
                    % {"rows": ", ".join(str(row) for row in unknown)}
                ]
            }
        )
    services.decide(job, decisions)
    job.refresh_from_db()
    return job


@router.post(
    "/{public_id}/confirm",
    response=codes({200: ImportDetailOut, 202: ImportDetailOut}, 400, 403, 404),
    summary="Import the previewed rows",
)
def confirm(request: HttpRequest, public_id: UUID) -> Any:
    """Write every row to create or update in one transaction: all of it, or on any refusal nothing (400 with
    the reason; preview again if records changed since). Rows with errors are skipped. A large file is
    imported in the background: 202 with status `importing`; poll the detail."""
    job = _changeable(request, public_id)
    services.start_import(job, by=acting_user(request))
    job.refresh_from_db()
    if job.status == ImportJob.Status.IMPORTING:
        return Status(202, job)
    if job.status != ImportJob.Status.DONE:
        raise DomainError(job.error or _("The import failed unexpectedly; nothing was imported."))
    return job


@router.post("/{public_id}/undo", response=codes({200: ImportDetailOut}, 400, 403, 404), summary="Undo an import")
def undo(request: HttpRequest, public_id: UUID, only_safe: bool = False) -> ImportJob:
    """Take the import back: created records are removed, updated ones restored. It never loses work done since:
    while any of its records was changed, or anything points at one (a contact moment, a note, a workbook, a
    participation ...), the undo is refused (400) and `errors.undo` says, per kind, what blocks it, by whom, when
    and on which records. With `only_safe=true` everything else is undone, those records stay, and the import
    becomes `partly_undone`. An undone import answers 400 ("already undone")."""
    job = _changeable(request, public_id)
    services.undo_import(job, by=acting_user(request), only_safe=only_safe)
    job.refresh_from_db()
    return job


@router.post(
    "/{public_id}/retry",
    response=codes({200: ImportDetailOut, 202: ImportDetailOut}, 400, 403, 404),
    summary="Retry an interrupted preview or import",
)
def retry(request: HttpRequest, public_id: UUID) -> Any:
    """Run again the step (preview or import) that a lost background worker interrupted (`can_retry`). A large
    file goes back to the worker: 202 with status `previewing` or `importing`; poll the detail."""
    job = _changeable(request, public_id)
    services.retry_job(job, by=acting_user(request))
    job.refresh_from_db()
    return Status(202, job) if job.is_running else job


@router.post("/{public_id}/cancel", response=codes({200: ImportDetailOut}, 400, 403, 404), summary="Cancel")
def cancel(request: HttpRequest, public_id: UUID) -> ImportJob:
    """Stop a running preview, an import not yet begun, or an interrupted step (`can_cancel`), and go back to
    the mapping or the preview. An import being written cannot be stopped halfway (400)."""
    job = _changeable(request, public_id)
    services.cancel_job(job, by=acting_user(request))
    job.refresh_from_db()
    return job
