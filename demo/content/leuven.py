"""b) The strategic partnership of KU Leuven with TADA (from the institution's mission)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from demo.content.common import A, Cases, E, F, O, S, academic_year, add_engagement, add_person, add_relationship
from engagements.models import Engagement
from engagements.services import create_course
from network.models import Campus, Organisation
from network.services import create_organisation
from partnerships.models import ContinuumStage, Goal, Milestone, Partnership, PartnershipParty
from partnerships.services import create_partnership, update_partnership


def load_leuven(cases: Cases) -> None:
    """KU Leuven and TADA: a strategic partnership from the mission statement, widened in 2024."""
    inst = cases.leuven
    campus = Campus.objects.create(
        institution=inst,
        name="Campus Sociale Wetenschappen",
        slug="sociale-wetenschappen",
        street="Parkstraat 45",
        postcode="3000",
        city="Leuven",
        latitude=50.8770,
        longitude=4.7070,
    )
    tada = create_organisation(
        by=None,
        name="TADA (ToekomstATELIERdelAvenir)",
        kind=Organisation.Kind.NONPROFIT,
        mission="TADA beoogt een meer inclusieve samenleving met minder onderwijsongelijkheid, door jongeren en "
        "volwassenen aan te zetten om méér individuele verantwoordelijkheid op te nemen, ten voordele van een "
        "betere integratie van kwetsbare jongeren in de maatschappij.",
        city="Leuven",
        postcode="3000",
        website="https://www.toekomstatelierdelavenir.com",
        capacity_per_period=6,
    )
    stad = create_organisation(
        by=None,
        name="Stad Leuven",
        kind=Organisation.Kind.CITY_SERVICE,
        mission="Dienst onderwijs en jeugd: gelijke onderwijskansen voor elke Leuvense jongere.",
        city="Leuven",
        postcode="3000",
    )
    buurt = create_organisation(
        by=None,
        name="Buurtwerk Kesselberg",
        kind=Organisation.Kind.NEIGHBOURHOOD,
        mission="Buurtwerk in Kessel-Lo: ontmoeting, huiswerkklas en vrije tijd voor kinderen en jongeren.",
        city="Kessel-Lo",
        postcode="3010",
    )
    school = create_organisation(
        by=None,
        name="Basisschool De Lindekouter",
        kind=Organisation.Kind.SCHOOL,
        mission="Een warme buurtschool waar elk kind telt, in een superdiverse wijk.",
        city="Leuven",
        postcode="3000",
    )
    cases.organisations.update({"tada": tada, "stad": stad, "buurtwerk": buurt, "school": school})

    p = cases.people
    p["ku_coord"] = add_person(inst, "Els", "Verhagebeke", A, title="Coördinator maatschappelijke dienstverlening")
    p["ku_fac"] = add_person(inst, "Maarten", "Van Schelpaert", F, title="Docent pedagogische wetenschappen")
    p["ku_fac2"] = add_person(inst, "Sofie", "Brembeke", F, title="Docent lerarenopleiding")
    p["ku_student"] = add_person(inst, "Robbe", "De Moldonck", S, title="Master pedagogische wetenschappen")
    p["tada"] = add_person(inst, "Yasmine", "Kouterhove", O, org=tada, title="Coördinator TADA Leuven")
    p["tada2"] = add_person(inst, "Amadou", "Vanderbroek", O, org=tada, title="Vrijwilligerscoördinator")
    p["stad"] = add_person(inst, "Tine", "Heiderode", O, org=stad, title="Beleidsmedewerker onderwijs")
    p["buurt"] = add_person(inst, "Emre", "Dalmans", O, org=buurt, title="Jeugdwerker")

    owners = [p["ku_coord"]]
    add_relationship(
        inst,
        p["ku_coord"],
        tada,
        owners,
        "Strategisch partnerschap vanuit de opdrachtverklaring",
        [
            (
                700,
                "meeting",
                "both",
                "Jaarlijks stuurgroepoverleg: evaluatie van de samenwerkingsovereenkomst van 2022.",
            ),
            (610, "meeting", "both", "Voorbereiding uitbreiding naar Stad Leuven en lokale partners."),
            (520, "event", "both", "Feestelijke lancering van de uitbreiding met Stad Leuven."),
            (350, "meeting", "both", "Stuurgroep: nieuwe doelstellingen rond diversiteit en inclusie."),
            (200, "email", "theirs", "TADA vraagt lokalen voor de zaterdagschool in het voorjaar."),
            (60, "meeting", "both", "Stuurgroep: planning van het nieuwe academiejaar."),
            (8, "phone", "theirs", "Vraag om extra vrijwilligers voor de TADA-zaterdagen."),
        ],
    )
    add_relationship(
        inst,
        p["ku_coord"],
        p["tada"],
        owners,
        "Dagelijkse contactpersoon bij TADA",
        [
            (400, "video", "ours", "Afstemming van het aanbod voor het nieuwe semester."),
            (150, "meeting", "both", "Rooster van de openstelling van gebouwen."),
            (15, "email", "theirs", "Lijst met sprekers voor de ateliers."),
        ],
    )
    add_relationship(
        inst,
        p["ku_fac"],
        tada,
        [p["ku_fac"], p["ku_coord"]],
        "Service-learning in pedagogische wetenschappen",
        [
            (430, "meeting", "ours", "Docent stelt het service-learningvak voor aan TADA."),
            (300, "visit", "ours", "Studenten lopen mee op een TADA-zaterdag."),
            (90, "meeting", "both", "Evaluatie met de TADA-coaches: reflectieopdrachten bijsturen."),
        ],
    )
    add_relationship(
        inst,
        p["ku_fac2"],
        tada,
        [p["ku_fac2"]],
        "Training voor docenten",
        [
            (380, "meeting", "theirs", "TADA biedt een training aan over omgaan met diversiteit in de klas."),
            (250, "event", "both", "Eerste training voor docenten van de lerarenopleiding."),
        ],
    )
    add_relationship(
        inst,
        p["ku_coord"],
        stad,
        owners,
        "Uitbreiding 2024: Stad Leuven",
        [
            (640, "meeting", "ours", "Verkennend gesprek met de dienst onderwijs."),
            (520, "event", "both", "Lancering van de verbrede samenwerking."),
            (110, "meeting", "both", "Overleg over gedeelde doelstellingen voor gelijke onderwijskansen."),
        ],
    )
    add_relationship(
        inst,
        p["ku_student"],
        p["buurt"],
        [p["ku_fac"]],
        "Student als vrijwilliger in de huiswerkklas",
        [
            (70, "visit", "ours", "Eerste avond huiswerkklas."),
            (10, "visit", "both", "Vaste avond afgesproken."),
        ],
    )
    add_relationship(
        inst,
        p["ku_coord"],
        school,
        owners,
        "Lokale partner sinds 2024",
        [
            (480, "meeting", "theirs", "Directie vraagt studenten voor ouderavonden."),
            (260, "visit", "ours", "Bezoek aan de school met TADA."),
        ],
    )

    tada_partnership = create_partnership(
        by=None,
        institution=inst,
        title="KU Leuven en TADA: samen tegen onderwijsongelijkheid",
        organisations=[tada],
        owners=[p["ku_coord"], p["ku_fac"]],
        kind=Partnership.Kind.STRATEGIC,
        basis=Partnership.Basis.MISSION,
        stage=ContinuumStage.SHARED_RESOURCES,
        campus=campus,
        start_date=dt.date(2022, 3, 15),
        summary="Samenwerkingsovereenkomst ondertekend door beide partijen in 2022. Hoofddoel: "
        "onderwijsongelijkheid verminderen en diversiteit en inclusie verbeteren. Een waaier aan "
        "samenwerkingsvormen: van service-learning tot trainingen voor docenten, vrijwilligerswerk van "
        "studenten en personeel en het openstellen van gebouwen. In 2024 uitgebreid naar Stad Leuven en "
        "andere lokale partners.\n\n"
        "“Zij [KU Leuven] stelt haar kennis ten dienste van mens en samenleving, met bijzondere aandacht "
        "voor de meest kwetsbaren.”",
    )
    PartnershipParty.objects.filter(partnership=tada_partnership, organisation=tada).update(
        role="Strategische partner (overeenkomst 2022)"
    )
    # The widening of 2024: the service adds the parties, the date they joined is written beside it.
    update_partnership(tada_partnership, by=None, expected_version=None, organisations=[tada, stad, buurt, school])
    joined = {
        stad: ("Lokale overheid, sinds 2024", dt.date(2024, 5, 14)),
        buurt: ("Lokale partner", dt.date(2024, 9, 1)),
    }
    joined[school] = ("Lokale partner", dt.date(2024, 9, 1))
    for organisation, (role, on) in joined.items():
        PartnershipParty.objects.filter(partnership=tada_partnership, organisation=organisation).update(
            role=role, joined_on=on
        )

    Partnership.objects.filter(pk=tada_partnership.pk).update(
        collaboration_forms=[
            E.Kind.SERVICE_LEARNING,
            E.Kind.STAFF_TRAINING,
            E.Kind.VOLUNTEERING,
            E.Kind.OPEN_BUILDING,
            E.Kind.EVENT,
        ],
        levels=[E.Level.COURSE, E.Level.FACULTY, E.Level.INSTITUTION, E.Level.CITY],
    )
    Goal.objects.create(
        partnership=tada_partnership, order=1, title="Onderwijsongelijkheid verminderen",
        description="Kwetsbare jongeren krijgen meer kansen via ateliers, coaching en rolmodellen.",
    )  # fmt: skip
    Goal.objects.create(
        partnership=tada_partnership, order=2, title="Diversiteit en inclusie verbeteren",
        description="Ook binnen de universiteit: docenten, studenten en gebouwen.",
    )  # fmt: skip
    Milestone.objects.create(
        partnership=tada_partnership, date=dt.date(2022, 3, 15), kind=Milestone.Kind.SIGNED,
        title="Samenwerkingsovereenkomst ondertekend",
        description="TADA vzw en KU Leuven engageren zich tot een duurzaam partnerschap dat bijdraagt aan een meer "
        "inclusieve en solidaire samenleving.",
    )  # fmt: skip
    Milestone.objects.create(
        partnership=tada_partnership, date=dt.date(2024, 5, 14), kind=Milestone.Kind.WIDENED,
        title="Uitgebreid naar Stad Leuven en lokale partners",
    )  # fmt: skip

    year = academic_year(timezone.localdate())
    start_year = int(year[:4])
    course = create_course(
        by=None,
        institution=inst,
        teachers=[p["ku_fac"]],
        code="P0X42A",
        title="Service-learning: onderwijskansen in de praktijk",
        programme="Master pedagogische wetenschappen",
        academic_year=year,
        campus=campus,
        description="Studenten coachen jongeren op TADA-zaterdagen en reflecteren over onderwijsongelijkheid.",
    )

    def eng(title: str, **kw: Any) -> Engagement:
        return add_engagement(inst, title, partnership=tada_partnership, **kw)

    eng(
        "Coaching op TADA-zaterdagen",
        kind=E.Kind.SERVICE_LEARNING,
        course=course,
        organisation=tada,
        direction=E.Direction.TO_NEIGHBOURHOOD,
        front=E.Front.EDUCATION,
        start=dt.date(start_year, 10, 1),
        end=dt.date(start_year + 1, 5, 31),
        hours=300,
        description="Studenten begeleiden ateliers voor jongeren van 10 tot 14 jaar.",
        participants=[(p["ku_fac"], F, 20), (p["ku_student"], S, 60), (p["tada"], O, 0)],
    )
    eng(
        "Training voor docenten: diversiteit in de klas",
        kind=E.Kind.STAFF_TRAINING,
        level=E.Level.FACULTY,
        organisation=tada,
        direction=E.Direction.TO_CAMPUS,
        front=E.Front.EDUCATION,
        start=dt.date(2025, 2, 10),
        end=dt.date(2025, 2, 10),
        hours=4,
        outcomes="23 docenten volgden de training; vervolg gevraagd.",
        participants=[(p["ku_fac2"], F, 4), (p["tada2"], O, 0)],
    )
    eng(
        "Vrijwilligerswerk van studenten en personeel",
        kind=E.Kind.VOLUNTEERING,
        level=E.Level.INSTITUTION,
        organisation=tada,
        direction=E.Direction.TO_NEIGHBOURHOOD,
        front=E.Front.NETWORK,
        start=dt.date(2022, 9, 1),
        end=None,
        description="Studenten en personeelsleden geven als vrijwilliger een atelier over hun vak of beroep.",
        participants=[(p["ku_coord"], A, 8), (p["ku_student"], S, 12), (p["tada2"], O, 0)],
    )
    eng(
        "Gebouwen open voor TADA-ateliers",
        kind=E.Kind.OPEN_BUILDING,
        level=E.Level.INSTITUTION,
        organisation=tada,
        direction=E.Direction.TO_CAMPUS,
        front=E.Front.INFRASTRUCTURE,
        start=dt.date(2022, 9, 17),
        end=None,
        description="Auditoria en labo's staan op zaterdag open voor de ateliers.",
        participants=[(p["ku_coord"], A, 6)],
    )
    eng(
        "Stadsbrede week van de onderwijskansen",
        kind=E.Kind.EVENT,
        level=E.Level.CITY,
        organisation=stad,
        direction=E.Direction.TO_NEIGHBOURHOOD,
        front=E.Front.NETWORK,
        start=dt.date(2024, 10, 14),
        end=dt.date(2024, 10, 18),
        hours=60,
        description="Eerste gezamenlijke actie na de uitbreiding met Stad Leuven en lokale partners.",
        participants=[(p["ku_coord"], A, 10), (p["stad"], O, 0), (p["buurt"], O, 0)],
    )
