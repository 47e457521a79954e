"""Issue 13, findings 1 and 2: the partner's mail stays the partner's.

1. A stranger who types an existing organisation's name and postcode into the public need form never
   receives its digest, its proposals or their answer links; only verified contacts receive anything.
2. A lecturer of any institution cannot redirect a shared organisation's mail; the organisation itself or
   a coordinator can, the old address is told (in Dutch, the site's default), and the audit trail keeps it.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import Role
from api.tests.support import ApiClient
from audit.models import AuditEntry
from matching.models import Need
from matching.services import propose_match
from matching.tasks import send_digests
from matching.tests.helpers import make_need, make_offer
from network.contacts import add_contact
from network.models import Organisation, OrganisationContact
from network.services import update_organisation
from tests import factories as f
from web.forms import matching as matching_forms

CONFIRM_NEED = re.compile(r"https?://[^/\s]+(/needs/confirm/[A-Za-z0-9_-]+/)")
CONFIRM_CONTACT = re.compile(r"https?://[^/\s]+(/contacts/confirm/[A-Za-z0-9_:.-]+/)")
RESPOND = re.compile(r"https?://[^/\s]+(/respond/[A-Za-z0-9_-]+/)")
STRANGER = "stranger@evil.example"


@pytest.fixture(autouse=True)
def mail_at_once(monkeypatch):
    """Tests run inside one transaction that never commits: send what would go after the commit at once."""
    monkeypatch.setattr("django.db.transaction.on_commit", lambda func, using=None, robust=False: func())
    cache.clear()


def _stranger_posts_and_confirms(client, *, name: str = "BUURTWERK de brug", postcode: str = "9000") -> Need:
    data = {
        "organisation_name": name,
        "organisation_postcode": postcode,
        "organisation_city": "Gent",
        "contact_name": "Iemand",
        "contact_email": STRANGER,
        "title": "Vrijwilligers gezocht",
        "description": "Een vraag in naam van een organisatie die niet de mijne is.",
        "period_start": "2026-10-01",
        "period_end": "2027-03-31",
        "effort_hours": "10",
        "max_students": "2",
        "stance_students": "supporters",
        "stance_purpose": "fixed",
        "stance_discipline": "open",
        "stance_channel": "organisation",
        "homepage": "",
        "started": matching_forms.form_stamp(),
    }
    assert client.post(reverse("need-post"), data).status_code == 302
    [confirmation] = [m for m in mail.outbox if m.to == [STRANGER]]
    assert client.post(CONFIRM_NEED.search(confirmation.body).group(1)).status_code == 200
    return Need.objects.get(contact_email=STRANGER)


def _propose_to(world, organisation: Organisation) -> None:
    need = make_need(organisation, by=world.coordinator, title="Echte vraag van de organisatie")
    propose_match(need, make_offer(world.a, by=world.coordinator, title="Aanbod van UAS"), by=world.coordinator)


def _mail_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


# Finding 1: the digest goes to verified contacts only


def test_a_stranger_naming_a_known_organisation_never_receives_its_digest_or_proposals(world, client, as_user):
    f.make_verified_contact(world.org, "info@debrug.example")
    claim = _stranger_posts_and_confirms(client)
    # The confirmed address proves only that someone reads it: the need is a claim, out of the directory.
    assert claim.status == Need.Status.PENDING and claim.claims_existing
    coordinator = as_user(world.coordinator)
    assert coordinator.get(reverse("need-detail", args=[claim.public_id])).status_code == 404
    assert "Vrijwilligers gezocht" not in coordinator.get(reverse("need-list")).content.decode()
    _propose_to(world, world.org)
    mail.outbox.clear()
    send_digests()
    assert not _mail_to(STRANGER)
    [digest] = _mail_to("info@debrug.example")
    assert "Aanbod van UAS" in digest.body and RESPOND.search(digest.body)
    assert not OrganisationContact.objects.filter(email=STRANGER).exists()


def test_an_address_nobody_verified_never_gets_the_organisations_mail(world):
    # The directory's e-mail field, typed in by anyone who created the record, is not a verified contact.
    update_organisation(world.org, by=world.coordinator, expected_version=world.org.version, email="old@x.example")
    f.make_user(Role.PARTNER, organisation=world.org, username="mailless")  # a login without an address
    add_contact(world.org, by=world.coordinator, email="new@debrug.example")  # vouched, not yet confirmed
    [confirmation] = _mail_to("new@debrug.example")
    assert "/contacts/confirm/" in confirmation.body and not RESPOND.search(confirmation.body)
    _propose_to(world, world.org)
    mail.outbox.clear()
    send_digests()
    assert not mail.outbox  # nobody verified: the proposals wait
    assert world.org.digest_items.filter(sent_at__isnull=True).exists()


def test_an_address_receives_the_digest_once_it_used_its_confirmation_link_once(world, client):
    add_contact(world.org, by=world.partner, email="New@DeBrug.example", language="en")
    link = CONFIRM_CONTACT.search(_mail_to("new@debrug.example")[0].body).group(1)
    assert client.get(link).status_code == 200  # a mail scanner opening the link confirms nothing
    assert not OrganisationContact.objects.get().is_verified
    assert client.post(link).status_code == 200
    assert OrganisationContact.objects.get().is_verified
    assert client.post(link).status_code == 409  # used once
    assert client.post("/contacts/confirm/made-up/").status_code == 404
    _propose_to(world, world.org)
    mail.outbox.clear()
    send_digests()
    assert [m.to for m in mail.outbox] == [["new@debrug.example"]]


def test_an_expired_contact_link_confirms_nothing(world, client):
    add_contact(world.org, by=world.coordinator, email="late@debrug.example")
    link = CONFIRM_CONTACT.search(mail.outbox[-1].body).group(1)
    OrganisationContact.objects.update(token_expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert client.post(link).status_code == 410
    assert not OrganisationContact.objects.get().is_verified


def test_the_office_accepts_a_claim_and_only_then_its_address_receives_the_digest(world, client, as_user):
    claim = _stranger_posts_and_confirms(client, name="Nieuw Buurtinitiatief", postcode="9040")
    assert not claim.claims_existing and not claim.organisation.is_active
    lecturer = as_user(world.faculty)
    assert lecturer.get(reverse("need-waiting")).status_code == 403
    assert lecturer.post(reverse("need-accept", args=[claim.public_id])).status_code == 404
    office = as_user(world.coordinator)
    page = office.get(reverse("need-waiting")).content.decode()
    assert "Vrijwilligers gezocht" in page and STRANGER in page
    assert office.post(reverse("need-accept", args=[claim.public_id])).status_code == 302
    claim.refresh_from_db()
    assert claim.status == Need.Status.OPEN and claim.accepted_by == world.coordinator
    assert Organisation.objects.get(pk=claim.organisation_id).is_active
    assert AuditEntry.objects.filter(action="accepted need", actor=world.coordinator).exists()
    propose_match(claim, make_offer(world.a, by=world.coordinator, title="Aanbod"), by=world.coordinator)
    mail.outbox.clear()
    send_digests()
    assert [m.to for m in mail.outbox] == [[STRANGER]]


def test_a_partner_rejects_a_strangers_claim_of_its_organisation_through_the_api(world, client):
    claim = _stranger_posts_and_confirms(client)
    assert ApiClient(world.other_partner).get("/waiting-needs").json()["items"] == []
    assert ApiClient(world.other_partner).post(f"/waiting-needs/{claim.public_id}/reject", {}).status_code == 404
    assert ApiClient(world.faculty).get("/waiting-needs").status_code == 403
    partner = ApiClient(world.partner)
    listed = partner.get("/waiting-needs").json()["items"]
    assert [(n["title"], n["claims_existing"]) for n in listed] == [("Vrijwilligers gezocht", True)]
    answer = partner.post(f"/waiting-needs/{claim.public_id}/reject", {"reason": "Niet van ons."})
    assert answer.status_code == 200
    claim.refresh_from_db()
    assert claim.status == Need.Status.CLOSED
    assert AuditEntry.objects.filter(action="rejected need", actor=world.partner).exists()
    assert partner.post(f"/waiting-needs/{claim.public_id}/accept", {}).status_code == 404


def test_the_office_accepts_a_claim_through_the_api(world, client):
    claim = _stranger_posts_and_confirms(client)
    answer = ApiClient(world.outsider).post(f"/waiting-needs/{claim.public_id}/accept", {})
    assert answer.status_code == 200 and answer.json()["status"] == "open"
    assert OrganisationContact.objects.get(organisation=world.org).email == STRANGER


def test_the_organisation_page_and_the_api_show_who_receives_what(world, as_user):
    world.partner.email = "pia@debrug.example"
    world.partner.save()
    f.make_verified_contact(world.org, "info@debrug.example", by=world.coordinator)
    add_contact(world.org, by=world.coordinator, email="wacht@debrug.example")
    page = as_user(world.faculty).get(reverse("organisation-detail", args=[world.org.public_id])).content.decode()
    section = page[page.index('id="mail-recipients"') :]
    for text in ("pia@debrug.example", "info@debrug.example", "wacht@debrug.example", "overzicht van voorstellen"):
        assert text in section
    detail = ApiClient(world.faculty).get(f"/organisations/{world.org.public_id}").json()
    assert {(r["email"], r["kind"], r["verified"]) for r in detail["mail_recipients"]} == {
        ("pia@debrug.example", "login", True),
        ("info@debrug.example", "contact", True),
        ("wacht@debrug.example", "contact", False),
    }
    assert [r["receives"] for r in detail["mail_recipients"] if not r["verified"]] == [[]]


# Finding 2: who may redirect a shared organisation's mail


@pytest.fixture
def lecturer_b(world):
    return f.make_user(Role.FACULTY, institution=world.b, username="lecturer.b")


def test_a_lecturer_of_another_institution_cannot_change_the_contact_email_on_the_web(world, as_user, lecturer_b):
    f.make_verified_contact(world.org, "info@debrug.example")
    update_organisation(world.org, by=None, expected_version=world.org.version, email="info@debrug.example")
    world.org.refresh_from_db()
    client = as_user(lecturer_b)
    url = reverse("organisation-edit", args=[world.org.public_id])
    form = client.get(url).content.decode()
    assert "Alleen de partnergebruikers van de organisatie zelf of een coördinator" in form  # said next to the field
    data = {
        "name": world.org.name,
        "kind": world.org.kind,
        "postcode": "9000",
        "city": "Gent",
        "capacity_per_period": "3",
        "is_active": "on",
        "email": "thief@evil.example",
        "version": world.org.version,
    }
    client.post(url, data)
    world.org.refresh_from_db()
    assert world.org.email == "info@debrug.example"
    assert not _mail_to("thief@evil.example")
    with pytest.raises(PermissionDenied):
        update_organisation(world.org, by=lecturer_b, expected_version=world.org.version, email="thief@evil.example")
    with pytest.raises(PermissionDenied):
        add_contact(world.org, by=lecturer_b, email="thief@evil.example")


def test_a_lecturer_cannot_change_the_contact_email_or_mail_contacts_through_the_api(world, lecturer_b):
    update_organisation(world.org, by=None, expected_version=world.org.version, email="info@debrug.example")
    world.org.refresh_from_db()
    api = ApiClient(lecturer_b)
    path = f"/organisations/{world.org.public_id}"
    refused = api.patch(path, {"version": world.org.version, "email": "thief@evil.example"})
    assert refused.status_code == 403 and "coordinator" in refused.json()["detail"]
    assert api.post(f"{path}/mail-contacts", {"email": "thief@evil.example"}).status_code == 403
    # Other fields of the shared record stay open to every institution's staff.
    assert api.patch(path, {"version": world.org.version, "city": "Gent-Centrum"}).status_code == 200
    world.org.refresh_from_db()
    assert world.org.email == "info@debrug.example" and not OrganisationContact.objects.exists()


def test_a_coordinator_changes_the_email_the_old_address_is_told_in_dutch_and_the_audit_has_it(world):
    update_organisation(world.org, by=None, expected_version=world.org.version, email="info@debrug.example")
    world.org.refresh_from_db()
    mail.outbox.clear()
    answer = ApiClient(world.outsider).patch(
        f"/organisations/{world.org.public_id}", {"version": world.org.version, "email": "nieuw@debrug.example"}
    )
    assert answer.status_code == 200 and answer.json()["email"] == "nieuw@debrug.example"
    [told] = mail.outbox
    assert told.to == ["info@debrug.example"] and told.extra_headers["Content-Language"] == "nl"
    assert "nieuw@debrug.example" in told.body and "gewijzigd" in told.body
    entry = AuditEntry.objects.get(action="changed contact details", actor=world.outsider)
    assert (entry.changes["email_before"], entry.changes["email"]) == ("info@debrug.example", "nieuw@debrug.example")


def test_the_organisations_own_partner_changes_its_address_and_removes_a_contact(world, as_user):
    f.make_verified_contact(world.org, "oud@debrug.example")
    update_organisation(world.org, by=world.partner, expected_version=world.org.version, email="pia@debrug.example")
    client = as_user(world.partner)
    response = client.post(
        reverse("organisation-contact-remove", args=[world.org.public_id]), {"email": "oud@debrug.example"}
    )
    assert response.status_code == 302 and not OrganisationContact.objects.exists()
    assert _mail_to("oud@debrug.example")  # the removed address is told
    assert AuditEntry.objects.filter(action="removed mail contact", actor=world.partner).exists()
    assert (
        as_user(world.faculty)
        .post(reverse("organisation-contact-add", args=[world.org.public_id]), {"email": "x@evil.example"})
        .status_code
        == 403
    )
    assert not OrganisationContact.objects.exists()


def test_the_import_and_the_admin_follow_the_same_rule_and_tell_the_old_address(world, rf, lecturer_b):
    from types import SimpleNamespace

    from django.contrib import admin

    from imports import services as imports
    from imports.tests.conftest import belgian_csv

    update_organisation(world.org, by=None, expected_version=world.org.version, email="info@debrug.example")
    mail.outbox.clear()
    data = belgian_csv("Buurtwerk De Brug;;9000;Gent;;nieuw@debrug.example;;;3")
    job = imports.create_job(by=world.coordinator, institution=world.a, kind="organisations", name="p.csv", data=data)
    imports.set_mapping(job, job.mapping)
    imports.build_preview(job)
    imports.run_import(job, by=world.coordinator)
    world.org.refresh_from_db()
    assert world.org.email == "nieuw@debrug.example"
    assert [m.to for m in mail.outbox] == [["info@debrug.example"]]
    assert AuditEntry.objects.filter(action="changed contact details", actor=world.coordinator).exists()

    model_admin = admin.site._registry[Organisation]
    as_lecturer, as_coordinator = rf.get("/"), rf.get("/")
    as_lecturer.user, as_coordinator.user = lecturer_b, world.outsider
    assert "email" in model_admin.get_readonly_fields(as_lecturer, world.org)
    assert "email" not in model_admin.get_readonly_fields(as_coordinator, world.org)
    world.org.email = "thief@evil.example"
    with pytest.raises(PermissionDenied):
        model_admin.save_model(as_lecturer, world.org, SimpleNamespace(changed_data=["email"]), True)
    assert Organisation.objects.get(pk=world.org.pk).email == "nieuw@debrug.example"
    world.org.email = "derde@debrug.example"
    model_admin.save_model(as_coordinator, world.org, SimpleNamespace(changed_data=["email"]), True)
    assert mail.outbox[-1].to == ["nieuw@debrug.example"]
    assert AuditEntry.objects.filter(action="changed contact details", actor=world.outsider).exists()


def test_the_partner_adds_and_removes_a_mail_contact_through_the_api_and_a_lecturer_cannot(world, lecturer_b):
    path = f"/organisations/{world.org.public_id}/mail-contacts"
    partner = ApiClient(world.partner)
    added = partner.post(path, {"email": "Vrijwilligers@DeBrug.example", "language": "en"})
    assert added.status_code == 201
    assert [(r["email"], r["verified"]) for r in added.json()["mail_recipients"]] == [
        ("vrijwilligers@debrug.example", False)
    ]
    assert partner.post(path, {"email": "geen-adres"}).status_code == 400
    url = f"/api{path}?email=vrijwilligers@debrug.example"
    lecturer = ApiClient(lecturer_b)
    assert lecturer.client.delete(url, headers=lecturer.headers).status_code == 403
    assert OrganisationContact.objects.filter(organisation=world.org).exists()
    removed = partner.client.delete(url, headers=partner.headers)
    assert removed.status_code == 200 and removed.json()["mail_recipients"] == []
    assert AuditEntry.objects.filter(action="removed mail contact", actor=world.partner).exists()
