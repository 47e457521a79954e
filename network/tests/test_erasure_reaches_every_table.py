"""After an erasure, no table of the database holds the person's names, e-mail addresses (current and
earlier) or phone numbers; the records others need stay, naming an "erased person" instead.

The person is first seeded, through the services, into every place Brug can keep them. The scan reads
every text and JSON column of every model Django knows (history tables, the audit trail, import rows,
task rows and decoded sessions included). A model that the register of personal data neither covers nor
declares as holding none fails the test, so a new model cannot slip past the erasure.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import models

from agreements.models import Signature
from assessment.models import Respondent
from audit.models import AuditEntry
from engagements.models import Participation
from lib import privacy
from lib.errors import DomainError
from network.models import Interaction, Person, Relationship, SofarRole
from network.privacy import erase_person, erased_label
from network.tests.seed import TERMS, seed_everywhere
from partnerships.models import HandOver
from reflection.models import WorkbookAnswer
from tests import factories as f


@pytest.fixture(autouse=True)
def dutch():
    """The labels and messages these tests read are the site's default language, whatever ran before."""
    from django.utils import translation

    with translation.override("nl"):
        yield


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


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
    label = erased_label(person)
    assert label == f"gewiste persoon {person.pk}"
    fresh = Person.objects.get(pk=person.pk)
    assert str(fresh).endswith(f" {person.pk}") and fresh.erased_at is not None and not fresh.is_active
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
    with pytest.raises(DomainError, match="al gewist"):
        erase_person(Person.objects.get(pk=person.pk), by=world.coordinator)
    assert AuditEntry.objects.count() == entries


def test_an_admin_log_line_about_her_keeps_only_the_label(world):
    person = f.make_person(world.a, SofarRole.RESIDENT, first_name="Rita", last_name="Bewoner")
    LogEntry.objects.log_actions(user_id=world.coordinator.pk, queryset=[person], action_flag=CHANGE)
    erase_person(person, by=world.coordinator)
    line = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(Person), object_id=str(person.pk))
    assert "Rita" not in line.object_repr
