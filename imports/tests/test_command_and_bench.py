from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from imports.bench import bench_import, enterprise_number
from imports.tests.conftest import belgian_csv
from imports.validate import enterprise_number as clean_enterprise_number
from network.models import Organisation


def test_the_command_imports_a_file_with_progress_on_stderr(world, tmp_path, capsys):
    path = tmp_path / "partners.csv"
    path.write_bytes(belgian_csv("Huiswerkklas Noord;;9000;Gent;;;;;", "Fout;;90O0;Gent;;;;;"))
    call_command("import_spreadsheet", str(path), "--kind", "organisations", "--institution", "uas")
    out, err = capsys.readouterr()
    # An optional cell that cannot be read is left empty with a warning: the row is imported.
    assert "2 created" in out
    # Messages come in the importing user's language (Dutch here).
    assert "Row 4, column Postcode (warning): '90O0' is geen Belgische postcode" in out
    assert "preview: 2/2 rows" in err
    assert Organisation.objects.filter(name="Huiswerkklas Noord").exists()


def test_the_command_dry_run_writes_nothing_and_takes_a_mapping(world, tmp_path, capsys):
    path = tmp_path / "p.csv"
    path.write_bytes(b"Organisatie;Waar\r\nNieuw;9000\r\n")
    call_command(
        "import_spreadsheet",
        str(path),
        "--kind",
        "organisations",
        "--institution",
        "uas",
        "--mapping",
        '{"Waar": "postcode"}',
        "--dry-run",
    )
    assert "1 to create" in capsys.readouterr().out
    assert not Organisation.objects.filter(name="Nieuw").exists()


def test_the_command_refuses_an_unknown_institution_and_a_broken_file(world, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(bytes(range(128, 256)) * 20)
    with pytest.raises(CommandError, match="No institution"):
        call_command("import_spreadsheet", str(path), "--kind", "organisations", "--institution", "nope")
    with pytest.raises(CommandError, match="neither UTF-8"):
        call_command("import_spreadsheet", str(path), "--kind", "organisations", "--institution", "uas")


def test_the_bench_numbers_are_valid_enterprise_numbers():
    assert clean_enterprise_number(enterprise_number(7), None) == enterprise_number(7)


@pytest.mark.django_db
def test_the_bench_imports_and_a_second_import_changes_nothing(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    result = bench_import(rows=300)
    assert result["created"] == 300
    assert result["second_changed_nothing"] is True
    assert result["second_unchanged"] == 300
    assert result["undone"] is True


def test_the_undo_command_refuses_with_the_list_then_undoes_only_what_is_safe(world, tmp_path, capsys):
    from imports.models import ImportJob
    from network.services import add_organisation_note

    path = tmp_path / "partners.csv"
    path.write_bytes(belgian_csv("Huiswerkklas Noord;;9000;Gent;;;;;", "Taalcafé Zuid;;9000;Gent;;;;;"))
    call_command("import_spreadsheet", str(path), "--kind", "organisations", "--institution", "uas")
    job = ImportJob.objects.get()
    noted = Organisation.objects.get(name="Taalcafé Zuid")
    add_organisation_note(noted, by=world.coordinator, text="Bellen na de zomer")
    with pytest.raises(CommandError, match="sinds de import geschreven door Cora Coördinator"):
        call_command("undo_import", str(job.public_id), "--institution", "uas")
    with pytest.raises(CommandError, match="No import"):
        call_command("undo_import", str(job.public_id), "--institution", "hb", "--only-safe")
    call_command("undo_import", str(job.public_id), "--institution", "uas", "--only-safe")
    assert "Undone: 1 records taken back, 1 kept." in capsys.readouterr().out
    assert list(Organisation.objects.filter(name__in=["Huiswerkklas Noord", "Taalcafé Zuid"])) == [noted]


@pytest.mark.django_db
def test_the_bench_reads_the_same_rows_as_csv_and_as_xlsx_and_leaves_nothing(settings, tmp_path):
    from imports.bench import bench_formats
    from imports.models import ImportJob

    settings.MEDIA_ROOT = tmp_path
    result = bench_formats(rows=200, page_runs=1)
    assert result["csv_previewed_rows"] == result["xlsx_previewed_rows"] == 200
    assert {"csv_upload_s", "xlsx_upload_s", "csv_page_ms", "xlsx_page_ms", "xlsx_preview_s"} <= set(result)
    assert not ImportJob.objects.exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
