"""The two built-in instruments, written in our own words after the structure of TRES II
(Clayton, Bringle, Senor, Huq & Morrison 2010) and the source document's three qualities."""

from typing import Any

# (domain, label_nl, label_en, text_nl, text_en, low_nl, low_en, high_nl, high_en)
TRES_DOMAINS = [
    (
        "goals",
        "Doelen",
        "Goals",
        "In welke mate werken we aan doelen die we samen hebben bepaald?",
        "To what extent do we work on goals we set together?",
        "Eén partij legt haar doelen op; de andere dient ze.",
        "One party imposes its goals; the other serves them.",
        "We bepalen en herzien onze doelen samen; ze zijn van ons allebei.",
        "We set and revise our goals together; they belong to both of us.",
    ),
    (
        "decision_making",
        "Beslissingen",
        "Decision-making",
        "Hoe worden beslissingen over de samenwerking genomen?",
        "How are decisions about the collaboration made?",
        "Eén partij beslist; de andere hoort het achteraf.",
        "One party decides; the other hears about it afterwards.",
        "We beslissen samen en elke stem weegt even zwaar.",
        "We decide together and every voice carries equal weight.",
    ),
    (
        "resources",
        "Middelen",
        "Resources",
        "Hoe worden tijd, geld, ruimte en expertise ingezet en verdeeld?",
        "How are time, money, space and expertise put in and shared?",
        "Eén partij draagt de kosten, de andere plukt de vruchten.",
        "One party carries the costs, the other reaps the benefits.",
        "We brengen middelen samen en gebruiken ze gezamenlijk.",
        "We pool resources and use them together.",
    ),
    (
        "communication",
        "Communicatie",
        "Communication",
        "Hoe open, tijdig en wederzijds is onze communicatie?",
        "How open, timely and mutual is our communication?",
        "Informatie stroomt één richting uit, en vaak te laat.",
        "Information flows one way, and often too late.",
        "We communiceren open, geregeld en in beide richtingen.",
        "We communicate openly, regularly and both ways.",
    ),
    (
        "conflict",
        "Conflicten",
        "Conflict",
        "Hoe gaan we om met meningsverschillen?",
        "How do we deal with disagreement?",
        "Meningsverschillen worden vermeden of eenzijdig beslecht.",
        "Disagreements are avoided or settled by one side.",
        "We bespreken meningsverschillen openlijk en leren ervan.",
        "We discuss disagreements openly and learn from them.",
    ),
    (
        "power",
        "Macht",
        "Power",
        "Hoe is de invloed tussen ons verdeeld?",
        "How is influence shared between us?",
        "Eén partij heeft alle macht.",
        "One party holds all the power.",
        "Macht is gedeeld en we staan er samen bij stil.",
        "Power is shared and we reflect on it together.",
    ),
    (
        "outcomes",
        "Resultaten",
        "Outcomes",
        "Wie haalt voordeel uit wat de samenwerking oplevert?",
        "Who benefits from what the collaboration produces?",
        "Alleen één partij haalt er voordeel uit, ten koste van de andere.",
        "Only one party benefits, at the other's expense.",
        "Beide partijen en de gemeenschap winnen er duidelijk bij.",
        "Both parties and the community clearly gain.",
    ),
    (
        "identity",
        "Identiteit",
        "Identity",
        "Verandert de samenwerking hoe we naar onszelf en elkaar kijken?",
        "Does the collaboration change how we see ourselves and each other?",
        "Onze identiteit staat los van de samenwerking, of wordt erdoor geschaad.",
        "Our identity is untouched by the collaboration, or harmed by it.",
        "We zijn samen gegroeid; de samenwerking is deel van wie we zijn.",
        "We have grown together; the collaboration is part of who we are.",
    ),
    (
        "significance",
        "Betekenis",
        "Significance",
        "Hoe belangrijk is deze samenwerking voor elk van ons?",
        "How significant is this collaboration to each of us?",
        "Ze is bijzaak voor minstens één van ons.",
        "It is a side issue for at least one of us.",
        "Ze is wezenlijk voor de missie van ons allebei.",
        "It is essential to the mission of both of us.",
    ),
    (
        "satisfaction",
        "Tevredenheid",
        "Satisfaction and change",
        "Hoe tevreden zijn we, en durven we de samenwerking bij te sturen?",
        "How satisfied are we, and do we dare to adjust the collaboration?",
        "Ontevreden, en er verandert niets.",
        "Dissatisfied, and nothing changes.",
        "Tevreden, en we sturen samen bij waar nodig.",
        "Satisfied, and we adjust together where needed.",
    ),
]

