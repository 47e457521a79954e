"""Single sign-on with SAML 2.0, against a real identity provider on 127.0.0.1 (pysaml2, signing with xmlsec1):
the first sign-in makes the account with the mapped role; a tampered or replayed assertion, an answer with an
error status and an address of another domain are refused with a clear message and create nothing."""

from __future__ import annotations

import base64
from urllib.parse import urlsplit

import pytest
import requests
from django.core.cache import cache
from django.test import Client

from accounts.models import Role, User
from identity.models import IdentityProvider, SignInPolicy
from identity.saml import saml_claims
from identity.services import save_identity_provider
from lib.errors import DomainError
from tests.identity_providers import another_certificate, saml_provider, saml_sign_in_at

# The IdP names its attributes as a federation's IdP does: urn:oid:0.9.2342.19200300.100.1.3 ("mail"),
# urn:oid:1.3.6.1.4.1.5923.1.1.1.1 ("eduPersonAffiliation").
ACCOUNTS = {
    "sara": {"mail": ["sara@hb.example"], "eduPersonAffiliation": ["member", "staff"]},
    "stijn": {"mail": ["stijn@hb.example"], "eduPersonAffiliation": ["student", "employee"]},
    "eva": {"mail": ["eva@elders.example"], "eduPersonAffiliation": ["staff"]},
}


@pytest.fixture(scope="module")
def idp() -> str:
    with saml_provider(ACCOUNTS) as base:
        yield base


@pytest.fixture
def hb(world, idp):
    SignInPolicy.objects.create(institution=world.b, email_domains="hb.example")
    save_identity_provider(
        world.b,
        by=None,
        name="Aanmelden met HB",
        slug="hb-saml",
        kind=IdentityProvider.Kind.SAML,
        metadata_url=f"{idp}/metadata",
        role_attribute="eduPersonAffiliation",
        role_mapping={"staff": "faculty", "student": "student", "employee": "coordinator"},
    )
    return world


@pytest.fixture
def hb_pasted(world, idp):
    """The same IdP, with its metadata file pasted on the settings page instead of its URL."""
    SignInPolicy.objects.create(institution=world.b, email_domains="hb.example")
    save_identity_provider(
        world.b,
        by=None,
        name="Aanmelden met HB",
        slug="hb-saml",
        kind=IdentityProvider.Kind.SAML,
        metadata_xml=requests.get(f"{idp}/metadata", timeout=30).text,
        role_attribute="eduPersonAffiliation",
        role_mapping={"staff": "faculty", "student": "student"},
    )
    return world


def browser() -> Client:
    # python3-saml reads the Host header itself (the test client sends none by default) and refuses
    # single-label host names such as "testserver" in Brug's own addresses.
    return Client(headers={"host": "127.0.0.1"})


def answer_for(client: Client, login: str, *, cancel: bool = False) -> tuple[str, dict[str, str]]:
    response = client.get("/auth/saml/hb-saml/login/?process=login")
    assert response.status_code == 302, response.content[:300]
    return saml_sign_in_at(response["Location"], login, cancel=cancel)


def post_back(client: Client, action: str, fields: dict[str, str]):
    response = client.post(urlsplit(action).path, fields)
    # allauth reads the answer, then finishes on a plain GET where the session cookie is sent again.
    while response.status_code == 302 and "/acs/finish/" in response["Location"]:
        response = client.get(response["Location"])
    return response


def test_a_lecturer_signs_in_with_saml_and_gets_the_mapped_role_in_that_institution(hb):
    client = browser()
    response = post_back(client, *answer_for(client, "sara"))
    assert response.status_code == 302 and response["Location"] == "/"
    user = User.objects.get(email="sara@hb.example")
    assert (user.role, user.institution) == (Role.FACULTY, hb.b)


def test_a_students_attributes_never_make_them_a_coordinator(hb):
    client = browser()
    post_back(client, *answer_for(client, "stijn"))
    assert User.objects.get(email="stijn@hb.example").role == Role.STUDENT


def test_a_tampered_assertion_is_refused_and_creates_no_account(hb):
    client = browser()
    action, fields = answer_for(client, "sara")
    xml = base64.b64decode(fields["SAMLResponse"]).decode()
    fields["SAMLResponse"] = base64.b64encode(xml.replace("sara@hb.example", "evil@hb.example").encode()).decode()
    response = post_back(client, action, fields)
    assert response.status_code == 400
    assert "niet gelukt" in response.content.decode()
    assert not User.objects.filter(email__in=["sara@hb.example", "evil@hb.example"]).exists()


def test_a_replayed_assertion_is_refused(hb):
    client = browser()
    action, fields = answer_for(client, "sara")
    assert post_back(client, action, fields).status_code == 302
    replay = browser()
    response = post_back(replay, action, fields)
    assert response.status_code == 400
    assert "_auth_user_id" not in replay.session


