"""Finding 5 (and the join codes of finding 7): rate limits count the visitor, not the proxy in front of
Brug, cannot be dodged with a made-up X-Forwarded-For, and hold across processes sharing one cache."""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import cache, caches
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from lib.client_address import client_address
from reflection.services import close_workshop, start_workshop
from reflection.tests.helpers import builtin_dilemma
from web.views import workshop

PROXY = "10.0.0.7"
JOIN = "/join/"


WRONG_CODES = 3


@pytest.fixture(autouse=True)
def _fresh_counters(monkeypatch):
    monkeypatch.setattr(workshop, "WRONG_CODES", WRONG_CODES)
    cache.clear()
    yield
    cache.clear()


def _address(remote: str, forwarded: str | None = None) -> str:
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))


def _guess(client: Client, *, remote: str, forwarded: str | None = None, code: str = "ZZZZZZ") -> int:
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client.post(JOIN, {"code": code}, REMOTE_ADDR=remote, **headers).status_code


def test_without_trusted_proxies_the_connecting_address_is_the_client_whatever_the_header_says():
    assert _address("203.0.113.9", "198.51.100.1") == "203.0.113.9"
    assert _address("203.0.113.9") == "203.0.113.9"
    assert _address("not an address") == "unknown"


@override_settings(BRUG_TRUSTED_PROXIES=["10.0.0.0/24", "2001:db8::/32"])
def test_behind_trusted_proxies_the_rightmost_untrusted_hop_is_the_client():
    # The visitor wrote the first two entries; our two proxies wrote the rest.
    assert _address(PROXY, "1.2.3.4, 198.51.100.1, 10.0.0.3") == "198.51.100.1"
    assert _address(PROXY, "198.51.100.1") == "198.51.100.1"
    assert _address("2001:db8::5", "[2001:db8::9]:443, 198.51.100.2:5555") == "198.51.100.2"
    # No header, or nothing but our proxies: the nearest proxy's address is all we know.
    assert _address(PROXY) == PROXY
    assert _address(PROXY, "10.0.0.3") == "10.0.0.3"
    # Garbage right of the client cannot come from our proxies: it stops the walk.
    assert _address(PROXY, "198.51.100.1, garbage") == PROXY
    # A peer outside the trusted networks is the client, whatever it forwards.
    assert _address("203.0.113.9", "198.51.100.1") == "203.0.113.9"


@override_settings(BRUG_TRUSTED_PROXIES=["not-a-network"])
def test_a_trusted_proxy_that_is_not_an_address_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="BRUG_TRUSTED_PROXIES"):
        _address(PROXY)


@override_settings(BRUG_TRUSTED_PROXIES=[PROXY])
def test_behind_a_trusted_proxy_two_visitors_have_separate_buckets(db):
    client = Client()
    statuses = [_guess(client, remote=PROXY, forwarded="198.51.100.1") for _ in range(WRONG_CODES + 1)]
    assert statuses == [400] * WRONG_CODES + [429]
    # Another visitor through the same proxy is not punished for the first one's guesses.
    assert _guess(client, remote=PROXY, forwarded="198.51.100.2") == 400


def test_a_made_up_forwarded_header_from_an_untrusted_peer_does_not_give_a_fresh_bucket(db):
    client = Client()
    statuses = [_guess(client, remote="203.0.113.9", forwarded=f"198.51.100.{n}") for n in range(1, WRONG_CODES + 2)]
    assert statuses == [400] * WRONG_CODES + [429]


def test_an_address_that_guessed_too_many_codes_is_refused_even_the_right_one(world, client):
    session = start_workshop(
        by=world.coordinator, institution=world.a, title="Tafel", dilemmas=[builtin_dilemma("strategic-or-ad-hoc")]
    )
    # Codes of closed sessions are not guesses: participants' pages keep asking after the end.
    closed = start_workshop(
        by=world.coordinator, institution=world.a, title="Oud", dilemmas=[builtin_dilemma("strategic-or-ad-hoc")]
    )
    close_workshop(closed, by=world.coordinator)
    for _ in range(WRONG_CODES + 2):
        assert client.get(reverse("workshop-participate", args=[closed.code])).status_code == 404
    assert _guess(client, remote="127.0.0.1", code=session.code) == 302

    for _ in range(WRONG_CODES - 1):
        assert _guess(client, remote="127.0.0.1") == 400
    assert client.get(reverse("workshop-participate", args=["ZZZZZZ"])).status_code == 404  # the last guess
    response = client.post(JOIN, {"code": session.code})
    assert response.status_code == 429
    assert "Too many wrong codes" in response.content.decode() or "Te veel foute codes" in response.content.decode()
    assert client.get(reverse("workshop-participate", args=[session.code])).status_code == 429
    # Another address still joins.
    assert Client().post(JOIN, {"code": session.code}, REMOTE_ADDR="192.0.2.44").status_code == 302


def _redis(db_number: int, prefix: str) -> dict[str, object]:
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:6379/{db_number}",
        "KEY_PREFIX": prefix,
    }


def test_the_limit_holds_across_two_processes_sharing_one_redis(db):
    prefix = f"brug-sec-defaults-{uuid.uuid4().hex}"
    shared = {"default": _redis(11, prefix), "second_process": _redis(11, prefix)}
    client = Client()
    with override_settings(CACHES=shared):
        try:
            half = WRONG_CODES // 2
            with override_settings(RATELIMIT_USE_CACHE="default"):
                assert [_guess(client, remote="198.51.100.1") for _ in range(half)] == [400] * half
            # The other "process" has a client of its own, with its own connection: it sees the same counter.
            assert caches["second_process"] is not caches["default"]
            with override_settings(RATELIMIT_USE_CACHE="second_process"):
                rest = [_guess(client, remote="198.51.100.1") for _ in range(WRONG_CODES - half + 1)]
            assert rest == [400] * (WRONG_CODES - half) + [429]
        finally:
            caches["default"].clear()
