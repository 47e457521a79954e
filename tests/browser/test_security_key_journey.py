"""A security key (WebAuthn) as second factor for a local account, in Chromium with its virtual authenticator
(DevTools' WebAuthn domain) instead of a real key: enrolling it, then signing in with it. allauth's WebAuthn
script is served as a static file, so Brug's strict Content-Security-Policy holds: the page logs no refusal."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import Page, expect

from tests import factories as f

pytestmark = pytest.mark.browser


@pytest.fixture
def security_key(page: Page) -> dict:
    """A virtual FIDO2 key plugged into this browser: it answers every request as if touched."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "usb",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    return {"cdp": cdp, "id": authenticator["authenticatorId"]}


@pytest.fixture
def csp_refusals(page: Page) -> list[str]:
    refusals: list[str] = []
    page.on(
        "console", lambda message: refusals.append(message.text) if "Content Security Policy" in message.text else None
    )
    return refusals


def test_a_lecturer_enrols_a_security_key_and_signs_in_with_it(page, world, log_in, security_key, csp_refusals):
    log_in("faculty", f.PASSWORD)
    page.goto("/auth/2fa/webauthn/add/")
    # Adding a second factor asks for the password once more.
    page.fill("#id_password", f.PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/auth/2fa/webauthn/add/" in page.url
    page.fill("#id_name", "Sleutel op de sleutelbos")
    with page.expect_navigation():
        page.click("#mfa_webauthn_add")
    key = Authenticator.objects.get(user=world.faculty, type=Authenticator.Type.WEBAUTHN)
    assert key.wrap().name == "Sleutel op de sleutelbos"
    credentials = security_key["cdp"].send("WebAuthn.getCredentials", {"authenticatorId": security_key["id"]})
    assert len(credentials["credentials"]) == 1

    page.context.clear_cookies()
    page.goto("/login/")
    page.fill("#id_login", "faculty")
    page.fill("#id_password", f.PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/auth/2fa/authenticate/" in page.url
    with page.expect_navigation():
        page.click("#mfa_webauthn_authenticate")
    expect(page.locator("header .who")).to_be_visible()
    assert "/auth/2fa/" not in page.url and "/login/" not in page.url
    assert csp_refusals == []
