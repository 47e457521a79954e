"""Imports through the API: upload, correct the mapping, preview, decide on duplicates, confirm, undo; the same
limits and the same rules as the import pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from api.tests.support import ApiClient, count_queries
from engagements.models import Engagement
from imports import services
from imports.models import ImportJob
from imports.readers import MAX_COLUMNS
from imports.tests.conftest import belgian_csv
from network.models import Organisation
from network.services import add_organisation_note, update_organisation
from tests import factories as f

# Messages are asserted in English (the preview speaks the importing user's language); Dutch is the default.
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client: ApiClient, data: bytes, name: str = "engagementen.csv", kind: str = "engagements") -> Any:
    """A multipart upload, as a spreadsheet program's user (or a script) sends it."""
    return client.client.post(
        "/api/imports", data={"kind": kind, "file": SimpleUploadedFile(name, data)}, headers=client.headers
    )


# Belgian Excel's "CSV (puntkomma gescheiden)": a title row, semicolons, Windows-1252, day/month/year dates,
# and a column the guess does not know ("Tijdsbesteding (u)").
ENGAGEMENTS = (
    "\r\n".join(
        [
            "Engagementen 2026-2027 — dienst engagement;;;;;",
            "Titel;Startdatum;Einddatum;Tijdsbesteding (u);Partner;Opmerking",
            "Huiswerkbegeleiding Noord;31/01/2027;30/06/2027;40;Buurtwerk De Brug;Elke woensdag",
            "Taalcafé Zuid;01/02/2027;;12;Buurtwerk De Brug;",
            "Vrijwilligersdag;15/03/2027;14/03/2027;8;;",
        ]
    )
    + "\r\n"
).encode("cp1252")


def organisations_job(world) -> ImportJob:
    job = services.create_job(
        by=world.coordinator,
        institution=world.a,
        kind="organisations",
        name="partners.csv",
        data=belgian_csv("Huiswerkklas Noord;Kerkstraat 1;9000;Gent;;;;;3", "Buurtwerk De Brug;;9000;Gent;;;;;5"),
    )
    services.set_mapping(job, job.mapping)
    services.build_preview(job)
    return job


# The whole way, end to end


def test_a_belgian_excel_csv_is_uploaded_mapped_decided_imported_and_undone(world, api_as):
    existing = f.make_engagement(world.a, title="Huiswerkbegeleiding Noord", start_date=dt.date(2027, 1, 31), hours=10)
    client = api_as(world.coordinator)

    response = upload(client, ENGAGEMENTS)
    assert response.status_code == 201, response.content
    job = response.json()
    assert (job["status"], job["encoding"], job["delimiter"], job["header_row"]) == ("uploaded", "cp1252", ";", 2)
    columns = {c["header"]: c for c in job["columns"]}
    assert columns["Titel"]["field"] == "title"
    assert columns["Startdatum"]["samples"][0] == "31/01/2027"
    assert columns["Partner"]["field"] == "organisation"
    assert columns["Tijdsbesteding (u)"]["field"] == "", "not guessed"
    assert {"name": "hours", "label": "Hours", "required": False} in job["fields"]
    assert Engagement.objects.count() == 1, "an upload writes nothing"

    # Correct the mapping: the unknown column holds the hours, the remark is the description.
    mapping = {str(c["index"]): c["field"] for c in job["columns"]}
    mapping.update({"3": "hours", "5": "description"})
    response = client.post(f"/imports/{job['id']}/mapping", {"mapping": mapping})
    assert response.status_code == 200, response.content
    job = response.json()
    assert job["status"] == "previewed"
    assert job["summary"] | {} == {
        "total": 3,
        "create": 2,
        "update": 1,
        "unchanged": 0,
        "error": 0,
        "duplicates": 1,
        "warnings": 1,
        "unknown": {},
        "created": None,
        "updated": None,
    }
    # An optional end date before the start is left empty with a warning; the row is imported.
    [warned] = client.get(f"/imports/{job['id']}/rows", show="warnings").json()["items"]
    assert (warned["row"], warned["action"], warned["errors"]) == (5, "create", [])
    assert {
        "column": "Einddatum",
        "message": "the end date cannot be before the start date; left empty",
    } in warned["warnings"]
    [duplicate] = client.get(f"/imports/{job['id']}/rows", show="duplicates").json()["items"]
    assert (duplicate["row"], duplicate["action"], duplicate["decision"]) == (3, "update", "merge")
    assert duplicate["existing"] == {
        "id": str(existing.public_id),
        "label": "Huiswerkbegeleiding Noord",
        "match": "exact",
        "same": False,
    }

    # Keep the duplicate apart: a new engagement next to the existing one.
    response = client.post(f"/imports/{job['id']}/decisions", {"decisions": [{"row": 3, "decision": "separate"}]})
    assert response.status_code == 200, response.content
    assert (response.json()["summary"]["create"], response.json()["summary"]["update"]) == (3, 0)

    response = client.post(f"/imports/{job['id']}/confirm", None)
    assert response.status_code == 200, response.content
    job = response.json()
    assert (job["status"], job["summary"]["created"], job["summary"]["updated"], job["can_undo"]) == (
        "done",
        3,
        0,
        True,
    )
    new = Engagement.objects.exclude(pk=existing.pk).order_by("start_date")
    assert [(e.title, e.start_date, e.end_date, e.hours, e.organisation_id) for e in new] == [
        ("Huiswerkbegeleiding Noord", dt.date(2027, 1, 31), dt.date(2027, 6, 30), 40, world.org.pk),
        ("Taalcafé Zuid", dt.date(2027, 2, 1), None, 12, world.org.pk),
        ("Vrijwilligersdag", dt.date(2027, 3, 15), None, 8, None),
    ]
    assert new[0].description == "Elke woensdag"
    existing.refresh_from_db()
    assert existing.hours == 10, "kept apart: the existing engagement is untouched"

    response = client.post(f"/imports/{job['id']}/undo", None)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "undone"
    assert list(Engagement.objects.all()) == [existing]


