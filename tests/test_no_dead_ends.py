"""No path that ends nowhere: every link a person is shown opens for that person, in both languages, and the
pages that say "no" (403, 404, 500) are the site's own, in the visitor's language, with a way on.

The crawl walks the demo (``load_demo`` at a small scale) as every demo login, from the header's navigation,
and opens every link it finds (see ``tests/crawl.py``).
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from demo.management.commands.load_demo import LOGINS
from lib.scoping import unscoped
from network.links import may_open
from network.models import Organisation, Person
from tests import factories as f
from tests.crawl import crawl
from web.navigation import sections_for


@pytest.fixture
def demo(db: None) -> None:
    with translation.override("en"):
        call_command("load_demo", "--scale", "0.03", stdout=io.StringIO())


def _client(user: User, language: str) -> Client:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


# Dutch (the default) walks the whole demo; English walks the first pages of every login again, enough to
# catch a page that breaks only in English, and keeps the test near three minutes on a small machine.
PAGES_PER_LANGUAGE = {"nl": 400, "en": 120}


def test_no_demo_login_is_shown_a_link_that_answers_403_404_or_an_error_in_either_language(demo: None) -> None:
    report = []
    for language, max_pages in PAGES_PER_LANGUAGE.items():
        for login in LOGINS:
            user = User.objects.get(username=login.username)
            start = ["/"] + [entry.url for section in sections_for(user) for entry in section.entries]
            result = crawl(_client(user, language), start, max_pages=max_pages)
            assert result.pages > 5, login.username
            report += [
                f"{language} {login.username}: {src} links {url} ({status})" for src, url, status in result.broken
            ]
    assert report == []


def test_a_name_is_a_link_exactly_when_its_page_opens(world) -> None:
    with unscoped("comparing the link rule with the scopes"):
        people = list(Person.objects.all())
        organisations = list(Organisation.objects.all())
        for user in (world.coordinator, world.faculty, world.student, world.partner, world.outsider):
            visible_people = set(Person.objects.for_user(user).values_list("pk", flat=True))
            visible_organisations = set(Organisation.objects.for_user(user).values_list("pk", flat=True))
            assert {p.pk for p in people if may_open(user, p)} == visible_people, user.username
            assert {o.pk for o in organisations if may_open(user, o)} == visible_organisations, user.username


@pytest.mark.parametrize(
    ("language", "heading"), [("nl", "Pagina niet gevonden"), ("en", "Page not found")], ids=["nl", "en"]
)
def test_a_missing_page_answers_in_the_site_layout_and_the_visitors_language(world, language, heading) -> None:
    response = _client(world.coordinator, language).get("/organisations/00000000-0000-0000-0000-000000000000/")
    html = response.content.decode()
    assert response.status_code == 404
    assert heading in html
    assert 'class="site-header"' in html and 'href="/organisations/"' in html  # the header and a way on


@pytest.mark.parametrize(("language", "heading"), [("nl", "Dit mag u niet"), ("en", "You may not do this")])
def test_a_forbidden_page_answers_in_the_site_layout_and_the_visitors_language(world, language, heading) -> None:
    response = _client(world.student, language).get(reverse("person-create"))
    html = response.content.decode()
    assert response.status_code == 403
    assert heading in html and 'class="site-header"' in html
    assert "403 Forbidden" not in html


def test_a_lecturer_is_offered_reflection_only_on_a_course_they_teach(world) -> None:
    theirs = f.make_course(world.a, [world.faculty_person], title="Eigen vak")
    colleague = f.make_person(world.a, "F", first_name="Ander", last_name="Docent")
    other = f.make_course(world.a, [colleague], title="Vak van een collega")
    client = _client(world.faculty, "en")
    for course, offered in ((theirs, True), (other, False)):
        html = client.get(reverse("course-detail", args=[course.public_id])).content.decode()
        assert (reverse("workbook-start", args=[course.public_id]) in html) is offered, course.title


def test_a_server_error_answers_with_the_sites_own_page(client, settings) -> None:
    settings.ROOT_URLCONF = "tests.production.urls_failing"
    client.raise_request_exception = False
    with translation.override("nl"):
        response = client.get("/failing/", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 500
    assert "Er ging bij ons iets mis" in response.content.decode()
