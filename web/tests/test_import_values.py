"""The import page's value step (the office's own words, asked once) and the field diff of a merge into the
shared directory: nothing is overwritten unseen."""

from __future__ import annotations

import pytest
from django.urls import reverse

from imports import services
from imports.models import ImportJob, ValueMapping
from imports.tests.conftest import belgian_csv
from lib.errors import DomainError
from network.models import Organisation

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


KINDS = (
    "Naam;Soort;Postcode\r\nBuurtwerk Noord;stadsdienst;9000\r\nSportclub Zuid;vereniging;9000\r\n"
    "Kringloop;Stadsdienst;9000\r\n"
).encode("cp1252")


def _previewed(world, data: bytes) -> ImportJob:
    job = services.create_job(by=world.coordinator, institution=world.a, kind="organisations", name="p.csv", data=data)
    services.set_mapping(job, job.mapping)
    services.build_preview(job)
    return job


def test_the_page_asks_what_unknown_words_mean_and_the_answer_updates_the_preview(world, as_user):
    world.coordinator.language = "en"
    job = _previewed(world, KINDS)
    client = as_user(world.coordinator)
    page = client.get(reverse("import-detail", args=[job.public_id])).content.decode()
    assert "Values Brug did not recognise" in page
    assert "Column “Soort”" in page
    assert "“stadsdienst” (2 rows)" in page
    # The suggestion is chosen already.
    assert '<option value="city_service" selected>' in page
    response = client.post(
        reverse("import-values", args=[job.public_id]),
        {"value_0_0": "city_service", "value_0_1": "sports_club"},
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED
    assert job.summary["warnings"] == 0
    assert set(ValueMapping.objects.values_list("key", "value")) == {
        ("stadsdienst", "city_service"),
        ("vereniging", "sports_club"),
    }
    page = client.get(reverse("import-detail", args=[job.public_id])).content.decode()
    assert "Values Brug did not recognise" not in page


def test_a_value_not_offered_is_refused_next_to_the_field(world, as_user):
    job = _previewed(world, KINDS)
    response = as_user(world.coordinator).post(reverse("import-values", args=[job.public_id]), {"value_0_0": "castle"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not ValueMapping.objects.exists()


def test_another_institution_cannot_answer_the_value_step(world, as_user):
    job = _previewed(world, KINDS)
    response = as_user(world.outsider).post(
        reverse("import-values", args=[job.public_id]), {"value_0_0": "city_service"}
    )
    assert response.status_code in (403, 404)
    assert not ValueMapping.objects.exists()


def test_a_merge_into_the_shared_directory_shows_every_field_it_changes(world, as_user):
    world.org.street = "Oude Baan 1"
    world.org.save()
    job = _previewed(world, belgian_csv("Buurtwerk De Brug;Nieuwstraat 9;9000;Gent;;info@brug.be;;;5"))
    page = as_user(world.coordinator).get(reverse("import-detail", args=[job.public_id])).content.decode()
    assert "What merging row 3 changes" in page
    assert (
        '<th scope="row">Street and number</th><td><del>Oude Baan 1</del></td><td><ins>Nieuwstraat 9</ins></td>' in page
    )
    assert '<th scope="row">Capacity per period</th>' in page
    assert '<th scope="row">Name</th>' not in page, "an unchanged field is not listed"
    assert Organisation.objects.get(pk=world.org.pk).street == "Oude Baan 1", "the preview writes nothing"


THEMES = "Naam;Postcode;Thema's\r\nBuurtwerk Noord;9000;stadslandbouw\r\nSportclub Zuid;9000;Stadslandbouw\r\n".encode(
    "cp1252"
)


def test_the_office_adds_an_unknown_theme_as_a_new_term_and_the_rows_take_it(world, as_user):
    from network.models import Theme

    world.coordinator.language = "en"
    job = _previewed(world, THEMES)
    client = as_user(world.coordinator)
    page = client.get(reverse("import-detail", args=[job.public_id])).content.decode()
    assert "— add “stadslandbouw” as a new term —" in page
    response = client.post(reverse("import-values", args=[job.public_id]), {"value_0_0": "+"})
    assert response.status_code == 302
    theme = Theme.objects.get(name_nl="stadslandbouw")
    assert ValueMapping.objects.get(key="stadslandbouw").value == str(theme.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED and job.summary["warnings"] == 0
    from audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="added vocabulary term").count() == 1


def test_a_teacher_may_not_add_terms_to_the_shared_vocabulary(world, as_user):
    from network.models import Theme

    job = services.create_job(by=world.faculty, institution=world.a, kind="organisations", name="p.csv", data=THEMES)
    services.set_mapping(job, job.mapping)
    services.build_preview(job)
    client = as_user(world.faculty)
    page = client.get(reverse("import-detail", args=[job.public_id])).content.decode()
    assert "as a new term" not in page and "als nieuwe term" not in page
    response = client.post(reverse("import-values", args=[job.public_id]), {"value_0_0": "+"})
    assert response.status_code in (400, 403)
    assert not Theme.objects.filter(name_nl__iexact="stadslandbouw").exists()
    assert not ValueMapping.objects.exists()


def test_the_service_adds_a_term_for_the_office_only(world):
    """What the web page and the API both call: a plus from a teacher is refused, from the office it adds."""
    from network.models import Theme

    job = _previewed(world, THEMES)
    with pytest.raises(DomainError, match="Only the coordinator's office adds themes"):
        services.set_values(job, {"organisations.themes": {"stadslandbouw": "+"}}, by=world.faculty)
    assert not Theme.objects.filter(name_nl__iexact="stadslandbouw").exists()
    assert services.set_values(job, {"organisations.themes": {"stadslandbouw": "+"}}, by=world.coordinator) == 1
    assert Theme.objects.filter(name_nl="stadslandbouw").count() == 1
