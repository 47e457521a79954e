"""Demo content for reflection: a KU Leuven teacher's workbook of last year and of this year on the
TADA service-learning course, and the KU Leuven–TADA partnership as a published practice example.

``load_demo_reflection`` is called by the demo loader after the demo cases exist (it finds them
by name) and is idempotent: what already exists is left as it is.
"""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.db import transaction
from django.db.models import Q

from engagements.models import Course
from engagements.services import create_course
from network.models import Organisation
from partnerships.models import Partnership
from reflection.models import Dilemma, PracticeCase, ReflectionQuestion, Workbook
from reflection.selectors import previous_year
from reflection.services import ActionSpec, create_case, publish_case, record_consent, save_workbook, start_workbook

LEUVEN_SLUG = "ku-leuven-demo"
GHENT_SLUG = "stadshogeschool-gent"
CASE_SLUG = "ku-leuven-en-tada"

# Positions per built-in dilemma key, last year and this year (1 = first pole, 5 = second pole).
POSITIONS = {
    "civil-society-or-direct": (
        (2, "We werken via TADA: zij kennen de jongeren en hun ouders."),
        (3, "Via TADA, maar de ouders willen we dit jaar ook rechtstreeks betrekken."),
    ),
    "strategic-or-ad-hoc": (
        (2, "De overeenkomst van 2022 geeft ons een kader."),
        (1, "Sinds de uitbreiding naar de stad is het echt een strategisch partnerschap."),
    ),
    "within-or-outside-domain": (
        (1, "Onderwijskansen is ons vakgebied."),
        (2, "Studenten uit andere richtingen geven nu ook ateliers."),
    ),
    "supporters-or-innovators": (
        (2, "Studenten volgen vooral het programma van TADA."),
        (4, "Studenten ontwerpen dit jaar zelf een atelier met de coaches."),
    ),
    "purpose-fixed-or-process": (
        (2, "De doelen lagen vast in de cursus."),
        (3, "We stellen de doelen bij na de eerste zaterdagen."),
    ),
}
ANSWERS = {
    "actors-partners": (
        "TADA is partner; bewoners en ouders zijn niet rechtstreeks betrokken.",
        "TADA en de stad zijn partners. Ouders en bewoners missen nog als stem.",
    ),
    "contacts-now": (
        "Alles loopt via de coördinator van TADA.",
        "Studenten hebben nu ook rechtstreeks contact met de coaches; de ouders bereiken we via TADA.",
    ),
    "goals-achieve": (
        "Een vaste plek voor het vak op de TADA-zaterdagen.",
        "Samen met TADA en de buurt doelen bepalen voor het hele jaar.",
    ),
}
ACTIONS_LAST_YEAR = [
    ActionSpec(what="Evaluatiegesprek met de TADA-coaches plannen", needs="Coördinator TADA", done=True),
    ActionSpec(what="Reflectieopdrachten herschrijven", needs="Onderwijsondersteuning", done=True),
    ActionSpec(what="Ouders uitnodigen op de slotdag", needs="TADA en de school", done=False),
]
ACTIONS_THIS_YEAR = [
    ActionSpec(what="Ouders uitnodigen op de slotdag", needs="TADA en de school"),
    ActionSpec(what="Een bewoner van Kessel-Lo in de stuurgroep", needs="Buurtwerk"),
]

STORY = (
    "Sinds 2022 werken KU Leuven en TADA samen tegen onderwijsongelijkheid. Wat begon met een "
    "samenwerkingsovereenkomst groeide uit tot een waaier aan samenwerkingsvormen: studenten coachen "
    "jongeren op de zaterdagateliers, docenten volgen trainingen over diversiteit in de klas, studenten en "
    "personeel geven als vrijwilliger een atelier over hun vak, en de universiteit zet aula's en labo's "
    "open voor de zaterdagschool.\n\n"
    "In 2024 werd het partnerschap uitgebreid met de stad en lokale partners uit de buurt, met een "
    "stadsbrede week van de onderwijskansen als eerste gezamenlijke actie."
)
LESSONS = (
    "Een overeenkomst op instellingsniveau geeft docenten een kader om op verder te bouwen.\n"
    "Begin klein en breid uit wanneer het vertrouwen er is.\n"
    "Plan de evaluatie samen met de coaches van de partner, niet enkel met de coördinatoren."
)


