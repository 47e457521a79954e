"""A generated network around the hand-written cases, made through the real services.

Enough organisations, people, relationships and contact moments that every list
pages, with some relationships gone stale and a few left orphaned by people who
left without handing over, so the dashboard has risks to show. Names come from
``demo.names`` and are fictitious. A fixed seed makes every run the same.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from engagements.models import Engagement
from engagements.services import create_course, create_engagement
from network.models import Institution, Interaction, Organisation, Person, SofarRole, TargetGroup, Theme
from network.services import RoleSpec, create_organisation, create_person, create_relationship, log_interaction
from partnerships.models import ContinuumStage, Partnership
from partnerships.services import create_partnership, deactivate_person

from . import names

SEED = 2026

THEMES = [
    ("onderwijs", "Onderwijs", "Education"),
    ("armoede", "Armoede", "Poverty"),
    ("sport", "Sport en beweging", "Sport and exercise"),
    ("gezondheid", "Gezondheid", "Health"),
    ("wonen", "Wonen", "Housing"),
    ("klimaat", "Klimaat en omgeving", "Climate and environment"),
    ("cultuur", "Cultuur", "Culture"),
    ("diversiteit", "Diversiteit en inclusie", "Diversity and inclusion"),
    ("jeugd", "Jeugd", "Youth"),
    ("zorg", "Zorg en welzijn", "Care and welfare"),
    ("werk", "Werk", "Work"),
    ("buurt", "Buurtontwikkeling", "Neighbourhood development"),
]
TARGET_GROUPS = [
    ("kinderen", "Kinderen", "Children"),
    ("jongeren", "Jongeren", "Young people"),
    ("senioren", "Senioren", "Older people"),
    ("nieuwkomers", "Nieuwkomers", "Newcomers"),
    ("beperking", "Mensen met een beperking", "People with a disability"),
    ("laag-inkomen", "Gezinnen met een laag inkomen", "Low-income families"),
    ("dak-thuislozen", "Dak- en thuislozen", "Homeless people"),
    ("bewoners", "Buurtbewoners", "Residents"),
]

SUMMARIES = [
    "Kennismakingsgesprek: wie zijn we, wat zoeken we?",
    "Overleg over de verwachtingen voor dit semester.",
    "Studenten stellen hun projectvoorstel voor.",
    "Tussentijdse evaluatie met de begeleiders.",
    "Vraag naar studenten voor een nieuw project.",
    "Afspraken over verzekering en vrijwilligersstatuut.",
    "Bezoek ter plaatse met de nieuwe groep studenten.",
    "Terugkoppeling van de resultaten aan de partner.",
    "Planning van het volgende academiejaar.",
    "Netwerkmoment in de buurt, kort bijgepraat.",
    "Vraag om een lokaal op de campus.",
    "Feedback van de partner over de samenwerking.",
    "Slotmoment: studenten presenteren hun werk.",
    "Telefonisch opgevolgd: alles loopt zoals afgesproken.",
]
CHANNELS = [c for c, _label in Interaction.Channel.choices]
ORG_KINDS = [k for k, _label in Organisation.Kind.choices]
STAFF_SIDE = (SofarRole.FACULTY, SofarRole.ADMINISTRATOR)


@dataclass
class Generated:
    organisations: int = 0
    people: int = 0
    relationships: int = 0
    interactions: int = 0
    partnerships: int = 0
    courses: int = 0
    engagements: int = 0
    orphaned_owners: int = 0


def ensure_vocabulary() -> tuple[list[Theme], list[TargetGroup]]:
    themes = [Theme.objects.get_or_create(slug=s, defaults={"name_nl": nl, "name_en": en})[0] for s, nl, en in THEMES]
    groups = [
        TargetGroup.objects.get_or_create(slug=s, defaults={"name_nl": nl, "name_en": en})[0]
        for s, nl, en in TARGET_GROUPS
    ]
    return themes, groups


def organisation_names(count: int, seed: int = SEED) -> list[tuple[str, str]]:
    """The (name, kind) of the generated organisations: the same for the same seed, so a reset finds them."""
    rng = random.Random(seed)
    result = []
    seen: set[str] = set()
    while len(result) < count:
        kind = rng.choice(ORG_KINDS)
        name = names.organisation_name(rng, kind, 0)
        if name not in seen:
            seen.add(name)
            result.append((name, kind))
    return result


def generate_network(
    institutions: list[Institution],
    *,
    scale: float = 1.0,
    progress: Callable[[str], None] = lambda _m: None,
) -> Generated:
    """Make the generated part of the demo. The caller holds the transaction."""
    rng = random.Random(SEED)
    today = timezone.localdate()
    done = Generated()
    themes, groups = ensure_vocabulary()

    def n(value: int, minimum: int = 1) -> int:
        return max(minimum, round(value * scale))

    organisations: list[Organisation] = []
    for name, kind in organisation_names(n(130, 4)):
        city, postcode = rng.choice(names.CITIES)
        lat, lon = names.CITY_CENTRES[city]
        organisations.append(
            create_organisation(
                by=None,
                name=name,
                kind=kind,
                city=city,
                postcode=postcode,
                street=names.street(rng),
                latitude=round(lat + rng.uniform(-0.02, 0.02), 5),
                longitude=round(lon + rng.uniform(-0.03, 0.03), 5),
                capacity_per_period=rng.randint(1, 6),
                themes=rng.sample(themes, rng.randint(1, 3)),
                target_groups=rng.sample(groups, rng.randint(1, 2)),
            )
        )
    done.organisations = len(organisations)
    progress(f"{done.organisations} organisations")

    role_mix = [SofarRole.FACULTY] * 5 + [SofarRole.ADMINISTRATOR] * 2 + [SofarRole.STUDENT] * 6
    role_mix += [SofarRole.ORGANISATION] * 5 + [SofarRole.RESIDENT] * 3
    for institution in institutions:
        people: list[Person] = []
        for i in range(n(160, 8)):
            # The first few are staff, so that every institution has owners to give relationships to.
            role = STAFF_SIDE[i % 2] if i < 6 else rng.choice(role_mix)
            org = rng.choice(organisations) if role == SofarRole.ORGANISATION else None
            first, last = names.first_name(rng), names.surname(rng)
            people.append(
                create_person(
                    by=None,
                    institution=institution,
                    first_name=first,
                    last_name=last,
                    email=names.email(first, last, i),
                    roles=[RoleSpec(role=role, organisation=org)],
                )
            )
        done.people += len(people)
        staff = [p for p in people if p.roles[0] in STAFF_SIDE]
        # Two staff members will leave without handing over: what they own becomes orphaned.
        leavers = staff[-2:] if len(staff) > 3 else []
        ours = [p for p in people if p.roles[0] in (*STAFF_SIDE, SofarRole.STUDENT)]
        theirs = [p for p in people if p.roles[0] in (SofarRole.ORGANISATION, SofarRole.RESIDENT)]

        pairs: set[tuple[int, str]] = set()
        relationships = []
        for _ in range(n(220, 10)):
            a = rng.choice(ours)
            b: Person | Organisation = rng.choice(organisations) if rng.random() < 0.7 else rng.choice(theirs)
            key = (a.pk, f"{type(b).__name__}{b.pk}")
            if key in pairs:
                continue
            pairs.add(key)
            owners = [a] if a in staff else [rng.choice(staff)]
            if leavers and not relationships:
                owners = [leavers[0]]
            if rng.random() < 0.3:
                owners = list({*owners, rng.choice(staff)})
            relationship = create_relationship(
                by=None,
                institution=institution,
                a=a,
                a_role=a.roles[0],
                b=b,
                b_role=SofarRole.ORGANISATION if isinstance(b, Organisation) else b.roles[0],
                owners=owners,
                description=rng.choice(
                    ["Service-learningproject", "Stageplaats", "Bachelorproject", "Vrijwilligerswerk", ""]
                ),
            )
            relationships.append(relationship)
            # A quarter go quiet: their last contact is well over six months ago.
            stale = rng.random() < 0.25
            newest = rng.randint(200, 700) if stale else rng.randint(0, 170)
            ages = [newest] + [rng.randint(newest, 730) for _k in range(rng.randint(0, 4))]
            for age in sorted(ages, reverse=True):
                log_interaction(
                    relationship,
                    by=None,
                    occurred_on=today - dt.timedelta(days=age),
                    summary=rng.choice(SUMMARIES),
                    channel=rng.choice(CHANNELS),
                    initiated_by=rng.choice(["a", "b", "both"]),
                )
                done.interactions += 1
        done.relationships += len(relationships)
        progress(f"{institution}: {len(people)} people, {len(relationships)} relationships")

        year_start = today.year if today.month >= 9 else today.year - 1
        courses = []
        for i in range(n(28, 2)):
            courses.append(
                create_course(
                    by=None,
                    institution=institution,
                    teachers=rng.sample(staff, min(len(staff), rng.randint(1, 2))),
                    code=f"SL{i + 101:03d}",
                    title=rng.choice(
                        ["Service-learning", "Maatschappelijk engagement", "Buurtproject", "Praktijkproject"]
                    )
                    + f" {names.place_word(rng)}",
                    programme=rng.choice(["Sociaal werk", "Lerarenopleiding", "Verpleegkunde", "Pedagogie", "Ontwerp"]),
                    academic_year=f"{year_start}-{year_start + 1}",
                )
            )
        done.courses += len(courses)
        partnerships = []
        for i in range(n(30, 2)):
            parties = rng.sample(organisations, rng.randint(1, 3))
            owners = [leavers[0]] if leavers and i == 0 else rng.sample(staff, min(len(staff), rng.randint(1, 2)))
            start = today - dt.timedelta(days=rng.randint(30, 1500))
            partnerships.append(
                create_partnership(
                    by=None,
                    institution=institution,
                    title=f"Samenwerking {parties[0].name}",
                    organisations=parties,
                    owners=owners,
                    kind=rng.choice([Partnership.Kind.AD_HOC, Partnership.Kind.STRATEGIC]),
                    basis=rng.choice([c for c, _l in Partnership.Basis.choices]),
                    stage=rng.choice([c for c, _l in ContinuumStage.choices]),
                    start_date=start,
                )
            )
        done.partnerships += len(partnerships)
        for _ in range(n(60, 3)):
            start = today - dt.timedelta(days=rng.randint(-60, 700))
            end = start + dt.timedelta(days=rng.randint(1, 240))
            status = (
                Engagement.Status.PLANNED
                if start > today
                else Engagement.Status.COMPLETED
                if end < today
                else Engagement.Status.RUNNING
            )
            partnership = rng.choice(partnerships)
            members = rng.sample(ours, min(len(ours), rng.randint(1, 4)))
            create_engagement(
                by=None,
                institution=institution,
                title=f"{rng.choice(['Project', 'Atelier', 'Buurtactie', 'Onderzoek'])} {names.place_word(rng)}",
                kind=rng.choice([c for c, _l in Engagement.Kind.choices]),
                direction=rng.choice([c for c, _l in Engagement.Direction.choices]),
                front=rng.choice([c for c, _l in Engagement.Front.choices]),
                status=status,
                course=rng.choice(courses) if rng.random() < 0.6 else None,
                partnership=partnership,
                organisation=partnership.organisations.first(),
                start_date=start,
                end_date=end,
                hours=rng.randint(0, 200),
                participants=[(p, p.roles[0], rng.randint(0, 60)) for p in members],
            )
            done.engagements += 1

        for person in leavers:
            deactivate_person(person, by=None, leave_orphaned=True)
        done.orphaned_owners += len(leavers)
    return done
