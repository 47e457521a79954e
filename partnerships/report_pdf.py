"""The board report as a PDF: WeasyPrint, headings in Dutch and English, the institution's name and logo.

Nothing is fetched while rendering: the logo is embedded as a data URI and the
fetcher refuses every other protocol, so a PDF never reaches the network.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from lib.files import data_uri
from network.models import Institution
from partnerships.report import StrategicReport

# Headings shown in both languages, Dutch first, whatever the reader's language.
HEADINGS = {
    "title": _("Report on the strategic partnership"),
    "facts": _("The partnership"),
    "parties": _("Parties"),
    "forms": _("Forms of collaboration and levels"),
    "missions": _("Missions and shared goals"),
    "milestones": _("Milestones"),
    "activities": _("Activities per year"),
    "people": _("People reached"),
    "indicators": _("Indicators against targets"),
    "health": _("Relationship health"),
}


def bilingual(text: Any) -> str:
    """'Dutch / English', or one of them when both read the same (no translation yet)."""
    with translation.override("nl"):
        dutch = str(text)
    with translation.override("en"):
        english = str(text)
    return dutch if dutch == english else f"{dutch} / {english}"


def logo_data_uri(institution: Institution) -> str:
    """The institution's logo as a data URI, or '' when it has none or the file is gone."""
    return data_uri(institution.logo)


def report_html(report: StrategicReport) -> str:
    return render_to_string(
        "web/strategic/report_pdf.html",
        {
            "report": report,
            "partnership": report.partnership,
            "headings": {key: bilingual(text) for key, text in HEADINGS.items()},
            "logo": logo_data_uri(report.partnership.institution),
        },
    )


def report_pdf(report: StrategicReport) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=report_html(report), url_fetcher=fetcher).write_pdf()
