import pytest

from api.tests.support import count_queries
from network.models import Organisation, Theme
from tests import factories as f


@pytest.fixture
def poverty(db: None) -> Theme:
    return Theme.objects.create(slug="poverty", name_nl="Armoede", name_en="Poverty")


def names(response) -> list[str]:
    return [row["name"] for row in response.json()["items"]]


# List


def test_staff_list_the_shared_directory_with_a_count(world, api_as):
    response = api_as(world.coordinator).get("/organisations")
    assert response.status_code == 200
    assert names(response) == ["Buurtwerk De Brug", "Sportclub Elders"]
    assert response.json()["count"] == 2


def test_a_partner_lists_only_its_own_organisation(world, api_as):
    assert names(api_as(world.partner).get("/organisations")) == ["Buurtwerk De Brug"]
    assert names(api_as(world.other_partner).get("/organisations")) == ["Sportclub Elders"]


def test_an_anonymous_caller_gets_401_with_a_json_message(world, api_as):
    response = api_as(None).get("/organisations")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_the_list_filters_by_name_kind_theme_and_city(world, api_as, poverty):
    school = f.make_organisation("Basisschool De Linde", kind=Organisation.Kind.SCHOOL, city="Gent", themes=[poverty])
    client = api_as(world.faculty)
    assert names(client.get("/organisations", q="linde")) == [school.name]
    assert names(client.get("/organisations", kind="school")) == [school.name]
    assert names(client.get("/organisations", theme="poverty")) == [school.name]
    assert names(client.get("/organisations", city="gent")) == ["Basisschool De Linde", "Buurtwerk De Brug"]


def test_the_list_is_paged_with_a_bounded_page_size(world, api_as):
    client = api_as(world.coordinator)
    response = client.get("/organisations", page=2, page_size=1)
    assert names(response) == ["Sportclub Elders"]
    assert response.json()["count"] == 2
    too_big = client.get("/organisations", page_size=1000)
    assert too_big.status_code == 422
    assert "page_size" in too_big.json()["errors"]


def test_an_unknown_kind_filter_is_refused_with_422(world, api_as):
    response = api_as(world.coordinator).get("/organisations", kind="castle")
    assert response.status_code == 422
    assert "kind" in response.json()["errors"]


def test_the_list_runs_the_same_number_of_queries_for_3_or_30_organisations(
    world, api_as, poverty, django_assert_max_num_queries
):
    client = api_as(world.coordinator)
    f.make_organisation(themes=[poverty])
    with django_assert_max_num_queries(7):
        small = count_queries(lambda: client.get("/organisations"))
    for _ in range(27):
        f.make_organisation(themes=[poverty])
    assert count_queries(lambda: client.get("/organisations")) == small


# Detail


