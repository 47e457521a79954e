"""The board report of a strategic partnership: its figures as JSON, and the PDF the web page prints, with
the relationship-health section for those who may see it."""

from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse

from api.auth import acting_user
from api.errors import codes
from api.routers.strategic.base import _full, router
from api.routers.strategic.schemas import ReportOut, _party
from partnerships.report import build_report
from web.views.strategic import report_for, report_pdf_response

PDF = {
    "description": "The board report as a PDF; headings in Dutch and English.",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
}


@router.get(
    "/partnerships/{public_id}/report",
    response=codes({200: ReportOut}, 404),
    summary="Board report figures of a partnership",
)
def report(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    """Parties, forms and levels, the progress of every indicator, milestones, engagements per year and kind,
    and the people reached by SOFAR role. The relationship-health figures are in the Health part of the API
    (and in the PDF for those who may see them)."""
    partnership = _full(request, public_id)
    built = build_report(partnership, with_health=False)
    return {
        "partnership": partnership.public_id,
        "title": partnership.title,
        "generated_on": built.generated_on,
        "parties": [_party(row, partnership) for row in built.parties],
        "collaboration_forms": built.forms,
        "levels": built.levels,
        "indicators": [
            {
                "goal": progress.goal.title,
                "indicator": progress.indicator.name,
                "unit": progress.indicator.unit,
                "baseline": progress.indicator.baseline,
                "target": progress.indicator.target,
                "latest": progress.latest.value if progress.latest else None,
                "latest_on": progress.latest.measured_on if progress.latest else None,
                "percent": progress.percent,
                "reached": progress.reached,
            }
            for progress in built.indicators
        ],
        "milestones": built.milestones,
        "kinds": [label for _code, label in built.activities.kinds],
        "activities_per_year": [
            {"year": row.year, "counts": row.counts, "total": row.total} for row in built.activities.years
        ],
        "people_reached": [
            {"role": r.role, "label": r.label, "people": r.people, "hours": r.hours} for r in built.people.roles
        ],
        "people_total": built.people.total,
    }


@router.get(
    "/partnerships/{public_id}/report.pdf",
    response=codes({200: None}, 404),
    openapi_extra={"responses": {200: PDF}},
    summary="Board report of a partnership as a PDF",
)
def report_pdf(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The board report as the web page prints it: headings in Dutch and English, the institution's name and
    logo. The relationship-health section is there for those who may see the partnership's health."""
    return report_pdf_response(report_for(acting_user(request), _full(request, public_id)))
