"""Every odd file gets a message in the user's language, never a 500 or a traceback, alike on the web, the
API and the command line; a refused file leaves no import and no stored file behind."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imports import services
from imports.models import ImportJob, ImportRow
from imports.readers import UnreadableFile, read_table

pytestmark = pytest.mark.usefixtures("english")

HUGE = "x" * (200 * 1024)
HUGE_CELL = f"Naam;Gemeente;Missie\r\nBuurtwerk;Gent;{HUGE}\r\n{HUGE[:300]};Gent;\r\nKort;Gent;ok\r\n".encode()
# It says UTF-8 (a byte-order mark), and line 3 holds a Windows-1252 "é": never read into garbage.
BAD_UTF8 = b"\xef\xbb\xbfNaam;Gemeente\r\nCaf\xc3\xa9 Noord;Gent\r\nCaf\xe9 Zuid;Gent\r\n"
RAGGED = b"Naam;Gemeente;Postcode\r\nA;Gent;9000\r\nB;Gent\r\nC;Gent;9000;extra;meer\r\nD;Gent;9000;;\r\n"
NUL = b"Naam;Gemeente\r\nA;Gent\r\n" + b"B;Ge\x00nt\r\n" * 3


def _stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


class Channel:
    """Upload the same bytes as a user of the pages, of the API, or of the command line would."""

    def __init__(self, how: str, world, as_user, api_as, tmp_path, capsys) -> None:
        self.how, self.world, self.as_user, self.api_as, self.tmp_path, self.capsys = (
            how,
            world,
            as_user,
            api_as,
            tmp_path,
            capsys,
        )

    def send(self, data: bytes, name: str = "partners.csv", encoding: str = "") -> tuple[bool, str]:
        if self.how == "web":
            client = self.as_user(self.world.coordinator)
            form = {"kind": "organisations", "file": SimpleUploadedFile(name, data), "encoding": encoding}
            response = client.post(reverse("import-list"), form)
            assert response.status_code in (302, 400), response.status_code
            return response.status_code == 302, response.content.decode()
        if self.how == "api":
            api = self.api_as(self.world.coordinator)
            form = {"kind": "organisations", "file": SimpleUploadedFile(name, data)}
            if encoding:
                form["encoding"] = encoding
            response = api.client.post("/api/imports", data=form, headers=api.headers)
            assert response.status_code in (201, 400), response.content
            return response.status_code == 201, response.content.decode()
        path = self.tmp_path / name
        path.write_bytes(data)
        args = ["import_spreadsheet", str(path), "--kind", "organisations", "--institution", "uas", "--dry-run"]
        if encoding:
            args += ["--encoding", encoding]
        try:
            call_command(*args, stdout=io.StringIO())
        except CommandError as exc:
            return False, str(exc)
        return True, ""


@pytest.fixture(params=["web", "api", "command"])
def channel(request, world, as_user, tmp_path, capsys):
    from api.tests.support import ApiClient

    return Channel(request.param, world, as_user, ApiClient, tmp_path, capsys)


def test_a_cell_over_128_kib_is_read_and_said_too_long_next_to_it(channel):
    ok, _text = channel.send(HUGE_CELL)
    assert ok
    if channel.how == "command":
        return  # a dry run keeps nothing
    job = ImportJob.objects.get()
    services.set_mapping(job, job.mapping)
    services.build_preview(job)
    rows = {r.row_number: r for r in ImportRow.objects.filter(job=job)}
    assert rows[2].action == ImportRow.Action.CREATE
    assert rows[2].warnings == [{"column": "Missie", "message": "is longer than 10000 characters; left empty"}]
    assert rows[3].action == ImportRow.Action.ERROR
    assert rows[3].errors == [{"column": "Naam", "message": "is longer than 200 characters"}]


def test_invalid_utf8_behind_a_byte_order_mark_is_refused_naming_the_line(channel, settings):
    ok, text = channel.send(BAD_UTF8)
    assert not ok
    assert "line 3 holds characters that are not UTF-8" in text.replace("&#x27;", "'")
    assert not ImportJob.objects.exists()
    assert not _stored_files(settings)


def test_the_encoding_the_user_chooses_reads_what_was_refused(channel):
    ok, text = channel.send(BAD_UTF8, encoding="cp1252")
    assert ok, text
    if channel.how != "command":
        assert ImportJob.objects.get().encoding == "cp1252"


def test_nul_bytes_are_refused_naming_the_line(channel, settings):
    ok, text = channel.send(NUL)
    assert not ok
    assert "Line 3 of the file holds a NUL character" in text
    assert not ImportJob.objects.exists()
    assert not _stored_files(settings)


def test_ragged_rows_are_read_with_a_warning_on_each(world):
    world.coordinator.language = "en"
    job = services.create_job(
        by=world.coordinator, institution=world.a, kind="organisations", name="r.csv", data=RAGGED
    )
    services.set_mapping(job, job.mapping)
    services.build_preview(job)
    rows = {r.row_number: r for r in ImportRow.objects.filter(job=job)}
    assert rows[2].warnings == []
    assert rows[3].warnings == [
        {"column": "", "message": "this row has 2 cells where the header has 3; the missing ones are empty"}
    ]
    assert rows[4].warnings == [
        {"column": "", "message": "this row has 2 filled cells right of the header's last column; they are not read"}
    ]
    assert rows[5].warnings == [], "empty cells at the end are no extra cells"
    assert all(r.action == ImportRow.Action.CREATE for r in rows.values())


def test_the_command_refuses_a_file_over_the_limit_before_reading_it(world, tmp_path, settings, monkeypatch):
    settings.BRUG_IMPORT_MAX_BYTES = 1000
    path = tmp_path / "big.csv"
    path.write_bytes(b"Naam\r\n" + b"x" * 5000 + b"\r\n")
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("the whole file was read"))
    with pytest.raises(CommandError, match="at most 1000"):
        call_command("import_spreadsheet", str(path), "--kind", "organisations", "--institution", "uas")
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("mapping", ['{"Naam": "postcode"}', '{"Nergens": "name"}'])
def test_a_refused_command_run_leaves_no_import_and_no_file(world, tmp_path, settings, mapping):
    path = tmp_path / "p.csv"
    path.write_bytes(b"Naam;Gemeente\r\nA;Gent\r\n")
    with pytest.raises(CommandError):
        call_command(
            "import_spreadsheet", str(path), "--kind", "organisations", "--institution", "uas", "--mapping", mapping
        )
    assert not ImportJob.objects.exists()
    assert not _stored_files(settings)


def test_a_failed_command_preview_leaves_no_import_and_no_file(world, tmp_path, settings, monkeypatch):
    path = tmp_path / "p.csv"
    path.write_bytes(b"Naam;Gemeente\r\nA;Gent\r\n")

    def broken(*args, **kwargs):
        raise UnreadableFile("kapot")

    monkeypatch.setattr(services, "read_table", broken)
    with pytest.raises(CommandError, match="kapot"):
        call_command("import_spreadsheet", str(path), "--kind", "organisations", "--institution", "uas")
    assert not ImportJob.objects.exists()
    assert not _stored_files(settings)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40), max_size=6),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
    st.sampled_from([";", ",", "\t"]),
)
def test_any_cells_in_any_encoding_are_read_or_refused_with_a_message(rows, encoding, delimiter):
    text = "\r\n".join(delimiter.join(f'"{c.replace(chr(34), chr(34) * 2)}"' for c in row) for row in rows)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    try:
        table = read_table(data, "odd.csv")
    except UnreadableFile as exc:
        assert exc.messages and all(str(m) for m in exc.messages)
        return
    assert all(isinstance(number, int) for number, _cells in table.rows)
