"""A person's export holds every record that names them, as JSON, as a readable page in their language, and
from the command line; someone of another institution gets nothing."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from audit.models import AuditEntry
from network.export_page import export_page
from network.models import SofarRole
from network.privacy import export_person
from network.tests.seed import EMAIL, FIRST, OLD_EMAIL, PHONE, seed_everywhere
from tests import factories as f


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_export_holds_every_record_that_names_her(world):
    person = seed_everywhere(world)
    data = export_person(person)
    assert data["person"]["email"] == EMAIL and data["person"]["phone"] == PHONE
    assert len(data["roles"]) == 2
    assert data["relationships"] and data["contact_moments"][0]["summary"].startswith("Koffie bij")
    assert [h["from"] for h in data["hand_overs"]] == [str(person)]
    assert data["engagements"][0]["hours"] == 12 and data["courses_taught"]
    assert data["reflection_workbooks"][0]["answers"][0]["answer"].startswith(f"Ik ({FIRST})")
    assessment = data["assessments"][0]
    assert assessment["answered"] and any(a["comment"] for a in assessment["answers"])
    assert data["agreements"][0]["signed"] is not None
    assert data["needs"][0]["contact_email"] == EMAIL
    assert data["bookings"][0]["email"] == OLD_EMAIL, "found by her earlier address"
    assert data["import_rows"] and data["import_rows"][0]["data"]
    assert data["account"]["username"] == "zwanhilde.vc"
    assert OLD_EMAIL in [h["email"] for h in data["history"]], "the earlier address, from the record's history"
    assert any(e["did"] for e in data["audit_trail"])
    json.dumps(data)  # plain JSON all the way down


def test_the_readable_page_is_in_her_language(world):
    person = seed_everywhere(world)
    html = export_page(person)
    assert '<html lang="nl">' in html and "Persoonsgegevens van" in html and "Contactmomenten" in html
    User.objects.filter(person=person).update(language="en")
    person.refresh_from_db()
    html = export_page(person)
    assert '<html lang="en">' in html and "Personal data of" in html and "Contact moments" in html
    assert EMAIL in html


def test_the_command_exports_by_id_or_address_and_audits_it(world):
    resident = f.make_person(world.a, SofarRole.RESIDENT, first_name="Rita", last_name="Bewoner", email="rita@x.org")
    out = StringIO()
    call_command("export_person", str(resident.public_id), stdout=out)
    assert json.loads(out.getvalue())["person"]["first_name"] == "Rita"
    out = StringIO()
    call_command("export_person", "RITA@x.org", "--format", "html", stdout=out)
    assert "Rita Bewoner" in out.getvalue()
    assert AuditEntry.objects.filter(action="exported personal data", target_id=str(resident.public_id)).count() == 2


def test_the_command_refuses_a_person_of_another_institution_and_exports_nothing(world):
    resident = f.make_person(world.a, SofarRole.RESIDENT, first_name="Rita", last_name="Bewoner", email="rita@x.org")
    with pytest.raises(CommandError, match="not a person of institution hb"):
        call_command("export_person", str(resident.public_id), "--institution", "hb", stdout=StringIO())
    with pytest.raises(CommandError, match="No person"):
        call_command("export_person", "nobody@x.org", stdout=StringIO())
    assert not AuditEntry.objects.filter(action="exported personal data").exists()


def test_an_address_two_institutions_know_needs_the_id(world):
    f.make_person(world.a, SofarRole.RESIDENT, first_name="Rita", last_name="A", email="rita@x.org")
    f.make_person(world.b, SofarRole.RESIDENT, first_name="Rita", last_name="B", email="rita@x.org")
    with pytest.raises(CommandError, match="2 people"):
        call_command("export_person", "rita@x.org", stdout=StringIO())
    out = StringIO()
    call_command("export_person", "rita@x.org", "--institution", "hb", stdout=out)
    assert json.loads(out.getvalue())["person"]["last_name"] == "B"