def test_merging_a_duplicate_updates_it_and_undo_restores_it(world, api_as):
    existing = f.make_engagement(world.a, title="Huiswerkbegeleiding Noord", start_date=dt.date(2027, 1, 31), hours=10)
    client = api_as(world.coordinator)
    job = upload(client, ENGAGEMENTS).json()
    client.post(f"/imports/{job['id']}/mapping", {"mapping": {"0": "title", "1": "start_date", "3": "hours"}})
    client.post(f"/imports/{job['id']}/decisions", {"decisions": [{"row": 3, "decision": "merge"}]})
    assert client.post(f"/imports/{job['id']}/confirm", None).json()["summary"]["updated"] == 1
    existing.refresh_from_db()
    assert existing.hours == 40
    assert client.post(f"/imports/{job['id']}/undo", None).status_code == 200
    existing.refresh_from_db()
    assert existing.hours == 10


# Reading the imports


def test_the_list_shows_the_institutions_imports_newest_first_with_filters(world, api_as):
    first = organisations_job(world)
    second = services.create_job(
        by=world.coordinator, institution=world.a, kind="engagements", name="e.csv", data=ENGAGEMENTS
    )
    client = api_as(world.coordinator)
    items = client.get("/imports").json()["items"]
    assert [i["id"] for i in items] == [str(second.public_id), str(first.public_id)]
    assert items[1]["file_name"] == "partners.csv"
    assert items[1]["summary"]["create"] == 1
    assert items[1]["created_by"]
    assert [i["id"] for i in client.get("/imports", status="previewed").json()["items"]] == [str(first.public_id)]
    assert [i["id"] for i in client.get("/imports", kind="engagements").json()["items"]] == [str(second.public_id)]
    assert client.get("/imports", kind="nonsense").status_code == 422
    assert api_as(world.outsider).get("/imports").json()["items"] == []


def test_the_list_and_the_rows_cost_the_same_number_of_queries_for_more_records(world, api_as):
    client = api_as(world.coordinator)
    job = organisations_job(world)
    small = count_queries(lambda: client.get("/imports"))
    small_rows = count_queries(lambda: client.get(f"/imports/{job.public_id}/rows"))
    for _ in range(5):
        organisations_job(world)
    big = services.create_job(
        by=world.coordinator,
        institution=world.a,
        kind="organisations",
        name="many.csv",
        data=belgian_csv(*(f"Organisatie {n};;9000;Gent;;;;;" for n in range(30)), "Buurtwerk De Brug;;9000;Gent;;;;;"),
    )
    services.set_mapping(big, big.mapping)
    services.build_preview(big)
    assert count_queries(lambda: client.get("/imports")) == small
    assert count_queries(lambda: client.get(f"/imports/{big.public_id}/rows")) == small_rows


