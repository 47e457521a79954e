"""Deactivating a person with a hand-over, and their personal data (export, erasure), through the API."""

from accounts.models import ApiToken, User
from audit.models import AuditEntry
from network.models import Person, SofarRole
from partnerships.models import HandOver
from tests import factories as f


def url(person: Person, tail: str) -> str:
    return f"/people/{person.public_id}/{tail}"


# Deactivation with hand-over


def test_a_coordinator_deactivates_an_owner_and_hands_over_to_a_colleague(world, api_as):
    rel = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    client = api_as(world.coordinator)
    assert client.get(url(world.faculty_person, "owned")).json() == {"relationships": 1, "partnerships": 0}
    response = client.post(url(world.faculty_person, "deactivate"), {"to": str(world.coord_person.public_id)})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["person"]["is_active"] is False
    assert (data["hand_over"]["to_person"]["name"], data["hand_over"]["relationships"]) == ("Cora Coördinator", 1)
    assert list(rel.owners.all()) == [world.coord_person]
    assert not User.objects.get(pk=world.faculty.pk).is_active
    listed = client.get(url(world.coord_person, "hand-overs")).json()["items"]
    assert [h["from_person"]["name"] for h in listed] == ["Fien Docent"]
    assert HandOver.objects.filter(from_person=world.faculty_person, to_person=world.coord_person).exists()


def test_an_owner_without_a_colleague_to_take_over_is_refused(world, api_as):
    f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    response = api_as(world.coordinator).post(url(world.faculty_person, "deactivate"), {})
    assert response.status_code == 400
    assert response.json()["errors"]["to"]
    assert Person.objects.get(pk=world.faculty_person.pk).is_active


def test_handing_over_to_a_partner_or_another_institution_is_refused(world, api_as):
    f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    client = api_as(world.coordinator)
    for person in (world.staff_person, world.outsider_person, world.faculty_person):
        response = client.post(url(world.faculty_person, "deactivate"), {"to": str(person.public_id)})
        assert response.status_code == 400 and response.json()["errors"]["to"]
    assert Person.objects.get(pk=world.faculty_person.pk).is_active


def test_someone_who_owns_nothing_is_deactivated_without_a_hand_over(world, api_as):
    response = api_as(world.coordinator).post(url(world.student_person, "deactivate"), {"to": None})
    assert response.status_code == 200
    assert response.json()["hand_over"] is None and response.json()["person"]["is_active"] is False
    again = api_as(world.coordinator).post(url(world.student_person, "deactivate"), {})
    assert again.status_code == 400


def test_who_may_not_deactivate(world, api_as):
    body = {"to": str(world.coord_person.public_id)}
    assert api_as(world.faculty).post(url(world.student_person, "deactivate"), body).status_code == 403
    assert api_as(world.faculty).get(url(world.student_person, "owned")).status_code == 403
    assert api_as(world.student).post(url(world.student_person, "deactivate"), body).status_code == 403
    assert api_as(world.partner).post(url(world.staff_person, "deactivate"), body).status_code == 403
    assert api_as(world.other_partner).post(url(world.staff_person, "deactivate"), body).status_code == 404
    assert api_as(world.outsider).post(url(world.student_person, "deactivate"), body).status_code == 404
    assert api_as(world.outsider).get(url(world.student_person, "hand-overs")).status_code == 404
    assert api_as(None).post(url(world.student_person, "deactivate"), body).status_code == 401
    assert Person.objects.filter(is_active=False).count() == 0


# Personal data


def test_a_coordinator_exports_a_persons_data_and_the_export_is_audited(world, api_as):
    resident = f.make_person(world.a, SofarRole.RESIDENT, first_name="Rita", last_name="Bewoner", email="r@x.org")
    response = api_as(world.coordinator).get(url(resident, "personal-data"))
    assert response.status_code == 200
    assert response.json()["person"]["email"] == "r@x.org"
    assert AuditEntry.objects.filter(action="exported personal data", target_id=str(resident.public_id)).exists()


def test_a_coordinator_erases_a_person_and_the_data_are_gone(world, api_as):
    resident = f.make_person(world.a, SofarRole.RESIDENT, first_name="Rita", last_name="Bewoner", email="r@x.org")
    rel = f.make_relationship(world.a, world.faculty_person, resident, owners=[world.faculty_person])
    f.make_interaction(rel, summary="Buurtwandeling")
    response = api_as(world.coordinator).post(url(resident, "erase"), {})
    assert response.status_code == 200, response.content
    fresh = Person.objects.get(pk=resident.pk)
    assert "Rita" not in str(fresh) and "Bewoner" not in str(fresh)
    assert (fresh.email, fresh.phone, fresh.is_active) == ("", "", False)
    assert not fresh.history.exists()
    assert rel.interactions.count() == 1
    entries = AuditEntry.objects.filter(target_id=str(resident.public_id))
    assert entries.filter(action="erased").exists()
    assert not any("Rita" in e.target_repr for e in entries)


def test_erasing_a_person_with_a_login_closes_it(world, api_as):
    ApiToken.issue(world.student, "own")
    api_as(world.coordinator).post(url(world.student_person, "erase"), {})
    user = User.objects.get(pk=world.student.pk)
    assert (user.is_active, user.email, user.has_usable_password()) == (False, "", False)
    assert "student" not in user.username
    assert not ApiToken.objects.filter(user=user).exists()


def test_an_owner_is_not_erased_before_a_hand_over(world, api_as):
    f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    response = api_as(world.coordinator).post(url(world.faculty_person, "erase"), {})
    assert response.status_code == 400
    assert "Hand over" in response.json()["detail"]
    assert Person.objects.get(pk=world.faculty_person.pk).first_name == "Fien"


def test_who_may_not_export_or_erase(world, api_as):
    for persona, person, status in (
        ("faculty", world.student_person, 403),
        ("student", world.student_person, 403),
        ("partner", world.staff_person, 403),
        ("other_partner", world.staff_person, 404),
        ("outsider", world.student_person, 404),
    ):
        client = api_as(getattr(world, persona))
        assert client.get(url(person, "personal-data")).status_code == status, persona
        assert client.post(url(person, "erase"), {}).status_code == status, persona
    assert api_as(None).get(url(world.student_person, "personal-data")).status_code == 401
    assert api_as(None).post(url(world.student_person, "erase"), {}).status_code == 401
    assert Person.objects.get(pk=world.student_person.pk).first_name == "Sam"
    assert not AuditEntry.objects.filter(action__in=["erased", "exported personal data"]).exists()
