"""The import pages: upload, map, preview, decide, confirm, undo; and who may use them."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from imports import services
from imports.models import ImportJob, ImportRow
from imports.tests.conftest import belgian_csv, xlsx
from network.models import Organisation
from network.services import add_organisation_note, update_organisation

# These tests read English messages; Dutch is the default (tests/test_i18n_switch.py).
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _upload(client, data: bytes, name: str = "partners.csv", kind: str = "organisations"):
    return client.post(reverse("import-list"), {"kind": kind, "file": SimpleUploadedFile(name, data)})


def _job_for(world, data: bytes, previewed: bool = True) -> ImportJob:
    job = services.create_job(by=world.coordinator, institution=world.a, kind="organisations", name="p.csv", data=data)
    if previewed:
        services.set_mapping(job, job.mapping)
        services.build_preview(job)
    return job


MESSY = belgian_csv(
    "Huiswerkklas Noord;Kerkstraat 1;9000;Gent;;;;;3",
    "Taalcafé Zuid;Zuidlaan 2;90O0;Gent;;;;;",
    "Buurtwerk De Brug;Nieuwstraat 9;9000;Gent;;;;;5",
)


def test_a_coordinator_uploads_maps_previews_confirms_and_undoes(world, as_user):
    client = as_user(world.coordinator)
    response = _upload(client, MESSY)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("import-detail", args=[job.public_id])
    page = client.get(response["Location"]).content.decode()
    assert 'name="column_0"' in page
    assert '<option value="name" selected>' in page

    mapping = {
        f"column_{i}": target
        for i, target in enumerate(
            [
                "name",
                "street",
                "postcode",
                "city",
                "enterprise_number",
                "email",
                "phone",
                "themes",
                "capacity_per_period",
            ]
        )
    }
    response = client.post(reverse("import-mapping", args=[job.public_id]), mapping)
    assert response.status_code == 302
    page = client.get(reverse("import-detail", args=[job.public_id])).content.decode()
    assert "Row 4, column Postcode (warning): &#x27;90O0&#x27; is not a Belgian postcode; left empty" in page
    assert 'name="decision_5" value="merge" checked' in page

    response = client.post(reverse("import-decide", args=[job.public_id]), {"decision_5": "merge", "confirm": "1"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Organisation.objects.filter(name="Huiswerkklas Noord").exists()
    world.org.refresh_from_db()
    assert world.org.street == "Nieuwstraat 9"

    listing = client.get(reverse("import-list")).content.decode()
    assert "p.csv" in listing or "partners.csv" in listing

    response = client.post(reverse("import-undo", args=[job.public_id]))
    assert response.status_code == 302
    assert not Organisation.objects.filter(name="Huiswerkklas Noord").exists()
    world.org.refresh_from_db()
    assert world.org.street == ""


def test_keep_apart_chosen_on_the_page_creates_a_second_record(world, as_user):
    job = _job_for(world, belgian_csv("Buurtwerk De Brug;Elders 1;9000;Gent;;;;;"))
    client = as_user(world.coordinator)
    client.post(reverse("import-decide", args=[job.public_id]), {"decision_3": "separate", "save": "1"})
    assert ImportRow.objects.get(job=job).action == ImportRow.Action.CREATE
    client.post(reverse("import-decide", args=[job.public_id]), {"confirm": "1"})
    assert Organisation.objects.filter(name="Buurtwerk De Brug").count() == 2


def test_a_script_tag_in_a_name_is_shown_escaped(world, as_user):
    job = _job_for(world, belgian_csv("<script>alert('x')</script>;;9000;Gent;;;;;"))
    page = as_user(world.coordinator).get(reverse("import-detail", args=[job.public_id])).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (bytes(range(128, 256)) * 40, "garbage.csv", "neither UTF-8 nor Windows-1252"),
        (xlsx([["Naam"], ["A"]])[:300], "broken.xlsx", "damaged or incomplete"),
        ((";".join(f"k{i}" for i in range(10_000)) + "\r\n").encode(), "wide.csv", "columns"),
        (b"", "empty.csv", "empty"),
    ],
)
def test_a_broken_file_is_refused_with_a_clear_message_and_nothing_stored(world, as_user, data, name, message):
    world.coordinator.language = "en"
    world.coordinator.save()
    response = _upload(as_user(world.coordinator), data, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_file_over_the_limit_is_refused_by_the_form(world, as_user, settings):
    settings.BRUG_IMPORT_MAX_BYTES = 1000
    response = _upload(as_user(world.coordinator), b"Naam\r\n" + b"x" * 2000 + b"\r\n")
    assert response.status_code in (400, 413)
    assert "at most" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_200_mb_upload_is_refused_by_its_length_before_it_is_read(world):
    from web.views.imports import import_list

    request = RequestFactory().post(
        reverse("import-list"), data=b"not read", content_type="multipart/form-data; boundary=x"
    )
    request.META["CONTENT_LENGTH"] = str(200 * 1024 * 1024)
    request.user = world.coordinator
    request._dont_enforce_csrf_checks = True
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request.htmx = False
    response = import_list(request)
    assert response.status_code == 413
    assert "was not read" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_mapping_without_a_name_column_is_refused_next_to_the_form(world, as_user):
    job = _job_for(world, MESSY, previewed=False)
    response = as_user(world.coordinator).post(
        reverse("import-mapping", args=[job.public_id]), {"column_2": "postcode"}
    )
    assert response.status_code == 400
    assert "Choose a column for" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.UPLOADED


def test_an_import_refused_for_a_conflict_says_so_and_writes_nothing(world, as_user):
    job = _job_for(world, belgian_csv("Nieuw Eén;;9000;Gent;;;;;", "Buurtwerk De Brug;Nieuwstraat 9;9000;Gent;;;;;"))
    update_organisation(world.org, by=None, expected_version=world.org.version, city="Gent-Centrum")
    client = as_user(world.coordinator)
    response = client.post(reverse("import-decide", args=[job.public_id]), {"confirm": "1"}, follow=True)
    assert "changed by someone else" in response.content.decode()
    assert not Organisation.objects.filter(name="Nieuw Eén").exists()


def test_undo_refused_lists_the_changed_records(world, as_user):
    job = _job_for(world, belgian_csv("Nieuw Eén;;9000;Gent;;;;;"))
    services.run_import(job, by=world.coordinator)
    new = Organisation.objects.get(name="Nieuw Eén")
    update_organisation(new, by=None, expected_version=new.version, city="Elders")
    response = as_user(world.coordinator).post(reverse("import-undo", args=[job.public_id]))
    assert response.status_code == 400
    html = response.content.decode()
    assert "1 organisation was changed since the import" in html
    assert f'<a href="{reverse("organisation-detail", args=[new.public_id])}">Nieuw Eén</a>' in html
    assert "Undo the rest" not in html, "nothing else is left to undo"
    assert Organisation.objects.filter(name="Nieuw Eén").exists()


def test_undo_refused_for_a_note_offers_to_undo_the_rest_which_keeps_the_note(world, as_user):
    job = _job_for(world, belgian_csv("Nieuw Eén;;9000;Gent;;;;;", "Nieuw Twee;;9000;Gent;;;;;"))
    services.run_import(job, by=world.coordinator)
    noted = Organisation.objects.get(name="Nieuw Twee")
    add_organisation_note(noted, by=world.faculty, text="Bellen na de zomer")
    client = as_user(world.coordinator)
    response = client.post(reverse("import-undo", args=[job.public_id]))
    assert response.status_code == 400
    html = response.content.decode()
    assert "1 internal note written since the import by Fien Docent" in html
    assert 'name="only_safe" value="1"' in html and "Undo the rest (1 record)" in html
    assert Organisation.objects.filter(name="Nieuw Eén").exists()

    response = client.post(reverse("import-undo", args=[job.public_id]), {"only_safe": "1"}, follow=True)
    assert "Part of the import is undone: 1 records taken back, 1 kept" in response.content.decode()
    assert list(Organisation.objects.filter(name__startswith="Nieuw")) == [noted]
    assert noted.notes.get().text == "Bellen na de zomer"


def test_a_large_file_runs_in_the_background_with_a_progress_bar(world, as_user, settings, monkeypatch):
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 1)
    job = _job_for(world, MESSY, previewed=False)
    client = as_user(world.coordinator)
    services.set_mapping(job, job.mapping)
    job.status = ImportJob.Status.PREVIEWING
    job.save()
    services.report_progress(job, 1, 3)
    fragment = client.get(reverse("import-progress", args=[job.public_id]), HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert '<progress id="import-progress-bar" max="3" value="1">' in html
    assert 'hx-trigger="every 1s"' in html
    # The immediate task backend of the tests runs the task at once: the preview is ready.
    job.status = ImportJob.Status.MAPPED
    job.save()
    client.post(reverse("import-mapping", args=[job.public_id]), {"column_0": "name", "column_2": "postcode"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED
    done = client.get(reverse("import-progress", args=[job.public_id]), HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
    client.post(reverse("import-decide", args=[job.public_id]), {"confirm": "1"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE


@pytest.mark.parametrize("persona", ["student", "partner", "faculty"])
def test_students_partners_and_faculty_get_403(world, as_user, persona):
    job = _job_for(world, MESSY)
    client = as_user(getattr(world, persona))
    assert client.get(reverse("import-list")).status_code == 403
    assert client.get(reverse("import-detail", args=[job.public_id])).status_code == 403
    assert client.post(reverse("import-undo", args=[job.public_id])).status_code == 403
    assert _upload(client, MESSY).status_code == 403


def test_an_outsider_gets_404_for_another_institutions_import(world, as_user):
    job = _job_for(world, MESSY)
    client = as_user(world.outsider)
    for name in ("import-detail", "import-progress"):
        assert client.get(reverse(name, args=[job.public_id])).status_code == 404
    for name in ("import-mapping", "import-decide", "import-undo"):
        assert client.post(reverse(name, args=[job.public_id]), {"confirm": "1"}).status_code == 404
    assert "p.csv" not in client.get(reverse("import-list")).content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED


def test_a_partner_of_another_organisation_gets_403_not_the_import(world, as_user):
    job = _job_for(world, MESSY)
    assert as_user(world.other_partner).get(reverse("import-detail", args=[job.public_id])).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(world, client):
    job = _job_for(world, MESSY)
    for url in (reverse("import-list"), reverse("import-detail", args=[job.public_id])):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login/" in response["Location"]


def test_the_list_and_the_preview_run_a_bounded_number_of_queries(world, as_user, django_assert_max_num_queries):
    client = as_user(world.coordinator)
    small = _job_for(world, belgian_csv(*(f"Org {i};;9000;Gent;;;;;" for i in range(3))))
    big = _job_for(world, belgian_csv(*(f"Org {i};;9000;Gent;;;;;" for i in range(30))))
    counts = []
    for job in (small, big):
        with django_assert_max_num_queries(20) as captured:
            assert client.get(reverse("import-detail", args=[job.public_id])).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(12):
        assert client.get(reverse("import-list")).status_code == 200


def test_the_preview_filters_rows_with_warnings(world, as_user):
    job = _job_for(world, MESSY)
    page = (
        as_user(world.coordinator)
        .get(reverse("import-detail", args=[job.public_id]) + "?show=warnings")
        .content.decode()
    )
    assert 'id="row-4"' in page
    assert 'id="row-3"' not in page


def test_the_preview_filters_rows_with_errors(world, as_user):
    job = _job_for(world, MESSY + "Zonder naam hieronder\r\n;Straat 1;9000;Gent;;;;;\r\n".encode("cp1252"))
    page = (
        as_user(world.coordinator).get(reverse("import-detail", args=[job.public_id]) + "?show=error").content.decode()
    )
    assert 'id="row-7"' in page, "a row without its required name is skipped"
    assert 'id="row-4"' not in page


def test_an_import_can_not_be_confirmed_twice(world, as_user):
    job = _job_for(world, MESSY)
    client = as_user(world.coordinator)
    client.post(reverse("import-decide", args=[job.public_id]), {"confirm": "1"})
    count = Organisation.objects.count()
    response = client.post(reverse("import-decide", args=[job.public_id]), {"confirm": "1"}, follow=True)
    assert response.status_code == 200
    assert Organisation.objects.count() == count


def test_the_upload_page_in_english_names_its_fields(world, as_user):
    world.coordinator.language = "en"
    world.coordinator.save()
    page = as_user(world.coordinator).get(reverse("import-list")).content.decode()
    assert '<label for="id_file">' in page
    assert io is not None
