"""A second factor: enrolling an authenticator app (TOTP), signing in with it or with a recovery code,
and an institution that requires it of its coordinators and administrators."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.core.cache import cache
from django.test import Client

from identity.models import SignInPolicy
from tests import factories as f


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    cache.clear()


def signed_in(username: str) -> Client:
    client = Client()
    response = client.post("/login/", {"login": username, "password": f.PASSWORD})
    assert response.status_code == 302
    return client


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def enrol(client: Client) -> str:
    page = client.get("/auth/2fa/totp/activate/")
    # Setting up a second factor asks for the password once more.
    assert page.status_code == 302 and page["Location"].startswith("/auth/reauthenticate/")
    assert client.post(page["Location"], {"password": f.PASSWORD}).status_code == 302
    page = client.get("/auth/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post("/auth/2fa/totp/activate/", {"code": current_code(secret)})
    assert response.status_code == 302
    return secret


def test_a_lecturer_enrols_an_authenticator_app_and_then_needs_its_code_to_sign_in(world, english):
    secret = enrol(signed_in("faculty"))
    assert Authenticator.objects.filter(user=world.faculty, type=Authenticator.Type.TOTP).exists()

    client = Client()
    response = client.post("/login/", {"login": "faculty", "password": f.PASSWORD})
    assert response["Location"] == "/auth/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    wrong = client.post("/auth/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200 and "Incorrect code" in wrong.content.decode()
    response = client.post("/auth/2fa/authenticate/", {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_a_recovery_code_signs_in_once(world, english):
    enrol(signed_in("faculty"))
    authenticator = Authenticator.objects.get(user=world.faculty, type=Authenticator.Type.RECOVERY_CODES)
    code = RecoveryCodes(authenticator).get_unused_codes()[0]

    client = Client()
    client.post("/login/", {"login": "faculty", "password": f.PASSWORD})
    assert client.post("/auth/2fa/authenticate/", {"code": code}).status_code == 302
    assert client.get("/").status_code == 200

    again = Client()
    again.post("/login/", {"login": "faculty", "password": f.PASSWORD})
    response = again.post("/auth/2fa/authenticate/", {"code": code})
    assert response.status_code == 200 and "Incorrect code" in response.content.decode()
    assert "_auth_user_id" not in again.session


def test_an_institution_that_requires_it_sends_its_coordinator_to_set_up_a_second_factor(world, english):
    SignInPolicy.objects.create(institution=world.a, second_factor_for_office=True)
    client = signed_in("coordinator")
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/auth/2fa/totp/activate/"
    enrol(client)
    assert client.get("/").status_code == 200
    # Once required, the coordinator cannot remove it again.
    response = client.post("/auth/2fa/totp/deactivate/")
    assert Authenticator.objects.filter(user=world.coordinator, type=Authenticator.Type.TOTP).exists()


def test_the_requirement_leaves_students_and_other_institutions_alone(world):
    SignInPolicy.objects.create(institution=world.a, second_factor_for_office=True)
    for username in ("student", "outsider"):
        response = signed_in(username).get("/")
        assert response.status_code == 200 or "/auth/" not in response["Location"]


def test_an_institution_that_switched_off_local_passwords_refuses_them_with_a_message(world, english):
    SignInPolicy.objects.create(institution=world.a, local_passwords=False)
    client = Client()
    response = client.post("/login/", {"login": "faculty", "password": f.PASSWORD})
    assert response.status_code == 200
    assert "signs you in with its own account" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # A partner has no institution's provider: their password still works.
    assert signed_in("partner").get("/").status_code in (200, 302)


def test_adding_a_security_key_is_offered_with_scripts_the_strict_csp_allows(world, english):
    client = signed_in("faculty")
    page = client.get("/auth/2fa/webauthn/add/")
    assert client.post(page["Location"], {"password": f.PASSWORD}).status_code == 302
    page = client.get("/auth/2fa/webauthn/add/")
    assert page.status_code == 200
    assert "script-src 'self'" in page["Content-Security-Policy"]
    body = page.content.decode()
    assert '<script src="/static/mfa/js/webauthn.js"></script>' in body
    # Every other script element is data (JSON), which the browser does not run: no inline code.
    scripts = re.findall(r"<script([^>]*)>", body)
    assert scripts and all("src=" in attributes or 'type="application/json"' in attributes for attributes in scripts)
    assert "Security Keys" in client.get("/auth/2fa/").content.decode()