def test_staff_read_an_organisation_by_its_public_id(world, api_as, poverty):
    world.org.themes.add(poverty)
    response = api_as(world.faculty).get(f"/organisations/{world.org.public_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(world.org.public_id)
    assert body["themes"] == [{"slug": "poverty", "name": "Poverty"}]  # in the language asked for
    assert "pk" not in body and body["version"] == 1


def test_another_institution_sees_the_same_shared_directory(world, api_as):
    # Organisations are one shared directory for the region: an outsider finds them too.
    assert api_as(world.outsider).get(f"/organisations/{world.org.public_id}").status_code == 200


def test_a_partner_of_another_organisation_gets_404(world, api_as):
    response = api_as(world.other_partner).get(f"/organisations/{world.org.public_id}")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_an_anonymous_caller_cannot_read_an_organisation(world, api_as):
    assert api_as(None).get(f"/organisations/{world.org.public_id}").status_code == 401


def test_a_malformed_id_gets_422_naming_the_parameter(world, api_as):
    response = api_as(world.coordinator).get("/organisations/42")
    assert response.status_code == 422
    assert "public_id" in response.json()["errors"]


# Create


def test_staff_add_an_organisation_with_themes(world, api_as, poverty):
    response = api_as(world.faculty).post(
        "/organisations", {"name": "Wijkhuis Noord", "kind": "neighbourhood", "city": "Gent", "themes": ["poverty"]}
    )
    assert response.status_code == 201
    created = Organisation.objects.get(public_id=response.json()["id"])
    assert created.name == "Wijkhuis Noord"
    assert list(created.themes.all()) == [poverty]


def test_a_student_may_not_add_an_organisation(world, api_as):
    response = api_as(world.student).post("/organisations", {"name": "Wijkhuis Noord"})
    assert response.status_code == 403
    assert not Organisation.objects.filter(name="Wijkhuis Noord").exists()


def test_a_partner_may_not_add_an_organisation(world, api_as):
    assert api_as(world.other_partner).post("/organisations", {"name": "Wijkhuis Noord"}).status_code == 403
    assert not Organisation.objects.filter(name="Wijkhuis Noord").exists()


def test_an_anonymous_caller_may_not_add_an_organisation(world, api_as):
    assert api_as(None).post("/organisations", {"name": "Wijkhuis Noord"}).status_code == 401
    assert not Organisation.objects.filter(name="Wijkhuis Noord").exists()


def test_a_blank_name_is_refused_with_a_message_for_the_field(world, api_as):
    response = api_as(world.coordinator).post("/organisations", {"name": "  ", "city": "Gent"})
    assert response.status_code == 400
    assert response.json()["errors"]["name"]
    assert Organisation.objects.count() == 2


def test_an_unknown_theme_is_refused_and_nothing_is_saved(world, api_as):
    response = api_as(world.coordinator).post("/organisations", {"name": "Wijkhuis Noord", "themes": ["castles"]})
    assert response.status_code == 400
    assert "castles" in response.json()["errors"]["themes"][0]
    assert not Organisation.objects.filter(name="Wijkhuis Noord").exists()


def test_a_missing_name_gets_422_naming_the_field(world, api_as):
    response = api_as(world.coordinator).post("/organisations", {"city": "Gent"})
    assert response.status_code == 422
    assert "name" in response.json()["errors"]


def test_a_body_that_is_not_json_gets_400(world, api_as):
    client = api_as(world.coordinator)
    response = client.client.post(
        "/api/organisations", data="{not json", content_type="application/json", headers=client.headers
    )
    assert response.status_code == 400
    assert response.json()["detail"]


# Update


def test_staff_change_an_organisation_and_its_version_goes_up(world, api_as):
    response = api_as(world.coordinator).patch(
        f"/organisations/{world.org.public_id}", {"version": 1, "city": "Brugge"}
    )
    assert response.status_code == 200
    assert response.json()["city"] == "Brugge"
    assert response.json()["version"] == 2
    world.org.refresh_from_db()
    assert (world.org.city, world.org.postcode) == ("Brugge", "9000")


def test_a_partner_changes_its_own_organisation(world, api_as):
    response = api_as(world.partner).patch(f"/organisations/{world.org.public_id}", {"version": 1, "phone": "09 123"})
    assert response.status_code == 200
    world.org.refresh_from_db()
    assert world.org.phone == "09 123"


def test_a_partner_of_another_organisation_cannot_change_it(world, api_as):
    response = api_as(world.other_partner).patch(f"/organisations/{world.org.public_id}", {"version": 1, "city": "X"})
    assert response.status_code == 404
    world.org.refresh_from_db()
    assert world.org.city == "Gent"


def test_a_student_may_not_change_an_organisation(world, api_as):
    response = api_as(world.student).patch(f"/organisations/{world.org.public_id}", {"version": 1, "city": "X"})
    assert response.status_code == 403
    world.org.refresh_from_db()
    assert world.org.city == "Gent"


def test_an_anonymous_caller_may_not_change_an_organisation(world, api_as):
    assert api_as(None).patch(f"/organisations/{world.org.public_id}", {"version": 1, "city": "X"}).status_code == 401


def test_a_stale_version_gets_409_and_keeps_the_other_change(world, api_as):
    first, second = api_as(world.coordinator), api_as(world.faculty)
    assert first.patch(f"/organisations/{world.org.public_id}", {"version": 1, "city": "Brugge"}).status_code == 200
    response = second.patch(f"/organisations/{world.org.public_id}", {"version": 1, "city": "Aalst"})
    assert response.status_code == 409
    assert "changed" in response.json()["detail"]
    assert response.json()["errors"]["version"]
    world.org.refresh_from_db()
    assert world.org.city == "Brugge"


def test_an_invalid_e_mail_address_is_refused_and_nothing_is_saved(world, api_as):
    response = api_as(world.coordinator).patch(
        f"/organisations/{world.org.public_id}", {"version": 1, "city": "Brugge", "email": "not-an-address"}
    )
    assert response.status_code == 400
    assert response.json()["errors"]["email"]
    world.org.refresh_from_db()
    assert (world.org.city, world.org.version) == ("Gent", 1)


def test_a_change_without_a_version_gets_422(world, api_as):
    response = api_as(world.coordinator).patch(f"/organisations/{world.org.public_id}", {"city": "Brugge"})
    assert response.status_code == 422
    assert "version" in response.json()["errors"]
