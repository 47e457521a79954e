"""The language switch in the header: Dutch by default, English on request, remembered per visitor."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import User


def page_language(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', html)
    assert match, "the page has no html lang attribute"
    return match.group(1)


def switch(client, language: str, next_url: str):
    return client.post(reverse("set-language"), {"language": language, "next": next_url})


@pytest.mark.django_db
def test_an_anonymous_visitor_sees_dutch_by_default(client):
    response = client.get(reverse("login"))
    assert page_language(response.content.decode()) == "nl"


@pytest.mark.django_db
def test_an_anonymous_visitor_who_switches_to_english_gets_english_pages_from_a_cookie(client):
    response = switch(client, "en", reverse("login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    page = client.get(reverse("login"))
    assert page_language(page.content.decode()) == "en"
    assert re.search(r'value="en"[^>]*aria-pressed="true"', page.content.decode())


@pytest.mark.django_db
def test_an_anonymous_visitor_can_switch_back_to_dutch(client):
    switch(client, "en", reverse("login"))
    switch(client, "nl", reverse("login"))
    assert page_language(client.get(reverse("login")).content.decode()) == "nl"


def test_a_logged_in_user_who_switches_keeps_english_on_the_account(world, as_user):
    client = as_user(world.coordinator)
    assert page_language(client.get(reverse("dashboard")).content.decode()) == "nl"

    response = switch(client, "en", reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    world.coordinator.refresh_from_db()
    assert world.coordinator.language == "en"
    assert page_language(client.get(reverse("dashboard")).content.decode()) == "en"


def test_the_language_on_the_account_follows_the_user_to_a_new_browser(world, as_user):
    switch(as_user(world.coordinator), "en", reverse("dashboard"))
    fresh_browser = as_user(world.coordinator)
    assert page_language(fresh_browser.get(reverse("dashboard")).content.decode()) == "en"


def test_the_language_on_the_account_wins_over_the_browsers_language(world, as_user):
    User.objects.filter(pk=world.coordinator.pk).update(language="en")
    client = as_user(world.coordinator)
    response = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="nl-BE,nl;q=0.9")
    assert page_language(response.content.decode()) == "en"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/phish", "//evil.example/phish", "http://testserver.evil.example/", "https:/evil.example"],
)
def test_the_switch_refuses_to_send_anyone_to_another_site(client, next_url):
    response = switch(client, "en", next_url)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_the_switch_refuses_an_external_next_for_a_logged_in_user_too(world, as_user):
    response = switch(as_user(world.coordinator), "en", "https://evil.example/")
    assert response["Location"] == "/"


def test_an_unknown_language_changes_nothing(world, as_user):
    client = as_user(world.coordinator)
    response = switch(client, "xx", reverse("dashboard"))
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    world.coordinator.refresh_from_db()
    assert world.coordinator.language == "nl"
    assert page_language(client.get(reverse("dashboard")).content.decode()) == "nl"


@pytest.mark.django_db
def test_the_switch_only_answers_a_post(client):
    assert client.get(reverse("set-language"), {"language": "en", "next": "/"}).status_code == 405
