"""The annual report of an institution as PDF (WeasyPrint), from the dashboard's figures.

Headings are in Dutch and English side by side, whatever the reader's language (the same paper goes to
leadership and funders of either tongue); the figures' labels follow the reader's language. No remote
resources: the charts are inline SVG and the fonts are the system's.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from reports.dashboard import Dashboard

# (Dutch, English) headings; the chart keys come from reports.dashboard.
HEADINGS = {
    "title": ("Jaarverslag dienstverlenend leren", "Annual report on service-learning"),
    "headline": ("Kerncijfers", "Key figures"),
    "partners": ("Partners met activiteit", "Partners with activity"),
    "engagements": ("Engagementen", "Engagements"),
    "hours": ("Studenten en uren", "Students and hours"),
    "continuum": ("Partnerschappen op het continuüm", "Partnerships over the continuum"),
    "health": ("Gezondheid van de relaties", "Relationship health"),
    "channels": ("Kanalen van nieuwe partnerschappen", "Channel mix of new partnerships"),
    "load": ("Belasting per partner", "Load per partner"),
    "neighbourhood": ("Buurt of elders", "Neighbourhood or elsewhere"),
}
HEADLINE = [
    ("partners", ("Partnerorganisaties", "Partner organisations")),
    ("engagements", ("Engagementen", "Engagements")),
    ("students", ("Studenten", "Students")),
    ("student_hours", ("Uren van studenten", "Student hours")),
    ("engagement_hours", ("Uren van engagementen", "Engagement hours")),
]


def report_context(board: Dashboard) -> dict[str, Any]:
    return {
        "board": board,
        "title": HEADINGS["title"],
        "headline_heading": HEADINGS["headline"],
        "headline": [(labels, board.headline[key]) for key, labels in HEADLINE],
        "sections": [
            {"heading": HEADINGS.get(chart.key, (chart.title, chart.title)), "chart": chart} for chart in board.charts
        ],
        "language": translation.get_language(),
    }


def render_annual_pdf(board: Dashboard) -> bytes:
    from weasyprint import HTML

    html = render_to_string("web/reports/annual.html", report_context(board))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
