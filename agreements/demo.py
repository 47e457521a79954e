"""Demo content: the KU Leuven–TADA agreement of 2022 and its widening in 2024.

``load_demo_agreements`` is called by the demo loader after the demo partnerships exist. It
goes through the real services (draft, send, a change that makes version 2, signatures), then
moves the dates of sending and signing back to when they happened.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from agreements.models import Agreement, AgreementVersion, Signatory, Signature
from agreements.sections import normalise
from agreements.services import (
    SignatorySpec,
    create_agreement,
    refresh_status,
    schedule_reminders,
    send_agreement,
    sign,
    update_agreement,
)
from partnerships.models import Partnership

MISSION_GOAL = (
    "Vanuit de opdrachtverklaring van KU Leuven (kennis ten dienste van mens en samenleving) en de missie van TADA "
    "(een meer inclusieve samenleving met minder onderwijsongelijkheid) werken we samen aan één hoofddoel: "
    "onderwijsongelijkheid verminderen en diversiteit en inclusie verbeteren."
)


def _content(**over: Any) -> dict[str, Any]:
    base = {
        "common_goal": MISSION_GOAL,
        "activity": "Een waaier van samenwerkingsvormen: service-learning in de opleiding pedagogische wetenschappen, "
        "trainingen voor docenten van de lerarenopleiding, vrijwilligerswerk door studenten en personeel op de "
        "TADA-zaterdagen, en het openstellen van aula's en labo's voor de zaterdagschool.",
        "roles_institution": "Els Verhagebeke (coördinator maatschappelijke dienstverlening) is het aanspreekpunt en "
        "zit de stuurgroep voor; docenten Maarten Van Schelpaert en Sofie Brembeke dragen de vakken en trainingen.",
        "roles_partner": "Yasmine Kouterhove (coördinator TADA Leuven) is het aanspreekpunt; Amadou Vanderbroek "
        "coördineert de vrijwilligers.",
        "expect_from_students": "Studenten zijn er elke zaterdag van hun blok, bereiden hun ateliers voor, gaan "
        "respectvol om met jongeren en ouders en reflecteren op hun rol.",
        "expect_from_partner": "Een onthaal bij de start, een vaste coach per groep, feedback na elk atelier en een "
        "plaats in het evaluatiegesprek.",
        "adjustment": "De stuurgroep komt twee keer per jaar samen; problemen meldt wie ze ziet binnen de week aan "
        "het aanspreekpunt aan de andere kant.",
        "continuation": "We bekijken jaarlijks welke opleidingen en welke partners uit de stad kunnen aansluiten.",
        "balance": {
            "institution": {
                "gives": "Coördinatie (0,2 VTE), lokalen op zaterdag, begeleiding door docenten.",
                "gets": "Leerplaatsen voor studenten, expertise over diversiteit voor docenten.",
            },
            "partner": {
                "gives": "Coaches, een programma voor de ateliers, toegang tot jongeren en ouders.",
                "gets": "Vrijwilligers, lokalen en sprekers; onderzoek naar de werking.",
            },
            "students": {
                "gives": "Twintig zaterdagen per jaar, voorbereiding van ateliers.",
                "gets": "Studiepunten, ervaring in een superdiverse context, inzicht in onderwijsongelijkheid.",
            },
        },
    }
    base.update(over)
    return normalise(base)


def _backdate(agreement: Agreement, when: dt.datetime) -> None:
    AgreementVersion.objects.filter(agreement=agreement, sent_at__isnull=False).update(sent_at=when)
    Signature.objects.filter(version__agreement=agreement).update(signed_at=when + dt.timedelta(days=6))


def _sign_all(version: AgreementVersion) -> None:
    for signatory in Signatory.objects.filter(version=version).select_related("version"):
        sign(signatory, name=signatory.name, role=signatory.role, content_hash=version.content_hash)


@transaction.atomic
def load_demo_agreements(stdout: TextIO) -> Agreement | None:
    partnership = (
        Partnership.objects.filter(parties__organisation__name__startswith="TADA", title__icontains="TADA")
        .select_related("institution")
        .first()
    )
    if partnership is None:
        stdout.write("No KU Leuven–TADA partnership found: no demo agreements.\n")
        return None
    if Agreement.objects.filter(partnership=partnership).exists():
        stdout.write("The demo agreements exist already.\n")
        return Agreement.objects.filter(partnership=partnership).first()
    by = User.objects.filter(institution=partnership.institution, role=Role.COORDINATOR).order_by("id").first()
    tz = timezone.get_current_timezone()
    ku = SignatorySpec("institution", "Els Verhagebeke", "els.verhagebeke@kuleuven.example", "Coördinator", "nl")
    tada = SignatorySpec("organisation", "Yasmine Kouterhove", "yasmine@tada.example", "Coördinator TADA Leuven", "nl")
    city = SignatorySpec(
        "other", "Tine Heiderode", "tine.heiderode@leuven.example", "Beleidsmedewerker onderwijs", "en"
    )

    # 2022: the cooperation agreement.
    first = create_agreement(
        by=by,
        partnership=partnership,
        content=_content(
            title="Samenwerkingsovereenkomst KU Leuven – TADA",
            valid_from="2022-03-15",
            valid_until="2024-03-14",
            evaluations=[
                {"date": "2022-10-20", "title": "Stuurgroep: eerste evaluatie"},
                {"date": "2023-10-19", "title": "Stuurgroep: jaarlijkse evaluatie"},
            ],
        ),
    )
    send_agreement(first, by=by, expected_version=None, signatories=[ku, tada])
    _sign_all(first.versions.get())
    first.refresh_from_db()
    refresh_status(first)
    _backdate(first, dt.datetime(2022, 3, 1, 10, 0, tzinfo=tz))

    # 2024: widened to the city and local partners; version 2 adds the city as a party.
    today = timezone.localdate()
    widened = create_agreement(
        by=by,
        partnership=partnership,
        content=_content(
            title="Verbrede samenwerking KU Leuven – TADA – Stad Leuven",
            valid_from="2024-03-15",
            valid_until="2028-03-14",
            evaluations=[
                {"date": "2025-03-20", "title": "Stuurgroep: evaluatie eerste jaar"},
                {"date": (today + dt.timedelta(days=20)).isoformat(), "title": "Stuurgroep: tussentijdse evaluatie"},
                {"date": "2027-03-18", "title": "Stuurgroep: evaluatie en vernieuwing"},
            ],
        ),
    )
    send_agreement(widened, by=by, expected_version=None, signatories=[ku, tada])
    widened.refresh_from_db()
    v1 = widened.versions.get()
    update_agreement(
        widened,
        by=by,
        expected_version=None,
        content={
            **v1.content,
            "roles_partner": v1.content["roles_partner"]
            + " Stad Leuven (dienst onderwijs en jeugd) neemt deel aan de stuurgroep; Buurtwerk Kesselberg en "
            "Basisschool De Lindekouter sluiten aan als lokale partners.",
            "continuation": "Vanaf 2024 verbreed naar de stad en lokale partners; we bekijken jaarlijks wie nog kan "
            "aansluiten.",
        },
    )
    widened.refresh_from_db()
    send_agreement(widened, by=by, expected_version=None, signatories=[ku, tada, city])
    _sign_all(widened.versions.get(number=2))
    widened.refresh_from_db()
    refresh_status(widened)
    schedule_reminders(widened)
    AgreementVersion.objects.filter(agreement=widened, number=1).update(sent_at=dt.datetime(2024, 2, 1, 10, tzinfo=tz))
    AgreementVersion.objects.filter(agreement=widened, number=2).update(sent_at=dt.datetime(2024, 3, 1, 10, tzinfo=tz))
    Signature.objects.filter(version__agreement=widened).update(signed_at=dt.datetime(2024, 3, 12, 15, tzinfo=tz))
    stdout.write("Demo agreements: KU Leuven–TADA 2022 and the widening of 2024.\n")
    return widened
