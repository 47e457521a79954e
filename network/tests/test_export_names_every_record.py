"""The export holds every record that names the person, not only the records that point at them: earlier
versions of relationships, partnerships and organisations (django-simple-history's rows), audit entries
whose record or changes name them, notes, organisation contacts, invitations, mail, agreement reminders,
admin log lines and background tasks. The JSON and the readable page both show each."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import translation

from identity.models import Invitation
from identity.services import invite_partner
from lib import privacy
from mail.services import queue_mail
from network.contacts import add_contact
from network.export_page import export_page
from network.models import Organisation, Person
from network.privacy import erase_person, export_person
from network.services import update_organisation
from network.tests.seed import EMAIL, FIRST, LAST, OLD_EMAIL, PHONE, TERMS, seed_everywhere
from network.tests.test_erasure_reaches_every_table import find_leftovers


@pytest.fixture(autouse=True)
def dutch():
    """The labels these tests read are the site's default language, whatever ran before."""
    with translation.override("nl"):
        yield


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def seeded(world):
    """Zwanhildë everywhere, and also as an organisation's address for a while, its mail contact, invited
    partner staff (at her earlier address) and the recipient of a queued mail."""
    person = seed_everywhere(world)
    org = Organisation.objects.get(pk=world.org.pk)
    org = update_organisation(org, by=world.coordinator, expected_version=org.version, email=EMAIL, phone=PHONE)
    update_organisation(org, by=world.coordinator, expected_version=org.version, email="info@debrug.be", phone="")
    add_contact(world.org, by=world.coordinator, email=EMAIL, name=f"{FIRST} {LAST}")
    invite_partner(world.org, institution=world.a, email=OLD_EMAIL, by=world.coordinator, first_name=FIRST)
    queue_mail(key="digest-zwanhilde", to=["someone@else.be", EMAIL.upper()], subject="Nieuwe vragen", body="...")
    return person


def _history(data: dict[str, Any], model: str) -> list[dict[str, Any]]:
    return [h for h in data["history_of_other_records"] if h["record"].startswith(model)]


def test_history_rows_of_other_records_that_name_her_are_exported(world, seeded):
    data = export_person(seeded)
    relationship = _history(data, "relatie")
    assert relationship, "earlier versions of the relationship she was part of"
    assert any("eerste actor" in h["as"].lower() or "tweede actor" in h["as"].lower() for h in relationship)
    assert any(h["as"] == "eerste actor, eigenaar" for h in relationship), "the versions in which she owned it"
    assert any(h["as"] == "eerste actor" for h in relationship), "and those after she handed it over"
    assert any(h["values"].get("beschrijving") == f"{FIRST} kent de buurt" for h in relationship)
    partnership = _history(data, "partnerschap")
    assert partnership and all(h["as"] == "eigenaar" for h in partnership), (
        "she owned the partnership until the hand-over"
    )
    organisation = _history(data, "organisatie")
    assert [h["values"].get("e-mail") for h in organisation] == [EMAIL], "the version with her address, only that one"


def test_audit_entries_naming_her_notes_contacts_and_mail_are_exported(world, seeded):
    data = export_person(seeded)
    records = [e["record"] for e in data["audit_trail"]]
    assert any("↔" in r and FIRST in r for r in records), "entries about the relationship with her"
    assert any(e["changes"].get("name") == f"{FIRST} {LAST}" for e in data["audit_trail"]), "the signature entry"
    assert any(e["changes"].get("email") == EMAIL for e in data["audit_trail"] if e["record"] == "Buurtwerk De Brug")
    assert [n["note"] for n in data["notes_naming_them"]] == [f"Vraag {FIRST} {LAST} ({EMAIL}) om raad"]
    assert [c["email"] for c in data["contact_for_organisations"]] == [EMAIL]
    assert [i["email"] for i in data["invitations"]] == [OLD_EMAIL], "found by her earlier address"
    assert [m["subject"] for m in data["mail"]] == ["Nieuwe vragen"], "found without regard to case"
    assert data["agreement_reminders"] and {r["email"] for r in data["agreement_reminders"]} == {EMAIL}
    assert data["admin_log"][0]["did"] == f"Changed {FIRST}"
    assert [t["error"] for t in data["background_tasks"]] == [f"SMTPRecipientsRefused: {EMAIL}"]
    json.dumps(data)


def test_every_text_that_names_her_stands_in_the_export(world, seeded):
    """Whatever table holds one of her distinctive identifiers, that text is in the export: a new place that
    names people, and that no exporter reads, fails here (as it fails the erasure scan)."""
    exported = json.dumps(export_person(seeded), ensure_ascii=False).lower()
    terms = privacy.distinctive_of(seeded)
    missing = []
    for line in find_leftovers(terms):
        place, _, rest = line.partition(": ")
        text = rest.rsplit(" holds ", 1)[0].strip("'\"").lower()
        if place.startswith("sessions.session"):
            continue  # a session holds a login id, and the login is in the export
        try:
            leaves = _leaves(json.loads(text))
        except ValueError:
            leaves = [text]
        missing += [
            f"{place}: {leaf}" for leaf in leaves if any(t.lower() in leaf for t in terms) and leaf not in exported
        ]
    assert missing == [], "\n".join(missing)


def _leaves(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    return [str(value).lower()]


def test_the_readable_page_shows_each_new_section(world, seeded):
    html = export_page(seeded)
    for title in (
        "Eerdere versies van andere gegevens die hen noemen",
        "Interne notities die hen noemen",
        "Contactadres van organisaties",
        "Uitnodigingen",
        "Herinneringen bij afspraken",
        "Regels in het beheerlogboek over hen",
        "Achtergrondtaken die hen noemen",
    ):
        assert title in html, title
    assert f"Vraag {FIRST} {LAST} ({EMAIL}) om raad" in html
    assert f"SMTPRecipientsRefused: {EMAIL}" in html
    assert "Regels in het beheerlogboek over hen" in html and f"Changed {FIRST}" in html


def test_after_erasure_none_of_these_places_names_her(world, seeded):
    erase_person(seeded, by=world.coordinator)
    leftovers = find_leftovers(TERMS)
    assert leftovers == [], "\n".join(leftovers)
    assert not Invitation.objects.filter(email__iexact=OLD_EMAIL).exists()
    assert export_person(Person.objects.get(pk=seeded.pk)).get("invitations") is None
