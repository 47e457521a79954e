"""Finding 3 (calendar part): a feed address is a random secret of its owner, not a signature anyone who
knows the server's key can make; the owner renews it or switches it off, on the tokens page and in the API."""

from __future__ import annotations

import pytest
from django.core import signing
from django.urls import reverse

from accounts.models import User
from agreements.ical import partnership_token, user_token
from agreements.tests.helpers import make_agreement, send
from api.tests.support import ApiClient
from audit.models import AuditEntry


@pytest.fixture
def sent(world, django_capture_on_commit_callbacks):
    User.objects.update(language="en")
    world.coordinator.refresh_from_db()
    agreement = make_agreement(world)
    send(agreement, world.coordinator, django_capture_on_commit_callbacks)
    return agreement


def _feed(client, url: str) -> int:
    return client.get(url).status_code


def test_a_feed_address_signed_with_the_servers_key_opens_nobodys_calendar(world, client, sent):
    superuser = User.objects.create_superuser("root", "root@example.org", "x")
    for user in (superuser, world.coordinator):
        forged = signing.Signer(salt="agreements.ical.user").sign_object({"u": user.pk})
        assert _feed(client, reverse("agreement-calendar-user", args=[forged])) == 404
        forged = signing.Signer(salt="agreements.ical.partnership").sign_object(
            {"u": user.pk, "p": str(sent.partnership.public_id)}
        )
        assert _feed(client, reverse("agreement-calendar-partnership", args=[forged])) == 404


def test_two_users_have_unrelated_random_addresses(world):
    mine, theirs = user_token(world.coordinator), user_token(world.faculty)
    assert mine != theirs and len(mine) >= 40
    assert str(world.coordinator.pk) not in mine.split(".")


def test_renewing_on_the_tokens_page_stops_every_earlier_address(world, as_user, client, sent):
    own = reverse("agreement-calendar-user", args=[user_token(world.coordinator)])
    shared = reverse("agreement-calendar-partnership", args=[partnership_token(world.coordinator, sent.partnership)])
    colleague = reverse("agreement-calendar-user", args=[user_token(world.faculty)])
    assert _feed(client, own) == _feed(client, shared) == 200

    page = as_user(world.coordinator)
    response = page.post(reverse("calendar-renew"), follow=True)
    assert "earlier addresses no longer work" in response.content.decode()
    assert _feed(client, own) == _feed(client, shared) == 404
    assert _feed(client, colleague) == 200  # someone else's renewal leaves mine alone
    renewed = reverse("agreement-calendar-user", args=[user_token(world.coordinator)])
    assert renewed != own and _feed(client, renewed) == 200
    assert renewed in page.get(reverse("api-tokens")).content.decode()
    assert AuditEntry.objects.filter(action="renewed calendar address", actor=world.coordinator).exists()


def test_switching_off_stops_the_feeds_until_renewed(world, as_user, client, sent):
    own = reverse("agreement-calendar-user", args=[user_token(world.coordinator)])
    page = as_user(world.coordinator)
    page.post(reverse("calendar-switch-off"))
    assert _feed(client, own) == 404
    assert user_token(world.coordinator) is None
    assert "You switched your calendar feeds off." in page.get(reverse("agreement-list")).content.decode()
    assert "switched off" in page.get(reverse("api-tokens")).content.decode()
    page.post(reverse("calendar-renew"))
    assert _feed(client, reverse("agreement-calendar-user", args=[user_token(world.coordinator)])) == 200
    assert _feed(client, own) == 404


def test_renew_and_switch_off_need_a_login_and_a_post(world, as_user, client):
    assert client.post(reverse("calendar-renew")).status_code == 302
    assert as_user(world.coordinator).get(reverse("calendar-renew")).status_code == 405
    assert as_user(world.coordinator).get(reverse("calendar-switch-off")).status_code == 405


def test_the_api_renews_and_switches_off_the_callers_own_address(world, client, sent):
    api = ApiClient(world.coordinator)
    before = api.get("/agreements/calendar").json()["agreements"]
    renewed = api.post("/agreements/calendar/renew", {})
    assert renewed.status_code == 200
    after = renewed.json()["agreements"]
    assert after != before and _feed(client, after) == 200 and _feed(client, before) == 404

    assert api.client.delete("/api/agreements/calendar", headers=api.headers).status_code == 204
    assert _feed(client, after) == 404
    assert api.get("/agreements/calendar").json()["agreements"] is None
    assert ApiClient(None).post("/agreements/calendar/renew", {}).status_code == 401
