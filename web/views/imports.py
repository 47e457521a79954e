"""Spreadsheet imports: upload, map the columns, preview row by row, decide on duplicates, import, undo.

Office work: coordinators and administrators import for their institution (``imports.use_imports``);
another institution's imports are not found (404).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from accounts.access import get_for_user_or_404, require
from imports import services
from imports.models import ImportJob, ImportRow
from imports.readers import max_upload_bytes
from imports.undo import UndoRefused
from lib.errors import DomainError
from lib.pagination import paginate
from web.forms.imports import JobFilterForm, MappingForm, PreviewFilterForm, UploadForm, ValuesForm

SAMPLE_ROWS = 3
# Room for the form's other fields and the multipart boundaries around the file.
UPLOAD_OVERHEAD = 64 * 1024


def _jobs(user: Any) -> QuerySet[ImportJob]:
    return ImportJob.objects.for_user(user)


def _job(request: HttpRequest, public_id: Any) -> ImportJob:
    require(request.user, "imports.use_imports")
    return get_for_user_or_404(_jobs(request.user).select_related("created_by"), public_id=public_id)


def _list_page(request: HttpRequest, form: UploadForm, status: int = 200, refusal: str = "") -> HttpResponse:
    filters = JobFilterForm(request.GET or None)
    jobs = _jobs(request.user).select_related("created_by")
    if filters.is_valid():
        if filters.cleaned_data["status"]:
            jobs = jobs.filter(status=filters.cleaned_data["status"])
        if filters.cleaned_data["kind"]:
            jobs = jobs.filter(kind=filters.cleaned_data["kind"])
    context = {
        "nav": "imports",
        "form": form,
        "refusal": refusal,
        "filters": filters,
        "page": paginate(request, jobs.order_by("-created_at", "-id")),
    }
    return render(request, "web/imports/list.html", context, status=status)


class _LimitHandler(FileUploadHandler):
    """Stops reading an upload that grows past the limit, also when the client sent no length."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > max_upload_bytes() + UPLOAD_OVERHEAD:
            self.request.import_too_big = True  # type: ignore[union-attr]
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _too_big(request: HttpRequest) -> HttpResponse:
    refusal = _("The file is larger than %(max)s, so it was not read. Split it into smaller files.") % {
        "max": filesizeformat(max_upload_bytes())
    }
    return _list_page(request, UploadForm(), status=413, refusal=refusal)


@csrf_exempt
@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    """The imports of the institution, and the upload form. An upload too large is refused before it is read."""
    require(request.user, "imports.use_imports")
    if request.method == "POST":
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_upload_bytes() + UPLOAD_OVERHEAD:
            return _too_big(request)
        request.upload_handlers.insert(0, _LimitHandler(request))
        return _upload(request)
    return _list_page(request, UploadForm())


@csrf_protect
def _upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if getattr(request, "import_too_big", False):
        return _too_big(request)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    user: Any = request.user
    upload = form.cleaned_data["file"]
    try:
        job = services.create_job(
            by=user,
            institution=user.institution,
            kind=form.cleaned_data["kind"],
            name=upload.name,
            data=upload.read(),
            encoding=form.cleaned_data.get("encoding") or "",
        )
    except DomainError as exc:
        form.add_error("file", exc.messages)
        return _list_page(request, form, status=400)
    return redirect("import-detail", public_id=job.public_id)


def _preview_context(request: HttpRequest, job: ImportJob) -> dict[str, Any]:
    filters = PreviewFilterForm(request.GET or None)
    rows = ImportRow.objects.filter(job=job)
    show = filters.cleaned_data["show"] if filters.is_valid() else ""
    if show == "duplicates":
        rows = rows.filter(existing_id__isnull=False, same=False)
    elif show == "warnings":
        rows = rows.exclude(warnings=[])
    elif show:
        rows = rows.filter(action=show)
    page = paginate(request, rows.order_by("row_number"))
    shown = list(page)
    changes = services.field_changes(job, shown)
    for row in shown:
        row.changes = changes.get(row.pk, [])
    return {"filters": filters, "page": page, "rows": shown}


