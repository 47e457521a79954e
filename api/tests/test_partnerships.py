import datetime as dt

import pytest

from api.tests.support import count_queries
from network.models import SofarRole
from partnerships.models import Partnership
from tests import factories as f


@pytest.fixture
def ps(world) -> Partnership:
    """A partnership of institution A with Buurtwerk De Brug, owned by Fien (faculty)."""
    return f.make_partnership(world.a, [world.org], [world.faculty_person], title="Huiswerkklas")


def path(partnership: Partnership, tail: str = "") -> str:
    return f"/partnerships/{partnership.public_id}{tail}"


def titles(response) -> list[str]:
    return [row["title"] for row in response.json()["items"]]


def new(world, **changes):
    return {
        "title": "Sportkamp",
        "kind": "strategic",
        "basis": "place",
        "organisations": [str(world.other_org.public_id)],
        "owners": [str(world.coord_person.public_id), str(world.faculty_person.public_id)],
        **changes,
    }


# List, detail, coverage


def test_staff_read_a_partnership_with_its_parties_and_owners(world, api_as, ps):
    response = api_as(world.coordinator).get(path(ps))
    assert response.status_code == 200
    data = response.json()
    assert data["institution"] == "uas"
    assert data["organisations"] == [{"id": str(world.org.public_id), "name": "Buurtwerk De Brug"}]
    assert [o["name"] for o in data["owners"]] == ["Fien Docent"]


def test_a_partner_sees_the_partnerships_of_its_organisation_only(world, api_as, ps):
    f.make_partnership(world.a, [world.other_org], [world.faculty_person], title="Elders")
    assert titles(api_as(world.partner).get("/partnerships")) == ["Huiswerkklas"]


def test_a_partner_of_another_organisation_gets_404_for_a_partnership(world, api_as, ps):
    assert api_as(world.other_partner).get(path(ps)).status_code == 404
    assert api_as(world.other_partner).get(path(ps, "/coverage")).status_code == 404


def test_another_institution_gets_404_for_a_partnership(world, api_as, ps):
    assert api_as(world.outsider).get(path(ps)).status_code == 404
    assert api_as(world.outsider).get(path(ps, "/coverage")).status_code == 404
    assert titles(api_as(world.outsider).get("/partnerships")) == []


def test_an_anonymous_caller_gets_401_for_partnerships(world, api_as, ps):
    for url in ("/partnerships", path(ps), path(ps, "/coverage")):
        assert api_as(None).get(url).status_code == 401


def test_partnerships_filter_by_status_kind_stage_and_organisation(world, api_as, ps):
    f.make_partnership(world.a, [world.other_org], [world.coord_person], title="Sportkamp", kind="strategic", stage=4)
    client = api_as(world.coordinator)
    assert titles(client.get("/partnerships", kind="strategic")) == ["Sportkamp"]
    assert titles(client.get("/partnerships", stage=4)) == ["Sportkamp"]
    assert titles(client.get("/partnerships", organisation=str(world.org.public_id))) == ["Huiswerkklas"]
    assert titles(client.get("/partnerships", status="ended")) == []
    assert titles(client.get("/partnerships", q="kamp")) == ["Sportkamp"]


def test_the_partnership_list_runs_the_same_number_of_queries_for_3_or_30(world, api_as, django_assert_max_num_queries):
    client = api_as(world.coordinator)
    for _ in range(3):
        f.make_partnership(world.a, [world.org, world.other_org], [world.faculty_person], other_institutions=[world.b])
    with django_assert_max_num_queries(8):
        small = count_queries(lambda: client.get("/partnerships"))
    for _ in range(27):
        f.make_partnership(world.a, [f.make_organisation()], [world.coord_person])
    assert count_queries(lambda: client.get("/partnerships")) == small


def test_the_coverage_shows_which_sofar_roles_take_part(world, api_as, ps):
    f.make_engagement(world.a, partnership=ps, participants=[(world.student_person, SofarRole.STUDENT, 10)])
    response = api_as(world.faculty).get(path(ps, "/coverage"))
    assert response.status_code == 200
    data = response.json()
    present = {row["code"] for row in data["roles"] if row["count"]}
    assert present == {"S", "O", "F"}
    assert data["roles_missing"] == ["A", "R"]
    assert len(data["pairs"]) == 10


# Create


def test_staff_start_a_partnership(world, api_as):
    response = api_as(world.faculty).post("/partnerships", new(world))
    assert response.status_code == 201
    created = Partnership.objects.get(public_id=response.json()["id"])
    assert (created.institution, created.kind, created.title) == (world.a, "strategic", "Sportkamp")
    assert set(created.owners.all()) == {world.coord_person, world.faculty_person}


