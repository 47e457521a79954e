"""Spreadsheets shaped like an office's own exports: every row whose required fields are good is imported,
an optional cell that cannot be read is left empty with a warning, and the words Brug does not know are
asked once (the value step) and remembered for the institution's next import."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from imports import services
from imports.models import ImportJob, ImportRow, ValueMapping
from imports.tests.conftest import xlsx
from lib.errors import DomainError
from network.models import Organisation, TargetGroup, Theme

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(autouse=True)
def coordinator_reads_english(world):
    world.coordinator.language = "en"


def _job(world, data: bytes, name: str = "partners.csv", kind: str = "organisations", **kwargs) -> ImportJob:
    job = services.create_job(by=world.coordinator, institution=world.a, kind=kind, name=name, data=data, **kwargs)
    services.set_mapping(job, job.mapping)
    services.build_preview(job)
    assert job.status == ImportJob.Status.PREVIEWED, job.error
    return job


def _rows(job: ImportJob) -> dict[int, ImportRow]:
    return {row.row_number: row for row in ImportRow.objects.filter(job=job)}


@pytest.fixture
def terms(db):
    return {
        "armoede": Theme.objects.create(slug="armoede", name_nl="Armoede", name_en="Poverty"),
        "onderwijs": Theme.objects.create(slug="onderwijs", name_nl="Onderwijs", name_en="Education"),
        "jongeren": TargetGroup.objects.create(slug="jongeren", name_nl="Jongeren", name_en="Young people"),
    }


# Belgian Excel's "CSV (puntkomma gescheiden)" as an office keeps it: a title row, Dutch headers and the
# office's own words for kinds and themes, enterprise numbers written every way (one with bad check digits),
# a blank line, trailing spaces, a row repeated, and a row without its required name.
OFFICE_CSV = (
    "\r\n".join(
        [
            "Partnerlijst dienst engagement 2027;;;;;;",
            "Naam;Soort;Postcode;Gemeente;KBO;Thema's;Doelgroep",
            "Buurtwerk Noord  ;stadsdienst;9000;Gent;BE 0202.239.951;Armoede;Jongeren",
            "Sportclub De Pijl;vereniging;9000 ;Gent;0403170701;armoede, Sport;",
            ";;;;;;",
            "Bakkerij Zuid;bedrijf;9000;Gent;0123.456.789;Onderwijs;jongeren",
            "Taalcafé Oost;vzw;9050;Gentbrugge;403.199.702;poverty;",
            "Taalcafé Oost;vzw;9050;Gentbrugge;403.199.702;poverty;",
            ";stad;9000;Gent;;;",
            "Jeugdhuis West;Stadsdienst;9000;Gent;;Armoede;",
        ]
    )
    + "\r\n"
).encode("cp1252")


def test_an_office_csv_imports_every_row_with_a_name_and_warns_about_each_cell_left_empty(world, terms):
    job = _job(world, OFFICE_CSV)
    rows = _rows(job)
    assert job.header_row == 2
    assert {n: r.action for n, r in rows.items()} == {
        3: "create",
        4: "create",
        6: "create",
        7: "create",
        8: "error",  # the same record as row 7
        9: "error",  # no name
        10: "create",
    }
    assert rows[8].errors == [{"column": "", "message": "the same record as row 7"}]
    assert rows[9].errors == [{"column": "Naam", "message": "is empty, but it is needed"}]
    # Trailing spaces are gone, BE and dots are read, the office's words wait for the value step.
    assert rows[3].data["name"] == "Buurtwerk Noord"
    assert rows[3].data["enterprise_number"] == "0202.239.951"
    assert rows[3].data["themes"] == [terms["armoede"].pk]
    assert "kind" not in rows[3].data
    assert {"column": "Soort", "message": "'stadsdienst' is not one of: " + _kinds() + "; left empty"} in rows[
        3
    ].warnings
    # A theme that does not exist: the cell is left empty, the row imported.
    assert "themes" not in rows[4].data
    assert any(w["column"] == "Thema's" and "'Sport'" in w["message"] for w in rows[4].warnings)
    # Check digits that do not match: kept aside with a warning, not stored; the row is imported.
    assert "enterprise_number" not in rows[6].data
    assert rows[6].warnings[-1] == {
        "column": "KBO",
        "message": "'0123.456.789' has check digits that do not match (a typing error?): it is kept aside, not stored",
    }
    # A known synonym in English, and a nine-digit number without its leading zero.
    assert rows[7].data["themes"] == [terms["armoede"].pk]
    assert rows[7].data["enterprise_number"] == "0403.199.702"
    assert (job.summary["create"], job.summary["error"], job.summary["warnings"]) == (5, 2, 4)

    services.run_import(job, by=world.coordinator)
    assert job.status == ImportJob.Status.DONE, job.error
    written = job.summary["written"]
    assert (written["created"], written["skipped"], written["warnings"]) == (5, 2, 4)
    assert services.result_message(job).startswith("Imported: 5 created, 0 updated, 0 unchanged, 2 skipped")
    assert not Organisation.objects.filter(enterprise_number="0123.456.789").exists()
    assert Organisation.objects.get(name="Bakkerij Zuid").enterprise_number == ""


def _kinds() -> str:
    return ", ".join(str(label) for label in Organisation.Kind.labels)


def test_the_value_step_lists_unknown_words_with_suggestions_and_remembers_the_answers(world, terms):
    job = _job(world, OFFICE_CSV)
    questions = {q["column"]: q for q in services.value_questions(job)}
    kinds = {w["raw"]: w for w in questions["organisations.kind"]["words"]}
    # "stadsdienst" twice (any capitals), with Brug's suggestion for each word.
    assert kinds["stadsdienst"]["count"] == 2
    assert kinds["stadsdienst"]["suggestion"] == Organisation.Kind.CITY_SERVICE
    assert kinds["vereniging"]["suggestion"] == Organisation.Kind.NONPROFIT
    assert kinds["bedrijf"]["suggestion"] == Organisation.Kind.OTHER
    assert questions["organisations.kind"]["label"] == "Soort"
    assert [w["raw"] for w in questions["organisations.themes"]["words"]] == ["Sport"]

    services.set_values(
        job,
        {
            "organisations.kind": {
                "stadsdienst": Organisation.Kind.CITY_SERVICE,
                "vereniging": Organisation.Kind.SPORTS_CLUB,
                "bedrijf": services.LEAVE_EMPTY,
            },
            "organisations.themes": {"Sport": str(terms["onderwijs"].pk)},
        },
        by=world.coordinator,
    )
    services.start_preview(job)
    rows = _rows(job)
    assert rows[3].data["kind"] == Organisation.Kind.CITY_SERVICE
    assert rows[3].warnings == []
    assert rows[4].data["kind"] == Organisation.Kind.SPORTS_CLUB
    assert rows[4].data["themes"] == sorted([terms["armoede"].pk, terms["onderwijs"].pk])
    assert "kind" not in rows[6].data and not any(w["column"] == "Soort" for w in rows[6].warnings)
    assert services.value_questions(job) == []

    # The institution's next import knows the words; another institution's does not.
    again = _job(world, OFFICE_CSV)
    assert _rows(again)[10].data["kind"] == Organisation.Kind.CITY_SERVICE
    assert ValueMapping.objects.filter(institution=world.a).count() == 4
    other = services.create_job(by=None, institution=world.b, kind="organisations", name="p.csv", data=OFFICE_CSV)
    services.set_mapping(other, other.mapping)
    services.build_preview(other)
    assert "kind" not in _rows(other)[10].data


def test_the_value_step_refuses_a_value_that_was_not_offered(world, terms):
    job = _job(world, OFFICE_CSV)
    with pytest.raises(DomainError, match="Choose one of the values offered"):
        services.set_values(job, {"organisations.kind": {"stadsdienst": "castle"}}, by=world.coordinator)
    with pytest.raises(DomainError):
        services.set_values(job, {"organisations.kind": {"never seen": "school"}}, by=world.coordinator)
    assert not ValueMapping.objects.exists()


def test_utf8_with_a_bom_and_english_headers_imports_every_row(world, terms):
    data = (
        "\ufeffName,Kind,Zip,City,Enterprise number,Themes,Active\n"
        "Café Noord,Non-profit organisation,9000,Gent,0202239951,Education,yes\n"
        "Résidence Sud,charity,1000,Brussel,,Education;Poverty,maybe\n"
        "\n"
        "Wijkteam Oost ,neighbourhood,9000,Gent,BE0202.239.952,,no\n"
    ).encode()
    job = _job(world, data, name="partners.csv")
    assert job.encoding == "utf-8"
    rows = _rows(job)
    assert [r.action for r in rows.values()] == ["create", "create", "create"]
    assert rows[2].data["kind"] == Organisation.Kind.NONPROFIT
    assert rows[3].data["name"] == "Résidence Sud"
    assert rows[3].data["themes"] == sorted([terms["onderwijs"].pk, terms["armoede"].pk])
    assert {w["column"] for w in rows[3].warnings} == {"Kind", "Active"}
    assert [w["column"] for w in rows[5].warnings] == ["Enterprise number"]
    assert "maybe" in [w["raw"] for q in services.value_questions(job) for w in q["words"]]


def test_an_xlsx_with_a_title_row_and_merged_cells_imports_every_row_with_a_name(world, terms):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Partners 2027"])
    sheet.merge_cells("A1:D1")
    sheet.append(["Naam", "Soort", "Postcode", "Thema"])
    sheet.append(["Buurtwerk Noord", "vzw", 9000, "Armoede"])
    sheet.append(["Kringloop Zuid", "winkel", "9000", "Onderwijs"])
    sheet.append(["Samen Sterk", None, None, None])
    sheet.merge_cells("B5:D5")
    sheet.append([None, "stad", 9000, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = _job(world, buffer.getvalue(), name="partners.xlsx")
    assert (job.encoding, job.header_row) == ("xlsx", 2)
    rows = _rows(job)
    assert {n: r.action for n, r in rows.items()} == {3: "create", 4: "create", 5: "create", 6: "error"}
    assert rows[3].data["postcode"] == "9000"
    assert rows[4].warnings[0]["column"] == "Soort"


def test_nothing_written_is_never_put_as_a_success(world):
    job = _job(world, b"Naam;Gemeente\r\n;Gent\r\n")
    services.run_import(job, by=world.coordinator)
    assert job.status == ImportJob.Status.DONE
    assert services.result_message(job).startswith("Nothing was imported: 0 created, 0 updated")


def test_a_workbook_is_read_whole_once_by_the_preview_and_the_page_never_reopens_it(world):
    rows = [["Titel"], ["Naam", "Gemeente"], *([f"Org {n}", "Gent"] for n in range(300))]
    data = xlsx(rows)
    job = services.create_job(by=world.coordinator, institution=world.a, kind="organisations", name="p.xlsx", data=data)
    # Counted from the sheet's rows at upload, without reading them all.
    assert job.progress_total == 300
    assert services.column_samples(job) == {0: ["Org 0", "Org 1", "Org 2"], 1: ["Gent", "Gent", "Gent"]}
    job.file.delete(save=False)
    assert services.column_samples(job)[0] == ["Org 0", "Org 1", "Org 2"], "samples come from the upload"


def test_a_damaged_cell_far_down_a_workbook_fails_its_preview_with_a_message(world):
    """The upload reads only the first rows; the preview, reading the whole sheet, says what is wrong."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(xlsx([["Naam"], *([f"Org {n}"] for n in range(100))])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b'<c r="A90" t="inlineStr">', b'<c r="A90" t="s"><v>99999</v>', 1)
            target.writestr(item, content)
    job = services.create_job(
        by=world.coordinator, institution=world.a, kind="organisations", name="p.xlsx", data=buffer.getvalue()
    )
    services.set_mapping(job, job.mapping)
    services.build_preview(job)
    assert job.status == ImportJob.Status.FAILED
    assert "damaged or incomplete" in job.error
    assert not ImportRow.objects.filter(job=job).exists()
