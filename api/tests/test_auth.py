"""Token and session authentication, CSRF for sessions, and answers in the caller's language."""

import datetime as dt
import json

from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken
from api.tests.support import ApiClient
from network.models import Organisation
from tests import factories as f


def test_a_valid_token_authenticates_and_is_marked_as_used(world):
    client = ApiClient(world.coordinator)
    assert client.get("/organisations").status_code == 200
    assert ApiToken.objects.get(user=world.coordinator).last_used_at is not None


def test_a_wrong_token_gets_401(world):
    response = Client().get("/api/organisations", headers={"Authorization": "Bearer brug_not-a-real-key"})
    assert response.status_code == 401
    assert response.json()["detail"]


def test_another_authorisation_scheme_gets_401(world):
    response = Client().get("/api/organisations", headers={"Authorization": "Basic Y29vcmRpbmF0b3I6eA=="})
    assert response.status_code == 401


def test_an_expired_token_gets_401(world):
    client = ApiClient(world.coordinator)
    ApiToken.objects.filter(user=world.coordinator).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert client.get("/organisations").status_code == 401


def test_the_token_of_a_deactivated_user_gets_401(world):
    client = ApiClient(world.faculty)
    type(world.faculty).objects.filter(pk=world.faculty.pk).update(is_active=False)
    assert client.get("/organisations").status_code == 401


def test_a_logged_in_browser_session_may_read_the_api(world, as_user):
    response = as_user(world.partner).get("/api/organisations")
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["items"]] == ["Buurtwerk De Brug"]


def test_a_session_write_without_the_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.coordinator)
    response = client.post("/api/organisations", data={"name": "Wijkhuis"}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Organisation.objects.filter(name="Wijkhuis").exists()


def test_a_session_write_with_the_csrf_token_is_accepted(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.coordinator)
    client.get("/api/docs")  # sets the CSRF cookie, as the docs page does for a browser
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/api/organisations",
        data=json.dumps({"name": "Wijkhuis"}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201


def test_a_token_write_needs_no_csrf_token(world):
    client = ApiClient(world.coordinator)
    client.client = Client(enforce_csrf_checks=True)
    assert client.post("/organisations", {"name": "Wijkhuis"}).status_code == 201


def test_an_anonymous_write_gets_401_not_a_csrf_refusal(world):
    response = Client(enforce_csrf_checks=True).post(
        "/api/organisations", data={"name": "Wijkhuis"}, content_type="application/json"
    )
    assert response.status_code == 401


def test_errors_come_in_the_users_own_language_without_accept_language(world):
    dutch = ApiClient(world.coordinator, accept_language=None)  # world users speak Dutch
    english = ApiClient(f.make_user("coordinator", institution=world.a, language="en"), accept_language=None)
    for client, message, language in (
        (dutch, "Dit veld kan niet leeg zijn", "nl"),
        (english, "This field cannot be blank.", "en"),
    ):
        response = client.post("/organisations", {"name": ""})
        assert response.status_code == 400
        assert response.json()["errors"]["name"] == [message]
        assert response["Content-Language"] == language


def test_the_accept_language_header_wins_for_a_token(world):
    response = ApiClient(world.coordinator).post(
        "/organisations", {"name": ""}, headers={"Accept-Language": "en-GB,en;q=0.8"}
    )
    assert response.json()["errors"]["name"] == ["This field cannot be blank."]
    assert response["Content-Language"] == "en"