@login_required
def import_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    job = _job(request, public_id)
    services.recover_interrupted(job)
    return _detail(request, job)


def _detail(
    request: HttpRequest,
    job: ImportJob,
    *,
    mapping_form: MappingForm | None = None,
    status: int = 200,
    refused: UndoRefused | None = None,
    values_form: ValuesForm | None = None,
) -> HttpResponse:
    context: dict[str, Any] = {"nav": "imports", "job": job, "summary": job.summary}
    if refused is not None:
        context["undo_blockers"] = [_blocker_context(blocker) for blocker in refused.check.blockers]
        context["undo_safe"] = refused.check.safe
    if job.status in (ImportJob.Status.UPLOADED, ImportJob.Status.MAPPED, ImportJob.Status.PREVIEWED):
        context["mapping_form"] = mapping_form or MappingForm(job=job, samples=services.column_samples(job))
        context["open_mapping"] = job.status != ImportJob.Status.PREVIEWED or mapping_form is not None
    if job.status in (ImportJob.Status.PREVIEWED, ImportJob.Status.DONE):
        context.update(_preview_context(request, job))
    if job.status == ImportJob.Status.PREVIEWED:
        questions = services.value_questions(job)
        if questions:
            context["values_form"] = values_form or ValuesForm(
                questions=questions, may_add_terms=services.may_add_terms(request.user)
            )
    if job.is_running:
        context["progress"] = _progress_context(job)
    context["to_write"] = int(job.summary.get("create", 0)) + int(job.summary.get("update", 0))
    context["can_undo"] = job.can_undo
    return render(request, "web/imports/detail.html", context, status=status)


@login_required
@require_POST
def import_mapping(request: HttpRequest, public_id: Any) -> HttpResponse:
    job = _job(request, public_id)
    require(request.user, "imports.change_importjob", job)
    form = MappingForm(request.POST, job=job)
    if form.is_valid():
        try:
            services.set_mapping(job, form.mapping())
            services.start_preview(job)
        except DomainError as exc:
            form.add_error(None, exc.messages)
    if form.errors:
        return _detail(request, job, mapping_form=form, status=400)
    job.refresh_from_db()
    if job.status == ImportJob.Status.FAILED:
        messages.error(request, job.error)
    return redirect("import-detail", public_id=job.public_id)


@login_required
@require_POST
def import_values(request: HttpRequest, public_id: Any) -> HttpResponse:
    """The value step: what the office's own words mean, kept for its next imports; the preview is made again."""
    job = _job(request, public_id)
    require(request.user, "imports.change_importjob", job)
    if job.status != ImportJob.Status.PREVIEWED:
        messages.error(request, _("The preview is not ready, so values cannot be mapped now."))
        return redirect("import-detail", public_id=job.public_id)
    form = ValuesForm(
        request.POST, questions=services.value_questions(job), may_add_terms=services.may_add_terms(request.user)
    )
    if form.is_valid():
        try:
            kept = services.set_values(job, form.answers(), by=request.user)
            if kept:
                services.start_preview(job)
        except DomainError as exc:
            form.add_error(None, exc.messages)
    if form.errors:
        return _detail(request, job, values_form=form, status=400)
    job.refresh_from_db()
    if job.status == ImportJob.Status.FAILED:
        messages.error(request, job.error)
    else:
        messages.success(request, _("The values are kept for this import and the next ones; the preview is updated."))
    return redirect("import-detail", public_id=job.public_id)


