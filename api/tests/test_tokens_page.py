"""The page where users make and revoke their own API tokens, and the management command."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import ApiToken
from audit.models import AuditEntry

URL = "/account/tokens/"


def key_on(html: str) -> str:
    match = re.search(r'id="new-key"[^>]*value="(brug_[^"]+)"', html)
    assert match, "no new key on the page"
    return match.group(1)


def test_an_anonymous_visitor_is_sent_to_log_in(db):
    response = Client().get(URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_user_makes_a_token_sees_the_key_once_and_it_works(world, as_user):
    browser = as_user(world.faculty)
    response = browser.post(URL, {"name": "Rapport-script", "scope": "read"})
    assert response.status_code == 200
    key = key_on(response.content.decode())
    assert "no-store" in response["Cache-Control"]
    api = Client().get("/api/people", headers={"Authorization": f"Bearer {key}"})
    assert api.status_code == 200
    listing = browser.get(URL).content.decode()
    assert "Rapport-script" in listing and key not in listing
    assert AuditEntry.objects.filter(action="issued API token", actor=world.faculty).exists()


def test_a_token_without_a_name_is_refused_with_a_message(world, as_user):
    response = as_user(world.faculty).post(URL, {"name": "   "})
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_each_user_sees_only_their_own_tokens(world, as_user):
    ApiToken.issue(world.outsider, "Buitenscript")
    ApiToken.issue(world.partner, "Partnerscript")
    html = as_user(world.partner).get(URL).content.decode()
    assert "Partnerscript" in html and "Buitenscript" not in html


def test_a_user_revokes_a_token_and_it_stops_working(world, as_user):
    token, key = ApiToken.issue(world.coordinator, "Oud script")
    response = as_user(world.coordinator).post(f"{URL}{token.prefix}/revoke/")
    assert response.status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert Client().get("/api/people", headers={"Authorization": f"Bearer {key}"}).status_code == 401


def test_nobody_can_revoke_someone_elses_token(world, as_user):
    token, _key = ApiToken.issue(world.coordinator, "Oud script")
    for user in (world.outsider, world.faculty, world.other_partner):
        assert as_user(user).post(f"{URL}{token.prefix}/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_revoking_needs_a_post(world, as_user):
    token, _key = ApiToken.issue(world.coordinator, "Oud script")
    assert as_user(world.coordinator).get(f"{URL}{token.prefix}/revoke/").status_code == 405
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_the_tokens_page_runs_the_same_number_of_queries_for_3_or_30_tokens(
    world, as_user, django_assert_max_num_queries
):
    browser = as_user(world.coordinator)
    for n in range(3):
        ApiToken.issue(world.coordinator, f"script {n}")
    with django_assert_max_num_queries(8) as small:
        assert browser.get(URL).status_code == 200
    for n in range(27):
        ApiToken.issue(world.coordinator, f"script {n + 3}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert browser.get(URL).status_code == 200


# The management command


def test_the_command_prints_a_key_that_authenticates(world):
    out = StringIO()
    call_command("create_api_token", "coordinator", "--name", "Import", stdout=out)
    key = out.getvalue().strip()
    assert key.startswith("brug_")
    assert ApiToken.objects.get(user=world.coordinator).name == "Import"
    assert Client().get("/api/people", headers={"Authorization": f"Bearer {key}"}).status_code == 200


def test_the_command_refuses_an_unknown_or_inactive_user(world):
    with pytest.raises(CommandError, match="No user"):
        call_command("create_api_token", "nobody", "--name", "x", stdout=StringIO())
    type(world.faculty).objects.filter(pk=world.faculty.pk).update(is_active=False)
    with pytest.raises(CommandError, match="not active"):
        call_command("create_api_token", "faculty", "--name", "x", stdout=StringIO())
    assert not ApiToken.objects.exists()
