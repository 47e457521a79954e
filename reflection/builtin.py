"""The source document's three sets of reflection questions and five dilemmas, in Dutch and English.

Installed by a data migration; ``install_builtin`` is idempotent (matched on ``key``), so a
later migration can call it again after a wording change.
"""

from typing import Any

# (key, set, order, text_nl, text_en)
QUESTIONS = [
    (
        "actors-who",
        1,
        1,
        "Wie zijn de actoren in jouw service-learningvak?",
        "Who are the actors in your service-learning course?",
    ),
    (
        "actors-partners",
        1,
        2,
        "Zijn al deze actoren ook partners in jouw vak? Zijn er stemmen die missen?",
        "Are all of these actors also partners in your course? Are voices missing?",
    ),
    (
        "actors-future",
        1,
        3,
        "Welke actoren zou je willen betrekken in een toekomstig service-learningvak?",
        "Which actors would you like to involve in a future service-learning course?",
    ),
    (
        "contacts-now",
        2,
        1,
        "Hoe verlopen de contacten (direct of indirect) tussen de verschillende partners in jouw service-learningvak?",
        "How do contacts (direct or indirect) run between the different partners in your service-learning course?",
    ),
    (
        "contacts-ideal",
        2,
        2,
        "Hoe verlopen de contacten idealiter in je (toekomstig) service-learningvak? Wat wil je bereiken?",
        "How would contacts ideally run in your (future) service-learning course? What do you want to achieve?",
    ),
    (
        "contacts-how",
        2,
        3,
        "Hoe kan je dit aanpakken of versterken? Wat of wie heb je hiervoor nodig?",
        "How can you go about it or strengthen it? What or whom do you need for it?",
    ),
    (
        "goals-achieve",
        3,
        1,
        "Wat wil je graag bereiken op vlak van samenwerking met je (toekomstige) partners?",
        "What would you like to achieve in your collaboration with your (future) partners?",
    ),
    (
        "goals-strengthen",
        3,
        2,
        "Waar en hoe kunnen die relaties (nog) versterkt worden?",
        "Where and how can those relationships be strengthened (further)?",
    ),
    (
        "goals-how",
        3,
        3,
        "Hoe kan of wil je dit aanpakken? Wat of wie heb je hiervoor nodig?",
        "How can or will you go about it? What or whom do you need for it?",
    ),
]

# (key, order, statement_nl, statement_en, pole_a_nl, pole_a_en, pole_b_nl, pole_b_en)
DILEMMAS = [
    (
        "civil-society-or-direct",
        1,
        "Werken via het middenveld of een gemeenschap rechtstreeks aanspreken?",
        "Work through civil-society organisations, or address a community directly?",
        "via middenveldorganisaties",
        "through civil-society organisations",
        "rechtstreeks met een gemeenschap",
        "directly with a community",
    ),
    (
        "strategic-or-ad-hoc",
        2,
        "Strategische partnerschappen of ad-hocsamenwerkingen?",
        "Strategic partnerships, or ad hoc collaborations?",
        "strategische partnerschappen",
        "strategic partnerships",
        "ad-hocsamenwerkingen",
        "ad hoc collaborations",
    ),
    (
        "within-or-outside-domain",
        3,
        "Samenwerken binnen of buiten het domein van de afstudeerrichting?",
        "Collaborate within, or outside, the domain of the study programme?",
        "binnen het domein van de opleiding",
        "within the programme's domain",
        "buiten het domein van de opleiding",
        "outside the programme's domain",
    ),
    (
        "supporters-or-innovators",
        4,
        "Studenten als ondersteuners of vernieuwers in een partnerorganisatie?",
        "Students as supporters, or as innovators, in a partner organisation?",
        "studenten als ondersteuners",
        "students as supporters",
        "studenten als vernieuwers",
        "students as innovators",
    ),
    (
        "purpose-fixed-or-process",
        5,
        "Staat de finaliteit van de samenwerking vast voor studenten starten, of is ze deel van het proces?",
        "Is the purpose of the collaboration fixed before students start, or part of the process?",
        "vast voor de start",
        "fixed before the start",
        "deel van het proces",
        "part of the process",
    ),
]


def install_builtin(apps: Any = None) -> None:
    """Create or refresh the built-in questions and dilemmas (institution empty)."""
    if apps is None:
        from reflection.models import Dilemma, ReflectionQuestion
    else:
        ReflectionQuestion = apps.get_model("reflection", "ReflectionQuestion")  # noqa: N806
        Dilemma = apps.get_model("reflection", "Dilemma")  # noqa: N806
    for key, question_set, order, text_nl, text_en in QUESTIONS:
        ReflectionQuestion.objects.update_or_create(
            institution=None,
            key=key,
            defaults={"question_set": question_set, "order": order, "text_nl": text_nl, "text_en": text_en},
        )
    for key, order, st_nl, st_en, a_nl, a_en, b_nl, b_en in DILEMMAS:
        Dilemma.objects.update_or_create(
            institution=None,
            key=key,
            defaults={
                "order": order,
                "statement_nl": st_nl,
                "statement_en": st_en,
                "pole_a_nl": a_nl,
                "pole_a_en": a_en,
                "pole_b_nl": b_nl,
                "pole_b_en": b_en,
            },
        )
