"""After an erasure, no table of the database holds the person's names, e-mail addresses (current and
earlier) or phone numbers; the records others need stay, naming an "erased person" instead.

The person is first seeded, through the services, into every place Brug can keep them. The scan reads
every text and JSON column of every model Django knows (history tables, the audit trail, import rows,
task rows and decoded sessions included). A model that the register of personal data neither covers nor
declares as holding none fails the test, so a new model cannot slip past the erasure.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import models
from django.utils import timezone

from accounts.models import Role, User
from agreements.models import Signature
from agreements.services import SignatorySpec, issue_link, send_agreement, sign, signatory_for_token
from agreements.tests.helpers import make_agreement
from assessment.models import Instrument, Respondent
from assessment.services import RespondentSpec, start_round
from assessment.tests.helpers import answer
from audit.models import AuditEntry
from engagements.models import Participation
from imports import services as imports
from lib import privacy
from lib.errors import DomainError
from matching.services import post_need
from network.models import Campus, Interaction, Person, Relationship, SofarRole
from network.privacy import erase_person
from network.services import RoleSpec, add_organisation_note, create_person, log_interaction, update_person
from partnerships.models import HandOver
from partnerships.services import hand_over
from places.models import Facility
from places.services import request_booking
from reflection.models import ReflectionQuestion, WorkbookAnswer
from reflection.services import ActionSpec, save_workbook, start_workbook
from tests import factories as f

FIRST, LAST = "Zwanhildë", "Vercruysse"
OLD_EMAIL, EMAIL = "zwanhilde@oud-adres.be", "z.vercruysse@voorbeeld.be"
OLD_PHONE, PHONE = "0499 88 77 66", "0470 12 34 56"
USERNAME = "zwanhilde.vc"
TERMS = [FIRST, LAST, OLD_EMAIL, EMAIL, OLD_PHONE, PHONE, USERNAME]


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


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


def _text_columns(model: type[models.Model]) -> list[models.Field]:
    return privacy.text_fields(model)


def find_leftovers(terms: list[str]) -> list[str]:
    """Every place (model.column: value) where one of the terms still stands."""
    lowered = [t.lower() for t in terms]
    found = []
    for model in apps.get_models(include_auto_created=True):
        columns = _text_columns(model)
        if model is Session:
            texts = [("session_data", json.dumps(s.get_decoded(), ensure_ascii=False)) for s in Session.objects.all()]
        elif columns:
            texts = []
            for row in model._base_manager.values_list(*[c.attname for c in columns]):
                for column, value in zip(columns, row, strict=True):
                    if value is not None:
                        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                        texts.append((column.attname, text))
        else:
            continue
        for column, text in texts:
            for term in lowered:
                if term in text.lower():
                    found.append(f"{model._meta.label_lower}.{column}: {text[:120]!r} holds {term!r}")
    return found


def test_every_model_is_covered_by_the_register_or_declared_to_hold_no_personal_data():
    covered = privacy.covered_models() | set(privacy.no_personal_data())
    missing = [
        m._meta.label_lower
        for m in apps.get_models(include_auto_created=True)
        if m._meta.label_lower not in covered and not (m._meta.auto_created and not _text_columns(m))
    ]
    assert missing == [], "Register these models in an app's privacy.py, or declare them to hold no personal data"


def test_every_entry_says_what_whose_why_and_how_long():
    for entry in privacy.entries():
        if entry.models:
            assert all(str(text).strip() for text in (entry.what, entry.whose, entry.why, entry.kept)), entry.key


def test_after_erasure_no_table_holds_her_names_addresses_or_numbers(world):
    person = seed_everywhere(world)
    reached = {line.split(":")[0].rsplit(".", 1)[0] for line in find_leftovers(TERMS)}
    assert len(reached) >= 20, f"the seed reaches many tables: {sorted(reached)}"
    audit_before = AuditEntry.objects.count()

    erase_person(person, by=world.coordinator)

    leftovers = find_leftovers(TERMS)
    assert leftovers == [], "\n".join(leftovers)
    # What others need stays, naming an erased person.
    label = f"person {person.pk}"
    fresh = Person.objects.get(pk=person.pk)
    assert label in str(fresh) and fresh.erased_at is not None and not fresh.is_active
    relationship = Relationship.objects.involving_person(fresh).get()
    assert label in relationship.description
    assert label in Interaction.objects.get(relationship=relationship).summary
    assert HandOver.objects.get(from_person=fresh).to_person == world.faculty_person
    assert Participation.objects.get(person=fresh).hours == 12
    assert label in WorkbookAnswer.objects.get(workbook__teacher=fresh).text
    assert label in Signature.objects.get().name
    assert Respondent.objects.get(name__contains=label).answers.count() > 0
    assert AuditEntry.objects.count() == audit_before + 1
    assert not Session.objects.exists()


def test_erasing_someone_already_erased_is_refused_and_changes_nothing(world):
    person = f.make_person(world.a, SofarRole.RESIDENT, first_name="Rita", last_name="Bewoner")
    erase_person(person, by=world.coordinator)
    entries = AuditEntry.objects.count()
    with pytest.raises(DomainError, match="already erased"):
        erase_person(Person.objects.get(pk=person.pk), by=world.coordinator)
    assert AuditEntry.objects.count() == entries


def test_an_admin_log_line_about_her_keeps_only_the_label(world):
    person = f.make_person(world.a, SofarRole.RESIDENT, first_name="Rita", last_name="Bewoner")
    LogEntry.objects.log_actions(user_id=world.coordinator.pk, queryset=[person], action_flag=CHANGE)
    erase_person(person, by=world.coordinator)
    line = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(Person), object_id=str(person.pk))
    assert "Rita" not in line.object_repr
