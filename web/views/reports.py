"""Reports of an institution per academic year: the dashboard (SVG charts, each with its table), the
annual report as PDF, and the partnership grid of the community-engagement classification."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.access import require
from network.models import Institution
from reports.annual_pdf import render_annual_pdf
from reports.classification import grid_headers, grid_rows
from reports.dashboard import Dashboard, build_dashboard, years_for
from reports.exports import CSV_CONTENT_TYPE, FORMATS, XLSX_CONTENT_TYPE, csv_lines, csv_separator, plain, xlsx_file
from reports.graph import academic_year_bounds, academic_year_of


class YearForm(forms.Form):
    year = forms.ChoiceField(label=_("Academic year"), required=False)

    def __init__(self, *args: Any, years: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in years]

    def chosen(self) -> str:
        if self.is_valid() and self.cleaned_data["year"]:
            return self.cleaned_data["year"]
        return academic_year_of(timezone.localdate())


def chosen_year(params: Any, institution: Institution) -> tuple[YearForm, str]:
    """The requested academic year; any well-formed year is accepted, the form offers the recent ones."""
    requested = (params.get("year") or "").strip()
    years = years_for(institution)
    if requested and requested not in years:
        try:
            academic_year_bounds(requested)
        except ValueError:
            pass
        else:
            years = [requested, *years]
    form = YearForm(params or None, years=years)
    return form, form.chosen()


def _institution(request: HttpRequest) -> Institution:
    user: Any = request.user
    require(user, "reports.view_reports")
    if user.institution is None:
        raise Http404
    return user.institution


def dashboard_for(request: HttpRequest) -> tuple[YearForm, Dashboard]:
    institution = _institution(request)
    form, year = chosen_year(request.GET, institution)
    return form, build_dashboard(request.user, institution, year)


@login_required
def reports_dashboard(request: HttpRequest) -> HttpResponse:
    form, board = dashboard_for(request)
    context = {"nav": "reports", "filters": form, "board": board, "year": board.year}
    return render(request, "web/reports/dashboard.html", context)


@login_required
def annual_report(request: HttpRequest) -> HttpResponse:
    _form, board = dashboard_for(request)
    response = HttpResponse(render_annual_pdf(board), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="brug-annual-report-{board.year}.pdf"'
    return response


def classification_response(user: Any, fmt: str, sep: str | None = None) -> HttpResponse:
    """The partnership grid as CSV (separated by ``sep``, by default as Excel expects it in the active language)
    or XLSX; shared with the API."""
    if fmt not in FORMATS:
        raise Http404
    require(user, "reports.view_reports")
    if user.institution is None:
        raise Http404
    rows = ([plain(value) for value in row] for row in grid_rows(user, user.institution))
    name = f"brug-partnership-grid-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "csv":
        # The grid is bounded (``classification.MAX_ROWS``): one answer, not a stream.
        delimiter = csv_separator(sep, translation.get_language())
        response = HttpResponse("".join(csv_lines(grid_headers(), rows, delimiter)), content_type=CSV_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return FileResponse(
        xlsx_file(str(_("Partnership grid")), grid_headers(), rows),
        as_attachment=True,
        filename=name,
        content_type=XLSX_CONTENT_TYPE,
    )


@login_required
def classification_grid(request: HttpRequest, fmt: str) -> HttpResponse:
    return classification_response(request.user, fmt, request.GET.get("sep"))


urlpatterns = [
    path("reports/", reports_dashboard, name="reports"),
    path("reports/annual-report.pdf", annual_report, name="reports-annual-pdf"),
    path("reports/partnership-grid.<slug:fmt>", classification_grid, name="reports-classification"),
]
