"""Single sign-on with OpenID Connect, against a real provider on 127.0.0.1 (see tests/identity_providers.py):
the first sign-in makes the account inside the provider's institution with the mapped role, institutions stay
apart, and a provider's error or a tampered answer gets a clear message and creates nothing."""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import Role, User
from identity.models import IdentityProvider, SignInPolicy
from identity.services import save_identity_provider
from network.models import SofarRole
from tests import factories as f
from tests.identity_providers import cancel_at, oidc_provider, sign_in_at

CALLBACK = "http://testserver/auth/oidc/{slug}/login/callback/"
ACCOUNTS = {
    "lena": {
        "email": "lena@uas.example",
        "eduperson_affiliation": ["staff"],
        "given_name": "Lena",
        "family_name": "Leraar",
    },
    "stan": {"email": "stan@student.uas.example", "eduperson_affiliation": ["student", "employee"]},
    "gone": {"email": "gone@uas.example", "eduperson_affiliation": []},
    "hanne": {"email": "hanne@hb.example", "eduperson_affiliation": ["staff"]},
    "otto": {"email": "otto@uas.example", "eduperson_affiliation": ["staff"]},
}


@pytest.fixture(scope="module")
def issuer() -> str:
    clients = [
        {"client_id": slug, "client_secret": f"{slug}-secret", "redirect_uris": [CALLBACK.format(slug=slug)]}
        for slug in ("uas", "hb")
    ]
    with oidc_provider(clients, ACCOUNTS) as url:
        yield url


@pytest.fixture
def sso(world: SimpleNamespace, issuer: str) -> SimpleNamespace:
    mapping = {"staff": "faculty", "faculty": "faculty", "student": "student", "employee": "coordinator"}
    for institution, domains in ((world.a, "uas.example, student.uas.example"), (world.b, "hb.example")):
        SignInPolicy.objects.create(institution=institution, email_domains=domains)
        save_identity_provider(
            institution,
            by=None,
            name=f"Sign in with {institution.short_name}",
            slug=institution.slug,
            kind=IdentityProvider.Kind.OIDC,
            issuer=issuer,
            client_id=institution.slug,
            client_secret=f"{institution.slug}-secret",
            role_attribute="eduperson_affiliation",
            role_mapping=mapping,
            office_roles_allowed=False,
        )
    return world


def start(client: Client, slug: str) -> str:
    response = client.get(f"/auth/oidc/{slug}/login/?process=login")
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def sign_in(client: Client, issuer: str, slug: str, login: str):
    back = sign_in_at(start(client, slug), issuer, login)
    parts = urlsplit(back)
    return client.get(f"{parts.path}?{parts.query}")


def test_a_lecturer_signs_in_with_the_institution_and_gets_an_account_linked_to_their_person(sso, issuer):
    person = f.make_person(sso.a, SofarRole.FACULTY, first_name="Lena", last_name="Leraar", email="lena@uas.example")
    client = Client()
    response = sign_in(client, issuer, "uas", "lena")
    assert response.status_code == 302 and response["Location"] == "/"
    user = User.objects.get(email="lena@uas.example")
    assert (user.role, user.institution, user.person) == (Role.FACULTY, sso.a, person)
    assert client.get("/").status_code == 200
    # The second time, the same account signs in.
    assert sign_in(Client(), issuer, "uas", "lena").status_code == 302
    assert User.objects.filter(email="lena@uas.example").count() == 1


def test_a_student_whose_claims_name_a_mapped_coordinator_value_stays_a_student(sso, issuer):
    sign_in(Client(), issuer, "uas", "stan")
    assert User.objects.get(email="stan@student.uas.example").role == Role.STUDENT


def test_the_office_may_allow_the_mapping_to_make_coordinators(sso, issuer):
    IdentityProvider.objects.filter(slug="uas").update(office_roles_allowed=True)
    sign_in(Client(), issuer, "uas", "stan")
    assert User.objects.get(email="stan@student.uas.example").role == Role.COORDINATOR


