"""Undo never loses work: per kind of import, what was written since blocks the undo, is named, and survives
an undo of "only what is safe"."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from engagements.models import Course, Engagement, Participation
from engagements.services import update_engagement
from imports import services
from imports.models import ImportJob
from imports.tests.conftest import belgian_csv
from imports.undo import UndoRefused
from lib.errors import DomainError
from network.models import Interaction, Organisation, OrganisationNote, Person, Relationship, SofarRole
from network.services import add_organisation_note, create_relationship, log_interaction
from reflection.models import Workbook
from reflection.services import start_workbook

DEC_4 = dt.date(2025, 12, 4)
DEC_5 = dt.date(2025, 12, 5)


def _imported(world, data: bytes, kind: str) -> ImportJob:
    job = services.create_job(by=world.coordinator, institution=world.a, kind=kind, name="file.csv", data=data)
    services.set_mapping(job, job.mapping)
    services.build_preview(job)
    services.run_import(job, by=world.coordinator)
    assert job.status == ImportJob.Status.DONE, job.error
    return job


def _refusal(job: ImportJob, by) -> UndoRefused:
    with pytest.raises(UndoRefused) as caught:
        services.undo_import(job, by=by)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, "a refused undo changes nothing"
    return caught.value


def test_an_organisations_undo_is_refused_while_a_note_was_written_since_and_undoes_the_rest_on_request(world):
    job = _imported(
        world, belgian_csv("Huiswerkklas Noord;;9000;Gent;;;;;", "Taalcafé Zuid;;9000;Gent;;;;;"), "organisations"
    )
    noted = Organisation.objects.get(name="Taalcafé Zuid")
    add_organisation_note(noted, by=world.coordinator, text="Bellen na de zomer")

    refused = _refusal(job, world.coordinator)
    assert refused.messages == [
        f"1 internal note written since the import by Cora Coördinator on {_today()}. It concerns “Taalcafé Zuid”."
    ]
    [blocker] = refused.check.blockers
    assert [(ref.label, ref.public_id) for ref in blocker.records] == [("network.organisation", noted.public_id)]
    assert Organisation.objects.filter(name__in=["Huiswerkklas Noord", "Taalcafé Zuid"]).count() == 2

    assert services.undo_import(job, by=world.coordinator, only_safe=True) == 1
    assert not Organisation.objects.filter(name="Huiswerkklas Noord").exists()
    assert OrganisationNote.objects.filter(organisation=noted, text="Bellen na de zomer").exists()
    job.refresh_from_db()
    assert (job.status, job.summary["undo"]) == (ImportJob.Status.PARTLY_UNDONE, {"undone": 1, "kept": 1})
    entry = AuditEntry.objects.get(action="undid import", target_id=str(job.public_id))
    assert (entry.changes["records"], entry.changes["kept"]) == (1, 1)

    with pytest.raises(DomainError, match="Nothing of this import can be undone without losing work"):
        services.undo_import(job, by=world.coordinator, only_safe=True)


def test_a_people_undo_keeps_the_relationship_and_contact_moments_a_colleague_logged_since(world):
    people = "Voornaam;Achternaam;E-mail;Rol\r\nDirk;Docent;dirk@uas.be;Docent\r\nEls;Elst;els@uas.be;Docent\r\n"
    job = _imported(world, people.encode(), "people")
    dirk = Person.objects.get(email="dirk@uas.be")
    relationship = create_relationship(
        by=world.faculty,
        institution=world.a,
        a=dirk,
        a_role=SofarRole.FACULTY,
        b=world.org,
        b_role=SofarRole.ORGANISATION,
        owners=[world.faculty_person],
    )
    for day in (DEC_4, DEC_5):
        log_interaction(relationship, by=world.faculty, occurred_on=day, summary="Overleg")

    refused = _refusal(job, world.coordinator)
    assert len(refused.messages) == 1
    assert refused.messages[0].startswith("1 relationship written since the import")
    assert refused.messages[0].endswith("It concerns “Dirk Docent”.")

    services.undo_import(job, by=world.coordinator, only_safe=True)
    assert not Person.objects.filter(email="els@uas.be").exists()
    assert Person.objects.filter(pk=dirk.pk).exists()
    assert Relationship.objects.filter(pk=relationship.pk).exists()
    assert Interaction.objects.filter(relationship=relationship).count() == 2


def test_a_person_named_as_intermediary_since_is_kept(world):
    job = _imported(world, b"Voornaam;Achternaam;E-mail;Rol\r\nDirk;Docent;dirk@uas.be;Docent\r\n", "people")
    dirk = Person.objects.get(email="dirk@uas.be")
    relationship = create_relationship(
        by=world.faculty,
        institution=world.a,
        a=world.faculty_person,
        a_role=SofarRole.FACULTY,
        b=world.org,
        b_role=SofarRole.ORGANISATION,
        owners=[world.faculty_person],
    )
    log_interaction(
        relationship, by=world.faculty, occurred_on=DEC_4, summary="Via Dirk", mode="intermediary", intermediary=dirk
    )
    refused = _refusal(job, world.coordinator)
    assert refused.messages == [
        "1 contact moment written since the import by Fien Docent on 4 December 2025. It concerns “Dirk Docent”."
    ]
    assert Interaction.objects.get(summary="Via Dirk").intermediary == dirk


def test_a_courses_undo_never_takes_a_reflection_workbook_with_it(world):
    world.faculty_person.email = "fien@uas.be"
    world.faculty_person.save()
    courses = (
        "Code;Opleidingsonderdeel;Academiejaar;Docent\r\n"
        "SW9;Wijkwerk;2026-27;fien@uas.be\r\nSW10;Buurt;2026-27;fien@uas.be\r\n"
    )
    job = _imported(world, courses.encode(), "courses")
    course = Course.objects.get(code="SW9")
    workbook = start_workbook(course, by=world.faculty, teacher=world.faculty_person)

    refused = _refusal(job, world.coordinator)
    assert refused.messages == [
        f"1 reflection workbook written since the import by Fien Docent on {_today()}. It concerns “{course}”."
    ]
    services.undo_import(job, by=world.coordinator, only_safe=True)
    assert not Course.objects.filter(code="SW10").exists()
    assert Workbook.objects.filter(pk=workbook.pk, course=course).exists()


def test_an_engagements_undo_keeps_an_engagement_that_got_participants_since(world):
    engagements = (
        "Title;Start date;End date;Hours\r\nHuiswerkbegeleiding;2027-01-31;2027-02-28;20\r\nTaalcafé;2027-02-01;;5\r\n"
    )
    job = _imported(world, engagements.encode(), "engagements")
    engagement = Engagement.objects.get(title="Huiswerkbegeleiding")
    update_engagement(
        engagement,
        by=world.faculty,
        expected_version=engagement.version,
        participants=[(world.student_person, SofarRole.STUDENT, 12)],
    )

    refused = _refusal(job, world.coordinator)
    assert refused.messages[0] == (
        f"1 engagement was changed since the import by Fien Docent on {_today()}. It concerns “Huiswerkbegeleiding”."
    )
    assert refused.messages[1] == "1 participation written since the import. It concerns “Huiswerkbegeleiding”."
    services.undo_import(job, by=world.coordinator, only_safe=True)
    assert not Engagement.objects.filter(title="Taalcafé").exists()
    assert Participation.objects.filter(engagement=engagement, person=world.student_person, hours=12).exists()


def test_a_contact_moments_undo_keeps_the_relationship_with_the_moments_logged_since(world):
    contacts = (
        "Datum;Organisatie;Persoon;Kanaal;Samenvatting\r\n"
        "31/01/2025;Buurtwerk De Brug;fien@uas.be;Telefoon;Eerste gesprek\r\n"
    )
    world.faculty_person.email = "fien@uas.be"
    world.faculty_person.save()
    job = _imported(world, contacts.encode(), "interactions")
    relationship = Relationship.objects.get(a_person=world.faculty_person, b_organisation=world.org)
    for day in (DEC_4, DEC_5):
        log_interaction(relationship, by=world.faculty, occurred_on=day, summary="Opvolging")

    refused = _refusal(job, world.coordinator)
    assert refused.messages == [
        "2 contact moments written since the import by Fien Docent on 4 and 5 December 2025. "
        f"It concerns “{relationship}”."
    ]
    services.undo_import(job, by=world.coordinator, only_safe=True)
    assert not Interaction.objects.filter(summary="Eerste gesprek").exists()
    assert list(relationship.interactions.values_list("occurred_on", flat=True).order_by("occurred_on")) == [
        DEC_4,
        DEC_5,
    ]
    relationship.refresh_from_db()
    assert relationship.last_contact_on == DEC_5


def test_undoing_twice_says_it_is_already_undone(world):
    job = _imported(world, belgian_csv("Huiswerkklas Noord;;9000;Gent;;;;;"), "organisations")
    services.undo_import(job, by=world.coordinator)
    with pytest.raises(DomainError, match="already undone"):
        services.undo_import(job, by=world.coordinator)


def test_the_check_runs_the_same_number_of_queries_whatever_the_number_of_rows(world):
    small = _imported(world, belgian_csv(*[f"Klein {n};;9000;Gent;;;;;" for n in range(2)]), "organisations")
    large = _imported(world, belgian_csv(*[f"Groot {n};;9000;Gent;;;;;" for n in range(40)]), "organisations")
    counts = []
    for job in (small, large):
        with CaptureQueriesContext(connection) as queries:
            check = services.check_undo(job)
        assert check.blockers == []
        counts.append(len(queries))
    assert counts[0] == counts[1]


def _today() -> str:
    from django.utils import formats, timezone

    today = timezone.localdate()
    return f"{today.day} {formats.date_format(today, 'F')}"


def test_a_contact_moment_of_the_import_that_stays_keeps_the_relationship_the_import_created_for_it(world):
    from imports.undo import _keep_what_kept_records_point_at

    world.faculty_person.email = "fien@uas.be"
    world.faculty_person.save()
    contacts = "Datum;Organisatie;Persoon;Samenvatting\r\n31/01/2025;Buurtwerk De Brug;fien@uas.be;Eerste gesprek\r\n"
    job = _imported(world, contacts.encode(), "interactions")
    interaction = Interaction.objects.get(summary="Eerste gesprek")
    kept: defaultdict[str, set[int]] = defaultdict(set, {"network.interaction": {interaction.pk}})
    _keep_what_kept_records_point_at(job, "network.interaction", kept)
    assert kept["network.relationship"] == {interaction.relationship_id}
