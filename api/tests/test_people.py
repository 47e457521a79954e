from api.tests.support import count_queries
from network.models import Person, SofarRole
from tests import factories as f


def full_names(response) -> list[str]:
    return [f"{row['first_name']} {row['last_name']}" for row in response.json()["items"]]


def path(person: Person) -> str:
    return f"/people/{person.public_id}"


NEW = {"first_name": "Rita", "last_name": "Bewoner", "roles": [{"role": "R"}]}


# List and detail


def test_staff_list_the_people_of_their_own_institution_only(world, api_as):
    response = api_as(world.faculty).get("/people")
    assert response.status_code == 200
    assert "Otto Buiten" not in full_names(response)
    assert set(full_names(response)) == {"Cora Coördinator", "Fien Docent", "Sam Student", "Pia Partner"}


def test_a_student_sees_only_themselves(world, api_as):
    assert full_names(api_as(world.student).get("/people")) == ["Sam Student"]
    assert api_as(world.student).get(path(world.faculty_person)).status_code == 404


def test_a_partner_sees_its_colleagues_with_their_organisation(world, api_as):
    response = api_as(world.partner).get(path(world.staff_person))
    assert response.status_code == 200
    assert response.json()["roles"] == [
        {"role": "O", "organisation": {"id": str(world.org.public_id), "name": "Buurtwerk De Brug"}, "title": ""}
    ]


def test_a_partner_of_another_organisation_gets_404(world, api_as):
    assert api_as(world.other_partner).get(path(world.staff_person)).status_code == 404


def test_another_institutions_coordinator_gets_404(world, api_as):
    assert api_as(world.outsider).get(path(world.faculty_person)).status_code == 404


def test_an_anonymous_caller_gets_401_for_people(world, api_as):
    assert api_as(None).get("/people").status_code == 401
    assert api_as(None).get(path(world.faculty_person)).status_code == 401


def test_the_people_list_filters_by_role_organisation_and_name(world, api_as):
    client = api_as(world.coordinator)
    assert full_names(client.get("/people", role="S")) == ["Sam Student"]
    assert full_names(client.get("/people", organisation=str(world.org.public_id))) == ["Pia Partner"]
    assert full_names(client.get("/people", q="fien")) == ["Fien Docent"]


def test_the_people_list_runs_the_same_number_of_queries_for_3_or_30_people(
    world, api_as, django_assert_max_num_queries
):
    client = api_as(world.coordinator)
    with django_assert_max_num_queries(7):
        small = count_queries(lambda: client.get("/people"))
    for _ in range(26):
        f.make_person(world.a, SofarRole.ORGANISATION, organisation=world.org)
    assert count_queries(lambda: client.get("/people")) == small


# Create


def test_staff_add_a_person_to_their_institution(world, api_as):
    response = api_as(world.faculty).post("/people", {**NEW, "email": "rita@example.org"})
    assert response.status_code == 201
    person = Person.objects.get(public_id=response.json()["id"])
    assert (person.institution, person.roles, person.email) == (world.a, ["R"], "rita@example.org")


def test_organisation_staff_are_added_with_their_organisation(world, api_as):
    body = {**NEW, "roles": [{"role": "O", "organisation": str(world.other_org.public_id), "title": "Coach"}]}
    response = api_as(world.coordinator).post("/people", body)
    assert response.status_code == 201
    assert response.json()["roles"][0]["organisation"]["name"] == "Sportclub Elders"


def test_a_student_may_not_add_a_person(world, api_as):
    assert api_as(world.student).post("/people", NEW).status_code == 403
    assert not Person.objects.filter(last_name="Bewoner").exists()


def test_a_partner_may_not_add_a_person(world, api_as):
    assert api_as(world.partner).post("/people", NEW).status_code == 403
    assert not Person.objects.filter(last_name="Bewoner").exists()


def test_an_anonymous_caller_may_not_add_a_person(world, api_as):
    assert api_as(None).post("/people", NEW).status_code == 401
    assert not Person.objects.filter(last_name="Bewoner").exists()


def test_a_person_without_roles_is_refused_with_a_message_for_roles(world, api_as):
    response = api_as(world.coordinator).post("/people", {**NEW, "roles": []})
    assert response.status_code == 400
    assert response.json()["errors"] == {"roles": ["Choose at least one SOFAR role."]}
    assert not Person.objects.filter(last_name="Bewoner").exists()


def test_organisation_staff_without_an_organisation_are_refused(world, api_as):
    response = api_as(world.coordinator).post("/people", {**NEW, "roles": [{"role": "O"}]})
    assert response.status_code == 400
    assert response.json()["errors"]["organisation"]
    assert not Person.objects.filter(last_name="Bewoner").exists()


def test_an_unknown_sofar_role_gets_422(world, api_as):
    response = api_as(world.coordinator).post("/people", {**NEW, "roles": [{"role": "X"}]})
    assert response.status_code == 422
    assert "roles.0.role" in response.json()["errors"]


# Update


def test_staff_change_a_person_and_replace_the_roles(world, api_as):
    body = {"version": 1, "phone": "0470 00 00 00", "roles": [{"role": "F"}, {"role": "A"}]}
    response = api_as(world.coordinator).patch(path(world.faculty_person), body)
    assert response.status_code == 200
    world.faculty_person.refresh_from_db()
    assert world.faculty_person.phone == "0470 00 00 00"
    assert world.faculty_person.roles == ["F", "A"]


def test_a_student_may_not_change_even_their_own_record(world, api_as):
    response = api_as(world.student).patch(path(world.student_person), {"version": 1, "last_name": "X"})
    assert response.status_code == 403
    world.student_person.refresh_from_db()
    assert world.student_person.last_name == "Student"


def test_a_partner_may_not_change_a_colleague(world, api_as):
    response = api_as(world.partner).patch(path(world.staff_person), {"version": 1, "last_name": "X"})
    assert response.status_code == 403


def test_another_institution_cannot_change_a_person(world, api_as):
    response = api_as(world.outsider).patch(path(world.faculty_person), {"version": 1, "last_name": "X"})
    assert response.status_code == 404
    world.faculty_person.refresh_from_db()
    assert world.faculty_person.last_name == "Docent"


def test_a_partner_of_another_organisation_cannot_change_a_person(world, api_as):
    response = api_as(world.other_partner).patch(path(world.staff_person), {"version": 1, "last_name": "X"})
    assert response.status_code == 404


def test_an_anonymous_caller_may_not_change_a_person(world, api_as):
    assert api_as(None).patch(path(world.faculty_person), {"version": 1, "last_name": "X"}).status_code == 401


def test_changing_a_person_with_a_stale_version_gets_409(world, api_as):
    api_as(world.coordinator).patch(path(world.faculty_person), {"version": 1, "phone": "1"})
    response = api_as(world.faculty).patch(path(world.faculty_person), {"version": 1, "phone": "2"})
    assert response.status_code == 409
    world.faculty_person.refresh_from_db()
    assert world.faculty_person.phone == "1"


def test_emptying_the_roles_is_refused_and_nothing_is_saved(world, api_as):
    response = api_as(world.coordinator).patch(path(world.faculty_person), {"version": 1, "phone": "1", "roles": []})
    assert response.status_code == 400
    assert response.json()["errors"]["roles"]
    world.faculty_person.refresh_from_db()
    assert (world.faculty_person.phone, world.faculty_person.version, world.faculty_person.roles) == ("", 1, ["F"])
