"""The office's sign-in settings page: rules, identity providers with the addresses to give to IT, unlocking a
throttled account; and anyone's "sign out everywhere"."""

from __future__ import annotations

from django.core.cache import cache
from django.test import Client

from identity.models import IdentityProvider, SignInPolicy
from tests import factories as f

URL = "/settings/sign-in/"


def test_only_the_office_opens_the_sign_in_settings(world, as_user):
    response = as_user(world.coordinator).get(URL)
    assert response.status_code == 200
    # The page's title is its name only (it once held the whole unlock form as text).
    assert "<title>Aanmeldinstellingen · Brug</title>" in response.content.decode()
    assert as_user(world.faculty).get(URL).status_code == 403
    assert as_user(world.partner).get(URL).status_code == 403
    assert Client().get(URL).status_code == 302


def test_the_office_sets_its_rules(world, as_user):
    response = as_user(world.coordinator).post(
        URL, {"save_policy": "1", "email_domains": "uas.example", "second_factor_for_office": "on"}
    )
    assert response.status_code == 302
    policy = SignInPolicy.objects.get(institution=world.a)
    assert policy.domains == ["uas.example"] and policy.second_factor_for_office and not policy.local_passwords


def test_the_office_adds_a_provider_and_sees_the_redirect_address_for_its_it_department(world, as_user):
    client = as_user(world.coordinator)
    data = {
        "name": "Aanmelden met UAS",
        "slug": "uas",
        "kind": "openid_connect",
        "issuer": "https://login.uas.example/realms/uas",
        "client_id": "brug",
        "client_secret": "geheim",
        "role_attribute": "eduperson_affiliation",
        "role_mapping_text": "staff = faculty\nstudent = student",
    }
    assert client.post("/settings/sign-in/providers/new/", data).status_code == 302
    provider = IdentityProvider.objects.get(slug="uas")
    assert provider.institution == world.a and provider.role_mapping == {"staff": "faculty", "student": "student"}
    assert provider.app.settings["server_url"] == "https://login.uas.example/realms/uas"
    assert "http://testserver/auth/oidc/uas/login/callback/" in client.get(URL).content.decode()
    # Another institution's office neither sees nor edits it.
    outsider = as_user(world.outsider)
    assert "login.uas.example" not in outsider.get(URL).content.decode()
    assert outsider.get("/settings/sign-in/providers/uas/").status_code == 404


def test_the_office_adds_a_saml_provider_and_sees_brugs_metadata_and_acs_addresses(world, as_user):
    client = as_user(world.coordinator)
    data = {
        "name": "Aanmelden met UAS (SAML)",
        "slug": "uas-saml",
        "kind": "saml",
        "metadata_url": "https://idp.uas.example/idp/shibboleth",
        "role_attribute": "urn:oid:1.3.6.1.4.1.5923.1.1.1.1",
        "role_mapping_text": "staff = faculty",
    }
    assert client.post("/settings/sign-in/providers/new/", data).status_code == 302
    provider = IdentityProvider.objects.get(slug="uas-saml")
    assert provider.app.settings["idp"]["metadata_url"] == "https://idp.uas.example/idp/shibboleth"
    page = client.get(URL).content.decode()
    assert "http://testserver/auth/saml/uas-saml/metadata/" in page
    assert "http://testserver/auth/saml/uas-saml/acs/" in page


def test_a_saml_provider_without_metadata_is_refused_next_to_the_field(world, as_user):
    data = {"name": "X", "slug": "x", "kind": "saml", "role_attribute": "eduPersonAffiliation"}
    response = as_user(world.coordinator).post("/settings/sign-in/providers/new/", data)
    assert response.status_code == 400
    assert 'id="id_metadata_url_error"' in response.content.decode()
    assert not IdentityProvider.objects.exists()


def test_a_mapping_line_without_a_brug_role_is_refused_next_to_the_field(world, as_user, english):
    data = {"name": "X", "slug": "x", "kind": "openid_connect", "issuer": "https://x.example", "client_id": "a"}
    data.update({"client_secret": "b", "role_attribute": "affiliation", "role_mapping_text": "staff = boss"})
    response = as_user(world.coordinator).post("/settings/sign-in/providers/new/", data)
    assert response.status_code == 400
    assert "Line 1" in response.content.decode()
    assert not IdentityProvider.objects.exists()


def test_an_oidc_provider_without_an_issuer_is_refused_and_saves_nothing(world, as_user):
    data = {"name": "X", "slug": "x", "kind": "openid_connect", "client_id": "a", "client_secret": "b"}
    data["role_attribute"] = "affiliation"
    response = as_user(world.coordinator).post("/settings/sign-in/providers/new/", data)
    assert response.status_code == 400
    assert 'id="id_issuer_error"' in response.content.decode()
    assert not IdentityProvider.objects.exists()


def test_the_office_unlocks_a_throttled_colleague(world, as_user):
    cache.clear()
    for _attempt in range(5):
        Client().post("/login/", {"login": "faculty", "password": "wrong"})
    assert Client().post("/login/", {"login": "faculty", "password": f.PASSWORD}).status_code == 200
    as_user(world.coordinator).post(URL, {"unlock": "faculty"})
    assert Client().post("/login/", {"login": "faculty", "password": f.PASSWORD}).status_code == 302
    # Someone of another institution cannot be unlocked from here.
    response = as_user(world.outsider).post(URL, {"unlock": "faculty"}, follow=True)
    assert "faculty" in response.content.decode()


def test_sign_out_everywhere_ends_every_session_of_that_user_only(world):
    laptop, phone, colleague = Client(), Client(), Client()
    for client, name in ((laptop, "faculty"), (phone, "faculty"), (colleague, "coordinator")):
        client.post("/login/", {"login": name, "password": f.PASSWORD})
    assert phone.get("/").status_code == 200
    response = laptop.post("/account/security/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert phone.get("/").status_code == 302
    assert laptop.get("/").status_code == 302
    assert colleague.get("/").status_code == 200
    assert Client().post("/login/", {"login": "faculty", "password": f.PASSWORD}).status_code == 302