def test_an_answer_with_an_error_status_is_refused_with_a_clear_message(hb):
    # The person pressed "Cancel" at the IdP, or the IdP does not know them: a signed answer with an error status.
    for login, cancel in (("sara", True), ("nobody", False)):
        client = browser()
        response = post_back(client, *answer_for(client, login, cancel=cancel))
        assert response.status_code == 400
        assert "Aanmelden bij uw instelling is niet gelukt" in response.content.decode()
        assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email="sara@hb.example").exists()


def test_an_address_of_another_domain_is_refused_and_creates_no_account(hb):
    client = browser()
    response = post_back(client, *answer_for(client, "eva"))
    assert response.status_code == 403
    assert "Adressen van elders.example melden zich niet aan bij Hogeschool Buiten" in response.content.decode()
    assert not User.objects.filter(email="eva@elders.example").exists()


FEDERATION = {  # as python3-saml hands over the attributes of a federation's IdP
    "urn:oid:0.9.2342.19200300.100.1.3": ["lien@hb.example"],
    "urn:oid:1.3.6.1.4.1.5923.1.1.1.9": ["staff@hb.example", "student@elders.example"],
}
OLDER = {  # an IdP naming attributes the older way
    "urn:mace:dir:attribute-def:mail": ["lien@hb.example"],
    "urn:mace:dir:attribute-def:eduPersonAffiliation": ["student"],
}


@pytest.mark.parametrize(
    ("attributes", "attribute", "role"),
    [
        (FEDERATION, "eduPersonScopedAffiliation", Role.FACULTY),
        (FEDERATION, "urn:oid:1.3.6.1.4.1.5923.1.1.1.9", Role.FACULTY),
        (OLDER, "eduPersonAffiliation", Role.STUDENT),
        (OLDER, "eduperson_affiliation", Role.STUDENT),
        (OLDER, "urn:oid:1.3.6.1.4.1.5923.1.1.1.1", Role.STUDENT),
        (OLDER, "eduPersonScopedAffiliation", None),
    ],
)
def test_the_office_names_the_affiliation_attribute_by_oid_or_friendly_name(attributes, attribute, role):
    claims = saml_claims(attributes)
    assert claims["email"] == ["lien@hb.example"]
    provider = IdentityProvider(role_attribute=attribute, role_mapping={"staff": "faculty", "student": "student"})
    assert provider.mapped_role(claims, ["hb.example"]) == role


def test_a_scoped_affiliation_of_another_domain_gives_no_role():
    claims = saml_claims({"urn:oid:1.3.6.1.4.1.5923.1.1.1.9": ["staff@elders.example"]})
    provider = IdentityProvider(role_attribute="eduPersonScopedAffiliation", role_mapping={"staff": "faculty"})
    assert provider.mapped_role(claims, ["hb.example", "student.hb.example"]) is None
    assert provider.mapped_role(claims, []) == Role.FACULTY


def test_a_pasted_metadata_file_signs_in_as_the_metadata_url_does(hb_pasted, idp):
    # The login page lets its forms lead to the IdP's sign-on address read from the file (CSP form-action).
    form_action = Client().get("/login/")["Content-Security-Policy"].split("form-action")[1].split(";")[0]
    assert idp in form_action.split()
    client = browser()
    response = post_back(client, *answer_for(client, "sara"))
    assert response.status_code == 302 and response["Location"] == "/"
    assert User.objects.get(email="sara@hb.example").role == Role.FACULTY


def test_a_pasted_file_that_is_no_idp_metadata_is_refused_next_to_the_field(world):
    for pasted in ("not xml at all", '<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>'):
        with pytest.raises(DomainError) as refused:
            save_identity_provider(
                world.b, by=None, name="X", slug="x", kind=IdentityProvider.Kind.SAML, metadata_xml=pasted
            )
        assert "metadata_xml" in refused.value.message_dict
    assert not IdentityProvider.objects.exists()


def test_saving_the_provider_again_reads_the_idps_metadata_again(hb, idp):
    # allauth keeps the IdP's metadata for hours; a certificate it read before the IdP changed keys refuses all.
    browser().get("/auth/saml/hb-saml/login/?process=login")
    key = f"saml.metadata.{idp}/metadata.None"
    stale = cache.get(key)
    stale["idp"]["x509cert"] = another_certificate()
    cache.set(key, stale)
    client = browser()
    assert post_back(client, *answer_for(client, "sara")).status_code == 400
    assert not User.objects.filter(email="sara@hb.example").exists()

    save_identity_provider(hb.b, by=None, provider=IdentityProvider.objects.get(slug="hb-saml"))
    client = browser()
    assert post_back(client, *answer_for(client, "sara")).status_code == 302
    assert User.objects.get(email="sara@hb.example").role == Role.FACULTY