@login_required
@require_POST
def import_decide(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Save the merge / keep-apart choices of the rows shown; with "confirm", import right after."""
    job = _job(request, public_id)
    require(request.user, "imports.change_importjob", job)
    decisions: dict[int, str] = {}
    for name, value in request.POST.items():
        if name.startswith("decision_") and name.removeprefix("decision_").isdigit():
            decisions[int(name.removeprefix("decision_"))] = value
    try:
        services.decide(job, decisions)
        if "confirm" in request.POST:
            services.start_import(job, by=request.user)
    except DomainError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("import-detail", public_id=job.public_id)
    job.refresh_from_db()
    if "confirm" not in request.POST:
        messages.success(request, _("Your choices are saved."))
        back = request.POST.get("back", "")
        url = reverse("import-detail", args=[job.public_id])
        return redirect(url + back if back.startswith("?") else url)
    if job.status == ImportJob.Status.DONE:
        written = job.summary.get("written", {})
        message = services.result_message(job)
        if written.get("created", 0) or written.get("updated", 0):
            messages.success(request, message)
        else:
            messages.warning(request, message)
    elif job.error:
        messages.error(request, job.error)
    return redirect("import-detail", public_id=job.public_id)


@login_required
@require_POST
def import_undo(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Undo the import; refused, the page lists what blocks it, with links, and offers to undo only the rest."""
    job = _job(request, public_id)
    require(request.user, "imports.change_importjob", job)
    only_safe = request.POST.get("only_safe") == "1"
    try:
        count = services.undo_import(job, by=request.user, only_safe=only_safe)
    except UndoRefused as exc:
        job.refresh_from_db()
        return _detail(request, job, refused=exc, status=400)
    except DomainError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if job.status == ImportJob.Status.PARTLY_UNDONE:
            kept = job.summary.get("undo", {}).get("kept", 0)
            messages.success(
                request,
                _(
                    "Part of the import is undone: %(undone)s records taken back, %(kept)s kept "
                    "because work was done on them since."
                )
                % {"undone": count, "kept": kept},
            )
        else:
            messages.success(request, _("The import is undone: its records are removed or restored."))
    return redirect("import-detail", public_id=job.public_id)


# The page of each kind of record an import writes, for the links in an undo refusal.
RECORD_PAGES = {
    "network.organisation": "organisation-detail",
    "network.person": "person-detail",
    "network.relationship": "relationship-detail",
    "engagements.course": "course-detail",
    "engagements.engagement": "engagement-detail",
}


def _blocker_context(blocker: Any) -> dict[str, Any]:
    links = []
    for ref in blocker.records:
        page = RECORD_PAGES.get(ref.label)
        url = reverse(page, args=[ref.public_id]) if page and ref.public_id else ""
        links.append({"name": ref.name, "url": url})
    return {"message": blocker.message, "links": links, "more": blocker.more}


@login_required
@require_POST
def import_retry(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Run the preview or import again that a lost background worker interrupted."""
    job = _job(request, public_id)
    require(request.user, "imports.change_importjob", job)
    try:
        services.retry_job(job, by=request.user)
    except DomainError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("import-detail", public_id=job.public_id)


@login_required
@require_POST
def import_cancel(request: HttpRequest, public_id: Any) -> HttpResponse:
    job = _job(request, public_id)
    require(request.user, "imports.change_importjob", job)
    try:
        services.cancel_job(job, by=request.user)
    except DomainError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Cancelled. Nothing was imported."))
    return redirect("import-detail", public_id=job.public_id)


def _progress_context(job: ImportJob) -> dict[str, Any]:
    done, total = services.read_progress(job)
    return {"done": done, "total": total, "percent": int(done * 100 / total) if total else 0}


@login_required
def import_progress(request: HttpRequest, public_id: Any) -> HttpResponse:
    """The progress bar alone, polled by htmx every second; when the work is over, the page reloads."""
    job = _job(request, public_id)
    services.recover_interrupted(job)
    response = render(request, "web/imports/_progress.html", {"job": job, "progress": _progress_context(job)})
    if not job.is_running and request.htmx:
        response["HX-Refresh"] = "true"
    return response


urlpatterns = [
    path("imports/", import_list, name="import-list"),
    path("imports/<uuid:public_id>/", import_detail, name="import-detail"),
    path("imports/<uuid:public_id>/mapping/", import_mapping, name="import-mapping"),
    path("imports/<uuid:public_id>/values/", import_values, name="import-values"),
    path("imports/<uuid:public_id>/decide/", import_decide, name="import-decide"),
    path("imports/<uuid:public_id>/undo/", import_undo, name="import-undo"),
    path("imports/<uuid:public_id>/progress/", import_progress, name="import-progress"),
    path("imports/<uuid:public_id>/retry/", import_retry, name="import-retry"),
    path("imports/<uuid:public_id>/cancel/", import_cancel, name="import-cancel"),
]