def test_the_detail_says_the_progress_of_a_background_preview(world, api_as):
    job = organisations_job(world)
    job.status = ImportJob.Status.PREVIEWING
    job.save()
    services.report_progress(job, 1, 4)
    detail = api_as(world.coordinator).get(f"/imports/{job.public_id}").json()
    assert detail["progress"] == {"done": 1, "total": 4, "percent": 25}
    assert not detail["can_change_mapping"] and not detail["can_confirm"]


def test_a_large_file_is_previewed_and_imported_by_the_task_worker(world, api_as, monkeypatch):
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 1)
    client = api_as(world.coordinator)
    job = upload(client, ENGAGEMENTS).json()
    assert job["runs_in_background"]
    # The immediate task backend of the tests runs the task at once.
    response = client.post(f"/imports/{job['id']}/mapping", {"mapping": {"0": "title", "1": "start_date"}})
    assert response.json()["status"] == "previewed"
    response = client.post(f"/imports/{job['id']}/confirm", None)
    assert response.status_code in (200, 202)
    assert client.get(f"/imports/{job['id']}").json()["status"] == "done"
    assert Engagement.objects.count() == 3


# Who may


def _all_calls(client: ApiClient, public_id: Any) -> dict[str, Any]:
    return {
        "list": lambda: client.get("/imports"),
        "upload": lambda: upload(client, ENGAGEMENTS),
        "detail": lambda: client.get(f"/imports/{public_id}"),
        "rows": lambda: client.get(f"/imports/{public_id}/rows"),
        "mapping": lambda: client.post(f"/imports/{public_id}/mapping", {"mapping": {"0": "name"}}),
        "decisions": lambda: client.post(f"/imports/{public_id}/decisions", {"decisions": []}),
        "confirm": lambda: client.post(f"/imports/{public_id}/confirm", None),
        "undo": lambda: client.post(f"/imports/{public_id}/undo", None),
    }


@pytest.mark.parametrize("persona", ["faculty", "student", "partner", "other_partner"])
def test_roles_below_the_office_get_403_and_change_nothing(world, api_as, persona):
    job = organisations_job(world)
    for name, call in _all_calls(api_as(getattr(world, persona)), job.public_id).items():
        assert call().status_code == 403, (persona, name)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED
    assert ImportJob.objects.count() == 1


def test_another_institutions_coordinator_gets_404_and_changes_nothing(world, api_as):
    job = organisations_job(world)
    calls = _all_calls(api_as(world.outsider), job.public_id)
    for name in ("detail", "rows", "mapping", "decisions", "confirm", "undo"):
        assert calls[name]().status_code == 404, name
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED
    assert not Organisation.objects.filter(name="Huiswerkklas Noord").exists()


def test_an_anonymous_caller_gets_401(world, api_as):
    job = organisations_job(world)
    for name, call in _all_calls(api_as(None), job.public_id).items():
        assert call().status_code == 401, name
    assert ImportJob.objects.count() == 1


# Refusals: 400 with the reason on the field, in the user's language, and nothing saved


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "leeg.csv", "The file is empty."),
        (b"PK\x03\x04 niet echt een werkboek", "kapot.xlsx", "This Excel file is damaged or incomplete"),
        (b"\x00\x01\x02binary", "foto.csv", "This file is not a text spreadsheet (CSV)."),
        (";".join(["Naam"] * (MAX_COLUMNS + 1)).encode(), "breed.csv", f"Brug reads at most {MAX_COLUMNS}"),
        (b"Titel;Startdatum\r\n", "leeg.csv", "The file has a header row but no rows with data under it."),
        (b"xx", "oud.xls", "Old Excel files (.xls) cannot be read."),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_the_reason_on_the_file(world, api_as, data, name, message):
    response = upload(api_as(world.coordinator), data, name=name)
    assert response.status_code == 400, response.content
    body = response.json()
    assert message in body["errors"]["file"][0]
    assert message in body["detail"]
    assert ImportJob.objects.count() == 0


