"""Shared test helpers: a full agreement content, signatories, and the links from the mails."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core import mail
from django.utils import timezone

from agreements.models import Agreement
from agreements.sections import normalise
from agreements.services import SignatorySpec, create_agreement, send_agreement
from tests import factories as f

LINK = re.compile(r"https?://[^/\s]+/sign/([A-Za-z0-9_-]+)/")


def today() -> dt.date:
    return timezone.localdate()


def content(**over: Any) -> dict[str, Any]:
    start = today()
    base = {
        "title": "Afspraken huiswerkklas",
        "valid_from": start.isoformat(),
        "valid_until": (start + dt.timedelta(days=365)).isoformat(),
        "common_goal": "Minder schooluitval in de wijk door samen huiswerkbegeleiding te bieden.",
        "activity": "Studenten begeleiden wekelijks de huiswerkklas.",
        "roles_institution": "Cora coördineert.",
        "roles_partner": "Pia begeleidt ter plaatse.",
        "expect_from_students": "Stiptheid en discretie.",
        "expect_from_partner": "Een vaste begeleider.",
        "adjustment": "Tussentijds overleg.",
        "continuation": "Volgend jaar met een tweede vak.",
        "balance": {
            "institution": {"gives": "Begeleiding door de docent", "gets": "Een leeromgeving"},
            "partner": {"gives": "Een lokaal en een begeleider", "gets": "Extra handen voor de huiswerkklas"},
            "students": {"gives": "Twintig uur", "gets": "Studiepunten en ervaring"},
        },
        "evaluations": [
            {"date": (start + dt.timedelta(days=30)).isoformat(), "title": "Tussentijdse evaluatie"},
            {"date": (start + dt.timedelta(days=200)).isoformat(), "title": "Slotevaluatie"},
        ],
    }
    base.update(over)
    return normalise(base)


SPECS = [
    SignatorySpec(
        party="institution", name="Cora Coördinator", email="cora@uas.example", role="Coördinator", language="en"
    ),
    SignatorySpec(party="organisation", name="Pia Partner", email="pia@brug.example", role="Directeur", language="nl"),
]


def make_agreement(world: Any, **over: Any) -> Agreement:
    partnership = f.make_partnership(world.a, [world.org], [world.coord_person], title="Huiswerkklas De Brug")
    return create_agreement(by=world.coordinator, partnership=partnership, content=content(**over))


def send(agreement: Agreement, by: Any, capture: Any, specs: list[SignatorySpec] | None = None) -> dict[str, str]:
    """Send for signing and return each signatory's token, read from the mail as they would."""
    before = len(mail.outbox)
    with capture(execute=True):
        send_agreement(agreement, by=by, expected_version=agreement.version, signatories=specs or SPECS)
    agreement.refresh_from_db()
    return {m.to[0]: LINK.search(m.body).group(1) for m in mail.outbox[before:]}
