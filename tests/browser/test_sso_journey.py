"""Single sign-on in Chromium against a real OpenID Connect provider on 127.0.0.1: a lecturer clicks their
institution, signs in at its provider and lands in Brug with the mapped role; a second institution with its own
provider stays apart; a student's claims never make them a coordinator."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role, User
from identity.models import IdentityProvider, SignInPolicy
from identity.services import save_identity_provider
from tests.identity_providers import oidc_provider

pytestmark = pytest.mark.browser

ACCOUNTS = {
    "lena": {"email": "lena@uas.example", "eduperson_affiliation": ["staff"], "given_name": "Lena"},
    "stan": {"email": "stan@uas.example", "eduperson_affiliation": ["student", "employee"], "given_name": "Stan"},
    "hanne": {"email": "hanne@hb.example", "eduperson_affiliation": ["faculty"], "given_name": "Hanne"},
}


@pytest.fixture
def providers(world, live_server):
    clients = [
        {
            "client_id": slug,
            "client_secret": f"{slug}-secret",
            "redirect_uris": [f"{live_server.url}/auth/oidc/{slug}/login/callback/"],
        }
        for slug in ("uas", "hb")
    ]
    with oidc_provider(clients, ACCOUNTS) as issuer:
        mapping = {"staff": "faculty", "faculty": "faculty", "student": "student", "employee": "coordinator"}
        for institution, domain in ((world.a, "uas.example"), (world.b, "hb.example")):
            SignInPolicy.objects.create(institution=institution, email_domains=domain)
            save_identity_provider(
                institution,
                by=None,
                name=f"Aanmelden met {institution.short_name}",
                slug=institution.slug,
                kind=IdentityProvider.Kind.OIDC,
                issuer=issuer,
                client_id=institution.slug,
                client_secret=f"{institution.slug}-secret",
                role_mapping=mapping,
            )
        yield issuer


@pytest.fixture(autouse=True)
def patient(page: Page) -> None:
    # Two servers and a browser on a shared machine: the provider's first answers can be slow.
    page.set_default_timeout(90_000)


def sign_in_at_provider(page: Page, login: str) -> None:
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any password")
    with page.expect_navigation():
        page.click("button[type=submit]")
    if page.locator("input[name=prompt][value=consent]").count():
        with page.expect_navigation():
            page.click("button[type=submit]")


def test_a_lecturer_clicks_the_institution_signs_in_there_and_lands_with_the_mapped_role(page, world, providers):
    page.goto("/login/")
    with page.expect_navigation():
        page.click("text=Aanmelden met UAS")
    assert page.url.startswith(providers)
    sign_in_at_provider(page, "lena")
    expect(page.locator("header .who")).to_contain_text("UAS")
    user = User.objects.get(email="lena@uas.example")
    assert (user.role, user.institution) == (Role.FACULTY, world.a)


def test_the_email_address_leads_to_the_second_institution_which_stays_apart(page, world, providers):
    page.goto("/login/")
    page.fill("#id_institution_email", "hanne@hb.example")
    with page.expect_navigation():
        page.press("#id_institution_email", "Enter")
    assert page.url.startswith(providers)
    sign_in_at_provider(page, "hanne")
    expect(page.locator("header .who")).to_contain_text("HB")
    assert User.objects.get(email="hanne@hb.example").institution == world.b
    assert not User.objects.filter(email="hanne@hb.example", institution=world.a).exists()


def test_a_students_claims_never_make_them_a_coordinator(page, world, providers):
    page.goto("/login/")
    with page.expect_navigation():
        page.click("text=Aanmelden met UAS")
    sign_in_at_provider(page, "stan")
    expect(page.locator("header .who")).to_contain_text("UAS")
    assert User.objects.get(email="stan@uas.example").role == Role.STUDENT
