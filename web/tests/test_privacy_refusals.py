"""Bad input on the web's undo: another institution's coordinator cannot undo a finished import (nothing
changes), whatever they post."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from imports import services
from imports.models import ImportJob
from imports.tests.conftest import belgian_csv
from network.models import Organisation

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize("data", [{}, {"only_safe": "1"}, {"confirm": "1"}])
def test_another_institution_cannot_undo_a_finished_import(world, as_user, data):
    job = services.create_job(
        by=world.coordinator,
        institution=world.a,
        kind="organisations",
        name="p.csv",
        data=belgian_csv("Nieuw Eén;;9000;Gent;;;;;"),
    )
    services.set_mapping(job, job.mapping)
    services.build_preview(job)
    services.run_import(job, by=world.coordinator)
    response = as_user(world.outsider).post(reverse("import-undo", args=[job.public_id]), data)
    assert response.status_code == 404
    assert "Nieuw Eén" not in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Organisation.objects.filter(name="Nieuw Eén").exists()
    assert not AuditEntry.objects.filter(action="undid import").exists()