def test_the_refusal_comes_in_the_users_language(world, api_as):
    response = upload(api_as(world.coordinator, accept_language="nl"), b"   ", name="leeg.csv")
    assert response.status_code == 400
    assert response.json()["errors"]["file"] == ["Het bestand is leeg."]


def test_a_file_past_the_size_limit_is_refused_before_it_is_read(world, api_as, settings):
    settings.BRUG_IMPORT_MAX_BYTES = 100
    client = api_as(world.coordinator)
    response = upload(client, ENGAGEMENTS)
    assert response.status_code == 400
    assert "at most 100" in response.json()["errors"]["file"][0]
    huge = ENGAGEMENTS * 1000  # past the limit and the room for the form around it: not even read
    response = upload(client, huge)
    assert response.status_code == 400
    assert "larger than 100" in response.json()["errors"]["file"][0]
    assert ImportJob.objects.count() == 0
    assert upload(api_as(None), huge).status_code == 401


def test_an_upload_without_a_file_or_with_an_unknown_kind_does_not_fit_the_schema(world, api_as):
    client = api_as(world.coordinator)
    assert upload(client, ENGAGEMENTS, kind="cats").status_code == 422
    response = client.client.post("/api/imports", data={"kind": "engagements"}, headers=client.headers)
    assert response.status_code == 422
    assert "file" in response.json()["errors"]
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"0": "name", "1": "name"}, "Two columns are mapped to “Name”"),
        ({"1": "street"}, "Choose a column for: Name."),
        ({"0": "name", "99": "city"}, "names a column or field that does not exist"),
        ({"0": "name", "1": "colour"}, "names a column or field that does not exist"),
        ({"0": "name", "²": "city"}, "names a column or field that does not exist"),
    ],
)
def test_a_wrong_mapping_is_refused_on_the_mapping_and_the_preview_stays(world, api_as, mapping, message):
    job = organisations_job(world)
    before = job.mapping
    response = api_as(world.coordinator).post(f"/imports/{job.public_id}/mapping", {"mapping": mapping})
    assert response.status_code == 400, response.content
    assert message in response.json()["errors"]["mapping"][0]
    job.refresh_from_db()
    assert (job.status, job.mapping) == (ImportJob.Status.PREVIEWED, before)


def test_deciding_on_a_row_that_is_no_duplicate_is_refused_and_nothing_changes(world, api_as):
    job = organisations_job(world)
    client = api_as(world.coordinator)
    response = client.post(
        f"/imports/{job.public_id}/decisions",
        {"decisions": [{"row": 3, "decision": "separate"}, {"row": 4, "decision": "separate"}]},
    )
    assert response.status_code == 400
    assert "nothing to decide: 3." in response.json()["errors"]["decisions"][0]
    [row] = client.get(f"/imports/{job.public_id}/rows", show="duplicates").json()["items"]
    assert (row["row"], row["decision"]) == (4, "merge")
    bad = client.post(f"/imports/{job.public_id}/decisions", {"decisions": [{"row": 4, "decision": "maybe"}]})
    assert bad.status_code == 422


def test_confirming_twice_or_before_the_preview_is_refused(world, api_as):
    client = api_as(world.coordinator)
    job = upload(client, ENGAGEMENTS).json()
    response = client.post(f"/imports/{job['id']}/confirm", None)
    assert response.status_code == 400
    assert "“Uploaded”" in response.json()["detail"]
    previewed = organisations_job(world)
    assert client.post(f"/imports/{previewed.public_id}/confirm", None).status_code == 200
    assert client.post(f"/imports/{previewed.public_id}/confirm", None).status_code == 400
    assert Organisation.objects.filter(name="Huiswerkklas Noord").count() == 1


def test_an_import_whose_records_changed_since_is_not_undone(world, api_as):
    job = organisations_job(world)
    client = api_as(world.coordinator)
    assert client.post(f"/imports/{job.public_id}/confirm", None).status_code == 200
    new = Organisation.objects.get(name="Huiswerkklas Noord")
    update_organisation(new, by=None, expected_version=new.version, city="Elders")
    response = client.post(f"/imports/{job.public_id}/undo", None)
    assert response.status_code == 400
    [blocker] = response.json()["errors"]["undo"]
    assert blocker.startswith("1 organisation was changed since the import on ")
    assert blocker.endswith("It concerns “Huiswerkklas Noord”.")
    assert Organisation.objects.filter(name="Huiswerkklas Noord").exists()
    assert client.get(f"/imports/{job.public_id}").json()["status"] == "done"


