"""Export a list as CSV or XLSX with the list page's filters: ``/export/<list>.<csv|xlsx>?<same filters>``.

A CSV is separated as Excel expects it in the user's language (Dutch: ``;``, English: ``,``); ``sep=comma`` or
``sep=semicolon`` chooses.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import path
from django.utils import translation

from accounts.access import require
from reports.exports import (
    CSV_CONTENT_TYPE,
    FORMATS,
    LISTS,
    XLSX_CONTENT_TYPE,
    csv_lines,
    csv_separator,
    filename,
    xlsx_file,
)


def export_response(user: Any, name: str, fmt: str, params: Any, sep: str | None = None) -> HttpResponse:
    """The export of list ``name`` for ``user``: the rows the list page shows with the same filters.

    A CSV is separated by ``sep`` (``comma`` or ``semicolon``), by default as Excel expects it in the active
    language. Raises ``Http404`` for an unknown list or format (or the health list for a user without an institution)
    and ``PermissionDenied`` when the role may not read the list. Shared by the web page and the API."""
    export = LISTS.get(name)
    if export is None or fmt not in FORMATS:
        raise Http404
    if export.permission:
        require(user, export.permission)
    if export.needs_institution and user.institution_id is None:
        raise Http404
    rows = export.values(export.rows(user, params))
    headers = export.headers()
    if fmt == "csv":
        delimiter = csv_separator(sep, translation.get_language())
        response: HttpResponse = StreamingHttpResponse(
            csv_lines(headers, rows, delimiter), content_type=CSV_CONTENT_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="{filename(export, fmt)}"'
    else:
        response = FileResponse(
            xlsx_file(str(export.title), headers, rows),
            as_attachment=True,
            filename=filename(export, fmt),
            content_type=XLSX_CONTENT_TYPE,
        )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def export_list(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    return export_response(request.user, name, fmt, request.GET, sep=request.GET.get("sep"))


urlpatterns = [
    path("export/<slug:name>.<slug:fmt>", export_list, name="export"),
]
