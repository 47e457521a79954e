"""Benchmark: render a ten-page agreement to PDF (target under 3 s). The lead runs it in ``make bench``."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

from django.template.loader import render_to_string

from agreements.sections import BALANCE_PARTIES, SECTION_KEYS, content_hash, normalise

PARAGRAPH = (
    "De partners spreken af dat studenten in kleine groepen werken aan een vraag van de organisatie, "
    "met aandacht voor de leerdoelen van het vak en voor wat de organisatie er concreet aan heeft. "
    "Students work in small groups on a question of the organisation, minding the course's learning goals "
    "and what the organisation actually gains from it. "
)


def long_content(paragraphs_per_section: int = 5) -> dict[str, Any]:
    text = "\n\n".join(PARAGRAPH * 2 for _ in range(paragraphs_per_section))
    return normalise(
        {
            "title": "Samenwerkingsovereenkomst KU Leuven – TADA",
            "valid_from": "2022-03-15",
            "valid_until": "2026-03-14",
            **dict.fromkeys(SECTION_KEYS, text),
            "balance": {p.key: {"gives": PARAGRAPH * 2, "gets": PARAGRAPH * 2} for p in BALANCE_PARTIES},
            "evaluations": [{"date": f"2023-{m:02d}-15", "title": "Stuurgroep / steering group"} for m in range(1, 13)],
        }
    )


def ten_page_html() -> str:
    """The real template with a long content, without touching the database."""
    from agreements import pdf

    content = long_content()
    institution = SimpleNamespace(name="KU Leuven", logo=None)
    agreement = SimpleNamespace(partnership_id=1, institution=institution)
    version = SimpleNamespace(number=3, content_hash=content_hash(content), agreement=agreement)
    signature = SimpleNamespace(
        name="Yasmine Kouterhove", role="Coördinator", signed_at=None, content_hash=version.content_hash
    )
    signatories = [
        {
            "party": ("Instelling", "Institution"),
            "signatory": SimpleNamespace(signature=signature, name="Els", role="C"),
        },
        {"party": ("Partnerorganisatie", "Partner"), "signatory": SimpleNamespace(signature=None, name="Y", role="C")},
    ]
    context = {
        "agreement": agreement,
        "version": version,
        "content": content,
        "institution": institution,
        "organisations": [SimpleNamespace(name="TADA (ToekomstATELIERdelAvenir)")],
        "subject": SimpleNamespace(title="KU Leuven en TADA: samen tegen onderwijsongelijkheid"),
        "logo": None,
        "sections": [{"nl": s.nl, "en": s.en, "text": content[s.key]} for s in pdf.TEXT_SECTIONS],
        "balance_heading": pdf.BALANCE_HEADING,
        "evaluation_heading": pdf.EVALUATION_HEADING,
        "balance": [
            {
                "nl": p.nl,
                "en": p.en,
                "sides": [
                    {"nl": nl, "en": en, "text": content["balance"][p.key][side]}
                    for side, _l, nl, en in pdf.BALANCE_SIDES
                ],
            }
            for p in BALANCE_PARTIES
        ],
        "signatories": signatories,
        "signatures": [signature],
    }
    return render_to_string("agreements/pdf/agreement.html", context)


def render_ten_pages() -> bytes:
    from django.conf import settings
    from weasyprint import HTML

    return HTML(string=ten_page_html(), base_url=str(settings.BASE_DIR)).write_pdf()


def bench_agreement_pdf() -> float:
    """Seconds to render a ten-page agreement PDF (template + WeasyPrint)."""
    started = time.perf_counter()
    render_ten_pages()
    return time.perf_counter() - started
