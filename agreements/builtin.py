"""Built-in agreement templates, one per common kind of collaboration, installed by a data migration.

The texts are starting points written from the points of attention of the source document;
every agreement edits them to fit.
"""

from __future__ import annotations

from typing import Any

NL_COMMON = {
    "adjustment": "We plannen een tussentijds overleg. Loopt iets mis, dan meldt wie het merkt dat binnen de week "
    "aan de contactpersoon aan de andere kant, en we zoeken samen een oplossing.",
    "continuation": "Bij de slotevaluatie bekijken we samen of we de samenwerking voortzetten, met een volgend "
    "vak, een andere opleiding of een andere vorm van samenwerking.",
}
EN_COMMON = {
    "adjustment": "We hold a review halfway. When something goes wrong, whoever notices tells the contact person "
    "on the other side within a week, and we look for a solution together.",
    "continuation": "At the final evaluation we decide together whether to continue, with another course, another "
    "programme or another form of collaboration.",
}

TEMPLATES: list[dict[str, Any]] = [
    {
        "slug": "service-learning",
        "kind": "service_learning",
        "name_nl": "Service-learningproject in een vak",
        "name_en": "Service-learning project in a course",
        "nl": {
            "common_goal": "Studenten leren in dit vak door een echte vraag van de partner mee aan te pakken; de "
            "partner komt vooruit met die vraag.",
            "activity": "Studenten werken in groepjes aan een opdracht die samen met de partner is afgebakend. "
            "De opdracht sluit aan bij de leerdoelen van het vak en bij een noden van de partner. Studenten "
            "reflecteren tijdens het semester op wat ze doen.",
            "expect_from_students": "Studenten zijn op tijd, melden afwezigheid vooraf, gaan discreet om met wat ze "
            "zien en horen, en leveren het afgesproken resultaat op.",
            "expect_from_partner": "Een vaste begeleider, een korte introductie in de organisatie, een plek om te "
            "werken en feedback halverwege en op het einde.",
            "balance": {
                "institution": {
                    "gives": "Begeleiding door de docent, tijd van de studenten.",
                    "gets": "Een leeromgeving in de echte wereld.",
                },
                "partner": {
                    "gives": "Tijd van een begeleider, een werkplek.",
                    "gets": "Een concreet resultaat en een frisse blik.",
                },
                "students": {
                    "gives": "Uren werk en inzet.",
                    "gets": "Studiepunten, ervaring en inzicht in de samenleving.",
                },
            },
            **NL_COMMON,
        },
        "en": {
            "common_goal": "Students learn in this course by taking on a real question of the partner; the partner "
            "moves forward with that question.",
            "activity": "Students work in small groups on an assignment scoped together with the partner. The "
            "assignment fits the course's learning goals and a need of the partner. Students reflect on what they "
            "do during the semester.",
            "expect_from_students": "Students are on time, report absence beforehand, are discreet about what they "
            "see and hear, and deliver the agreed result.",
            "expect_from_partner": "One supervisor, a short introduction to the organisation, a place to work, and "
            "feedback halfway and at the end.",
            "balance": {
                "institution": {
                    "gives": "Supervision by the teacher, students' time.",
                    "gets": "A real-world learning environment.",
                },
                "partner": {
                    "gives": "A supervisor's time, a workplace.",
                    "gets": "A concrete result and a fresh view.",
                },
                "students": {
                    "gives": "Hours of work and commitment.",
                    "gets": "Credits, experience and insight into society.",
                },
            },
            **EN_COMMON,
        },
    },
    {
        "slug": "staff-training",
        "kind": "staff_training",
        "name_nl": "Training voor personeel",
        "name_en": "Training for staff",
        "nl": {
            "common_goal": "Docenten en medewerkers leren van de expertise van de partner.",
            "activity": "De partner geeft een training aan medewerkers van de instelling; de instelling stelt een "
            "lokaal ter beschikking en vergoedt de tijd.",
            "balance": {
                "institution": {"gives": "Lokaal, vergoeding.", "gets": "Deskundige medewerkers."},
                "partner": {"gives": "Expertise en tijd.", "gets": "Vergoeding en bereik."},
                "students": {"gives": "", "gets": "Beter voorbereide docenten."},
            },
            **NL_COMMON,
        },
        "en": {
            "common_goal": "Teaching and other staff learn from the partner's expertise.",
            "activity": "The partner trains the institution's staff; the institution provides a room and pays for "
            "the time.",
            "balance": {
                "institution": {"gives": "A room, a fee.", "gets": "Skilled staff."},
                "partner": {"gives": "Expertise and time.", "gets": "A fee and reach."},
                "students": {"gives": "", "gets": "Better prepared teachers."},
            },
            **EN_COMMON,
        },
    },
    {
        "slug": "volunteering",
        "kind": "volunteering",
        "name_nl": "Vrijwilligerswerk door studenten en personeel",
        "name_en": "Volunteering by students and staff",
        "nl": {
            "common_goal": "Studenten en medewerkers zetten zich vrijwillig in voor de werking van de partner.",
            "activity": "De partner beschrijft de taken; de instelling maakt ze bekend en zorgt voor een "
            "aanspreekpunt.",
            "expect_from_students": "Betrouwbaarheid en afspraken nakomen.",
            "expect_from_partner": "Onthaal, verzekering van vrijwilligers en een aanspreekpunt.",
            **NL_COMMON,
        },
        "en": {
            "common_goal": "Students and staff volunteer for the partner's work.",
            "activity": "The partner describes the tasks; the institution makes them known and provides a contact "
            "point.",
            "expect_from_students": "Reliability and keeping appointments.",
            "expect_from_partner": "A welcome, volunteer insurance and a contact point.",
            **EN_COMMON,
        },
    },
    {
        "slug": "strategic",
        "kind": "strategic",
        "name_nl": "Strategische samenwerking vanuit de opdracht",
        "name_en": "Strategic collaboration from the mission",
        "nl": {
            "common_goal": "Vanuit de opdrachtverklaring van de instelling en de missie van de partner werken we "
            "samen aan een gedeeld maatschappelijk doel, met collectieve impact.",
            "activity": "Een waaier van samenwerkingsvormen op verschillende niveaus: service-learning, trainingen "
            "voor docenten, vrijwilligerswerk door studenten en personeel, openstellen van gebouwen.",
            "roles_institution": "Een stuurgroep met een vertegenwoordiger van het beleid en de coördinator "
            "maatschappelijke dienstverlening.",
            "roles_partner": "De coördinator van de partner zit de stuurgroep mee voor.",
            **NL_COMMON,
        },
        "en": {
            "common_goal": "From the institution's mission statement and the partner's mission we work together on "
            "a shared societal goal, with collective impact.",
            "activity": "A range of forms of collaboration at several levels: service-learning, training for "
            "teaching staff, volunteering by students and staff, opening buildings.",
            "roles_institution": "A steering group with a representative of the board and the community engagement "
            "coordinator.",
            "roles_partner": "The partner's coordinator co-chairs the steering group.",
            **EN_COMMON,
        },
    },
]


def install_builtin_templates(apps: Any = None) -> None:
    if apps is None:
        from agreements.models import AgreementTemplate
    else:
        AgreementTemplate = apps.get_model("agreements", "AgreementTemplate")  # noqa: N806
    for spec in TEMPLATES:
        AgreementTemplate.objects.update_or_create(
            institution=None,
            slug=spec["slug"],
            defaults={
                "kind": spec["kind"],
                "name_nl": spec["name_nl"],
                "name_en": spec["name_en"],
                "sections_nl": spec["nl"],
                "sections_en": spec["en"],
            },
        )
