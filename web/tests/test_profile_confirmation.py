"""The organisation's own partner users confirm or correct its profile; every institution sees when."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from network.models import Organisation

pytestmark = pytest.mark.django_db


def test_the_organisations_own_partner_confirms_and_every_institution_sees_when(world, as_user, english):
    url = reverse("organisation-detail", args=[world.org.public_id])
    assert "Our profile is right" in as_user(world.partner).get(url).content.decode()
    assert "never" in as_user(world.outsider).get(url).content.decode().split('id="profile-confirmed"')[1][:80]
    response = as_user(world.partner).post(reverse("organisation-confirm", args=[world.org.public_id]))
    assert response["Location"] == url
    confirmed = Organisation.objects.get(pk=world.org.pk).profile_confirmed_at
    assert confirmed is not None
    assert AuditEntry.objects.filter(action="confirmed profile", actor=world.partner).exists()
    shown = as_user(world.outsider).get(url).content.decode().split('id="profile-confirmed"')[1][:80]
    assert str(confirmed.year) in shown and "never" not in shown


def test_a_correction_by_the_organisation_itself_confirms_too(world):
    from network.services import update_organisation

    update_organisation(world.org, by=world.partner, expected_version=None, mission="Huiswerkklas en buurtwerk")
    assert Organisation.objects.get(pk=world.org.pk).profile_confirmed_at is not None
    update_organisation(world.other_org, by=world.coordinator, expected_version=None, mission="Iets anders")
    assert Organisation.objects.get(pk=world.other_org.pk).profile_confirmed_at is None


def test_nobody_else_confirms_an_organisations_profile(world, as_user):
    url = reverse("organisation-confirm", args=[world.org.public_id])
    assert as_user(world.coordinator).post(url).status_code == 403
    assert as_user(world.outsider).post(url).status_code == 403
    assert as_user(world.other_partner).post(url).status_code == 404
    assert Organisation.objects.get(pk=world.org.pk).profile_confirmed_at is None
