"""Reports: the dashboard figures per academic year, the network at a glance, and every export
(CSV or XLSX) of the lists and of the partnership grid. Same figures and rules as the web pages."""

from __future__ import annotations

from typing import Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from accounts.access import require
from api.auth import acting_user
from api.errors import codes
from api.schemas import Text
from network.models import Institution
from reports.annual_pdf import render_annual_pdf
from reports.dashboard import build_dashboard
from reports.exports import LISTS
from reports.graph import academic_year_bounds, academic_year_of
from web.views.exports import export_response
from web.views.network_graph import NetworkFilterForm, graph_for
from web.views.reports import classification_response

router = Router(tags=["Reports"])

Year = Field(None, pattern=r"^\d{4}-\d{4}$", description="Academic year, e.g. 2026-2027; default: the current one.")
Format = Literal["csv", "xlsx"]
Separator = Literal["comma", "semicolon"]
SEP = Query(
    None,
    description="CSV separator; by default the one Excel expects in your language: `semicolon` in Dutch, "
    "`comma` in English.",
)
ListName = Literal[tuple(LISTS)]  # type: ignore[valid-type]
FILE = {
    "description": "The file (CSV in UTF-8 with a byte-order mark, or XLSX).",
    "content": {
        "text/csv": {"schema": {"type": "string"}},
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
            "schema": {"type": "string", "format": "binary"}
        },
    },
}


class ChartRowOut(Schema):
    label: str
    value: float


class ChartOut(Schema):
    key: str
    title: str
    note: str
    rows: list[ChartRowOut]


class DashboardOut(Schema):
    institution: str
    year: str
    start: str
    end: str
    headline: dict[str, int]
    charts: list[ChartOut]

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "institution": "Universiteit Aan de Schelde",
                    "year": "2026-2027",
                    "start": "2026-09-01",
                    "end": "2027-08-31",
                    "headline": {"partners": 42, "engagements": 87, "students": 640, "student_hours": 9120},
                    "charts": [
                        {
                            "key": "neighbourhood",
                            "title": "Neighbourhood or elsewhere",
                            "note": "",
                            "rows": [{"label": "In a campus neighbourhood", "value": 31}],
                        }
                    ],
                }
            ]
        }
    )


class NodeOut(Schema):
    id: str
    label: str
    kind: str = Field(description="person, organisation, role (people grouped by role) or theme")
    role: str = Field(description="SOFAR role code, or org")
    size: int = Field(description="How many actors the node stands for.")
    broker: bool
    isolated: bool
    ref: str = Field(description="Public id of the person or organisation; empty for a group.")


class EdgeOut(Schema):
    source: str
    target: str
    weight: int = Field(description="Contact moments in the period.")


class ActorRefOut(Schema):
    key: str
    id: str
    name: str


class BrokerOut(ActorRefOut):
    role: str
    role_label: str
    betweenness: float
    relationships: int


class PairOut(Schema):
    pair: str
    label: str


class NetworkOut(Schema):
    level: str
    limits: dict[str, int]
    totals: dict[str, int]
    truncated: bool
    nodes: list[NodeOut]
    edges: list[EdgeOut]
    brokers: list[BrokerOut]
    isolated: list[ActorRefOut]
    isolated_count: int
    missing_pairs: list[PairOut]


class NetworkFilters(Schema):
    year: str | None = Year
    campus: Text = Field("", max_length=50, description="Slug of one of your institution's campuses.")
    theme: Text = Field("", max_length=50, description="Slug of a theme.")
    course: Text = Field("", max_length=40, description="Public id of one of your institution's courses.")
    level: Literal["auto", "detail", "organisation", "theme"] = "auto"


def _institution(request: HttpRequest) -> Institution:
    user = acting_user(request)
    require(user, "reports.view_reports")
    if user.institution is None:
        raise Http404
    return user.institution


@router.get("/dashboard", response=codes({200: DashboardOut}, 403, 404), summary="Dashboard figures")
def dashboard(
    request: HttpRequest,
    year: str | None = Query(None, pattern=r"^\d{4}-\d{4}$", description="Academic year, e.g. 2026-2027."),
) -> Any:
    """The figures of the reports dashboard of your institution for an academic year, each chart as rows of
    (label, value). Institution staff."""
    institution = _institution(request)
    chosen = year or academic_year_of_today()
    try:
        academic_year_bounds(chosen)
    except ValueError:
        chosen = academic_year_of_today()
    return build_dashboard(acting_user(request), institution, chosen).as_json()


@router.get(
    "/annual-report.pdf",
    response=codes({200: None}, 403, 404),
    openapi_extra={
        "responses": {
            200: {
                "description": "The annual report as a PDF, headings in Dutch and English.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
    summary="Annual report as a PDF",
)
def annual_report(
    request: HttpRequest,
    year: str | None = Query(None, pattern=r"^\d{4}-\d{4}$", description="Academic year, e.g. 2026-2027."),
) -> HttpResponse:
    """The reports dashboard of your institution for an academic year as the PDF the reports page offers, each
    chart with its table. Institution staff."""
    institution = _institution(request)
    chosen = year or academic_year_of_today()
    try:
        academic_year_bounds(chosen)
    except ValueError:
        chosen = academic_year_of_today()
    board = build_dashboard(acting_user(request), institution, chosen)
    response = HttpResponse(render_annual_pdf(board), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="brug-annual-report-{board.year}.pdf"'
    return response


def academic_year_of_today() -> str:
    from django.utils import timezone

    return academic_year_of(timezone.localdate())


@router.get("/network", response=codes({200: NetworkOut}, 403, 404), summary="The network at a glance")
def network(request: HttpRequest, filters: Query[NetworkFilters]) -> Any:
    """The SOFAR network of your institution, ready to draw: at most 300 nodes and 1,500 edges
    (above that it is aggregated: by organisation, then by theme), with brokers, isolated partners and the
    missing role pairs. An unknown campus, theme or course is ignored. Institution staff."""
    institution = _institution(request)
    params = {key: value for key, value in filters.dict().items() if value}
    form = NetworkFilterForm(params, institution=institution)
    return graph_for(form.graph_filters()).as_json()


@router.get(
    "/exports/{name}",
    response=codes({200: None}, 403, 404),
    openapi_extra={"responses": {200: FILE}},
    summary="Export a list",
)
def export_list(
    request: HttpRequest,
    name: ListName,
    format: Format = "csv",  # noqa: A002
    sep: Separator | None = SEP,
) -> HttpResponse:
    """Every row of a list you may see (`organisations`, `people`, `relationships`, `partnerships`, `courses`,
    `engagements`, `health`) with the filters of its web page as query parameters (e.g. `?kind=event` for
    engagements), as CSV or XLSX. A text that a spreadsheet would run as a formula is written as text."""
    params = request.GET.copy()
    params.pop("format", None)
    params.pop("sep", None)
    return export_response(acting_user(request), name, format, params, sep=sep)


@router.get(
    "/partnership-grid",
    response=codes({200: None}, 403, 404),
    openapi_extra={"responses": {200: FILE}},
    summary="Partnership grid for the classification",
)
def partnership_grid(
    request: HttpRequest,
    format: Format = "csv",  # noqa: A002
    sep: Separator | None = SEP,
) -> HttpResponse:
    """Your institution's key partnerships with purpose, length, people involved per SOFAR role, reciprocity
    and outcomes, in the shape the community-engagement classification asks for. Institution staff."""
    return classification_response(acting_user(request), format, sep)