def test_only_safe_undoes_the_rest_and_keeps_what_a_note_was_written_on(world, api_as):
    job = services.create_job(
        by=world.coordinator,
        institution=world.a,
        kind="organisations",
        name="partners.csv",
        data=belgian_csv("Huiswerkklas Noord;;9000;Gent;;;;;", "Taalcafé Zuid;;9000;Gent;;;;;"),
    )
    services.set_mapping(job, job.mapping)
    services.build_preview(job)
    client = api_as(world.coordinator)
    assert client.post(f"/imports/{job.public_id}/confirm", None).status_code == 200
    noted = Organisation.objects.get(name="Taalcafé Zuid")
    add_organisation_note(noted, by=world.coordinator, text="Bellen na de zomer")
    refused = client.post(f"/imports/{job.public_id}/undo", None)
    assert refused.status_code == 400
    assert "1 internal note written since the import" in refused.json()["detail"]
    assert Organisation.objects.filter(name="Huiswerkklas Noord").exists()

    response = client.post(f"/imports/{job.public_id}/undo?only_safe=true", None)
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["can_undo"]) == ("partly_undone", True)
    assert list(Organisation.objects.filter(name__in=["Huiswerkklas Noord", "Taalcafé Zuid"])) == [noted]
    assert noted.notes.get().text == "Bellen na de zomer"
    again = client.post(f"/imports/{job.public_id}/undo?only_safe=true", None)
    assert again.status_code == 400
    assert "Nothing of this import can be undone without losing work" in again.json()["detail"]


def test_undoing_an_undone_import_says_so(world, api_as):
    job = organisations_job(world)
    client = api_as(world.coordinator)
    client.post(f"/imports/{job.public_id}/confirm", None)
    assert client.post(f"/imports/{job.public_id}/undo", None).status_code == 200
    response = client.post(f"/imports/{job.public_id}/undo", None)
    assert (response.status_code, response.json()["detail"]) == (400, "This import is already undone.")


def test_a_refused_import_writes_nothing_and_says_why(world, api_as):
    job = organisations_job(world)
    # Someone changes the organisation the preview would update: the import is refused whole.
    update_organisation(world.org, by=None, expected_version=world.org.version, city="Elders")
    response = api_as(world.coordinator).post(f"/imports/{job.public_id}/confirm", None)
    assert response.status_code == 400
    assert "changed by someone else after the preview" in response.json()["detail"]
    assert not Organisation.objects.filter(name="Huiswerkklas Noord").exists()


def test_the_words_not_recognised_are_listed_and_mapped_through_the_api(world, api_as):
    from imports.models import ValueMapping

    client = api_as(world.coordinator)
    data = "Naam;Soort;Postcode\r\nBuurtwerk Noord;stadsdienst;9000\r\nKlub;vereniging;9000\r\n".encode("cp1252")
    job = upload(client, data, name="p.csv", kind="organisations").json()
    job = client.post(f"/imports/{job['id']}/mapping", {"mapping": {"0": "name", "1": "kind", "2": "postcode"}}).json()
    assert job["summary"]["warnings"] == 2
    assert job["summary"]["unknown"] == {"organisations.kind": [["stadsdienst", 1], ["vereniging", 1]]}
    [question] = client.get(f"/imports/{job['id']}/values").json()
    assert question["column"] == "organisations.kind"
    assert {"value": "city_service", "label": "City or public service"} in question["options"]
    assert [(w["raw"], w["suggestion"]) for w in question["words"]] == [
        ("stadsdienst", "city_service"),
        ("vereniging", "nonprofit"),
    ]
    refused = client.post(f"/imports/{job['id']}/values", {"answers": {"organisations.kind": {"stadsdienst": "x"}}})
    assert refused.status_code == 400
    assert not ValueMapping.objects.exists()
    response = client.post(
        f"/imports/{job['id']}/values", {"answers": {"organisations.kind": {"stadsdienst": "city_service"}}}
    )
    assert response.status_code == 200, response.content
    assert response.json()["summary"]["warnings"] == 1
    assert response.json()["summary"]["unknown"] == {"organisations.kind": [["vereniging", 1]]}
