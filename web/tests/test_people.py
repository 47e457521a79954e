"""People of the network: list, detail, create, edit, deactivation with hand-over."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from engagements.services import set_participants
from network.models import Interaction, Person, SofarRole
from network.services import update_person
from partnerships.models import HandOver
from tests import factories as f


@pytest.fixture(autouse=True)
def english(world):
    """Read the pages in English, so the assertions hold whatever the Dutch catalogue says."""
    User.objects.update(language="en")


def detail_url(person: Person) -> str:
    return reverse("person-detail", args=[person.public_id])


def edit_url(person: Person) -> str:
    return reverse("person-edit", args=[person.public_id])


def deactivate_url(person: Person) -> str:
    return reverse("person-deactivate", args=[person.public_id])


def person_data(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "first_name": "Rita",
        "last_name": "Bewoner",
        "email": "",
        "phone": "",
        "roles": ["R"],
        "title": "",
    }
    data.update(changes)
    return data


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# The list


def test_the_list_shows_the_institutions_people_and_not_anothers(world, as_user):
    page = as_user(world.coordinator).get(reverse("person-list")).content.decode()
    assert "Docent, Fien" in page
    assert "Partner, Pia" in page
    assert "Buiten, Otto" not in page


def test_the_list_searches_by_name_and_filters_by_sofar_role(world, as_user):
    client = as_user(world.coordinator)
    found = client.get(reverse("person-list"), {"q": "fien doc"}).content.decode()
    assert "Docent, Fien" in found and "Student, Sam" not in found
    students = client.get(reverse("person-list"), {"role": "S"}).content.decode()
    assert "Student, Sam" in students and "Docent, Fien" not in students


def test_the_list_shows_active_people_unless_asked_for_inactive_ones(world, as_user):
    leaver = f.make_person(world.a, first_name="Vera", last_name="Vertrokken")
    Person.objects.filter(pk=leaver.pk).update(is_active=False)
    client = as_user(world.coordinator)
    assert "Vertrokken, Vera" not in client.get(reverse("person-list")).content.decode()
    inactive = client.get(reverse("person-list"), {"status": "inactive"}).content.decode()
    assert "Vertrokken, Vera" in inactive and "Docent, Fien" not in inactive


def test_people_without_a_login_are_normal_records(world, as_user):
    resident = f.make_person(world.a, SofarRole.RESIDENT, first_name="Rita", last_name="Bewoner")
    client = as_user(world.faculty)
    row = client.get(reverse("person-list")).content.decode().split("Bewoner, Rita")[1].split("</tr>")[0]
    assert ">no<" in row
    page = client.get(detail_url(resident)).content.decode()
    assert "no account (a record only)" in page and "Resident" in page


def test_a_student_sees_only_themselves(world, as_user):
    page = as_user(world.student).get(reverse("person-list")).content.decode()
    assert "Student, Sam" in page and "Docent, Fien" not in page


def test_an_anonymous_visitor_is_sent_to_log_in_from_the_people_list(client, world):
    response = client.get(reverse("person-list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def _grow_people(world, size: int) -> None:
    for _ in range(size):
        f.make_person(world.a, SofarRole.ORGANISATION, organisation=world.org)


def test_the_people_list_runs_the_same_number_of_queries_for_3_or_30_people(
    world, as_user, django_assert_max_num_queries
):
    client = as_user(world.coordinator)
    _grow_people(world, 3)
    small = _count(client, reverse("person-list"))
    _grow_people(world, 27)
    large = _count(client, reverse("person-list"))
    assert small == large
    with django_assert_max_num_queries(9):
        client.get(reverse("person-list"))


# The detail page


def test_the_detail_shows_roles_relationships_engagements_and_courses(world, as_user):
    f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    course = f.make_course(world.a, [world.faculty_person], title="Sociaal werk in de wijk")
    engagement = f.make_engagement(world.a, title="Huiswerkklas", organisation=world.org, course=course)
    set_participants(engagement, [(world.faculty_person, SofarRole.FACULTY, 12)])
    page = as_user(world.coordinator).get(detail_url(world.faculty_person)).content.decode()
    assert "Faculty" in page
    assert "Buurtwerk De Brug" in page.split('id="relationships-h"')[1].split("</section>")[0]
    assert "Huiswerkklas" in page
    assert "Sociaal werk in de wijk" in page


def test_the_detail_lists_relationships_the_person_owns_without_being_an_end(world, as_user):
    f.make_relationship(world.a, world.student_person, world.org, owners=[world.coord_person])
    page = as_user(world.coordinator).get(detail_url(world.coord_person)).content.decode()
    section = page.split('id="relationships-h"')[1].split("</section>")[0]
    assert "Sam Student" in section


def test_an_outsider_gets_404_for_another_institutions_person(world, as_user):
    assert as_user(world.outsider).get(detail_url(world.faculty_person)).status_code == 404


def test_another_partner_gets_404_for_a_person(world, as_user):
    assert as_user(world.other_partner).get(detail_url(world.staff_person)).status_code == 404


def test_a_partner_sees_its_colleague_but_not_faculty(world, as_user):
    client = as_user(world.partner)
    assert client.get(detail_url(world.staff_person)).status_code == 200
    assert client.get(detail_url(world.faculty_person)).status_code == 404


def test_a_student_gets_404_for_someone_else(world, as_user):
    assert as_user(world.student).get(detail_url(world.faculty_person)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in_from_a_person(client, world):
    response = client.get(detail_url(world.faculty_person))
    assert response.status_code == 302 and "/login/" in response["Location"]


def _grow_person(world, size: int) -> None:
    for i in range(size):
        org = f.make_organisation()
        rel = f.make_relationship(world.a, world.faculty_person, org, owners=[world.faculty_person])
        f.make_interaction(rel, days_ago=i + 1)
        course = f.make_course(world.a, [world.faculty_person])
        engagement = f.make_engagement(world.a, organisation=org, course=course)
        set_participants(engagement, [(world.faculty_person, SofarRole.FACULTY, 2)])


def test_the_person_page_runs_the_same_number_of_queries_for_3_or_30_relationships(
    world, as_user, django_assert_max_num_queries
):
    client = as_user(world.coordinator)
    _grow_person(world, 3)
    small = _count(client, detail_url(world.faculty_person))
    _grow_person(world, 27)
    large = _count(client, detail_url(world.faculty_person))
    assert small == large
    with django_assert_max_num_queries(14):
        client.get(detail_url(world.faculty_person))


# Create and edit


def test_a_coordinator_records_a_resident_who_never_logs_in(world, as_user):
    response = as_user(world.coordinator).post(reverse("person-create"), person_data())
    person = Person.objects.get(last_name="Bewoner")
    assert response.status_code == 302 and response["Location"] == detail_url(person)
    assert person.institution == world.a
    assert person.roles == ["R"]


def test_a_person_can_hold_several_sofar_roles(world, as_user):
    data = person_data(roles=["F", "O"], organisations=[str(world.org.public_id)], title="lector")
    as_user(world.faculty).post(reverse("person-create"), data)
    person = Person.objects.get(last_name="Bewoner")
    assert person.roles == ["O", "F"]
    assert person.affiliations.get(role="O").organisation == world.org


def test_organisation_staff_without_an_organisation_are_refused_with_a_message(world, as_user):
    response = as_user(world.coordinator).post(reverse("person-create"), person_data(roles=["O"]))
    assert response.status_code == 400
    assert "Organisation staff need the organisation they work for." in response.content.decode()
    assert not Person.objects.filter(last_name="Bewoner").exists()


def test_a_person_without_a_role_or_a_name_is_refused_with_messages(world, as_user):
    response = as_user(world.coordinator).post(reverse("person-create"), person_data(roles=[], first_name=""))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose at least one SOFAR role." in page
    assert "This field is required." in page
    assert not Person.objects.filter(last_name="Bewoner").exists()


@pytest.mark.parametrize("persona", ["student", "partner"])
def test_students_and_partners_may_not_add_people(world, as_user, persona):
    response = as_user(getattr(world, persona)).post(reverse("person-create"), person_data())
    assert response.status_code == 403
    assert not Person.objects.filter(last_name="Bewoner").exists()


def test_an_anonymous_visitor_cannot_add_a_person(client, world):
    response = client.post(reverse("person-create"), person_data())
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_faculty_edit_a_persons_details_and_roles(world, as_user):
    client = as_user(world.faculty)
    assert 'name="version"' in client.get(edit_url(world.student_person)).content.decode()
    data = person_data(first_name="Samuel", last_name="Student", roles=["S", "R"], version=world.student_person.version)
    response = client.post(edit_url(world.student_person), data)
    assert response.status_code == 302
    world.student_person.refresh_from_db()
    assert world.student_person.first_name == "Samuel"
    assert world.student_person.roles == ["S", "R"]


def test_a_second_editor_of_a_person_is_told_about_the_conflict(world, as_user):
    opened = person_data(first_name="Samuel", last_name="Student", roles=["S"], version=world.student_person.version)
    update_person(world.student_person, by=world.coordinator, expected_version=world.student_person.version, phone="1")
    response = as_user(world.faculty).post(edit_url(world.student_person), opened)
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    world.student_person.refresh_from_db()
    assert world.student_person.first_name == "Sam"


def test_an_outsider_gets_404_when_editing_a_person(world, as_user):
    data = person_data(version=world.student_person.version)
    assert as_user(world.outsider).post(edit_url(world.student_person), data).status_code == 404


def test_a_partner_may_not_edit_its_colleague(world, as_user):
    assert as_user(world.partner).get(edit_url(world.staff_person)).status_code == 403


def test_a_student_gets_404_when_editing_someone_else_and_403_for_themselves(world, as_user):
    client = as_user(world.student)
    assert client.get(edit_url(world.faculty_person)).status_code == 404
    assert client.get(edit_url(world.student_person)).status_code == 403


# Deactivation and hand-over


def test_the_deactivation_page_shows_what_the_person_owns_and_whom_to_hand_it_to(world, as_user):
    f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    f.make_partnership(world.a, [world.org], [world.faculty_person])
    page = as_user(world.coordinator).get(deactivate_url(world.faculty_person)).content.decode()
    assert 'id="owned-relationships">1<' in page
    assert 'id="owned-partnerships">1<' in page
    assert 'name="to_q"' in page  # colleagues are searched for, not listed by the thousand

    def chooser(term: str) -> str:
        # Without JavaScript the search box is submitted with the form and the matches come back.
        page = as_user(world.coordinator).post(deactivate_url(world.faculty_person), {"to_q": term}).content.decode()
        return page.split('name="to"')[1].split("</select>")[0]

    assert "Cora Coördinator" in chooser("Coördinator")
    assert "Fien Docent" not in chooser("Fien")
    assert "Otto Buiten" not in chooser("Otto")


def test_after_hand_over_the_colleague_owns_the_relationship_and_the_contacts_stay(world, as_user):
    rel = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    f.make_interaction(rel, summary="Eerste overleg")
    f.make_interaction(rel, days_ago=5, summary="Tweede overleg")
    response = as_user(world.coordinator).post(
        deactivate_url(world.faculty_person), {"to": str(world.coord_person.public_id)}
    )
    assert response.status_code == 302
    world.faculty_person.refresh_from_db()
    assert not world.faculty_person.is_active
    assert list(rel.owners.all()) == [world.coord_person]
    assert set(Interaction.objects.filter(relationship=rel).values_list("summary", flat=True)) == {
        "Eerste overleg",
        "Tweede overleg",
    }
    assert HandOver.objects.get().to_person == world.coord_person
    world.faculty.refresh_from_db()
    assert not world.faculty.is_active
    page = as_user(world.coordinator).get(detail_url(world.faculty_person)).content.decode()
    assert "Fien Docent → Cora Coördinator" in page


def test_deactivating_an_owner_without_choosing_a_colleague_is_refused(world, as_user):
    f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    response = as_user(world.coordinator).post(deactivate_url(world.faculty_person), {"to": ""})
    assert response.status_code == 400
    assert "choose who takes them over" in response.content.decode()
    world.faculty_person.refresh_from_db()
    assert world.faculty_person.is_active


def test_someone_who_owns_nothing_is_deactivated_without_a_hand_over(world, as_user):
    response = as_user(world.coordinator).post(deactivate_url(world.student_person), {"to": ""})
    assert response.status_code == 302
    world.student_person.refresh_from_db()
    assert not world.student_person.is_active
    assert not HandOver.objects.exists()


def test_faculty_may_not_deactivate_people(world, as_user):
    client = as_user(world.faculty)
    assert client.get(deactivate_url(world.student_person)).status_code == 403
    assert client.post(deactivate_url(world.student_person), {"to": ""}).status_code == 403
    world.student_person.refresh_from_db()
    assert world.student_person.is_active


@pytest.mark.parametrize("persona", ["student", "partner"])
def test_students_and_partners_may_not_deactivate_themselves(world, as_user, persona):
    user = getattr(world, persona)
    assert as_user(user).post(deactivate_url(user.person), {"to": ""}).status_code == 403


def test_an_outsider_gets_404_when_deactivating_another_institutions_person(world, as_user):
    response = as_user(world.outsider).post(deactivate_url(world.faculty_person), {"to": ""})
    assert response.status_code == 404
    world.faculty_person.refresh_from_db()
    assert world.faculty_person.is_active


def test_another_partner_gets_404_when_deactivating(world, as_user):
    assert as_user(world.other_partner).get(deactivate_url(world.staff_person)).status_code == 404


def test_an_anonymous_visitor_cannot_deactivate(client, world):
    response = client.post(deactivate_url(world.faculty_person), {"to": ""})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_one_cannot_hand_over_to_another_institutions_person(world, as_user):
    f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    response = as_user(world.coordinator).post(
        deactivate_url(world.faculty_person), {"to": str(world.outsider_person.public_id)}
    )
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    world.faculty_person.refresh_from_db()
    assert world.faculty_person.is_active
