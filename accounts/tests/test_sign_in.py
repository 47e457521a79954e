"""Signing in with a password: the login page, the admin's login, the throttle and its unlock, password reset,
and the idle timeout of a session."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from accounts.models import Role
from tests import factories as f


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    cache.clear()


def sign_in(client: Client, login: str, password: str, url: str = "/login/"):
    return client.post(url, {"login": login, "password": password})


def test_a_coordinator_signs_in_with_name_or_address_and_lands_on_the_dashboard(world):
    world.coordinator.email = "cora@uas.example"
    world.coordinator.save()
    response = sign_in(Client(), "coordinator", f.PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    response = sign_in(Client(), "CORA@uas.example", f.PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_wrong_password_is_refused_with_a_message_in_dutch(world):
    response = sign_in(Client(), "coordinator", "fout")
    assert response.status_code == 200
    assert "wachtwoord" in response.content.decode().lower()
    assert "_auth_user_id" not in response.client.session


def test_after_five_wrong_passwords_even_the_right_one_is_refused_until_the_office_unlocks(world, english):
    client = Client()
    for _attempt in range(5):
        assert sign_in(client, "faculty", "wrong").status_code == 200
    response = sign_in(client, "faculty", f.PASSWORD)
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Trying the account's other name does not reset the count.
    world.faculty.email = "fien@uas.example"
    world.faculty.save()
    assert "Too many failed" in sign_in(Client(), "fien@uas.example", f.PASSWORD).content.decode()

    call_command("unlock_sign_in", "faculty")
    assert sign_in(Client(), "faculty", f.PASSWORD).status_code == 302


def test_the_throttle_counts_failures_per_address_across_accounts(world, english, settings):
    client = Client()
    for number in range(20):
        sign_in(client, f"guess{number}", "wrong")
    response = sign_in(client, "coordinator", f.PASSWORD)
    assert "Too many failed login attempts" in response.content.decode()


def test_the_admin_login_goes_through_the_same_throttle(world, english):
    admin = f.make_user(Role.COORDINATOR, institution=world.a, username="root")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    for _attempt in range(5):
        sign_in(client, "root", "wrong")
    assert "Too many failed" in sign_in(client, "root", f.PASSWORD).content.decode()
    assert client.get("/admin/").status_code == 302
    # The admin's own form posts are sent to the same login page.
    assert client.post("/admin/login/", {"username": "root", "password": f.PASSWORD}).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_staff_member_who_is_not_admin_staff_is_refused_by_the_admin(world):
    client = Client()
    sign_in(client, "coordinator", f.PASSWORD)
    assert client.get("/admin/login/").status_code == 403


def test_a_forgotten_password_is_reset_through_a_mailed_link(world, english):
    world.partner.email = "pia@buurtwerk.example"
    world.partner.save()
    client = Client()
    response = client.post("/auth/password/reset/", {"email": "pia@buurtwerk.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["pia@buurtwerk.example"]
    link = re.search(r"http://testserver(/auth/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"password1": "Nieuw-wachtwoord-2026", "password2": "Nieuw-wachtwoord-2026"})
    assert response.status_code == 302
    assert sign_in(Client(), "partner", f.PASSWORD).status_code == 200
    assert sign_in(Client(), "partner", "Nieuw-wachtwoord-2026").status_code == 302


def test_a_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(world, english):
    response = Client().post("/auth/password/reset/", {"email": "nobody@nowhere.example"})
    assert response.status_code == 302
    assert all(message.to == ["nobody@nowhere.example"] for message in mail.outbox)
    assert not any("/password/reset/key/" in message.body for message in mail.outbox)


def test_a_session_left_idle_too_long_is_signed_out(world, settings):
    settings.BRUG_SESSION_IDLE_MINUTES = 30
    client = Client()
    sign_in(client, "coordinator", f.PASSWORD)
    assert client.get("/").status_code == 200
    session = client.session
    session["brug_last_seen"] -= 31 * 60
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]
