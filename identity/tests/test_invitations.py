"""Invitations: a coordinator invites a partner's staff member; the link is accepted once, expires, and is
refused when reused; the new partner lands on their organisation's page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import Role, User
from identity.models import Invitation


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    """Post the invitation form; the mail leaves once the transaction commits, as a commit would run it."""

    def send(client: Client, organisation, email: str = "jan@buurtwerk.example"):
        data = {"email": email, "first_name": "Jan", "last_name": "Peeters"}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(f"/organisations/{organisation.public_id}/invite/", data)

    return send


def mailed_link() -> str:
    assert mail.outbox, "no invitation was mailed"
    return re.search(r"https?://[^/\s]+(/invitation/\S+/)", mail.outbox[-1].body).group(1)


def test_a_coordinator_invites_and_the_partner_sets_a_password_and_lands_on_the_organisation(
    world, as_user, invite, english
):
    response = invite(as_user(world.coordinator), world.org)
    assert response.status_code == 302
    assert mail.outbox[0].to == ["jan@buurtwerk.example"]
    assert "Buurtwerk De Brug" in mail.outbox[0].subject
    link = mailed_link()

    visitor = Client()
    assert visitor.get(link).status_code == 200
    response = visitor.post(link, {"username": "jan", "password1": "Lange-zin-2026!", "password2": "Lange-zin-2026!"})
    assert response.status_code == 302
    assert response["Location"] == f"/organisations/{world.org.public_id}/"
    user = User.objects.get(username="jan")
    assert user.role == Role.PARTNER and user.organisation == world.org and user.email == "jan@buurtwerk.example"
    assert user.person is not None and user.person.institution == world.a
    assert visitor.get(response["Location"]).status_code == 200
    assert Invitation.objects.get().status == Invitation.Status.ACCEPTED
    assert Client().post("/login/", {"login": "jan", "password": "Lange-zin-2026!"}).status_code == 302


def test_a_partner_may_accept_without_a_password_and_later_signs_in_with_a_mailed_code(world, as_user, invite, english):
    invite(as_user(world.coordinator), world.org)
    link = mailed_link()
    visitor = Client()
    assert visitor.post(link, {"username": "jan", "password1": "", "password2": ""}).status_code == 302
    assert not User.objects.get(username="jan").has_usable_password()

    later = Client()
    response = later.post("/auth/login/code/", {"email": "jan@buurtwerk.example"})
    assert response.status_code == 302
    code = re.search(r"^\s*([A-Z0-9]{3,4}-?[A-Z0-9]{3,4})\s*$", mail.outbox[-1].body, re.MULTILINE).group(1)
    response = later.post(response["Location"], {"code": code})
    assert response.status_code == 302
    assert later.get(f"/organisations/{world.org.public_id}/").status_code == 200


def test_a_used_invitation_is_refused_the_second_time(world, as_user, invite, english):
    invite(as_user(world.coordinator), world.org)
    link = mailed_link()
    Client().post(link, {"username": "jan", "password1": "Lange-zin-2026!", "password2": "Lange-zin-2026!"})
    again = Client()
    response = again.get(link)
    assert response.status_code == 410 and "was used already" in response.content.decode()
    response = again.post(link, {"username": "jan2", "password1": "Lange-zin-2026!", "password2": "Lange-zin-2026!"})
    assert response.status_code == 410
    assert User.objects.filter(email="jan@buurtwerk.example").count() == 1


def test_an_expired_invitation_is_refused_and_creates_no_account(world, as_user, invite, english):
    invite(as_user(world.coordinator), world.org)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = Client().post(mailed_link(), {"username": "jan", "password1": "Lange-zin-2026!", "password2": "x"})
    assert response.status_code == 410 and "has expired" in response.content.decode()
    assert not User.objects.filter(username="jan").exists()


def test_a_weak_password_is_refused_next_to_the_field_and_saves_nothing(world, as_user, invite, english):
    invite(as_user(world.coordinator), world.org)
    response = Client().post(mailed_link(), {"username": "jan", "password1": "1234", "password2": "1234"})
    assert response.status_code == 400
    assert 'id="id_password1_error"' in response.content.decode()
    assert not User.objects.filter(username="jan").exists()
    assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_only_the_office_invites(world, as_user, invite):
    assert invite(as_user(world.faculty), world.org).status_code == 403
    assert invite(as_user(world.partner), world.org).status_code in (403, 404)
    assert not Invitation.objects.exists()
    assert Client().get(f"/organisations/{world.org.public_id}/invite/").status_code == 302
