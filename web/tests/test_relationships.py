"""Relationships: list with health filters, detail with contact panel and history, create, change owners."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from network.models import Interaction, Relationship, SofarRole
from network.queries import owners_fingerprint
from network.services import set_relationship_owners
from partnerships.services import deactivate_person
from tests import factories as f


@pytest.fixture(autouse=True)
def english(world):
    """Read the pages in English, so the assertions hold whatever the Dutch catalogue says."""
    User.objects.update(language="en")


@pytest.fixture
def rel(world) -> Relationship:
    return f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])


def detail_url(relationship: Relationship) -> str:
    return reverse("relationship-detail", args=[relationship.public_id])


def contact_url(relationship: Relationship) -> str:
    return reverse("relationship-log-contact", args=[relationship.public_id])


def owners_url(relationship: Relationship) -> str:
    return reverse("relationship-owners", args=[relationship.public_id])


def contact_data(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "occurred_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "channel": "phone",
        "mode": "direct",
        "initiated_by": "ours",
        "summary": "Afspraken voor het najaar",
    }
    data.update(changes)
    return data


def rows(page: str) -> str:
    return page.split("<tbody>")[1].split("</tbody>")[0]


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# The list


def test_the_list_shows_the_institutions_relationships_only(world, as_user, rel):
    f.make_relationship(world.b, world.outsider_person, world.other_org, owners=[world.outsider_person])
    page = rows(as_user(world.coordinator).get(reverse("relationship-list")).content.decode())
    assert "Fien Docent" in page
    assert "Otto Buiten" not in page


def test_the_list_filters_by_role_pair_organisation_and_owner(world, as_user, rel):
    f.make_relationship(world.a, world.coord_person, world.student_person, owners=[world.coord_person])
    client = as_user(world.coordinator)
    by_pair = rows(client.get(reverse("relationship-list"), {"pair": "S-A"}).content.decode())
    assert "Sam Student" in by_pair and "Buurtwerk De Brug" not in by_pair
    by_org = rows(client.get(reverse("relationship-list"), {"organisation": world.org.public_id}).content.decode())
    assert "Buurtwerk De Brug" in by_org and "Sam Student" not in by_org
    by_owner = rows(client.get(reverse("relationship-list"), {"owner": world.coord_person.public_id}).content.decode())
    assert "Sam Student" in by_owner and "Buurtwerk De Brug" not in by_owner


def test_the_list_shows_only_orphaned_relationships_when_asked(world, as_user, rel):
    leaver = f.make_person(world.a, first_name="Vera", last_name="Vertrokken")
    f.make_relationship(world.a, leaver, world.other_org, owners=[leaver])
    deactivate_person(leaver, by=None, leave_orphaned=True)
    page = rows(as_user(world.coordinator).get(reverse("relationship-list"), {"orphaned": "1"}).content.decode())
    assert "Sportclub Elders" in page and "no active owner" in page
    assert "Buurtwerk De Brug" not in page


def test_the_list_shows_only_stale_relationships_when_asked(world, as_user, rel):
    f.make_interaction(rel, days_ago=3)
    old = f.make_relationship(world.a, world.faculty_person, world.other_org, owners=[world.faculty_person])
    f.make_interaction(old, days_ago=400)
    page = rows(as_user(world.coordinator).get(reverse("relationship-list"), {"stale": "1"}).content.decode())
    assert "Sportclub Elders" in page and "no recent contact" in page
    assert "Buurtwerk De Brug" not in page


def test_the_list_is_paginated(world, as_user, settings):
    settings.BRUG_PAGE_SIZE = 5
    for _ in range(6):
        f.make_relationship(world.a, world.faculty_person, f.make_organisation(), owners=[world.faculty_person])
    client = as_user(world.coordinator)
    assert "Page 1 of 2" in client.get(reverse("relationship-list")).content.decode()
    second = client.get(reverse("relationship-list"), {"page": 2}).content.decode()
    assert rows(second).count("<tr>") == 1


def test_a_partner_sees_only_relationships_with_its_organisation(world, as_user, rel):
    f.make_relationship(world.a, world.faculty_person, world.other_org, owners=[world.faculty_person])
    page = rows(as_user(world.partner).get(reverse("relationship-list")).content.decode())
    assert "Buurtwerk De Brug" in page and "Sportclub Elders" not in page


def test_a_student_sees_only_relationships_they_are_an_end_of(world, as_user, rel):
    f.make_relationship(world.a, world.student_person, world.org, owners=[world.coord_person])
    page = rows(as_user(world.student).get(reverse("relationship-list")).content.decode())
    assert "Sam Student" in page and "Fien Docent" not in page


def test_an_anonymous_visitor_is_sent_to_log_in_from_the_relationship_list(client, world):
    response = client.get(reverse("relationship-list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def _grow(world, size: int) -> None:
    for i in range(size):
        person = f.make_person(world.a)
        relationship = f.make_relationship(world.a, person, f.make_organisation(), owners=[person, world.coord_person])
        f.make_interaction(relationship, days_ago=i * 100 + 1)


def test_the_relationship_list_runs_the_same_number_of_queries_for_3_or_30_rows(
    world, as_user, django_assert_max_num_queries
):
    client = as_user(world.coordinator)
    _grow(world, 3)
    small = _count(client, reverse("relationship-list") + "?stale=1")
    _grow(world, 27)
    large = _count(client, reverse("relationship-list") + "?stale=1")
    assert small == large
    with django_assert_max_num_queries(9):
        client.get(reverse("relationship-list"))


# The detail page


def test_the_detail_shows_both_actors_roles_owners_status_and_last_contact(world, as_user, rel):
    f.make_interaction(rel, days_ago=2, summary="Werkbezoek")
    page = as_user(world.faculty).get(detail_url(rel)).content.decode()
    about = page.split('id="about-h"')[1].split("</section>")[0]
    assert "Fien Docent" in about and "Buurtwerk De Brug" in about
    assert "Faculty" in about and "Organisation staff" in about
    assert "Active" in about
    assert "never" not in about
    assert "Werkbezoek" in page


def test_the_detail_shows_the_history_of_owner_changes_as_steps(world, as_user, rel):
    # The relationship was made yesterday; today the coordinator hands it to herself.
    rel.history.update(history_date=F("history_date") - dt.timedelta(days=1))
    as_user(world.coordinator).post(
        owners_url(rel), {"owners": [str(world.coord_person.public_id)], "current": owners_fingerprint(rel)}
    )
    page = as_user(world.coordinator).get(detail_url(rel)).content.decode()
    history = page.split('id="history-h"')[1].split("</table>")[0]
    newest, oldest = rows(history).split("</tr>")[0], rows(history).split("</tr>")[1]
    assert "+ Cora Coördinator" in newest and "− Fien Docent" in newest
    assert "Cora Coördinator" in newest.split("<td>")[2]  # who changed it
    assert "+ Fien Docent" in oldest and "Created" in oldest
    assert rows(history).count("<tr>") == 2
    audit = page.split('id="audit-h"')[1].split("</ul>")[0]
    assert "changed the owners of" in audit and "owners changed" not in audit  # the label, not the code


def test_a_partner_sees_the_relationship_but_not_its_internal_history(world, as_user, rel):
    page = as_user(world.partner).get(detail_url(rel)).content.decode()
    assert "Fien Docent" in page
    assert 'id="history-h"' not in page


def test_an_outsider_gets_404_for_another_institutions_relationship(world, as_user, rel):
    assert as_user(world.outsider).get(detail_url(rel)).status_code == 404


def test_another_partner_gets_404_for_a_relationship(world, as_user, rel):
    assert as_user(world.other_partner).get(detail_url(rel)).status_code == 404


def test_a_student_gets_404_for_a_relationship_they_are_not_in(world, as_user, rel):
    assert as_user(world.student).get(detail_url(rel)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in_from_a_relationship(client, world, rel):
    response = client.get(detail_url(rel))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_relationship_page_runs_the_same_number_of_queries_for_3_or_30_contacts(
    world, as_user, django_assert_max_num_queries, rel
):
    client = as_user(world.coordinator)

    def grow(size: int) -> None:
        for i in range(size):
            f.make_interaction(rel, days_ago=i + 1)
            owner = f.make_person(world.a)
            set_relationship_owners(rel, by=world.coordinator, owners=[owner, world.faculty_person])

    grow(3)
    small = _count(client, detail_url(rel))
    grow(27)
    large = _count(client, detail_url(rel))
    assert small == large
    with django_assert_max_num_queries(14):
        client.get(detail_url(rel))


# Logging a contact


def test_faculty_log_a_contact_with_htmx_and_get_the_panel_with_the_new_entry(world, as_user, rel):
    response = as_user(world.faculty).post(contact_url(rel), contact_data(), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    panel = response.content.decode()
    assert panel.lstrip().startswith('<section id="contact-panel"')
    assert "Afspraken voor het najaar" in panel and "Contact moment saved." in panel
    assert 'name="relationship"' not in panel
    rel.refresh_from_db()
    assert rel.last_contact_on == timezone.localdate() - dt.timedelta(days=1)


def test_a_partner_logs_a_contact_on_its_relationship(world, as_user, rel):
    response = as_user(world.partner).post(contact_url(rel), contact_data(initiated_by="theirs"))
    assert response.status_code == 302
    assert Interaction.objects.get().initiated_by == "b"


def test_an_empty_summary_on_a_relationship_is_refused_with_a_message(world, as_user, rel):
    response = as_user(world.coordinator).post(contact_url(rel), contact_data(summary=""))
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Interaction.objects.exists()


def test_a_future_contact_on_a_relationship_is_refused_with_a_message(world, as_user, rel):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = as_user(world.coordinator).post(
        contact_url(rel), contact_data(occurred_on=tomorrow), HTTP_HX_REQUEST="1"
    )
    assert "A contact moment cannot be in the future." in response.content.decode()
    assert not Interaction.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "other_partner", "student"])
def test_people_who_cannot_see_the_relationship_get_404_when_logging(world, as_user, rel, persona):
    assert as_user(getattr(world, persona)).post(contact_url(rel), contact_data()).status_code == 404
    assert not Interaction.objects.exists()


def test_an_anonymous_visitor_cannot_log_a_contact_on_a_relationship(client, world, rel):
    response = client.post(contact_url(rel), contact_data())
    assert response.status_code == 302 and "/login/" in response["Location"]


# Creating a relationship


def create_data(world, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "a_person": str(world.faculty_person.public_id),
        "a_organisation": "",
        "a_role": "",
        "b_person": "",
        "b_organisation": str(world.other_org.public_id),
        "b_role": "",
        "description": "Stageplaatsen sport",
        "owners": [str(world.faculty_person.public_id), str(world.coord_person.public_id)],
    }
    data.update(changes)
    return data


def test_faculty_create_a_relationship_between_a_person_and_an_organisation(world, as_user):
    response = as_user(world.faculty).post(reverse("relationship-create"), create_data(world))
    rel = Relationship.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(rel)
    assert (rel.a_person, rel.a_role) == (world.faculty_person, SofarRole.FACULTY)
    assert (rel.b_organisation, rel.b_role) == (world.other_org, SofarRole.ORGANISATION)
    assert set(rel.owners.all()) == {world.faculty_person, world.coord_person}


def test_the_create_form_starts_from_the_organisation_page(world, as_user):
    page = (
        as_user(world.coordinator)
        .get(reverse("relationship-create"), {"b_organisation": world.org.public_id})
        .content.decode()
    )
    b_select = page.split('name="b_organisation"')[1].split("</select>")[0]
    assert f'value="{world.org.public_id}" selected' in b_select


def test_a_relationship_between_two_people_in_chosen_roles(world, as_user):
    data = create_data(world, b_organisation="", b_person=str(world.staff_person.public_id), a_role="A", b_role="R")
    as_user(world.coordinator).post(reverse("relationship-create"), data)
    rel = Relationship.objects.get()
    assert rel.role_pair == ("A", "R")


def test_an_actor_must_be_a_person_or_an_organisation_not_both(world, as_user):
    data = create_data(world, b_person=str(world.student_person.public_id))
    response = as_user(world.coordinator).post(reverse("relationship-create"), data)
    assert response.status_code == 400
    assert "Choose either a person or an organisation." in response.content.decode()
    assert not Relationship.objects.exists()


def test_a_relationship_without_owners_is_refused_with_a_message(world, as_user):
    response = as_user(world.coordinator).post(reverse("relationship-create"), create_data(world, owners=[]))
    assert response.status_code == 400
    assert "Every relationship needs at least one owner inside the institution." in response.content.decode()
    assert not Relationship.objects.exists()


def test_an_organisation_in_a_person_role_is_refused_with_a_message(world, as_user):
    response = as_user(world.coordinator).post(reverse("relationship-create"), create_data(world, b_role="F"))
    assert response.status_code == 400
    assert "An organisation takes part in the organisation role." in response.content.decode()
    assert not Relationship.objects.exists()


def test_another_institutions_person_cannot_be_chosen(world, as_user):
    data = create_data(world, a_person=str(world.outsider_person.public_id))
    response = as_user(world.coordinator).post(reverse("relationship-create"), data)
    assert response.status_code == 400
    assert not Relationship.objects.exists()


@pytest.mark.parametrize("persona", ["student", "partner"])
def test_students_and_partners_may_not_create_relationships(world, as_user, persona):
    response = as_user(getattr(world, persona)).post(reverse("relationship-create"), create_data(world))
    assert response.status_code == 403
    assert not Relationship.objects.exists()


def test_an_anonymous_visitor_cannot_create_a_relationship(client, world):
    response = client.post(reverse("relationship-create"), create_data(world))
    assert response.status_code == 302 and "/login/" in response["Location"]


# Changing the owners


def test_a_coordinator_changes_the_owners(world, as_user, rel):
    client = as_user(world.coordinator)
    form = client.get(owners_url(rel)).content.decode()
    assert 'name="current"' in form
    response = client.post(
        owners_url(rel),
        {"owners": [str(world.coord_person.public_id)], "current": owners_fingerprint(rel)},
    )
    assert response.status_code == 302
    assert list(rel.owners.all()) == [world.coord_person]


def test_owners_changed_by_someone_else_meanwhile_are_not_overwritten(world, as_user, rel):
    opened = owners_fingerprint(rel)
    set_relationship_owners(rel, by=world.faculty, owners=[world.faculty_person, world.student_person])
    response = as_user(world.coordinator).post(
        owners_url(rel), {"owners": [str(world.coord_person.public_id)], "current": opened}
    )
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    assert set(rel.owners.all()) == {world.faculty_person, world.student_person}


def test_removing_every_owner_is_refused_with_a_message(world, as_user, rel):
    response = as_user(world.coordinator).post(owners_url(rel), {"owners": [], "current": owners_fingerprint(rel)})
    assert response.status_code == 400
    assert "Every relationship needs at least one owner inside the institution." in response.content.decode()
    assert list(rel.owners.all()) == [world.faculty_person]


def test_a_partner_may_not_change_the_owners(world, as_user, rel):
    response = as_user(world.partner).post(
        owners_url(rel), {"owners": [str(world.coord_person.public_id)], "current": owners_fingerprint(rel)}
    )
    assert response.status_code == 403
    assert list(rel.owners.all()) == [world.faculty_person]


@pytest.mark.parametrize("persona", ["outsider", "other_partner", "student"])
def test_people_who_cannot_see_the_relationship_get_404_on_its_owners(world, as_user, rel, persona):
    assert as_user(getattr(world, persona)).get(owners_url(rel)).status_code == 404


def test_an_anonymous_visitor_cannot_change_owners(client, world, rel):
    response = client.post(owners_url(rel), {"owners": [str(world.coord_person.public_id)]})
    assert response.status_code == 302 and "/login/" in response["Location"]
