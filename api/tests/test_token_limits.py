"""API tokens with limits: a scope (read, or read and write), an expiry, a last use written at most once an hour."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ApiToken
from network.models import Organisation


def api(key: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {key}", "Accept-Language": "en"})


def test_a_read_only_token_reads_but_is_refused_on_a_write_with_403(world):
    _token, key = ApiToken.issue(world.coordinator, "rapport", scope=ApiToken.Scope.READ)
    assert api(key).get("/api/organisations").status_code == 200
    response = api(key).post(
        "/api/organisations", {"name": "Nieuwe vzw", "city": "Gent"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "only read" in response.json()["detail"]
    assert not Organisation.objects.filter(name="Nieuwe vzw").exists()


def test_a_read_and_write_token_may_write(world):
    _token, key = ApiToken.issue(world.coordinator, "sync", scope=ApiToken.Scope.READ_WRITE)
    response = api(key).post(
        "/api/organisations", {"name": "Nieuwe vzw", "city": "Gent"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert Organisation.objects.filter(name="Nieuwe vzw").exists()


def test_an_expired_token_gets_401(world):
    token, key = ApiToken.issue(world.faculty, "oud", expires_at=timezone.now() + timedelta(days=1))
    assert api(key).get("/api/people").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api(key).get("/api/people").status_code == 401


def test_the_last_use_is_written_once_an_hour_not_on_every_call(world):
    token, key = ApiToken.issue(world.faculty, "script")
    client = api(key)
    client.get("/api/people")
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/people")
    assert not [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(hours=1, seconds=1))
    client.get("/api/people")
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def test_the_tokens_page_makes_a_read_only_token_with_an_expiry(world, as_user):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = as_user(world.faculty).post(
        "/account/tokens/", {"name": "Lezer", "scope": "read", "expires_on": tomorrow}
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=world.faculty)
    assert token.scope == "read" and token.expires_at is not None


def test_an_expiry_in_the_past_is_refused_next_to_the_field(world, as_user):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = as_user(world.faculty).post(
        "/account/tokens/", {"name": "Lezer", "scope": "read", "expires_on": yesterday}
    )
    assert response.status_code == 400
    assert 'id="id_expires_on_error"' in response.content.decode()
    assert not ApiToken.objects.exists()
