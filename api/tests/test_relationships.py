import datetime as dt

import pytest
from django.utils import timezone

from api.tests.support import count_queries
from network.models import Relationship
from tests import factories as f


@pytest.fixture
def rel(world) -> Relationship:
    """Fien (faculty of A) with Buurtwerk De Brug, owned by Fien."""
    return f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])


def ids(response) -> list[str]:
    return [row["id"] for row in response.json()["items"]]


def body(world, **changes):
    data = {
        "a": {"kind": "person", "id": str(world.faculty_person.public_id)},
        "a_role": "F",
        "b": {"kind": "organisation", "id": str(world.other_org.public_id)},
        "b_role": "O",
        "owners": [str(world.faculty_person.public_id)],
        "description": "Sport for the neighbourhood",
    }
    return {**data, **changes}


# List and detail


def test_staff_read_a_relationship_with_both_ends_and_its_owners(world, api_as, rel):
    response = api_as(world.coordinator).get(f"/relationships/{rel.public_id}")
    assert response.status_code == 200
    data = response.json()
    assert data["a"] == {
        "kind": "person",
        "id": str(world.faculty_person.public_id),
        "name": "Fien Docent",
        "role": "F",
    }
    assert data["b"]["kind"] == "organisation" and data["b"]["name"] == "Buurtwerk De Brug"
    assert data["owners"] == [{"id": str(world.faculty_person.public_id), "name": "Fien Docent"}]


def test_the_partner_at_one_end_sees_the_relationship(world, api_as, rel):
    assert ids(api_as(world.partner).get("/relationships")) == [str(rel.public_id)]


def test_a_partner_of_another_organisation_gets_404_for_a_relationship(world, api_as, rel):
    assert api_as(world.other_partner).get(f"/relationships/{rel.public_id}").status_code == 404
    assert ids(api_as(world.other_partner).get("/relationships")) == []


def test_another_institution_gets_404_for_a_relationship(world, api_as, rel):
    assert api_as(world.outsider).get(f"/relationships/{rel.public_id}").status_code == 404
    assert ids(api_as(world.outsider).get("/relationships")) == []


def test_a_student_sees_only_relationships_they_are_an_end_of(world, api_as, rel):
    own = f.make_relationship(world.a, world.student_person, world.org, owners=[world.faculty_person])
    assert ids(api_as(world.student).get("/relationships")) == [str(own.public_id)]
    assert api_as(world.student).get(f"/relationships/{rel.public_id}").status_code == 404


def test_an_anonymous_caller_gets_401_for_relationships(world, api_as, rel):
    assert api_as(None).get("/relationships").status_code == 401
    assert api_as(None).get(f"/relationships/{rel.public_id}").status_code == 401


def test_relationships_filter_by_organisation_orphaned_and_stale(world, api_as, rel):
    other = f.make_relationship(world.a, world.coord_person, world.other_org, owners=[world.coord_person])
    f.make_interaction(other, days_ago=3)
    Relationship.objects.filter(pk=rel.pk).update(
        orphaned=True, last_contact_on=timezone.localdate() - dt.timedelta(days=400)
    )
    client = api_as(world.coordinator)
    assert ids(client.get("/relationships", organisation=str(world.other_org.public_id))) == [str(other.public_id)]
    assert ids(client.get("/relationships", orphaned=True)) == [str(rel.public_id)]
    assert ids(client.get("/relationships", stale=True)) == [str(rel.public_id)]
    assert ids(client.get("/relationships", stale=False)) == [str(other.public_id)]


def test_the_relationship_list_runs_the_same_number_of_queries_for_3_or_30(
    world, api_as, django_assert_max_num_queries
):
    client = api_as(world.coordinator)
    for _ in range(3):
        f.make_relationship(world.a, world.faculty_person, f.make_organisation(), owners=[world.faculty_person])
    with django_assert_max_num_queries(6):
        small = count_queries(lambda: client.get("/relationships"))
    for _ in range(27):
        f.make_relationship(world.a, world.faculty_person, f.make_organisation(), owners=[world.coord_person])
    assert count_queries(lambda: client.get("/relationships")) == small


# Create


def test_staff_add_a_relationship_owned_by_a_colleague(world, api_as):
    response = api_as(world.coordinator).post("/relationships", body(world))
    assert response.status_code == 201
    created = Relationship.objects.get(public_id=response.json()["id"])
    assert (created.institution, created.a, created.b) == (world.a, world.faculty_person, world.other_org)
    assert list(created.owners.all()) == [world.faculty_person]


def test_a_student_may_not_add_a_relationship(world, api_as):
    assert api_as(world.student).post("/relationships", body(world)).status_code == 403
    assert not Relationship.objects.exists()


def test_a_partner_may_not_add_a_relationship(world, api_as):
    assert api_as(world.partner).post("/relationships", body(world)).status_code == 403
    assert not Relationship.objects.exists()


def test_an_anonymous_caller_may_not_add_a_relationship(world, api_as):
    assert api_as(None).post("/relationships", body(world)).status_code == 401
    assert not Relationship.objects.exists()


def test_another_institution_cannot_name_our_people_in_a_relationship(world, api_as):
    response = api_as(world.outsider).post("/relationships", body(world))
    assert response.status_code == 400
    assert str(world.faculty_person.public_id) in response.json()["errors"]["a"][0]
    assert not Relationship.objects.exists()


def test_a_relationship_without_owners_is_refused(world, api_as):
    response = api_as(world.coordinator).post("/relationships", body(world, owners=[]))
    assert response.status_code == 400
    assert response.json()["errors"]["owners"]
    assert not Relationship.objects.exists()


def test_an_organisation_in_a_faculty_role_is_refused(world, api_as):
    response = api_as(world.coordinator).post("/relationships", body(world, b_role="F"))
    assert response.status_code == 400
    assert response.json()["errors"]["b_role"]
    assert not Relationship.objects.exists()


def test_an_unknown_actor_kind_gets_422(world, api_as):
    response = api_as(world.coordinator).post("/relationships", body(world, a={"kind": "robot", "id": "x"}))
    assert response.status_code == 422
    assert {"a.kind", "a.id"} <= set(response.json()["errors"])


def test_the_list_filters_like_the_relationships_page_by_role_pair_and_owner(world, api_as):
    student_org = f.make_relationship(world.a, world.student_person, world.org, owners=[world.coord_person])
    faculty_org = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    client = api_as(world.coordinator)
    ids = lambda response: {row["id"] for row in response.json()["items"]}  # noqa: E731
    # Either way round, as on the page.
    assert ids(client.get("/relationships", pair="O-S")) == {str(student_org.public_id)}
    assert ids(client.get("/relationships", pair="S-O")) == {str(student_org.public_id)}
    assert ids(client.get("/relationships", owner=str(world.faculty_person.public_id))) == {str(faculty_org.public_id)}
    assert client.get("/relationships", pair="student").status_code == 422