# (domain, dimension, label_nl, label_en, text_nl, text_en)
DIRECT_ITEMS = [
    (
        "contact_frequency",
        "closeness",
        "Contact",
        "Contact",
        "We hebben vaak genoeg contact met elkaar.",
        "We are in contact often enough.",
    ),
    (
        "shared_activities",
        "closeness",
        "Gedeelde activiteiten",
        "Shared activities",
        "We doen verschillende soorten dingen samen.",
        "We do different kinds of things together.",
    ),
    (
        "influence",
        "closeness",
        "Invloed",
        "Influence",
        "We hebben allebei invloed op wat de ander doet.",
        "Each of us influences what the other does.",
    ),
    (
        "effort_balance",
        "equity",
        "Evenwicht in inzet",
        "Balance of effort",
        "Wat elk van ons erin steekt, staat in verhouding tot wat het oplevert.",
        "What each of us puts in is in proportion to what we get out.",
    ),
    (
        "win_win",
        "equity",
        "Win-win",
        "Win-win",
        "Beide partijen winnen erbij; niemand profiteert eenzijdig.",
        "Both parties gain; nobody profits one-sidedly.",
    ),
    (
        "shared_values",
        "integrity",
        "Gedeelde waarden",
        "Shared values",
        "We delen de waarden achter deze samenwerking.",
        "We share the values behind this collaboration.",
    ),
    (
        "trust",
        "integrity",
        "Vertrouwen",
        "Trust",
        "We doen wat we afspreken en kunnen op elkaar rekenen.",
        "We do what we agree and can rely on each other.",
    ),
]


def install_builtin_instruments(apps: Any = None) -> None:
    """Create or refresh the built-in instruments (institution empty). Safe to run again."""
    if apps is None:
        from assessment.models import Instrument, InstrumentItem
    else:
        Instrument = apps.get_model("assessment", "Instrument")  # noqa: N806
        InstrumentItem = apps.get_model("assessment", "InstrumentItem")  # noqa: N806
    tres, _ = Instrument.objects.update_or_create(
        institution=None,
        slug="relationship-tres",
        defaults={
            "kind": "current_desired",
            "name_nl": "Relatie in tien domeinen (naar TRES II)",
            "name_en": "Relationship in ten domains (after TRES II)",
            "description_nl": "Beoordeel per domein hoe de relatie nu is en hoe u ze wenst: van uitbuitend (1) "
            "over transactioneel (3) tot transformerend (5).",
            "description_en": "Rate, for each domain, the relationship as it is now and as you would like it: "
            "from exploitative (1) through transactional (3) to transformational (5).",
        },
    )
    for order, (domain, lnl, len_, tnl, ten, lonl, loen, hinl, hien) in enumerate(TRES_DOMAINS):
        InstrumentItem.objects.update_or_create(
            instrument=tres,
            domain=domain,
            defaults={
                "order": order,
                "label_nl": lnl,
                "label_en": len_,
                "text_nl": tnl,
                "text_en": ten,
                "low_nl": lonl,
                "low_en": loen,
                "high_nl": hinl,
                "high_en": hien,
            },
        )
    direct, _ = Instrument.objects.update_or_create(
        institution=None,
        slug="closeness-equity-integrity",
        defaults={
            "kind": "direct",
            "name_nl": "Nabijheid, gelijkwaardigheid en integriteit (kort)",
            "name_en": "Closeness, equity and integrity (short)",
            "description_nl": "Zeven stellingen: 1 = helemaal niet akkoord, 5 = helemaal akkoord.",
            "description_en": "Seven statements: 1 = strongly disagree, 5 = strongly agree.",
        },
    )
    for order, (domain, dimension, lnl, len_, tnl, ten) in enumerate(DIRECT_ITEMS):
        InstrumentItem.objects.update_or_create(
            instrument=direct,
            domain=domain,
            defaults={
                "order": order,
                "dimension": dimension,
                "label_nl": lnl,
                "label_en": len_,
                "text_nl": tnl,
                "text_en": ten,
            },
        )