def test_a_second_institution_with_its_own_provider_stays_apart(sso, issuer):
    sign_in(Client(), issuer, "hb", "hanne")
    hanne = User.objects.get(email="hanne@hb.example")
    assert hanne.institution == sso.b
    # Someone of the first institution cannot come in through the second one's provider.
    client = Client()
    response = sign_in(client, issuer, "hb", "lena")
    assert response.status_code == 403
    assert "uas.example" in response.content.decode()
    assert not User.objects.filter(email="lena@uas.example").exists()


def test_an_address_that_belongs_to_another_institution_is_never_linked_across(sso, issuer):
    sso.outsider.email = "otto@uas.example"
    sso.outsider.save()
    response = sign_in(Client(), issuer, "uas", "otto")
    assert response.status_code == 403
    assert User.objects.filter(email="otto@uas.example").count() == 1
    assert not SocialAccount.objects.exists()


def test_someone_without_an_affiliation_gets_no_account(sso, issuer):
    response = sign_in(Client(), issuer, "uas", "gone")
    assert response.status_code == 403
    assert "geen rol" in response.content.decode()
    assert not User.objects.filter(email="gone@uas.example").exists()


def test_an_account_the_provider_no_longer_vouches_for_is_deactivated_and_its_network_stays(sso, issuer):
    person = f.make_person(sso.a, SofarRole.FACULTY, first_name="Lena", last_name="Leraar", email="lena@uas.example")
    sign_in(Client(), issuer, "uas", "lena")
    # The office no longer maps "staff": the provider now says nothing Brug gives a role for.
    IdentityProvider.objects.filter(slug="uas").update(role_mapping={"student": "student"})
    response = sign_in(Client(), issuer, "uas", "lena")
    assert response.status_code == 403
    assert not User.objects.get(email="lena@uas.example").is_active
    person.refresh_from_db()
    assert not person.is_active


def test_accounts_not_seen_for_the_configured_time_are_deactivated(sso, issuer):
    sign_in(Client(), issuer, "uas", "lena")
    SignInPolicy.objects.filter(institution=sso.a).update(deactivate_after_days=30)
    User.objects.filter(email="lena@uas.example").update(last_login=timezone.now() - timezone.timedelta(days=31))
    call_command("deactivate_unseen_accounts")
    assert not User.objects.get(email="lena@uas.example").is_active
    assert User.objects.get(username="coordinator").is_active


def test_the_email_address_chooses_the_institution_on_the_login_page(sso, issuer):
    client = Client()
    response = client.get("/login/institution/", {"email": "hanne@hb.example"})
    assert response.status_code == 302 and response["Location"].startswith("/auth/oidc/hb/login/")
    response = client.get("/login/institution/", {"email": "iemand@onbekend.example"})
    assert response.status_code == 400
    assert "onbekend.example" in response.content.decode()
    assert "Sign in with UAS" in client.get("/login/").content.decode()


def test_a_provider_that_answers_with_an_error_gets_a_clear_message_and_creates_nothing(sso, issuer):
    client = Client()
    back = urlsplit(cancel_at(start(client, "uas"), issuer))
    assert "error=" in back.query
    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 400
    assert "niet gelukt" in response.content.decode()
    assert not SocialAccount.objects.exists()


def test_an_answer_with_a_changed_state_is_refused_and_creates_nothing(sso, issuer):
    client = Client()
    back = urlsplit(sign_in_at(start(client, "uas"), issuer, "lena"))
    query = {key: values[0] for key, values in parse_qs(back.query).items()}
    query["state"] = "forged" + query["state"][6:]
    response = client.get(f"{back.path}?{urlencode(query)}")
    assert response.status_code == 400
    assert "niet gelukt" in response.content.decode()
    assert not User.objects.filter(email="lena@uas.example").exists()


def test_an_answer_replayed_in_another_browser_is_refused(sso, issuer):
    back = urlsplit(sign_in_at(start(Client(), "uas"), issuer, "lena"))
    response = Client().get(f"{back.path}?{back.query}")
    assert response.status_code == 400
    assert not User.objects.filter(email="lena@uas.example").exists()
