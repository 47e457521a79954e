"""Single sign-on in Chromium against real SAML 2.0 identity providers on 127.0.0.1 (pysaml2, signing with
xmlsec1), one per institution: a lecturer clicks their institution, signs in at its IdP and lands in Brug with the
mapped role; a second institution with its own IdP stays apart; a student's attributes never make them a
coordinator; cancelling at the IdP ends on a clear page and makes no account."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role, User
from identity.models import IdentityProvider, SignInPolicy
from identity.services import save_identity_provider
from tests.identity_providers import saml_provider

pytestmark = pytest.mark.browser

UAS_ACCOUNTS = {
    "lena": {"mail": ["lena@uas.example"], "eduPersonAffiliation": ["member", "staff"], "givenName": ["Lena"]},
    "stan": {"mail": ["stan@uas.example"], "eduPersonAffiliation": ["student", "employee"], "givenName": ["Stan"]},
}
HB_ACCOUNTS = {
    "hanne": {"mail": ["hanne@hb.example"], "eduPersonScopedAffiliation": ["faculty@hb.example"]},
}
MAPPING = {"staff": "faculty", "faculty": "faculty", "student": "student", "employee": "coordinator"}


@pytest.fixture
def idps(world):
    # The HB IdP names attributes the older way (urn:mace:dir:attribute-def:...), the UAS one by OID.
    with saml_provider(UAS_ACCOUNTS) as uas, saml_provider(HB_ACCOUNTS, name_format="basic") as hb:
        for institution, domain, base, attribute in (
            (world.a, "uas.example", uas, "eduPersonAffiliation"),
            (world.b, "hb.example", hb, "eduPersonScopedAffiliation"),
        ):
            SignInPolicy.objects.create(institution=institution, email_domains=domain)
            save_identity_provider(
                institution,
                by=None,
                name=f"Aanmelden met {institution.short_name}",
                slug=f"{institution.slug}-saml",
                kind=IdentityProvider.Kind.SAML,
                metadata_url=f"{base}/metadata",
                role_attribute=attribute,
                role_mapping=MAPPING,
            )
        yield {"uas": uas, "hb": hb}


@pytest.fixture
def brug(page: Page, live_server) -> str:
    # Two servers and a browser on a shared machine: the IdP's first answers can be slow.
    page.set_default_timeout(90_000)
    # python3-saml refuses single-label host names such as "localhost" in Brug's own addresses.
    return live_server.url.replace("localhost", "127.0.0.1")


def sign_in_at_idp(page: Page, login: str) -> None:
    page.fill("#login", login)
    page.click("button[type=submit]:not([name=cancel])")


def test_a_lecturer_clicks_the_institution_signs_in_at_its_idp_and_lands_with_the_mapped_role(page, world, idps, brug):
    page.goto(f"{brug}/login/")
    with page.expect_navigation():
        page.click("text=Aanmelden met UAS")
    assert page.url.startswith(idps["uas"])
    sign_in_at_idp(page, "lena")
    expect(page.locator("header .who")).to_contain_text("UAS")
    user = User.objects.get(email="lena@uas.example")
    assert (user.role, user.institution, user.first_name) == (Role.FACULTY, world.a, "Lena")


def test_the_email_address_leads_to_the_second_institutions_idp_which_stays_apart(page, world, idps, brug):
    page.goto(f"{brug}/login/")
    page.fill("#id_institution_email", "hanne@hb.example")
    with page.expect_navigation():
        page.press("#id_institution_email", "Enter")
    assert page.url.startswith(idps["hb"])
    sign_in_at_idp(page, "hanne")
    expect(page.locator("header .who")).to_contain_text("HB")
    assert User.objects.get(email="hanne@hb.example").institution == world.b
    assert not User.objects.filter(email="hanne@hb.example", institution=world.a).exists()


def test_a_students_attributes_never_make_them_a_coordinator(page, world, idps, brug):
    page.goto(f"{brug}/login/")
    with page.expect_navigation():
        page.click("text=Aanmelden met UAS")
    sign_in_at_idp(page, "stan")
    expect(page.locator("header .who")).to_contain_text("UAS")
    assert User.objects.get(email="stan@uas.example").role == Role.STUDENT


def test_cancelling_at_the_idp_ends_on_a_clear_page_and_makes_no_account(page, world, idps, brug):
    page.goto(f"{brug}/login/")
    with page.expect_navigation():
        page.click("text=Aanmelden met UAS")
    page.fill("#login", "lena")
    page.click("button[name=cancel]")
    expect(page.locator("h1")).to_have_text("Aanmelden is niet gelukt")
    expect(page.locator("[role=alert]")).to_contain_text("Er is niets bewaard")
    assert not User.objects.filter(email="lena@uas.example").exists()