def _write(workbook: Workbook, which: int, actions: list[ActionSpec]) -> None:
    questions = {q.key: q.pk for q in ReflectionQuestion.objects.filter(institution__isnull=True)}
    dilemmas = {d.key: d.pk for d in Dilemma.objects.filter(institution__isnull=True)}
    save_workbook(
        workbook,
        by=None,
        expected_version=None,
        answers={questions[k]: texts[which] for k, texts in ANSWERS.items() if k in questions},
        positions={dilemmas[k]: pair[which] for k, pair in POSITIONS.items() if k in dilemmas},
        actions=actions,
    )


def _demo_course() -> Course | None:
    """A course of the Leuven demo institution with the most engagements, the TADA course first."""
    courses = Course.objects.filter(institution__slug__in=[LEUVEN_SLUG, GHENT_SLUG]).prefetch_related("teachers")
    preferred = courses.filter(code="P0X42A").order_by("-academic_year").first()
    return preferred or courses.filter(engagements__isnull=False).order_by("-academic_year", "id").first()


@transaction.atomic
def load_demo_reflection(stdout: TextIO) -> None:
    course = _demo_course()
    if course is None:
        stdout.write("reflection: no demo course found, skipped\n")
        return
    teacher = course.teachers.order_by("pk").first()
    if teacher is None:
        stdout.write("reflection: the demo course has no teacher, skipped\n")
        return
    last_year = previous_year(course.academic_year)
    earlier = Course.objects.filter(institution=course.institution, code=course.code, academic_year=last_year).first()
    if earlier is None:
        earlier = create_course(
            by=None,
            institution=course.institution,
            teachers=[teacher],
            code=course.code,
            title=course.title,
            programme=course.programme,
            academic_year=last_year,
            campus=course.campus,
            description=course.description,
        )
    for row, (which, actions) in zip((earlier, course), ((0, ACTIONS_LAST_YEAR), (1, ACTIONS_THIS_YEAR)), strict=True):
        exists = Workbook.objects.filter(course=row, academic_year=row.academic_year, teacher=teacher).exists()
        workbook = start_workbook(row, by=None, teacher=teacher)
        if not exists:
            _write(workbook, which, actions)
    stdout.write(f"reflection: workbooks {last_year} and {course.academic_year} for {course.title}\n")

    if PracticeCase.objects.filter(slug=CASE_SLUG).exists():
        return
    partnership = (
        Partnership.objects.filter(institution__slug=LEUVEN_SLUG, title__icontains="TADA").order_by("id").first()
        or Partnership.objects.filter(Q(institution__slug=GHENT_SLUG), title__icontains="Watersportbaan").first()
    )
    if partnership is None:
        stdout.write("reflection: no demo partnership for a practice example, skipped\n")
        return
    case = create_case(
        partnership,
        by=None,
        slug=CASE_SLUG,
        title="KU Leuven en TADA: samen tegen onderwijsongelijkheid",
        summary="Een strategisch partnerschap vanuit de opdracht van de universiteit, uitgebreid naar de stad.",
        story=STORY,
        lessons=LESSONS,
        forms=partnership.collaboration_forms,
    )
    tada = Organisation.objects.filter(partnership_parties__partnership=partnership, name__icontains="TADA").first()
    if tada is not None:
        record_consent(
            case, by=None, organisation=tada, given_by="Coördinator TADA Leuven", given_on=dt.date(2025, 3, 1)
        )
    publish_case(case, by=None, expected_version=None)
    stdout.write(f"reflection: published practice example “{case.title}”\n")
