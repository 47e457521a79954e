"""Reading spreadsheets as offices really have them: CSV in UTF-8 (with or without BOM) or Windows-1252,
comma or semicolon separated, or an XLSX workbook. Nothing in a cell is ever evaluated.

The result is a list of (row number, cells) with empty rows left out; the row numbers are the ones the
user sees in their spreadsheet program, so messages can point at them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from lib.errors import DomainError

MAX_COLUMNS = 200
MAX_ROWS = 200_000
MAX_CELL_CHARS = 10_000
# An XLSX is a zip: refuse one that unpacks to far more than any office spreadsheet (a zip bomb).
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
DELIMITERS = (";", ",", "\t", "|")
ZIP_MAGIC = b"PK\x03\x04"
# Leading characters that make Excel or LibreOffice treat a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_HARMLESS_SIGNED = re.compile(r"^[+-][\d\s./()]*$")

Cell = str | int | float | bool | dt.date | None


def max_upload_bytes() -> int:
    """The largest file the web upload takes (20 MB unless settings say otherwise)."""
    return int(getattr(settings, "BRUG_IMPORT_MAX_BYTES", 20 * 1024 * 1024))


class UnreadableFile(DomainError):
    """The file cannot be read as a spreadsheet; the message says why and what to do."""


@dataclass
class Table:
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""


def neutralise(value: str) -> str:
    """Keep a would-be formula as plain text: a leading apostrophe, as spreadsheet programs do themselves.

    A signed plain number or phone number (``+32 9 123 45 67``, ``-5``) is not a formula and stays.
    """
    if value and value[0] in FORMULA_STARTS and not _HARMLESS_SIGNED.match(value):
        return "'" + value
    return value


def _text(value: str) -> str:
    value = value.replace("\x00", "").strip()
    if len(value) > MAX_CELL_CHARS:
        value = value[:MAX_CELL_CHARS]
    return neutralise(value)


def decode(data: bytes) -> tuple[str, str]:
    """Text of the file and the encoding it was in: UTF-8 (a BOM is dropped), else Windows-1252."""
    if b"\x00" in data[:4096]:
        raise UnreadableFile(
            _("This file is not a text spreadsheet (CSV). Save it from your spreadsheet program as CSV or XLSX.")
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_garbage(text):
            break
        return text, "utf-8" if encoding == "utf-8-sig" else encoding
    raise UnreadableFile(
        _(
            "The file's characters could not be read: it is neither UTF-8 nor Windows-1252 text. "
            "Save it from your spreadsheet program as CSV (UTF-8) or as XLSX."
        )
    )


def _looks_like_garbage(text: str) -> bool:
    sample = text[:20_000]
    if not sample:
        return False
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    return control / len(sample) > 0.01


def sniff_delimiter(text: str) -> str:
    """The separator that splits the first lines into the most, equally long, rows of cells."""
    lines = [line for line in text.splitlines()[:30] if line.strip()][:20]
    if not lines:
        return ","
    best, best_score = ",", (-1, -1)
    for delimiter in DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        common = max(set(counts), key=counts.count)
        score = (counts.count(common) if common > 1 else 0, common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(text: str, delimiter: str) -> list[tuple[int, list[Cell]]]:
    rows: list[tuple[int, list[Cell]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, record in enumerate(reader, start=1):
            _check_shape(number, len(record), len(rows))
            cells: list[Cell] = [_text(value) for value in record]
            if any(cells):
                rows.append((number, cells))
    except csv.Error as exc:
        raise UnreadableFile(
            _("The CSV file is broken near row %(row)s: %(problem)s") % {"row": reader.line_num, "problem": exc}
        ) from exc
    return rows


def _check_shape(number: int, columns: int, rows: int) -> None:
    if columns > MAX_COLUMNS:
        raise UnreadableFile(
            _("Row %(row)s has %(count)s columns; Brug reads at most %(max)s. Is this the right file?")
            % {"row": number, "count": columns, "max": MAX_COLUMNS}
        )
    if rows >= MAX_ROWS:
        raise UnreadableFile(
            _("The file has more than %(max)s rows. Split it into smaller files.") % {"max": f"{MAX_ROWS:,}"}
        )


def _xlsx_cell(value: Any) -> Cell:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, bool | int | float | dt.date):
        return value
    if isinstance(value, dt.time):
        return value.isoformat()
    # Formulas come as their text ("=SUM(A1:A3)"), never as a computed value.
    text = getattr(value, "text", None)
    return _text(str(text if isinstance(text, str) else value))


def read_xlsx(data: bytes) -> list[tuple[int, list[Cell]]]:
    from openpyxl import load_workbook

    broken = UnreadableFile(
        _("This Excel file is damaged or incomplete and cannot be read. Save it again, or save it as CSV.")
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise broken from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise UnreadableFile(_("This Excel file unpacks to far more data than a spreadsheet holds; it is refused."))
    rows: list[tuple[int, list[Cell]]] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            try:
                sheet = workbook.worksheets[0]
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                    # Trailing empty cells of a styled sheet are no columns.
                    values = list(values)
                    while values and values[-1] in (None, ""):
                        values.pop()
                    _check_shape(number, len(values), len(rows))
                    cells = [_xlsx_cell(v) for v in values]
                    if any(c not in (None, "") for c in cells):
                        rows.append((number, cells))
            finally:
                workbook.close()
    except UnreadableFile:
        raise
    except Exception as exc:  # openpyxl raises many kinds of errors on a damaged file
        raise broken from exc
    return rows


def read_table(data: bytes, name: str) -> Table:
    """Read an uploaded file, CSV or XLSX, whatever its extension claims; refuse what cannot be read."""
    lowered = name.lower()
    if not data.strip():
        raise UnreadableFile(_("The file is empty."))
    if lowered.endswith(".xls") and not data.startswith(ZIP_MAGIC):
        raise UnreadableFile(_("Old Excel files (.xls) cannot be read. Save the file as XLSX or CSV."))
    if data.startswith(ZIP_MAGIC) or lowered.endswith((".xlsx", ".xlsm")):
        return Table(rows=read_xlsx(data), encoding="xlsx", delimiter="")
    text, encoding = decode(data)
    delimiter = sniff_delimiter(text)
    return Table(rows=read_csv(text, delimiter), encoding=encoding, delimiter=delimiter)
