"""a) The neighbourhood campus around the Watersportbaan in Ghent (place-based)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from demo.content.common import A, Cases, E, F, O, R, S, academic_year, add_engagement, add_person, add_relationship
from engagements.models import Engagement
from engagements.services import create_course
from network.models import Campus, Organisation
from network.services import create_organisation
from partnerships.models import ContinuumStage, Goal, Partnership, PartnershipParty
from partnerships.services import create_partnership, deactivate_person


def load_ghent(cases: Cases) -> None:
    """The Watersportbaan neighbourhood campus: three fronts, both directions, a neighbourhood anchor."""
    inst = cases.ghent
    campus = Campus.objects.create(
        institution=inst,
        name="Campus Watersportbaan",
        slug="watersportbaan",
        street="Watersportbaan 2",
        postcode="9000",
        city="Gent",
        latitude=51.046,
        longitude=3.697,
        neighbourhood_radius_m=1200,
    )
    near = {"city": "Gent", "postcode": "9000"}
    orgs = {
        "wat": create_organisation(
            by=None,
            name="Wijkactieteam Watersportbaan",
            kind=Organisation.Kind.NEIGHBOURHOOD,
            mission="Buurtregisseur, opbouwwerkers en maatschappelijk werkers die samen met bewoners werken aan een "
            "leefbare Watersportbaan: wie een vraag heeft, kan bij ons terecht.",
            street="Europaplein 1",
            latitude=51.0468,
            longitude=3.7005,
            capacity_per_period=4,
            **near,
        ),
        "jeugdhuis": create_organisation(
            by=None,
            name="Jeugdhuis Watersportbaan (in opstart)",
            kind=Organisation.Kind.YOUTH_WORK,
            mission="Een eigen plek voor de jongeren van de wijk, door en met de jongeren zelf opgezet. "
            "Opstart met steun van de Koning Boudewijnstichting en SIF Gent, begeleid door Formaat en UGent.",
            street="Yachtdreef 20",
            latitude=51.0452,
            longitude=3.6948,
            capacity_per_period=2,
            **near,
        ),
        "formaat": create_organisation(
            by=None,
            name="Formaat vzw",
            kind=Organisation.Kind.YOUTH_WORK,
            mission="Koepel van jeugdhuizen: ondersteuning van jeugdhuizen en jongerenwerk in Vlaanderen en Brussel.",
            city="Antwerpen",
            postcode="2000",
        ),
        "kaa": create_organisation(
            by=None,
            name="KAA Gent Foundation",
            kind=Organisation.Kind.SPORTS_CLUB,
            mission="Via voetbal en sport maatschappelijke projecten in Gent ondersteunen, "
            "met aandacht voor kwetsbare jongeren.",
            city="Gent",
            postcode="9000",
        ),
        "sportaround": create_organisation(
            by=None,
            name="Sportaround",
            kind=Organisation.Kind.SPORTS_CLUB,
            mission="Laagdrempelige sporttrainingen in de buurt, op pleintjes en in parken.",
            **near,
        ),
        "basket": create_organisation(
            by=None,
            name="Ghent Basketball",
            kind=Organisation.Kind.SPORTS_CLUB,
            mission="Basketbal voor iedereen in Gent, van buurtpleintje tot competitie.",
            **near,
        ),
        "omgeving": create_organisation(
            by=None,
            name="Departement Omgeving",
            kind=Organisation.Kind.RESEARCH,
            mission="Onderzoek naar leefbare buurten, onder meer via het wijkbudgetproject samen met SAAMO en GMF.",
            city="Brussel",
            postcode="1000",
        ),
        "saamo": create_organisation(
            by=None,
            name="SAAMO Oost-Vlaanderen",
            kind=Organisation.Kind.NONPROFIT,
            mission="Samen met mensen in een kwetsbare positie werken aan een samenleving zonder uitsluiting.",
            **near,
        ),
        "driesprong": create_organisation(
            by=None,
            name="Driesprong",
            kind=Organisation.Kind.CARE,
            mission="Begeleiding en dagbesteding voor mensen met een beperking; sport en beweging horen erbij.",
            **near,
        ),
        "ldc": create_organisation(
            by=None,
            name="Lokaal dienstencentrum Watersportbaan",
            kind=Organisation.Kind.CARE,
            mission="Ontmoeting, activiteiten en hulp voor senioren en buurtbewoners.",
            street="Europaplein 5",
            latitude=51.0471,
            longitude=3.7012,
            **near,
        ),
        "uitpas": create_organisation(
            by=None,
            name="UiTPAS Gent",
            kind=Organisation.Kind.CITY_SERVICE,
            mission="Vrijetijdspas met kortingen voor mensen met een beperkt inkomen.",
            **near,
        ),
    }
    cases.organisations.update(orgs)

    p = cases.people
    p["anchor"] = add_person(inst, "Griet", "Vermoerbeke", A, title="Buurtanker Campus Watersportbaan")
    p["mes"] = add_person(inst, "Koen", "De Biesvelde", F, title="Docent bachelor MES")
    p["ond"] = add_person(inst, "Ilse", "Verkouteren", F, title="Docent bachelor OND")
    p["beweeglab"] = add_person(inst, "Wout", "Van Lindehove", F, title="Coördinator Beweeglab")
    p["student"] = add_person(inst, "Noor", "Hagedries", S, title="Bachelor OND, 3de jaar")
    p["student2"] = add_person(inst, "Seppe", "Van Bremaert", S, title="Bachelor MES, 3de jaar")
    p["student3"] = add_person(inst, "Aylin", "Meersdonck", S, title="Bachelor MES, 3de jaar")
    p["regisseur"] = add_person(inst, "Bart", "Meersmans", O, org=orgs["wat"], title="Buurtregisseur")
    p["social"] = add_person(inst, "Samira", "El Beukhove", O, org=orgs["wat"], title="Maatschappelijk werker")
    p["opbouw"] = add_person(inst, "Jonas", "Vervliet", O, org=orgs["saamo"], title="Opbouwwerker")
    p["jeugd"] = add_person(inst, "Ilias", "Kreekmans", O, org=orgs["jeugdhuis"], title="Trekker jeugdhuis")
    p["kaa"] = add_person(inst, "Lars", "Van den Heidebeke", O, org=orgs["kaa"], title="Projectcoördinator")
    p["omgeving"] = add_person(inst, "Hanne", "De Zandgem", O, org=orgs["omgeving"], title="Onderzoeker")
    p["ldc"] = add_person(inst, "Marie", "Op de Dalvelde", O, org=orgs["ldc"], title="Centrumleider")
    p["res1"] = add_person(inst, "Fatou", "Diallo-Klaverhove", R, title="Bewoner, Yachtdreef")
    p["res2"] = add_person(inst, "Pieter", "Van Bieskens", R, title="Bewoner, voorzitter speelpleincomité")
    p["res3"] = add_person(inst, "Oksana", "Havermans", R, title="Bewoner, mama van drie")
    p["res4"] = add_person(inst, "Mohamed", "Ben Spriet", R, title="Bewoner, vrijwilliger LDC")

    owners = [p["anchor"]]
    add_relationship(
        inst,
        p["anchor"],
        orgs["wat"],
        owners,
        "Buurtanker in het wijkactieteam",
        [
            (690, "event", "ours", "Kennismaking op het netwerkoverleg van het wijkactieteam; campus stelt zich voor."),
            (560, "meeting", "both", "Afspraken over openstellen sporthal op woensdagnamiddag."),
            (400, "meeting", "theirs", "Wijkactieteam vraagt studenten voor de zomerwerking."),
            (230, "event", "both", "Netwerkoverleg: evaluatie zomer, plannen voor het najaar."),
            (75, "meeting", "ours", "Overleg over de bachelorprojecten van dit academiejaar."),
            (12, "event", "both", "Netwerkoverleg in het LDC: stand van zaken wijkbudget en jeugdhuis."),
        ],
    )
    add_relationship(
        inst,
        p["anchor"],
        p["regisseur"],
        owners,
        "Vaste contactpersoon bij de stad",
        [
            (600, "phone", "theirs", "Buurtregisseur belt: klachten over parkeren bij events op de campus."),
            (420, "visit", "ours", "Wijkwandeling met de buurtregisseur langs de Watersportbaan."),
            (180, "meeting", "both", "Afstemming veiligheid en afval bij de vakantiekampjes."),
            (30, "email", "theirs", "Vraag om een lokaal voor het bewonersoverleg in december."),
        ],
    )
    add_relationship(
        inst,
        p["mes"],
        orgs["jeugdhuis"],
        [p["mes"], p["anchor"]],
        "Bachelorproject opstart jeugdhuis",
        [
            (380, "meeting", "theirs", "Jongeren stellen hun plan voor; vraag om ondersteuning vanuit de opleiding."),
            (300, "visit", "ours", "Bezoek aan het voorlopige lokaal samen met Formaat."),
            (150, "meeting", "both", "Tussentijdse evaluatie met KBS en SIF Gent."),
            (20, "meeting", "both", "Nieuwe groep studenten maakt kennis met de trekkers."),
        ],
    )
    add_relationship(
        inst,
        p["student2"],
        p["jeugd"],
        [p["mes"]],
        "Student begeleidt de opstart",
        [
            (140, "meeting", "ours", "Eerste werksessie: statuten en huishoudelijk reglement."),
            (90, "visit", "both", "Samen naar een jeugdhuis in Ledeberg om ideeën op te doen."),
            (25, "video", "theirs", "Vraag om hulp bij de subsidieaanvraag."),
        ],
    )
    add_relationship(
        inst,
        p["beweeglab"],
        orgs["kaa"],
        [p["beweeglab"]],
        "Trainingen met KAA Gent Foundation",
        [
            (650, "meeting", "theirs", "Foundation zoekt studenten-trainers voor de buurttrainingen."),
            (480, "event", "both", "Buurttoernooi op het pleintje aan de Watersportbaan."),
            (260, "meeting", "both", "Evaluatie: meer meisjes bereiken volgend seizoen."),
            (45, "visit", "ours", "Studenten geven de eerste training van het seizoen."),
        ],
    )
    add_relationship(
        inst,
        p["beweeglab"],
        orgs["driesprong"],
        [p["beweeglab"]],
        "Beweeglab: sportaanbod voor doelgroepen",
        [
            (540, "meeting", "ours", "Beweeglab stelt sportaanbod voor cliënten van Driesprong voor."),
            (360, "visit", "both", "Eerste sportnamiddag op de campus."),
            (60, "phone", "theirs", "Vraag om de reeks na de kerstvakantie voort te zetten."),
        ],
    )
    add_relationship(
        inst,
        p["beweeglab"],
        orgs["uitpas"],
        [p["beweeglab"], p["anchor"]],
        "UiTPAS-kortingen voor de kampjes",
        [
            (500, "email", "ours", "Vraag om de vakantiekampjes op te nemen in het UiTPAS-aanbod."),
            (330, "meeting", "both", "Afspraken over kansentarief en registratie."),
        ],
    )
    # The research partner went quiet: this relationship shows up as stale on the dashboard.
    add_relationship(
        inst,
        p["anchor"],
        p["omgeving"],
        owners,
        "Onderzoek wijkbudgetproject",
        [
            (620, "meeting", "theirs", "Departement Omgeving start onderzoek; vraag naar campus als casus."),
            (470, "event", "both", "Bewonersavond wijkbudget: studenten begeleiden de tafelgesprekken."),
            (280, "email", "ours", "Tussentijds rapport ontvangen; vraag om terugkoppeling aan bewoners."),
        ],
    )
    add_relationship(
        inst,
        p["ond"],
        p["res2"],
        [p["ond"]],
        "Bewoner denkt mee over de bachelorprojecten",
        [
            (320, "visit", "ours", "Gesprek op het speelplein over wat kinderen in de buurt missen."),
            (100, "meeting", "both", "Bewoner komt de projectvoorstellen van de studenten beoordelen."),
        ],
    )
    add_relationship(
        inst,
        p["student"],
        p["res3"],
        [p["ond"]],
        "Huiswerkbegeleiding aan huis",
        [
            (70, "visit", "ours", "Eerste namiddag huiswerkbegeleiding."),
            (40, "visit", "both", "Afspraak: elke dinsdag na school."),
            (5, "phone", "theirs", "Mama laat weten dat het rapport beter is."),
        ],
    )
    add_relationship(
        inst,
        p["regisseur"],
        p["res1"],
        [p["anchor"]],
        "Bewoner betrokken via het wijkactieteam",
        [
            (210, "meeting", "theirs", "Bewoner meldt interesse in de sportnamiddagen."),
            (35, "event", "both", "Samen aanwezig op het buurtfeest."),
        ],
    )
    add_relationship(
        inst,
        p["anchor"],
        orgs["ldc"],
        owners,
        "Ontmoeting en vrijwilligers via het LDC",
        [
            (450, "meeting", "ours", "Kennismaking met de centrumleider."),
            (120, "event", "both", "Seniorenactiviteit in de sporthal van de campus."),
            (12, "event", "both", "Netwerkoverleg in het LDC."),
        ],
    )
    add_relationship(
        inst,
        p["anchor"],
        p["res4"],
        owners,
        "Bewoner-vrijwilliger als brug naar senioren",
        [
            (95, "meeting", "theirs", "Bewoner stelt voor om studenten te koppelen aan senioren."),
        ],
    )

    # A lecturer left last spring without handing over: her sports relationships are orphaned.
    p["left"] = add_person(inst, "Lore", "Van Heidedonck", F, title="Docent bewegingsrecreatie (vertrokken)")
    add_relationship(
        inst,
        p["left"],
        orgs["basket"],
        [p["left"]],
        "Buurtbasket op het pleintje",
        [
            (520, "meeting", "theirs", "Ghent Basketball zoekt begeleiders voor het buurtbasket."),
            (300, "event", "both", "Buurtbasket-toernooi met studenten als coaches."),
        ],
    )
    add_relationship(
        inst,
        p["left"],
        orgs["sportaround"],
        [p["left"]],
        "Sportaround-trainingen in het park",
        [
            (410, "visit", "ours", "Studenten lopen mee met de trainers van Sportaround."),
            (240, "phone", "theirs", "Sportaround vraagt of de samenwerking volgend jaar doorgaat."),
        ],
    )
    deactivate_person(p["left"], by=None, leave_orphaned=True)

    year = academic_year(timezone.localdate())
    start_year = int(year[:4])
    course_mes = create_course(
        by=None,
        institution=inst,
        teachers=[p["mes"]],
        code="MES-BAP",
        title="Bachelorproject MES",
        programme="Bachelor maatschappelijke en educatieve studies (MES)",
        academic_year=year,
        campus=campus,
        description="Studenten werken een jaar lang aan een vraag uit de buurt, samen met een partner.",
    )
    course_ond = create_course(
        by=None,
        institution=inst,
        teachers=[p["ond"]],
        code="OND-BAP",
        title="Bachelorproject OND",
        programme="Bachelor onderwijs (OND)",
        academic_year=year,
        campus=campus,
        description="Leerkrachten in opleiding ontwerpen samen met bewoners en scholen uit de buurt.",
    )
    buurtcampus = create_partnership(
        by=None,
        institution=inst,
        title="Buurtcampus Watersportbaan",
        organisations=list(orgs.values()),
        owners=[p["anchor"], p["beweeglab"]],
        kind=Partnership.Kind.STRATEGIC,
        basis=Partnership.Basis.PLACE,
        stage=ContinuumStage.INTEGRATION,
        campus=campus,
        start_date=dt.date(2023, 9, 1),
        summary="De campus is geen gast maar een buur: studenten gaan de wijk in en de wijk komt naar de campus. "
        "Samen op drie vlakken: infrastructuur openstellen, onderwijs vormgeven samen met de buurt, en de "
        "hogeschool als netwerkpartner in de stad.",
    )
    # Fields the partnership services do not take yet are written beside them.
    campus.anchor, campus.neighbourhood_name = p["anchor"], "Watersportbaan"
    campus.save(update_fields=["anchor", "neighbourhood_name"])
    Partnership.objects.filter(pk=buurtcampus.pk).update(
        collaboration_forms=[E.Kind.OPEN_BUILDING, E.Kind.SERVICE_LEARNING, E.Kind.BACHELOR_PROJECT, E.Kind.RESEARCH],
        levels=[E.Level.COURSE, E.Level.PROGRAMME, E.Level.INSTITUTION, E.Level.CITY],
    )
    Goal.objects.create(
        partnership=buurtcampus,
        title="Een buurtcampus-reflex op alle niveaus",
        description="Cultuur en denken in de organisatie, bereidheid om buiten traditionele kaders te denken, "
        "investering op de lange termijn.",
    )
    # Who does what in the partnership: the service sets the parties, the roles are written beside it.
    roles = {"wat": "Trekker in de wijk", "jeugdhuis": "Opstart jeugdhuis", "omgeving": "Onderzoek wijkbudget"}
    for key, role in roles.items():
        PartnershipParty.objects.filter(partnership=buurtcampus, organisation=orgs[key]).update(role=role)

    def eng(title: str, **kw: Any) -> Engagement:
        return add_engagement(inst, title, partnership=buurtcampus, **kw)

    eng(
        "Sporthal open voor de buurt",
        kind=E.Kind.OPEN_BUILDING,
        level=E.Level.INSTITUTION,
        direction=E.Direction.TO_CAMPUS,
        front=E.Front.INFRASTRUCTURE,
        organisation=orgs["wat"],
        start=dt.date(2024, 2, 1),
        end=None,
        description="Elke woensdagnamiddag en zaterdagvoormiddag staat de sporthal open voor buurtbewoners.",
        participants=[(p["anchor"], A, 20), (p["res1"], R, 0)],
    )
    eng(
        "Beweeglab: sportaanbod voor doelgroepen",
        kind=E.Kind.SERVICE_LEARNING,
        level=E.Level.PROGRAMME,
        direction=E.Direction.TO_CAMPUS,
        front=E.Front.EDUCATION,
        organisation=orgs["driesprong"],
        start=dt.date(start_year, 10, 1),
        end=dt.date(start_year + 1, 5, 31),
        hours=240,
        description="Studenten ontwerpen en geven sportsessies voor cliënten van Driesprong en bezoekers van het LDC.",
        participants=[(p["beweeglab"], F, 30), (p["student3"], S, 60)],
    )
    eng(
        "Vakantiekampjes Beweeglab",
        kind=E.Kind.EVENT,
        level=E.Level.PROGRAMME,
        direction=E.Direction.TO_CAMPUS,
        front=E.Front.INFRASTRUCTURE,
        organisation=orgs["uitpas"],
        start=dt.date(start_year, 7, 1),
        end=dt.date(start_year, 8, 15),
        hours=320,
        description="Sport- en spelkampen op de campus; met UiTPAS aan kansentarief.",
        outcomes="86 kinderen uit de wijk, waarvan 31 met kansentarief.",
        participants=[(p["beweeglab"], F, 40), (p["student3"], S, 80), (p["student2"], S, 80)],
    )
    eng(
        "Trainingen met KAA Gent Foundation",
        kind=E.Kind.SERVICE_LEARNING,
        direction=E.Direction.TO_NEIGHBOURHOOD,
        front=E.Front.EDUCATION,
        organisation=orgs["kaa"],
        start=dt.date(start_year, 9, 15),
        end=dt.date(start_year + 1, 6, 15),
        hours=180,
        description="Studenten geven buurttrainingen samen met Sportaround en Ghent Basketball.",
        participants=[(p["beweeglab"], F, 10), (p["kaa"], O, 20)],
    )
    eng(
        "Opstart jeugdhuis",
        kind=E.Kind.BACHELOR_PROJECT,
        direction=E.Direction.TO_NEIGHBOURHOOD,
        front=E.Front.NETWORK,
        course=course_mes,
        organisation=orgs["jeugdhuis"],
        start=dt.date(start_year, 9, 20),
        end=dt.date(start_year + 1, 6, 1),
        hours=400,
        description="Bachelorproject: de jongeren bouwen hun jeugdhuis op, "
        "met steun van KBS, SIF Gent, Formaat en UGent.",
        participants=[(p["mes"], F, 30), (p["student2"], S, 120), (p["jeugd"], O, 0)],
    )
    eng(
        "Huiswerkbegeleiding aan huis",
        kind=E.Kind.BACHELOR_PROJECT,
        direction=E.Direction.TO_NEIGHBOURHOOD,
        front=E.Front.EDUCATION,
        course=course_ond,
        organisation=orgs["wat"],
        start=dt.date(start_year, 10, 1),
        end=dt.date(start_year + 1, 5, 15),
        hours=160,
        description="Leerkrachten in opleiding begeleiden kinderen uit de wijk bij hun huiswerk.",
        participants=[(p["ond"], F, 10), (p["student"], S, 60), (p["res3"], R, 0)],
    )
    eng(
        "Onderzoek wijkbudgetproject",
        kind=E.Kind.RESEARCH,
        level=E.Level.CITY,
        direction=E.Direction.TO_NEIGHBOURHOOD,
        front=E.Front.NETWORK,
        organisation=orgs["omgeving"],
        start=dt.date(2024, 11, 1),
        end=dt.date(2025, 6, 30),
        description="Departement Omgeving onderzoekt met SAAMO en GMF hoe bewoners zelf een wijkbudget besteden.",
        outcomes="Bewoners kozen voor een overdekte ontmoetingsplek en extra zitbanken.",
        participants=[(p["anchor"], A, 12), (p["res2"], R, 0), (p["omgeving"], O, 0)],
    )
    eng(
        "Netwerkoverleg wijkactieteam",
        kind=E.Kind.EVENT,
        level=E.Level.CITY,
        direction=E.Direction.TO_NEIGHBOURHOOD,
        front=E.Front.NETWORK,
        organisation=orgs["wat"],
        start=dt.date(2024, 1, 15),
        end=None,
        description="De buurtanker zit maandelijks mee aan tafel met het wijkactieteam en de sociale professionals.",
        participants=[(p["anchor"], A, 24), (p["regisseur"], O, 0), (p["social"], O, 0)],
    )
