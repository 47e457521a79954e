"""Internal notes on an organisation, contact moments logged from an organisation or a partnership, and the
owners of a relationship, through the API."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from api.tests.support import count_queries
from audit.models import AuditEntry
from network.models import Interaction, OrganisationNote, Relationship
from network.services import add_organisation_note
from tests import factories as f

TODAY = timezone.localdate().isoformat()


def put(client, url: str, body) -> object:
    return client.client.put(
        f"/api{url}", data=json.dumps(body, default=str), content_type="application/json", headers=client.headers
    )


# Internal notes


def test_staff_add_a_note_and_read_their_institutions_notes(world, api_as):
    url = f"/organisations/{world.org.public_id}/notes"
    response = api_as(world.faculty).post(url, {"text": "  Vraag naar Mia.  "})
    assert response.status_code == 201, response.content
    assert response.json()["text"] == "Vraag naar Mia." and response.json()["author"]
    assert [n["text"] for n in api_as(world.coordinator).get(url).json()["items"]] == ["Vraag naar Mia."]
    assert AuditEntry.objects.filter(action="noted", institution=world.a).exists()


def test_another_institution_never_sees_our_notes(world, api_as):
    add_organisation_note(world.org, by=world.coordinator, text="Intern")
    add_organisation_note(world.org, by=world.outsider, text="Van B")
    url = f"/organisations/{world.org.public_id}/notes"
    assert [n["text"] for n in api_as(world.outsider).get(url).json()["items"]] == ["Van B"]
    assert [n["text"] for n in api_as(world.faculty).get(url).json()["items"]] == ["Intern"]


def test_partners_students_and_anonymous_callers_see_no_notes(world, api_as):
    add_organisation_note(world.org, by=world.coordinator, text="Intern")
    url = f"/organisations/{world.org.public_id}/notes"
    assert api_as(world.partner).get(url).status_code == 403
    assert api_as(world.partner).post(url, {"text": "Hallo"}).status_code == 403
    assert api_as(world.other_partner).get(url).status_code == 404
    assert api_as(world.student).get(url).status_code == 403
    assert api_as(world.student).post(url, {"text": "Hallo"}).status_code == 403
    assert api_as(None).get(url).status_code == 401
    assert api_as(None).post(url, {"text": "Hallo"}).status_code == 401
    assert OrganisationNote.objects.count() == 1


def test_an_empty_note_is_refused_on_its_field(world, api_as):
    response = api_as(world.faculty).post(f"/organisations/{world.org.public_id}/notes", {"text": "   "})
    assert response.status_code == 400
    assert response.json()["errors"]["text"]
    assert not OrganisationNote.objects.exists()


def test_the_note_list_runs_the_same_number_of_queries_for_3_or_30(world, api_as, django_assert_max_num_queries):
    client = api_as(world.coordinator)
    url = f"/organisations/{world.org.public_id}/notes"
    for i in range(3):
        add_organisation_note(world.org, by=world.coordinator, text=f"Noot {i}")
    with django_assert_max_num_queries(8):
        small = count_queries(lambda: client.get(url))
    for i in range(27):
        add_organisation_note(world.org, by=world.faculty, text=f"Noot {i}")
    assert count_queries(lambda: client.get(url)) == small


# Contact moments from an organisation


def contact(**changes):
    return {"occurred_on": TODAY, "channel": "phone", "summary": "Gebeld over het voorjaar", **changes}


def test_faculty_log_a_contact_with_an_organisation_on_their_own_new_relationship(world, api_as):
    url = f"/organisations/{world.org.public_id}/interactions"
    response = api_as(world.faculty).post(url, contact(decision="theirs"))
    assert response.status_code == 201, response.content
    relationship = Relationship.objects.get(public_id=response.json()["relationship"])
    assert {relationship.a, relationship.b} == {world.faculty_person, world.org}
    assert list(relationship.owners.all()) == [world.faculty_person]
    assert response.json()["decision"] in ("a", "b")
    # The second contact goes on the same relationship.
    assert api_as(world.faculty).post(url, contact()).json()["relationship"] == str(relationship.public_id)
    summaries = [i["summary"] for i in api_as(world.coordinator).get(url).json()["items"]]
    assert summaries == ["Gebeld over het voorjaar"] * 2


def test_a_contact_is_logged_on_a_chosen_relationship(world, api_as):
    rel = f.make_relationship(world.a, world.coord_person, world.org, owners=[world.coord_person])
    url = f"/organisations/{world.org.public_id}/interactions"
    response = api_as(world.coordinator).post(url, contact(relationship=str(rel.public_id)))
    assert response.status_code == 201
    assert response.json()["relationship"] == str(rel.public_id)
    assert Relationship.objects.count() == 1


def test_a_partner_must_name_one_of_its_relationships(world, api_as):
    rel = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    other = f.make_relationship(world.a, world.faculty_person, world.other_org, owners=[world.faculty_person])
    url = f"/organisations/{world.org.public_id}/interactions"
    client = api_as(world.partner)
    assert client.post(url, contact()).json()["errors"]["relationship"]
    assert client.post(url, contact(relationship=str(other.public_id))).status_code == 400
    assert client.post(url, contact(relationship=str(rel.public_id))).status_code == 201
    assert Interaction.objects.count() == 1


def test_a_contact_in_the_future_is_refused_and_no_relationship_is_left_behind(world, api_as):
    later = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = api_as(world.faculty).post(
        f"/organisations/{world.org.public_id}/interactions", contact(occurred_on=later)
    )
    assert response.status_code == 400 and response.json()["errors"]["occurred_on"]
    assert not Relationship.objects.exists() and not Interaction.objects.exists()


def test_who_may_not_log_a_contact_with_an_organisation(world, api_as):
    url = f"/organisations/{world.org.public_id}/interactions"
    assert api_as(world.other_partner).post(url, contact()).status_code == 404
    assert api_as(world.other_partner).get(url).status_code == 404
    assert api_as(None).post(url, contact()).status_code == 401
    assert not Interaction.objects.exists()


def test_another_institution_does_not_see_our_contacts_with_a_shared_organisation(world, api_as):
    rel = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    f.make_interaction(rel, summary="Intern overleg")
    assert api_as(world.outsider).get(f"/organisations/{world.org.public_id}/interactions").json()["items"] == []


def test_the_organisation_contacts_run_the_same_number_of_queries_for_3_or_30(
    world, api_as, django_assert_max_num_queries
):
    rel = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    client = api_as(world.coordinator)
    url = f"/organisations/{world.org.public_id}/interactions"
    for _ in range(3):
        f.make_interaction(rel, intermediary=None)
    with django_assert_max_num_queries(8):
        small = count_queries(lambda: client.get(url))
    for _ in range(27):
        f.make_interaction(rel)
    assert count_queries(lambda: client.get(url)) == small


# Contact moments from a partnership


@pytest.fixture
def partnership(world):
    return f.make_partnership(world.a, [world.org], [world.coord_person], title="Buurtpartnerschap")


def test_staff_log_a_contact_from_a_partnership(world, api_as, partnership):
    url = f"/partnerships/{partnership.public_id}/interactions"
    response = api_as(world.faculty).post(url, contact())
    assert response.status_code == 201, response.content
    relationship = Relationship.objects.get(public_id=response.json()["relationship"])
    assert {relationship.a, relationship.b} == {world.faculty_person, world.org}
    assert [i["summary"] for i in api_as(world.coordinator).get(url).json()["items"]] == ["Gebeld over het voorjaar"]


def test_a_partnership_contact_on_a_relationship_with_another_organisation_is_refused(world, api_as, partnership):
    other = f.make_relationship(world.a, world.faculty_person, world.other_org, owners=[world.faculty_person])
    url = f"/partnerships/{partnership.public_id}/interactions"
    response = api_as(world.faculty).post(url, contact(relationship=str(other.public_id)))
    assert response.status_code == 400 and response.json()["errors"]["relationship"]
    assert not Interaction.objects.exists()


def test_who_may_not_log_a_contact_from_a_partnership(world, api_as, partnership):
    url = f"/partnerships/{partnership.public_id}/interactions"
    assert api_as(world.student).post(url, contact()).status_code in (403, 404)
    assert api_as(world.partner).post(url, contact()).status_code == 403
    assert api_as(world.other_partner).post(url, contact()).status_code == 404
    assert api_as(world.outsider).post(url, contact()).status_code == 404
    assert api_as(world.outsider).get(url).status_code == 404
    assert api_as(None).post(url, contact()).status_code == 401
    assert not Interaction.objects.exists()


# Owners of a relationship


@pytest.fixture
def rel(world):
    return f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])


def test_staff_read_and_replace_the_owners(world, api_as, rel):
    client = api_as(world.coordinator)
    url = f"/relationships/{rel.public_id}/owners"
    current = client.get(url).json()
    assert [o["name"] for o in current["owners"]] == ["Fien Docent"]
    body = {"owners": [str(world.coord_person.public_id), str(world.faculty_person.public_id)]}
    body["current"] = current["current"]
    response = put(client, url, body)
    assert response.status_code == 200, response.content
    assert [o["name"] for o in response.json()["owners"]] == ["Cora Coördinator", "Fien Docent"]
    assert AuditEntry.objects.filter(action="owners changed", target_id=str(rel.public_id)).exists()


def test_replacing_owners_that_someone_else_changed_gets_409(world, api_as, rel):
    client = api_as(world.coordinator)
    url = f"/relationships/{rel.public_id}/owners"
    current = client.get(url).json()["current"]
    assert put(client, url, {"owners": [str(world.coord_person.public_id)], "current": current}).status_code == 200
    response = put(client, url, {"owners": [str(world.student_person.public_id)], "current": current})
    assert response.status_code == 409
    assert list(Relationship.objects.get(pk=rel.pk).owners.all()) == [world.coord_person]


def test_owners_must_be_active_people_on_the_institutions_side(world, api_as, rel):
    client = api_as(world.coordinator)
    url = f"/relationships/{rel.public_id}/owners"
    current = client.get(url).json()["current"]
    for person in (world.staff_person, world.outsider_person):
        response = put(client, url, {"owners": [str(person.public_id)], "current": current})
        assert response.status_code == 400 and response.json()["errors"]["owners"]
    assert put(client, url, {"owners": [], "current": current}).status_code == 422
    assert list(Relationship.objects.get(pk=rel.pk).owners.all()) == [world.faculty_person]


def test_who_may_not_read_or_replace_owners(world, api_as, rel):
    url = f"/relationships/{rel.public_id}/owners"
    body = {"owners": [str(world.coord_person.public_id)], "current": str(world.faculty_person.public_id)}
    assert api_as(world.partner).get(url).status_code == 403
    assert put(api_as(world.partner), url, body).status_code == 403
    assert api_as(world.other_partner).get(url).status_code == 404
    assert api_as(world.outsider).get(url).status_code == 404
    assert put(api_as(world.outsider), url, body).status_code == 404
    assert api_as(world.student).get(url).status_code == 404
    assert api_as(None).get(url).status_code == 401
    assert put(api_as(None), url, body).status_code == 401
    assert list(Relationship.objects.get(pk=rel.pk).owners.all()) == [world.faculty_person]
