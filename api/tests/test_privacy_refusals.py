"""Bad input on the privacy and undo operations of the API: a clear message, and nothing changes. Erasing
someone already erased, exporting a person of another institution, undoing another institution's import."""

from __future__ import annotations

import pytest

from api.tests.test_imports_api import organisations_job
from audit.models import AuditEntry
from imports.models import ImportJob
from network.models import Organisation, Person, SofarRole
from network.privacy import erase_person
from tests import factories as f

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_erasing_someone_already_erased_says_so_and_changes_nothing(world, api_as):
    resident = f.make_person(world.a, SofarRole.RESIDENT, first_name="Rita", last_name="Bewoner")
    erase_person(resident, by=world.coordinator)
    before = Person.objects.get(pk=resident.pk)
    entries = AuditEntry.objects.count()
    response = api_as(world.coordinator).post(f"/people/{resident.public_id}/erase", {})
    assert response.status_code == 400
    assert response.json()["detail"] == "This person's personal data were already erased."
    after = Person.objects.get(pk=resident.pk)
    assert (after.erased_at, after.first_name, after.last_name) == (
        before.erased_at,
        before.first_name,
        before.last_name,
    )
    assert AuditEntry.objects.count() == entries


def test_exporting_a_person_of_another_institution_finds_nobody_and_audits_nothing(world, api_as):
    resident = f.make_person(world.a, SofarRole.RESIDENT, first_name="Rita", last_name="Bewoner", email="r@x.org")
    response = api_as(world.outsider).get(f"/people/{resident.public_id}/personal-data")
    assert response.status_code == 404
    assert "Rita" not in response.content.decode() and "r@x.org" not in response.content.decode()
    assert not AuditEntry.objects.filter(action="exported personal data").exists()


@pytest.mark.parametrize("query", ["", "?only_safe=true"])
def test_another_institution_cannot_undo_a_finished_import(world, api_as, query):
    job = organisations_job(world)
    assert api_as(world.coordinator).post(f"/imports/{job.public_id}/confirm", None).status_code == 200
    response = api_as(world.outsider).post(f"/imports/{job.public_id}/undo{query}", None)
    assert response.status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Organisation.objects.filter(name="Huiswerkklas Noord").exists()
    assert not AuditEntry.objects.filter(action="undid import").exists()
