"""The privacy page (public, Dutch and English, from the register), the printable export on a person's page,
and the retention periods on the institution's settings page and API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from lib import privacy
from network.models import Institution, Person, SofarRole
from network.privacy import erase_person
from tests import factories as f


def test_anyone_reads_the_privacy_page_in_dutch_drawn_from_the_register(client, world):
    response = client.get("/privacy/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Wat Brug over wie bewaart, waarom en hoelang" in html
    assert "Reservatieaanvragen van bewoners" in html and "12 maanden" in html and "30 dagen" in html
    for entry in privacy.entries():
        if entry.models:
            from django.utils import translation

            with translation.override("nl"):
                assert str(entry.what) in html.replace("&#x27;", "'"), entry.key


def test_the_page_in_english_shows_the_institutions_own_periods(as_user, world, english):
    world.a.retention_booking_months = 3
    world.a.save()
    html = as_user(world.coordinator).get("/privacy/").content.decode()
    assert "What Brug stores about whom, why, and for how long" in html
    assert "At UAS" in html and "3 months" in html and "12 months" in html


def test_every_page_links_to_it_in_the_footer(client, world):
    assert 'href="/privacy/"' in client.get(reverse("case-list")).content.decode()


def test_the_printable_export_is_in_the_persons_language_and_audited(as_user, world, english):
    resident = f.make_person(world.a, SofarRole.RESIDENT, first_name="Rita", last_name="Bewoner", email="rita@x.org")
    url = reverse("person-personal-data-page", args=[resident.public_id])
    response = as_user(world.coordinator).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Persoonsgegevens van Rita Bewoner" in html and "rita@x.org" in html, "no login: Dutch"
    assert AuditEntry.objects.filter(action="exported personal data", target_id=str(resident.public_id)).exists()
    assert (
        reverse("person-personal-data-page", args=[resident.public_id])
        in as_user(world.coordinator).get(reverse("person-detail", args=[resident.public_id])).content.decode()
    )


def test_the_printable_export_is_closed_to_faculty_and_to_another_institution(as_user, world):
    resident = f.make_person(world.a, SofarRole.RESIDENT, first_name="Rita", last_name="Bewoner")
    url = reverse("person-personal-data-page", args=[resident.public_id])
    assert as_user(world.faculty).get(url).status_code == 403
    assert as_user(world.outsider).get(url).status_code == 404
    assert as_user(world.outsider).get(reverse("person-personal-data", args=[resident.public_id])).status_code == 404
    assert not AuditEntry.objects.filter(action="exported personal data").exists()


def test_erasing_again_on_the_web_says_so_and_changes_nothing(as_user, world, english):
    resident = f.make_person(world.a, SofarRole.RESIDENT, first_name="Rita", last_name="Bewoner")
    erase_person(resident, by=world.coordinator)
    before = Person.objects.get(pk=resident.pk)
    response = as_user(world.coordinator).post(reverse("person-erase", args=[resident.public_id]))
    assert response.status_code == 400
    assert "already erased" in response.content.decode()
    assert AuditEntry.objects.filter(action="erased").count() == 1
    assert Person.objects.get(pk=resident.pk).erased_at == before.erased_at


def test_the_settings_page_saves_the_retention_periods(as_user, world, english):
    client = as_user(world.coordinator)
    assert "emove unconfirmed public needs after (days)" in client.get(reverse("institution-settings")).content.decode()
    form = {
        "mission": "",
        "website": "",
        "stale_after_months": 6,
        "retention_unconfirmed_need_days": 14,
        "retention_expired_link_days": 30,
        "retention_closed_assessment_months": 24,
        "retention_import_file_days": 7,
        "retention_booking_months": 6,
        "retention_workshop_days": 30,
    }
    assert client.post(reverse("institution-settings"), form).status_code == 302
    saved = Institution.objects.get(pk=world.a.pk)
    assert (saved.retention_unconfirmed_need_days, saved.retention_import_file_days) == (14, 7)
    assert AuditEntry.objects.get(action="changed settings").changes["retention_booking_months"] == 6


@pytest.mark.parametrize("value", [0, 400])
def test_a_period_out_of_range_is_named_next_to_its_field_and_nothing_is_saved(as_user, world, english, value):
    form = {
        "mission": "",
        "website": "",
        "stale_after_months": 6,
        "retention_unconfirmed_need_days": value,
        "retention_expired_link_days": 30,
        "retention_closed_assessment_months": 12,
        "retention_import_file_days": 30,
        "retention_booking_months": 12,
        "retention_workshop_days": 30,
    }
    response = as_user(world.coordinator).post(reverse("institution-settings"), form)
    assert response.status_code == 200
    assert "Choose a number between 1 and 365." in response.content.decode()
    assert Institution.objects.get(pk=world.a.pk).retention_unconfirmed_need_days == 30
