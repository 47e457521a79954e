import pytest

from lib.errors import DomainError
from network.models import Person, SofarRole
from network.privacy import erase_person, export_person
from tests import factories as f


def test_an_export_holds_the_persons_roles_relationships_contacts_and_engagements(world):
    resident = f.make_person(
        world.a, SofarRole.RESIDENT, first_name="Rita", last_name="Bewoner", email="rita@example.org"
    )
    rel = f.make_relationship(world.a, world.faculty_person, resident, owners=[world.faculty_person])
    f.make_interaction(rel, summary="Buurtwandeling")
    f.make_engagement(world.a, title="Buurtfeest", participants=[(resident, "R", 4)])
    data = export_person(resident)
    assert data["person"]["email"] == "rita@example.org"
    assert data["roles"][0]["role"] in ("Resident", "Bewoner")
    assert data["contact_moments"][0]["summary"] == "Buurtwandeling"
    assert [(e["title"], e["hours"]) for e in data["engagements"]] == [("Buurtfeest", 4)]


def test_erasing_removes_identifying_data_and_history_but_keeps_the_relationship(world):
    resident = f.make_person(
        world.a, SofarRole.RESIDENT, first_name="Rita", last_name="Bewoner", email="rita@example.org"
    )
    rel = f.make_relationship(world.a, world.faculty_person, resident, owners=[world.faculty_person])
    erase_person(resident, by=world.coordinator)
    resident = Person.objects.get(pk=resident.pk)
    assert "Rita" not in str(resident) and resident.email == ""
    assert not resident.history.exists()
    assert rel.__class__.objects.filter(pk=rel.pk).exists()


def test_an_owner_cannot_be_erased_before_a_hand_over(world):
    f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    with pytest.raises(DomainError):
        erase_person(world.faculty_person, by=world.coordinator)