def test_a_student_may_not_start_a_partnership(world, api_as):
    assert api_as(world.student).post("/partnerships", new(world)).status_code == 403
    assert not Partnership.objects.exists()


def test_a_partner_may_not_start_a_partnership(world, api_as):
    assert api_as(world.partner).post("/partnerships", new(world)).status_code == 403
    assert not Partnership.objects.exists()


def test_an_anonymous_caller_may_not_start_a_partnership(world, api_as):
    assert api_as(None).post("/partnerships", new(world)).status_code == 401
    assert not Partnership.objects.exists()


def test_another_institution_cannot_make_our_people_owners(world, api_as):
    response = api_as(world.outsider).post("/partnerships", new(world))
    assert response.status_code == 400
    assert response.json()["errors"]["owners"]
    assert not Partnership.objects.exists()


def test_a_partnership_without_organisations_is_refused(world, api_as):
    response = api_as(world.coordinator).post("/partnerships", new(world, organisations=[]))
    assert response.status_code == 400
    assert response.json()["errors"] == {"organisations": ["Choose at least one partner organisation."]}
    assert not Partnership.objects.exists()


def test_an_unknown_stage_gets_422(world, api_as):
    response = api_as(world.coordinator).post("/partnerships", new(world, stage=12))
    assert response.status_code == 422
    assert "stage" in response.json()["errors"]
    assert not Partnership.objects.exists()


# Update


def test_the_coordinator_of_the_lead_institution_moves_it_along_the_continuum(world, api_as, ps):
    response = api_as(world.coordinator).patch(path(ps), {"version": 1, "stage": 4})
    assert response.status_code == 200
    assert (response.json()["stage"], response.json()["version"]) == (4, 2)


def test_an_owner_changes_the_owners(world, api_as, ps):
    body = {"version": 1, "owners": [str(world.faculty_person.public_id), str(world.coord_person.public_id)]}
    assert api_as(world.faculty).patch(path(ps), body).status_code == 200
    assert set(ps.owners.all()) == {world.faculty_person, world.coord_person}


def test_faculty_who_do_not_own_it_may_not_change_it(world, api_as):
    theirs = f.make_partnership(world.a, [world.org], [world.coord_person])
    response = api_as(world.faculty).patch(path(theirs), {"version": 1, "stage": 5})
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.stage == 1


def test_another_institution_cannot_change_a_partnership(world, api_as, ps):
    assert api_as(world.outsider).patch(path(ps), {"version": 1, "stage": 5}).status_code == 404


def test_a_partner_of_another_organisation_cannot_change_a_partnership(world, api_as, ps):
    assert api_as(world.other_partner).patch(path(ps), {"version": 1, "stage": 5}).status_code == 404


def test_a_partner_of_the_organisation_may_read_but_not_change_it(world, api_as, ps):
    assert api_as(world.partner).patch(path(ps), {"version": 1, "stage": 5}).status_code == 403


def test_an_anonymous_caller_cannot_change_a_partnership(world, api_as, ps):
    assert api_as(None).patch(path(ps), {"version": 1, "stage": 5}).status_code == 401


def test_a_stale_version_of_a_partnership_gets_409(world, api_as, ps):
    assert api_as(world.coordinator).patch(path(ps), {"version": 1, "stage": 3}).status_code == 200
    response = api_as(world.faculty).patch(path(ps), {"version": 1, "stage": 6})
    assert response.status_code == 409
    ps.refresh_from_db()
    assert ps.stage == 3


def test_removing_all_owners_is_refused_and_nothing_is_saved(world, api_as, ps):
    response = api_as(world.coordinator).patch(path(ps), {"version": 1, "title": "Nieuw", "owners": []})
    assert response.status_code == 400
    assert response.json()["errors"]["owners"]
    ps.refresh_from_db()
    assert (ps.title, list(ps.owners.all())) == ("Huiswerkklas", [world.faculty_person])


def test_moving_the_start_after_the_end_is_refused_and_nothing_is_saved(world, api_as):
    dated = f.make_partnership(
        world.a, [world.org], [world.coord_person], start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 6, 1)
    )
    response = api_as(world.coordinator).patch(path(dated), {"version": 1, "start_date": "2026-09-01"})
    assert response.status_code == 400
    assert response.json()["detail"]
    dated.refresh_from_db()
    assert (dated.start_date, dated.version) == (dt.date(2026, 1, 1), 1)
