"""A printable PDF of one agreement version, made with WeasyPrint.

Headings are in Dutch and English side by side, whatever the reader's language: the same paper
serves both parties. No remote resources: the logo is embedded from the storage, fonts are the
system's (DejaVu).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from agreements.models import AgreementVersion, Signature
from agreements.sections import (
    BALANCE_HEADING,
    BALANCE_PARTIES,
    BALANCE_SIDES,
    EVALUATION_HEADING,
    SIGNATORY_PARTIES,
    TEXT_SECTIONS,
    normalise,
)
from lib.files import data_uri


def pdf_context(version: AgreementVersion) -> dict[str, Any]:
    agreement = version.agreement
    content = normalise(version.content)
    subject = agreement.subject
    if agreement.partnership_id:
        organisations = [p.organisation for p in agreement.partnership.parties.select_related("organisation")]
    else:
        organisations = [agreement.engagement.organisation] if agreement.engagement.organisation_id else []
    signatures = list(Signature.objects.filter(version=version).select_related("signatory").order_by("signed_at", "id"))
    return {
        "agreement": agreement,
        "version": version,
        "content": content,
        "institution": agreement.institution,
        "organisations": organisations,
        "subject": subject,
        "logo": data_uri(agreement.institution.logo),
        "sections": [{"nl": s.nl, "en": s.en, "text": content[s.key]} for s in TEXT_SECTIONS],
        "balance_heading": BALANCE_HEADING,
        "evaluation_heading": EVALUATION_HEADING,
        "balance": [
            {
                "nl": party.nl,
                "en": party.en,
                "sides": [
                    {"nl": nl, "en": en, "text": content["balance"][party.key][side]}
                    for side, _label, nl, en in BALANCE_SIDES
                ],
            }
            for party in BALANCE_PARTIES
        ],
        "signatories": [
            {"party": SIGNATORY_PARTIES.get(s.party, (s.party, s.party)), "signatory": s}
            for s in version.signatories.select_related("signature").order_by("party", "id")
        ],
        "signatures": signatures,
    }


def render_pdf(version: AgreementVersion) -> bytes:
    from weasyprint import HTML

    html = render_to_string("agreements/pdf/agreement.html", pdf_context(version))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
