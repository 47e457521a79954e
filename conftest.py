"""Named personas shared by every test: a coordinator, a faculty member, a student and a partner
of institution A's network, and an outsider who coordinates at institution B."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import Role
from network.models import SofarRole
from tests import factories as f

# The browser fixtures (page, log_in, ...) are available to every test module.
pytest_plugins = ["tests.browser_support"]


def pytest_configure(config: pytest.Config) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def world(db: None) -> SimpleNamespace:
    """Two institutions sharing one organisation directory, with one persona per role."""
    a = f.make_institution("Universiteit Aan de Schelde", short_name="UAS", slug="uas")
    b = f.make_institution("Hogeschool Buiten", short_name="HB", slug="hb")
    org = f.make_organisation("Buurtwerk De Brug", city="Gent", postcode="9000")
    other_org = f.make_organisation("Sportclub Elders", city="Leuven", postcode="3000")
    coord_p = f.make_person(a, SofarRole.ADMINISTRATOR, first_name="Cora", last_name="Coördinator")
    fac_p = f.make_person(a, SofarRole.FACULTY, first_name="Fien", last_name="Docent")
    stu_p = f.make_person(a, SofarRole.STUDENT, first_name="Sam", last_name="Student")
    staff_p = f.make_person(a, SofarRole.ORGANISATION, organisation=org, first_name="Pia", last_name="Partner")
    out_p = f.make_person(b, SofarRole.ADMINISTRATOR, first_name="Otto", last_name="Buiten")
    w = SimpleNamespace(
        a=a,
        b=b,
        org=org,
        other_org=other_org,
        coord_person=coord_p,
        faculty_person=fac_p,
        student_person=stu_p,
        staff_person=staff_p,
        outsider_person=out_p,
        coordinator=f.make_user(Role.COORDINATOR, institution=a, person=coord_p, username="coordinator"),
        faculty=f.make_user(Role.FACULTY, institution=a, person=fac_p, username="faculty"),
        student=f.make_user(Role.STUDENT, institution=a, person=stu_p, username="student"),
        partner=f.make_user(Role.PARTNER, organisation=org, person=staff_p, username="partner"),
        other_partner=f.make_user(Role.PARTNER, organisation=other_org, username="otherpartner"),
        outsider=f.make_user(Role.COORDINATOR, institution=b, person=out_p, username="outsider"),
    )
    return w


def client_for(user: object | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.fixture
def as_user():
    return client_for


@pytest.fixture
def english(world: SimpleNamespace, settings: object) -> Iterator[None]:
    """Pages and messages in English, for tests that read English text: every user and every
    visitor without a language cookie. Dutch is the default; the i18n tests cover it."""
    from django.utils import translation

    from accounts.models import User

    settings.LANGUAGE_CODE = "en"  # type: ignore[attr-defined]
    User.objects.update(language="en")
    with translation.override("en"):
        yield
