import datetime as dt

import pytest
from django.utils import timezone

from api.tests.support import count_queries
from network.models import Interaction, Relationship
from tests import factories as f


@pytest.fixture
def rel(world) -> Relationship:
    return f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])


def url(rel: Relationship) -> str:
    return f"/relationships/{rel.public_id}/interactions"


def moment(**changes):
    today = timezone.localdate()
    return {"occurred_on": today.isoformat(), "channel": "visit", "summary": "Visited the homework class", **changes}


# List


def test_staff_list_the_contact_moments_newest_first(world, api_as, rel):
    f.make_interaction(rel, days_ago=10, summary="First talk")
    f.make_interaction(rel, days_ago=2, summary="Second talk")
    response = api_as(world.coordinator).get(url(rel))
    assert response.status_code == 200
    assert [row["summary"] for row in response.json()["items"]] == ["Second talk", "First talk"]


def test_another_institution_gets_404_for_the_contact_moments(world, api_as, rel):
    assert api_as(world.outsider).get(url(rel)).status_code == 404


def test_a_partner_of_another_organisation_gets_404_for_the_contact_moments(world, api_as, rel):
    assert api_as(world.other_partner).get(url(rel)).status_code == 404


def test_an_anonymous_caller_gets_401_for_the_contact_moments(world, api_as, rel):
    assert api_as(None).get(url(rel)).status_code == 401


def test_the_contact_moments_take_the_same_number_of_queries_for_3_or_30(
    world, api_as, rel, django_assert_max_num_queries
):
    client = api_as(world.coordinator)
    for days in range(3):
        f.make_interaction(rel, days_ago=days + 1, mode="intermediary", intermediary=world.coord_person)
    with django_assert_max_num_queries(6):
        small = count_queries(lambda: client.get(url(rel)))
    for days in range(27):
        f.make_interaction(rel, days_ago=days + 5)
    assert count_queries(lambda: client.get(url(rel))) == small


# Log a contact moment


def test_the_owner_logs_a_contact_moment_and_the_last_contact_moves(world, api_as, rel):
    response = api_as(world.faculty).post(url(rel), moment())
    assert response.status_code == 201
    assert response.json()["logged_by"] == "Fien Docent"
    assert response.json()["initiated_by"] == "a"
    rel.refresh_from_db()
    assert rel.last_contact_on == timezone.localdate()


def test_the_partner_at_one_end_logs_a_contact_moment_taken_by_their_side(world, api_as, rel):
    response = api_as(world.partner).post(url(rel), moment(initiated_by="theirs"))
    assert response.status_code == 201
    assert response.json()["initiated_by"] == "b"


def test_a_contact_through_an_intermediary_names_them(world, api_as, rel):
    body = moment(mode="intermediary", intermediary=str(world.coord_person.public_id))
    response = api_as(world.faculty).post(url(rel), body)
    assert response.status_code == 201
    assert response.json()["intermediary"]["name"] == "Cora Coördinator"


def test_a_student_who_is_not_an_end_gets_404(world, api_as, rel):
    assert api_as(world.student).post(url(rel), moment()).status_code == 404
    assert not Interaction.objects.exists()


def test_another_institution_cannot_log_a_contact_moment(world, api_as, rel):
    assert api_as(world.outsider).post(url(rel), moment()).status_code == 404
    assert not Interaction.objects.exists()


def test_a_partner_of_another_organisation_cannot_log_a_contact_moment(world, api_as, rel):
    assert api_as(world.other_partner).post(url(rel), moment()).status_code == 404
    assert not Interaction.objects.exists()


def test_an_anonymous_caller_cannot_log_a_contact_moment(world, api_as, rel):
    assert api_as(None).post(url(rel), moment()).status_code == 401
    assert not Interaction.objects.exists()


def test_a_contact_moment_in_the_future_is_refused_and_nothing_is_saved(world, api_as, rel):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = api_as(world.faculty).post(url(rel), moment(occurred_on=tomorrow.isoformat()))
    assert response.status_code == 400
    assert response.json()["errors"]["occurred_on"]
    assert not Interaction.objects.exists()
    rel.refresh_from_db()
    assert rel.last_contact_on is None


def test_an_indirect_contact_without_intermediary_is_refused(world, api_as, rel):
    response = api_as(world.faculty).post(url(rel), moment(mode="intermediary"))
    assert response.status_code == 400
    assert response.json()["errors"]["intermediary"]
    assert not Interaction.objects.exists()


def test_an_intermediary_of_another_institution_is_not_found(world, api_as, rel):
    body = moment(mode="intermediary", intermediary=str(world.outsider_person.public_id))
    response = api_as(world.faculty).post(url(rel), body)
    assert response.status_code == 400
    assert response.json()["errors"]["intermediary"]
    assert not Interaction.objects.exists()


def test_a_contact_moment_without_a_date_gets_422(world, api_as, rel):
    response = api_as(world.faculty).post(url(rel), {"summary": "Talked"})
    assert response.status_code == 422
    assert "occurred_on" in response.json()["errors"]
    assert not Interaction.objects.exists()
