"""Input that databases choke on is refused up front, with the same error shape as everything else."""

from network.models import Organisation


def test_a_null_character_in_a_body_gets_422_and_nothing_is_saved(world, api_as):
    response = api_as(world.coordinator).post("/organisations", {"name": "Wijk\x00huis"})
    assert response.status_code == 422
    assert response.json()["detail"]
    assert not Organisation.objects.filter(name__startswith="Wijk").exists()


def test_a_null_character_in_a_search_gets_422(world, api_as):
    response = api_as(world.coordinator).get("/organisations", q="a\x00b")
    assert response.status_code == 422
    assert "q" in response.json()["errors"]


def test_an_absurd_page_number_gets_422_not_a_server_error(world, api_as):
    response = api_as(world.coordinator).get("/people", page=10**30)
    assert response.status_code == 422
    assert "page" in response.json()["errors"]


def test_a_page_past_the_end_is_empty(world, api_as):
    response = api_as(world.coordinator).get("/people", page=99)
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_an_absurd_version_gets_422_not_a_server_error(world, api_as):
    response = api_as(world.coordinator).patch(f"/organisations/{world.org.public_id}", {"version": 10**30})
    assert response.status_code == 422
    assert "version" in response.json()["errors"]


def test_a_latitude_off_the_globe_gets_422(world, api_as):
    response = api_as(world.coordinator).post("/organisations", {"name": "Wijkhuis", "latitude": 123.4})
    assert response.status_code == 422
    assert "latitude" in response.json()["errors"]
