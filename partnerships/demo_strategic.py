"""Demo content for the strategic partnership of KU Leuven and TADA: the agreement of 2022, the
widening of 2024 to the city of Leuven and local partners, the shared goal with its indicators
and yearly measurements.

Called by the demo loader; safe to run again (it adds only what is missing).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from engagements.models import Engagement
from network.models import Organisation
from network.services import create_organisation
from partnerships import strategic
from partnerships.models import Milestone, Partnership
from partnerships.services import update_partnership

Kind = Engagement.Kind
Level = Engagement.Level

FORMS = [Kind.SERVICE_LEARNING, Kind.STAFF_TRAINING, Kind.VOLUNTEERING, Kind.OPEN_BUILDING, Kind.RESEARCH, Kind.EVENT]
LEVELS = [Level.COURSE, Level.PROGRAMME, Level.FACULTY, Level.INSTITUTION, Level.CITY]
SIGNED_ON = dt.date(2022, 3, 15)
WIDENED_ON = dt.date(2024, 5, 14)

# (name, kind, mission, role, joined on)
LOCAL_PARTIES = [
    (
        "Stad Leuven",
        Organisation.Kind.CITY_SERVICE,
        "Dienst onderwijs en jeugd: gelijke onderwijskansen voor elke Leuvense jongere.",
        "Lokale overheid, sinds 2024",
        WIDENED_ON,
    ),
    (
        "Buurtwerk Kesselberg",
        Organisation.Kind.NEIGHBOURHOOD,
        "Buurtwerk in Kessel-Lo: ontmoeting, huiswerkklas en vrije tijd voor kinderen en jongeren.",
        "Lokale partner",
        dt.date(2024, 9, 1),
    ),
    (
        "Basisschool De Lindekouter",
        Organisation.Kind.SCHOOL,
        "Een warme buurtschool waar elk kind telt, in een superdiverse wijk.",
        "Lokale partner",
        dt.date(2024, 9, 1),
    ),
]

GOAL_TITLE = "Onderwijsongelijkheid verminderen, diversiteit en inclusie verbeteren"
GOAL_DESCRIPTION = (
    "Het hoofddoel van de samenwerkingsovereenkomst van 2022, sinds 2024 gedragen door Stad Leuven en lokale "
    "partners: meer jongeren uit kwetsbare buurten bereiken, en studenten en personeel laten bijdragen."
)

# (name, unit, baseline, target, measured by, value per year 2022-2026)
INDICATORS = [
    (
        "Jongeren bereikt door de zaterdagschool",
        "jongeren",
        120,
        400,
        "TADA (aanwezigheidslijsten)",
        [140, 190, 260, 320, 355],
    ),
    (
        "Studenten als vrijwilliger of in service-learning",
        "studenten",
        15,
        80,
        "KU Leuven, dienst maatschappelijke dienstverlening",
        [18, 31, 47, 58, 66],
    ),
    (
        "Personeelsleden getraind in omgaan met diversiteit",
        "personeelsleden",
        0,
        120,
        "KU Leuven lerarenopleiding, samen met TADA",
        [0, 12, 35, 58, 81],
    ),
]
YEARS = [2022, 2023, 2024, 2025, 2026]


def find_tada_partnership() -> Partnership | None:
    return (
        Partnership.objects.filter(parties__organisation__name__icontains="TADA")
        .select_related("institution")
        .order_by("pk")
        .first()
    )


def _organisation(name: str, kind: str, mission: str) -> Organisation:
    existing = Organisation.objects.filter(name=name).order_by("pk").first()
    return existing or create_organisation(by=None, name=name, kind=kind, mission=mission, city="Leuven")


@transaction.atomic
def load_demo_strategic(stdout: TextIO | None = None) -> Partnership | None:
    """Fill the demo's KU Leuven–TADA partnership with its strategic content."""
    partnership = find_tada_partnership()
    if partnership is None:
        if stdout is not None:
            stdout.write("No partnership with TADA found: strategic demo content skipped.\n")
        return None
    today = timezone.localdate()

    if partnership.kind != Partnership.Kind.STRATEGIC or partnership.basis != Partnership.Basis.MISSION:
        update_partnership(
            partnership,
            by=None,
            expected_version=None,
            kind=Partnership.Kind.STRATEGIC,
            basis=Partnership.Basis.MISSION,
        )
    if set(partnership.collaboration_forms) != set(FORMS) or set(partnership.levels) != set(LEVELS):
        strategic.set_collaboration(partnership, by=None, expected_version=None, forms=FORMS, levels=LEVELS)

    milestones = partnership.milestones
    if not milestones.filter(kind=Milestone.Kind.SIGNED).exists():
        strategic.add_milestone(
            partnership,
            by=None,
            date=partnership.start_date or SIGNED_ON,
            kind=Milestone.Kind.SIGNED,
            title="Samenwerkingsovereenkomst ondertekend door KU Leuven en TADA",
            description="Hoofddoel: onderwijsongelijkheid verminderen en diversiteit en inclusie verbeteren.",
        )

    # The widening of 2024: parties that are missing are added (each addition is a milestone);
    # parties the demo already made get their role and date.
    added = 0
    for name, kind, mission, role, joined_on in LOCAL_PARTIES:
        organisation = _organisation(name, kind, mission)
        party = partnership.parties.filter(organisation=organisation).first()
        if party is None:
            strategic.add_party(partnership, by=None, organisation=organisation, role=role, joined_on=joined_on)
            added += 1
        elif not party.role or party.joined_on is None:
            strategic.update_party(
                party,
                by=None,
                expected=None,
                role=party.role or role,
                joined_on=party.joined_on or joined_on,
                contact_person=party.contact_person,
            )
    if not milestones.filter(kind=Milestone.Kind.WIDENED, date__year=WIDENED_ON.year).exists():
        strategic.add_milestone(
            partnership,
            by=None,
            date=WIDENED_ON,
            kind=Milestone.Kind.WIDENED,
            title="Uitgebreid naar Stad Leuven en lokale partners",
            description="Stad Leuven, Buurtwerk Kesselberg en Basisschool De Lindekouter sluiten aan.",
        )
    if not milestones.filter(kind=Milestone.Kind.EVENT, title__startswith="Stadsbrede week").exists():
        strategic.add_milestone(
            partnership,
            by=None,
            date=dt.date(2024, 10, 14),
            kind=Milestone.Kind.EVENT,
            title="Stadsbrede week van de onderwijskansen",
            description="Eerste gezamenlijke actie na de uitbreiding.",
        )

    goal = partnership.goals.filter(title=GOAL_TITLE).first() or strategic.add_goal(
        partnership, by=None, title=GOAL_TITLE, description=GOAL_DESCRIPTION
    )
    measurements = 0
    for name, unit, baseline, target, measured_by, values in INDICATORS:
        indicator = goal.indicators.filter(name=name).first() or strategic.add_indicator(
            goal,
            by=None,
            name=name,
            unit=unit,
            baseline=Decimal(baseline),
            target=Decimal(target),
            target_date=dt.date(2026, 12, 31),
            measured_by=measured_by,
        )
        done = set(indicator.measurements.values_list("measured_on", flat=True))
        for year, value in zip(YEARS, values, strict=True):
            on = dt.date(year, 6, 30)
            if on in done or on > today:
                continue
            strategic.record_measurement(
                indicator, by=None, measured_on=on, value=Decimal(value), note=f"Telling schooljaar {year - 1}-{year}"
            )
            measurements += 1
    if stdout is not None:
        stdout.write(
            f"Strategic partnership “{partnership.title}”: "
            f"{added} parties added, {measurements} measurements recorded.\n"
        )
    return partnership
