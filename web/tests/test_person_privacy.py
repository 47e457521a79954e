"""A person's personal data from their page: download as JSON, and erase after a confirmation."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from network.models import Person, SofarRole
from tests import factories as f

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def resident(world) -> Person:
    return f.make_person(world.a, SofarRole.RESIDENT, first_name="Rita", last_name="Bewoner", email="rita@x.org")


def page(name: str, person: Person) -> str:
    return reverse(name, args=[person.public_id])


def test_the_coordinator_sees_both_actions_on_the_person_page(world, as_user, resident):
    html = as_user(world.coordinator).get(page("person-detail", resident)).content.decode()
    assert "Download personal data (JSON)" in html and page("person-personal-data", resident) in html
    assert "Erase personal data" in html and page("person-erase", resident) in html


def test_faculty_do_not_see_the_actions(world, as_user, resident):
    html = as_user(world.faculty).get(page("person-detail", resident)).content.decode()
    assert "Download personal data" not in html and "Erase personal data" not in html


def test_the_download_is_a_json_file_with_the_persons_data_and_is_audited(world, as_user, resident):
    response = as_user(world.coordinator).get(page("person-personal-data", resident))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert (data["person"]["first_name"], data["person"]["email"]) == ("Rita", "rita@x.org")
    assert AuditEntry.objects.filter(action="exported personal data", target_id=str(resident.public_id)).exists()


def test_the_confirmation_says_what_goes_and_what_stays_and_changes_nothing(world, as_user, resident):
    response = as_user(world.coordinator).get(page("person-erase", resident))
    assert response.status_code == 200
    html = response.content.decode()
    assert "E-mail address and phone number" in html and "Relationships and their contact moments" in html
    assert Person.objects.get(pk=resident.pk).first_name == "Rita"


def test_confirming_erases_the_data_and_writes_an_audit_entry(world, as_user, resident):
    rel = f.make_relationship(world.a, world.faculty_person, resident, owners=[world.faculty_person])
    f.make_interaction(rel, summary="Buurtwandeling")
    response = as_user(world.coordinator).post(page("person-erase", resident))
    assert response.status_code == 302 and response["Location"] == page("person-detail", resident)
    fresh = Person.objects.get(pk=resident.pk)
    assert "Rita" not in str(fresh) and fresh.email == "" and not fresh.is_active
    assert not fresh.history.exists()
    assert rel.interactions.get().summary == "Buurtwandeling"
    assert AuditEntry.objects.filter(action="erased", target_id=str(resident.public_id)).exists()
    html = as_user(world.coordinator).get(page("person-detail", resident)).content.decode()
    assert "Rita" not in html


def test_an_owner_is_told_to_hand_over_first(world, as_user):
    f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    client = as_user(world.coordinator)
    assert "hand them over first" in client.get(page("person-erase", world.faculty_person)).content.decode()
    response = client.post(page("person-erase", world.faculty_person))
    assert response.status_code == 400
    assert "Hand over what this person owns" in response.content.decode()
    assert Person.objects.get(pk=world.faculty_person.pk).first_name == "Fien"


@pytest.mark.parametrize("name", ["person-personal-data", "person-erase"])
def test_who_may_not_export_or_erase(world, as_user, client, resident, name):
    assert as_user(world.faculty).get(page(name, resident)).status_code == 403
    assert as_user(world.faculty).post(page(name, resident)).status_code == 403
    assert as_user(world.partner).get(page(name, world.staff_person)).status_code == 403
    assert as_user(world.other_partner).get(page(name, world.staff_person)).status_code == 404
    assert as_user(world.outsider).get(page(name, resident)).status_code == 404
    assert as_user(world.outsider).post(page(name, resident)).status_code == 404
    response = client.get(page(name, resident))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert Person.objects.get(pk=resident.pk).first_name == "Rita"
    assert not AuditEntry.objects.filter(action__in=["erased", "exported personal data"]).exists()
