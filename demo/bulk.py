"""A region-scale data set for the benchmark, written with ``bulk_create`` in batches.

This bypasses the services on purpose (a million contact moments through
``log_interaction`` would take hours), so it computes the denormalised fields
those services keep itself: ``Relationship.last_contact_on`` is the newest
contact moment, ``Relationship.orphaned`` and ``Partnership.orphaned`` say that
no owner is active any more. Primary keys are given explicitly, so rows can
point at each other without reading them back; ``reset_sequences`` puts the
database's counters after them.

Some rows are deliberately heavy, so that the detail pages are measured at
their worst: organisation 1 is a party to many relationships and engagements,
the benchmark coordinator owns thousands of relationships, relationship 1 has
hundreds of contact moments, partnership 1 and course 1 have thousands of
engagements and engagement 1 has hundreds of participants.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Exists, F, Max, OuterRef, Q
from django.utils import timezone

from accounts.models import Role, User
from engagements.models import Course, Engagement, Participation
from lib.bulk import RowInserter, chunks
from network.models import (
    Affiliation,
    Campus,
    Institution,
    Interaction,
    Organisation,
    Person,
    Relationship,
    SofarRole,
)
from partnerships.models import ContinuumStage, Partnership, PartnershipParty

from . import names
from .generate import CHANNELS, ORG_KINDS, SUMMARIES, ensure_vocabulary

BATCH = 5000
SEED = 4242

# Sizes at scale 1: a region of ten institutions sharing one organisation directory.
SIZES = {
    "institutions": 10,
    "organisations": 20_000,
    "people": 100_000,
    "relationships": 300_000,
    "interactions": 1_000_000,
    "partnerships": 10_000,
    "courses": 5_000,
    "engagements": 200_000,
}
BENCH_USERNAME = "bench.coordinator"
OURS = (SofarRole.STUDENT, SofarRole.FACULTY, SofarRole.ADMINISTRATOR)
STAFF = (SofarRole.FACULTY, SofarRole.ADMINISTRATOR)
# The number of contact moments per relationship; the mean (3.4) gives a million for 300,000.
CONTACTS_PER_RELATIONSHIP = (1, 2, 2, 3, 3, 4, 4, 4, 5, 6)
HEAVY_CONTACTS = 500
HEAVY_PARTICIPANTS = 200
COURSE_WORDS = ("Service-learning", "Buurtproject", "Praktijkproject")

Progress = Callable[[str], None]


@dataclass
class Plan:
    """How many of each at a scale; tiny scales still give a few of everything."""

    institutions: int
    organisations: int
    people: int
    relationships: int
    partnerships: int
    courses: int
    engagements: int

    @classmethod
    def at(cls, scale: float) -> Plan:
        def n(key: str, minimum: int) -> int:
            return max(minimum, round(SIZES[key] * scale))

        return cls(
            institutions=max(2, min(10, round(10 * scale**0.25))) if scale < 1 else 10,
            organisations=n("organisations", 20),
            people=n("people", 100),
            relationships=n("relationships", 200),
            partnerships=n("partnerships", 10),
            courses=n("courses", 6),
            engagements=n("engagements", 40),
        )


def insert(model: type[models.Model], rows: Iterable[models.Model], progress: Progress, label: str) -> int:
    """bulk_create in batches, one transaction per batch, reporting as it goes."""
    started = time.monotonic()
    count = 0
    for chunk in chunks(rows, BATCH):
        with transaction.atomic():
            model.objects.bulk_create(chunk, batch_size=BATCH)
        count += len(chunk)
        if count % (BATCH * 20) == 0:
            progress(f"  {label}: {count:,}")
    progress(f"  {label}: {count:,} in {time.monotonic() - started:.1f} s")
    return count


def insert_rows(model: type[models.Model], rows: Iterable[dict[str, Any]], progress: Progress, label: str) -> int:
    """Plain INSERTs with executemany (``lib.bulk.RowInserter``), for the big tables: several times faster
    than building model instances. A field left out of a row gets its default."""
    started = time.monotonic()
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return 0
    inserter = RowInserter(model, with_pk=model._meta.pk.attname in first)
    count = 0
    for chunk in chunks(chain([first], iterator), BATCH):
        inserter.insert(chunk)
        count += len(chunk)
        if count % (BATCH * 20) == 0:
            progress(f"  {label}: {count:,}")
    progress(f"  {label}: {count:,} in {time.monotonic() - started:.1f} s")
    return count


def generate_region(scale: float, progress: Progress) -> dict[str, int]:
    """Fill an empty, migrated database. Returns the number of rows per kind."""
    rng = random.Random(SEED)
    plan = Plan.at(scale)
    today = timezone.localdate()
    sizes: dict[str, int] = {}
    themes, groups = ensure_vocabulary()

    # Institutions
    institutions = [
        Institution(
            pk=i,
            name=f"Hogeschool {names.place_word(rng)} {i}" if i % 3 else f"Universiteit {names.place_word(rng)} {i}",
            short_name=f"INST{i}",
            slug=f"inst-{i}",
            kind=Institution.Kind.UNIVERSITY if i % 3 == 0 else Institution.Kind.UNIVERSITY_COLLEGE,
        )
        for i in range(1, plan.institutions + 1)
    ]
    sizes["institutions"] = insert(Institution, institutions, progress, "institutions")
    inst_ids = [i.pk for i in institutions]
    # One campus per institution, in a city centre, for the neighbourhood pages.
    campuses = []
    for i in inst_ids:
        city = sorted(names.CITY_CENTRES)[i % len(names.CITY_CENTRES)]
        lat, lon = names.CITY_CENTRES[city]
        campuses.append(
            Campus(
                institution_id=i,
                name=f"Campus {city}",
                slug=f"campus-{i}",
                city=city,
                latitude=lat,
                longitude=lon,
                neighbourhood_radius_m=1500,
                neighbourhood_name=city,
            )
        )
    sizes["campuses"] = insert(Campus, campuses, progress, "campuses")

    # Organisations: one shared directory.
    def organisations() -> Iterator[Organisation]:
        for pk in range(1, plan.organisations + 1):
            kind = rng.choice(ORG_KINDS)
            city, postcode = rng.choice(names.CITIES)
            lat, lon = names.CITY_CENTRES[city]
            yield Organisation(
                pk=pk,
                name=names.organisation_name(rng, kind, pk),
                kind=kind,
                city=city,
                postcode=postcode,
                street=names.street(rng),
                latitude=round(lat + rng.uniform(-0.03, 0.03), 5),
                longitude=round(lon + rng.uniform(-0.04, 0.04), 5),
                capacity_per_period=rng.randint(1, 6),
                is_active=rng.random() > 0.03,
            )

    sizes["organisations"] = insert(Organisation, organisations(), progress, "organisations")
    theme_links = (
        Organisation.themes.through(organisation_id=pk, theme_id=t.pk)
        for pk in range(1, plan.organisations + 1)
        for t in rng.sample(themes, rng.randint(1, 3))
    )
    insert(Organisation.themes.through, theme_links, progress, "organisation themes")
    group_links = (
        Organisation.target_groups.through(organisation_id=pk, targetgroup_id=g.pk)
        for pk in range(1, plan.organisations + 1)
        for g in rng.sample(groups, rng.randint(1, 2))
    )
    insert(Organisation.target_groups.through, group_links, progress, "organisation target groups")

    # People, each with a SOFAR role; people are kept per institution.
    per_inst = plan.people // plan.institutions
    role_mix = [SofarRole.FACULTY] * 15 + [SofarRole.ADMINISTRATOR] * 5 + [SofarRole.STUDENT] * 40
    role_mix += [SofarRole.ORGANISATION] * 30 + [SofarRole.RESIDENT] * 10
    person_role: dict[int, str] = {}
    person_inst: dict[int, int] = {}
    inactive: set[int] = set()
    by_inst: dict[int, dict[str, list[int]]] = {i: {"ours": [], "staff": [], "theirs": []} for i in inst_ids}
    person_rows: list[Person] = []
    pk = 0
    for inst in inst_ids:
        for k in range(per_inst):
            pk += 1
            # The first person of each institution is its benchmark coordinator.
            role = SofarRole.ADMINISTRATOR if k == 0 else rng.choice(role_mix)
            person_role[pk], person_inst[pk] = role, inst
            active = k == 0 or role not in STAFF or rng.random() > 0.02
            if not active:
                inactive.add(pk)
            first, last = names.first_name(rng), names.surname(rng)
            person_rows.append(
                {
                    "id": pk,
                    "institution_id": inst,
                    "first_name": first,
                    "last_name": last,
                    "email": names.email(first, last, pk),
                    "is_active": active,
                }
            )
            group = by_inst[inst]
            if role in OURS:
                group["ours"].append(pk)
            else:
                group["theirs"].append(pk)
            if role in STAFF and active:
                group["staff"].append(pk)
    sizes["people"] = insert_rows(Person, person_rows, progress, "people")
    del person_rows

    def affiliations() -> Iterator[dict[str, Any]]:
        for person_id, role in person_role.items():
            inst = person_inst[person_id]
            yield {
                "person_id": person_id,
                "role": role,
                "institution_id": inst if role in OURS else None,
                "organisation_id": rng.randint(1, plan.organisations) if role == SofarRole.ORGANISATION else None,
            }
            if role == SofarRole.STUDENT and rng.random() < 0.1:
                # Some students also live in the neighbourhood they serve.
                yield {
                    "person_id": person_id,
                    "role": SofarRole.RESIDENT,
                    "institution_id": None,
                    "organisation_id": None,
                }

    insert_rows(Affiliation, affiliations(), progress, "affiliations")

    coordinators = {inst: by_inst[inst]["ours"][0] for inst in inst_ids}
    users = [
        User(
            username=BENCH_USERNAME if inst == 1 else f"bench.coordinator{inst}",
            role=Role.COORDINATOR,
            institution_id=inst,
            person_id=coordinators[inst],
            password="!",  # unusable: the benchmark logs in without a password
            language="nl",
        )
        for inst in inst_ids
    ]
    insert(User, users, progress, "users")

    # Relationships with their owners and contact moments.
    per_inst_rel = plan.relationships // plan.institutions
    rel_rows: list[Relationship] = []
    owner_rows: list[Any] = []
    OwnerLink = Relationship.owners.through
    contacts: list[tuple[int, int, int]] = []  # (relationship, institution, newest age in days)
    pk = 0
    for inst in inst_ids:
        group = by_inst[inst]
        for k in range(per_inst_rel):
            pk += 1
            a = group["ours"][0] if k % 15 == 0 else rng.choice(group["ours"])
            if k % 100 == 1 or rng.random() < 0.7:
                b_org = 1 if k % 100 == 1 else rng.randint(1, plan.organisations)
                b_person, b_role = None, SofarRole.ORGANISATION
            else:
                b_org, b_person = None, rng.choice(group["theirs"])
                b_role = person_role[b_person]
            owners = {a} if person_role[a] in STAFF else {rng.choice(group["staff"])}
            if rng.random() < 0.3:
                owners.add(rng.choice(group["staff"]))
            if a in inactive:
                owners = {a}
            stale = rng.random() < 0.25
            newest = rng.randint(190, 900) if stale else rng.randint(0, 175)
            rel_rows.append(
                {
                    "id": pk,
                    "institution_id": inst,
                    "a_person_id": a,
                    "a_role": person_role[a],
                    "b_person_id": b_person,
                    "b_organisation_id": b_org,
                    "b_role": b_role,
                    "description": rng.choice(["Service-learningproject", "Stageplaats", "Bachelorproject", ""]),
                    "status": Relationship.Status.ENDED if rng.random() < 0.05 else Relationship.Status.ACTIVE,
                    "last_contact_on": today - dt.timedelta(days=newest),
                    "orphaned": not any(o not in inactive for o in owners),
                }
            )
            owner_rows.extend({"relationship_id": pk, "person_id": o} for o in owners)
            contacts.append((pk, inst, newest))
    sizes["relationships"] = insert_rows(Relationship, rel_rows, progress, "relationships")
    del rel_rows
    insert_rows(OwnerLink, owner_rows, progress, "relationship owners")
    del owner_rows

    def interactions() -> Iterator[dict[str, Any]]:
        for rel, inst, newest in contacts:
            count = HEAVY_CONTACTS if rel == 1 else rng.choice(CONTACTS_PER_RELATIONSHIP)
            for j in range(count):
                age = newest if j == 0 else rng.randint(newest, newest + 900)
                yield {
                    "relationship_id": rel,
                    "institution_id": inst,
                    "occurred_on": today - dt.timedelta(days=age),
                    "channel": rng.choice(CHANNELS),
                    "initiated_by": rng.choice(("a", "b", "both")),
                    "summary": rng.choice(SUMMARIES),
                }

    sizes["interactions"] = insert_rows(Interaction, interactions(), progress, "interactions")
    contacts.clear()

    # Partnerships with their parties and owners.
    per_inst_ps = plan.partnerships // plan.institutions
    ps_rows, party_rows, ps_owner_rows, joined_rows = [], [], [], []
    PsOwner = Partnership.owners.through
    PsJoined = Partnership.other_institutions.through
    ps_inst: dict[int, int] = {}
    pk = 0
    for inst in inst_ids:
        staff = by_inst[inst]["staff"]
        leavers = [p for p in by_inst[inst]["ours"] if p in inactive]
        for k in range(per_inst_ps):
            pk += 1
            ps_inst[pk] = inst
            parties = {rng.randint(1, plan.organisations) for _ in range(rng.randint(1, 3))}
            if k == 0:
                parties |= {rng.randint(1, plan.organisations) for _ in range(50)}
            if k % 50 == 0:
                parties.add(1)
            owners = {rng.choice(staff) for _ in range(rng.randint(1, 2))}
            orphaned = k % 97 == 5
            if orphaned and leavers:
                owners = {leavers[0]}
            start = today - dt.timedelta(days=rng.randint(30, 2000))
            ps_rows.append(
                Partnership(
                    pk=pk,
                    institution_id=inst,
                    title=f"Samenwerking {names.place_word(rng)} {pk}",
                    kind=rng.choice([c for c, _l in Partnership.Kind.choices]),
                    basis=rng.choice([c for c, _l in Partnership.Basis.choices]),
                    stage=rng.choice([c for c, _l in ContinuumStage.choices]),
                    status=rng.choice(
                        [Partnership.Status.ACTIVE] * 8 + [Partnership.Status.PROPOSED, Partnership.Status.ENDED]
                    ),
                    start_date=start,
                    orphaned=not any(o not in inactive for o in owners),
                )
            )
            party_rows.extend(PartnershipParty(partnership_id=pk, organisation_id=o, joined_on=start) for o in parties)
            ps_owner_rows.extend(PsOwner(partnership_id=pk, person_id=o) for o in owners)
            if rng.random() < 0.05:
                other = rng.choice(inst_ids)
                if other != inst:
                    joined_rows.append(PsJoined(partnership_id=pk, institution_id=other))
    sizes["partnerships"] = insert(Partnership, ps_rows, progress, "partnerships")
    insert(PartnershipParty, party_rows, progress, "partnership parties")
    insert(PsOwner, ps_owner_rows, progress, "partnership owners")
    insert(PsJoined, joined_rows, progress, "partnerships joined by other institutions")
    party_of = {p.partnership_id: p.organisation_id for p in party_rows}
    del ps_rows, party_rows, ps_owner_rows, joined_rows

    # Courses and their teachers.
    per_inst_course = plan.courses // plan.institutions
    course_rows, teacher_rows = [], []
    Teacher = Course.teachers.through
    course_inst: dict[int, list[int]] = {i: [] for i in inst_ids}
    year = today.year if today.month >= 9 else today.year - 1
    pk = 0
    for inst in inst_ids:
        staff = by_inst[inst]["staff"]
        for k in range(per_inst_course):
            pk += 1
            course_inst[inst].append(pk)
            start_year = year - (k % 4)
            course_rows.append(
                Course(
                    pk=pk,
                    institution_id=inst,
                    code=f"SL{pk:05d}",
                    title=f"{rng.choice(COURSE_WORDS)} {names.place_word(rng)}",
                    programme=rng.choice(["Sociaal werk", "Lerarenopleiding", "Verpleegkunde", "Pedagogie", "Ontwerp"]),
                    academic_year=f"{start_year}-{start_year + 1}",
                )
            )
            teacher_rows.extend(Teacher(course_id=pk, person_id=t) for t in {rng.choice(staff) for _ in range(2)})
    sizes["courses"] = insert(Course, course_rows, progress, "courses")
    insert(Teacher, teacher_rows, progress, "course teachers")
    del course_rows, teacher_rows

    # Engagements and who takes part.
    per_inst_eng = plan.engagements // plan.institutions
    ps_by_inst: dict[int, list[int]] = {i: [] for i in inst_ids}
    for ps, inst in ps_inst.items():
        ps_by_inst[inst].append(ps)
    kinds = [c for c, _l in Engagement.Kind.choices]
    directions = [c for c, _l in Engagement.Direction.choices]
    fronts = [c for c, _l in Engagement.Front.choices]
    eng_members: list[tuple[int, int]] = []

    def engagements() -> Iterator[dict[str, Any]]:
        pk = 0
        for inst in inst_ids:
            for k in range(per_inst_eng):
                pk += 1
                partnership = ps_by_inst[inst][0] if k % 10 == 0 else rng.choice(ps_by_inst[inst])
                course = (
                    course_inst[inst][0]
                    if k % 20 == 1
                    else (rng.choice(course_inst[inst]) if rng.random() < 0.6 else None)
                )
                start = today - dt.timedelta(days=rng.randint(-90, 1500))
                end = start + dt.timedelta(days=rng.randint(1, 270))
                status = "planned" if start > today else "completed" if end < today else "running"
                eng_members.append((pk, inst))
                yield {
                    "id": pk,
                    "institution_id": inst,
                    "title": f"{rng.choice(['Project', 'Atelier', 'Buurtactie', 'Onderzoek'])} {names.place_word(rng)}",
                    "kind": rng.choice(kinds),
                    "direction": rng.choice(directions),
                    "front": rng.choice(fronts),
                    "status": status,
                    "course_id": course,
                    "partnership_id": partnership,
                    "organisation_id": 1 if k % 200 == 3 else party_of.get(partnership),
                    "start_date": start,
                    "end_date": end,
                    "hours": rng.randint(0, 300),
                }

    sizes["engagements"] = insert_rows(Engagement, engagements(), progress, "engagements")

    def participations() -> Iterator[dict[str, Any]]:
        for eng, inst in eng_members:
            ours = by_inst[inst]["ours"]
            count = HEAVY_PARTICIPANTS if eng == 1 else rng.randint(1, 3)
            people = {ours[0]} if eng % 50 == 0 else set()
            people |= {rng.choice(ours) for _ in range(count)}
            for person in people:
                yield {
                    "engagement_id": eng,
                    "person_id": person,
                    "role": person_role[person],
                    "hours": rng.randint(0, 60),
                }

    sizes["participations"] = insert_rows(Participation, participations(), progress, "participations")
    reset_sequences()
    return sizes


def reset_sequences() -> None:
    """After explicit primary keys, PostgreSQL's sequences must be moved past them (SQLite needs nothing)."""
    from django.apps import apps

    statements = connection.ops.sequence_reset_sql(no_style(), list(apps.get_models(include_auto_created=True)))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def analyse() -> None:
    """Give the query planner statistics, as a maintained database has (on PostgreSQL also the visibility map
    that autovacuum keeps, without which no index-only scan avoids the table)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def table_sizes() -> dict[str, int]:
    kinds = {
        "institutions": Institution,
        "organisations": Organisation,
        "people": Person,
        "relationships": Relationship,
        "contact moments (interactions)": Interaction,
        "partnerships": Partnership,
        "partnership parties": PartnershipParty,
        "courses": Course,
        "engagements": Engagement,
        "participations": Participation,
    }
    return {label: model.objects.count() for label, model in kinds.items()}


def verify() -> list[str]:
    """Check the denormalised fields against the rows they summarise, as the services would have kept them."""
    problems = []
    wrong_dates = (
        Relationship.objects.annotate(newest=Max("interactions__occurred_on"))
        .exclude(last_contact_on=F("newest"))
        .count()
    )
    if wrong_dates:
        problems.append(f"{wrong_dates} relationships with a last contact that is not their newest contact moment")
    for model in (Relationship, Partnership):
        through = model.owners.through
        link = f"{model._meta.model_name}_id"
        active_owner = Exists(through.objects.filter(**{link: OuterRef("pk")}, person__is_active=True))
        wrong = model.objects.filter(Q(active_owner, orphaned=True) | Q(~active_owner, orphaned=False)).count()
        if wrong:
            problems.append(f"{wrong} {model._meta.verbose_name_plural} with a wrong orphaned flag")
    return problems
