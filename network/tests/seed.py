"""A person seeded, through the services, into every place Brug can keep her: for the export and erasure tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.admin.models import CHANGE, LogEntry
from django.utils import timezone

from accounts.models import Role, User
from agreements.services import SignatorySpec, issue_link, send_agreement, sign, signatory_for_token
from agreements.tests.helpers import make_agreement
from assessment.models import Instrument, Respondent
from assessment.services import RespondentSpec, start_round
from assessment.tests.helpers import answer
from imports import services as imports
from matching.services import post_need
from network.models import Campus, Person, SofarRole
from network.services import RoleSpec, add_organisation_note, create_person, log_interaction, update_person
from partnerships.services import hand_over
from places.models import Facility
from places.services import request_booking
from reflection.models import ReflectionQuestion
from reflection.services import ActionSpec, save_workbook, start_workbook
from tests import factories as f

FIRST, LAST = "Zwanhildë", "Vercruysse"
OLD_EMAIL, EMAIL = "zwanhilde@oud-adres.be", "z.vercruysse@voorbeeld.be"
OLD_PHONE, PHONE = "0499 88 77 66", "0470 12 34 56"
USERNAME = "zwanhilde.vc"
TERMS = [FIRST, LAST, OLD_EMAIL, EMAIL, OLD_PHONE, PHONE, USERNAME]


def seed_everywhere(world: Any) -> Person:
    """Zwanhildë, a teacher living in the neighbourhood, in every place Brug can keep her."""
    coordinator = world.coordinator
    person = create_person(
        by=coordinator,
        institution=world.a,
        first_name=FIRST,
        last_name=LAST,
        roles=[RoleSpec(role=SofarRole.FACULTY), RoleSpec(role=SofarRole.RESIDENT)],
        email=OLD_EMAIL,
        phone=OLD_PHONE,
    )
    person = update_person(person, by=coordinator, expected_version=person.version, email=EMAIL, phone=PHONE)
    user = f.make_user(Role.FACULTY, institution=world.a, person=person, username=USERNAME)
    User.objects.filter(pk=user.pk).update(email=EMAIL)
    from django.test import Client

    Client().force_login(user)  # a session in the database

    # Relationships, contact moments, notes, ownership and the hand-over.
    relationship = f.make_relationship(
        world.a, person, world.org, owners=[person], description=f"{FIRST} kent de buurt"
    )
    log_interaction(
        relationship,
        by=coordinator,
        occurred_on=timezone.localdate(),
        summary=f"Koffie bij {FIRST}; bel {PHONE}",
        intermediary=person,
    )
    add_organisation_note(world.org, by=coordinator, text=f"Vraag {FIRST} {LAST} ({EMAIL}) om raad")
    partnership = f.make_partnership(world.a, [world.org], owners=[person, world.coord_person])
    hand_over(person, to=world.faculty_person, by=coordinator, note=f"{FIRST} vertrekt; {OLD_EMAIL}")

    # Engagements, a course and her reflection workbook.
    f.make_engagement(world.a, participants=[(person, SofarRole.FACULTY, 12)])
    course = f.make_course(world.a, [person], title="Wijkgericht werken")
    workbook = start_workbook(course, by=coordinator, teacher=person)
    question = ReflectionQuestion.objects.for_institution(world.a.pk).first()
    save_workbook(
        workbook,
        by=coordinator,
        expected_version=workbook.version,
        answers={question.pk: f"Ik ({FIRST}) wil de bewoners meer betrekken."},
        positions={},
        actions=[ActionSpec(what="Buurtwandeling", needs=f"{FIRST} en de buurtwerker")],
    )

    # An assessment she answered, with a comment.
    instrument = Instrument.objects.filter(institution__isnull=True, is_active=True).first()
    round_ = start_round(
        by=coordinator,
        partnership=partnership,
        instrument=instrument,
        closes_on=timezone.localdate() + dt.timedelta(days=14),
        respondents=[
            RespondentSpec(Respondent.Side.CAMPUS, f"{FIRST} {LAST}", EMAIL, "nl", person),
            RespondentSpec(Respondent.Side.COMMUNITY, "Pia Partner", "pia@brug.example", "nl", None),
        ],
    )
    respondent = round_.respondents.get(person=person)
    domain = instrument.items.first().domain
    answer(respondent, {}, **{domain: f"Getekend, {FIRST} {LAST}"})

    # An agreement she signed.
    agreement = make_agreement(world)
    send_agreement(
        agreement,
        by=coordinator,
        expected_version=agreement.version,
        signatories=[
            SignatorySpec(party="institution", name=f"{FIRST} {LAST}", email=EMAIL, role="Docent"),
            SignatorySpec(party="organisation", name="Pia Partner", email="pia@brug.example", role="Directeur"),
        ],
    )
    signatory = agreement.signatories.get(email=EMAIL)
    token = issue_link(signatory)
    signatory = signatory_for_token(token)
    sign(signatory, name=f"{FIRST} {LAST}", role="Docent", content_hash=signatory.version.content_hash)

    # A need she posted through the public form, and a room she asked for as a resident.
    post_need(
        organisation_fields={"name": "Buurtcomité Watersport", "postcode": "9000", "city": "Gent"},
        title="Huiswerkklas",
        description="Hulp bij huiswerk",
        period_start=timezone.localdate(),
        period_end=timezone.localdate() + dt.timedelta(days=60),
        contact_name=f"{FIRST} {LAST}",
        contact_email=EMAIL,
    )
    campus = Campus.objects.create(institution=world.a, name="Campus Noord", slug="noord")
    facility = Facility.objects.create(campus=campus, name="Zaal 1")
    starts = timezone.now() + dt.timedelta(days=3)
    request_booking(
        facility,
        requester_name=f"{FIRST} {LAST}",
        requester_email=OLD_EMAIL,
        purpose=f"Buurtfeest van {FIRST}",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        people=20,
    )

    # A people import that names her (the preview rows and what the import wrote).
    rows = f"Voornaam;Achternaam;E-mail;Rol;Organisatie\r\n{FIRST};{LAST};{EMAIL};Docent;\r\n"
    job = imports.create_job(by=coordinator, institution=world.a, kind="people", name="mensen.csv", data=rows.encode())
    imports.set_mapping(job, job.mapping)
    imports.build_preview(job)
    imports.run_import(job, by=coordinator)

    # A task row carrying her address (as a mail task would) and a line of the admin's log.
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {"to": [EMAIL]}},
        task_path="places.tasks.send_booking_decision",
        backend_name="default",
        run_after=timezone.now(),
        return_value={"sent_to": OLD_EMAIL},
        exception_class_path="",
        traceback=f"SMTPRecipientsRefused: {EMAIL}",
    )
    LogEntry.objects.log_actions(
        user_id=coordinator.pk, queryset=[person], action_flag=CHANGE, change_message=f"Changed {FIRST}"
    )
    return Person.objects.get(pk=person.pk)
