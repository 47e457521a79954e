"""Reading spreadsheets as offices really have them: CSV in UTF-8 (with or without BOM) or Windows-1252,
comma or semicolon separated, or an XLSX workbook. Nothing in a cell is ever evaluated.

The result is a list of (row number, cells) with empty rows left out; the row numbers are the ones the
user sees in their spreadsheet program, so messages can point at them.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
        # One character over the limit: a field's own length rule then says the cell is too long.
        value = value[: MAX_CELL_CHARS + 1]
    return neutralise(value)


# The encodings a user may choose when the guess is wrong (value, label).
ENCODINGS = (
    ("utf-8", "UTF-8"),
    ("cp1252", gettext_lazy("Windows-1252 (Excel, Western Europe)")),
    ("iso-8859-1", "ISO-8859-1 (Latin-1)"),
    ("utf-16", gettext_lazy("UTF-16 (Excel “Unicode text”)")),
    ("mac_roman", "Mac OS Roman"),
)
BOM_UTF8 = b"\xef\xbb\xbf"
# Two to four byte UTF-8 sequences: a file with these and with bytes that are not UTF-8 is broken UTF-8,
# not Windows-1252 (where "é" is one byte and never followed by continuation bytes like these).
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def _not_utf8(data: bytes, exc: UnicodeDecodeError, offset: int = 0) -> UnreadableFile:
    return UnreadableFile(
        _(
            "The file says it is UTF-8, but line %(line)s holds characters that are not UTF-8, so its text "
            "would be read wrongly. Save it again as CSV (UTF-8), or choose the file's encoding and upload it again."
        )
        % {"line": _line_of(data, exc.start + offset)}
    )


def decode(data: bytes, encoding: str = "") -> tuple[str, str]:
    """Text of the file and the encoding it was in: the one the user chose, or UTF-8 (a BOM is dropped),
    UTF-16 with its BOM, else Windows-1252. A file that says or looks like UTF-8 but is not is refused
    with the line, never read into garbage."""
    if encoding:
        if data.startswith(BOM_UTF8) and encoding != "utf-16":
            data = data[len(BOM_UTF8) :]  # the mark a program put there wrongly is no character of the file
        try:
            text = data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
        except UnicodeDecodeError as exc:
            raise UnreadableFile(
                _("Line %(line)s of the file cannot be read as %(encoding)s. Choose another encoding.")
                % {"line": _line_of(data, exc.start), "encoding": dict(ENCODINGS).get(encoding, encoding)}
            ) from exc
        except LookupError as exc:
            raise UnreadableFile(_("Choose one of the encodings offered.")) from exc
        return _refuse_nul(text), encoding
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _refuse_nul(data.decode("utf-16")), "utf-16"
        except UnicodeDecodeError as exc:
            raise _not_utf8(data, exc) from exc
    head = data[:4096]
    if head.count(b"\x00") * 10 > len(head):
        raise UnreadableFile(
            _("This file is not a text spreadsheet (CSV). Save it from your spreadsheet program as CSV or XLSX.")
        )
    try:
        return _refuse_nul(data.decode("utf-8-sig")), "utf-8"
    except UnicodeDecodeError as exc:
        if data.startswith(BOM_UTF8) or _UTF8_SEQUENCE.search(data):
            raise _not_utf8(data, exc) from exc
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = ""
    if text and not _looks_like_garbage(text):
        return _refuse_nul(text), "cp1252"
    raise UnreadableFile(
        _(
            "The file's characters could not be read: it is neither UTF-8 nor Windows-1252 text. "
            "Save it from your spreadsheet program as CSV (UTF-8) or as XLSX."
        )
    )


def _refuse_nul(text: str) -> str:
    position = text.find("\x00")
    if position >= 0:
        raise UnreadableFile(
            _(
                "Line %(line)s of the file holds a NUL character, which no text spreadsheet has: the file is "
                "damaged or not a CSV. Save it again from your spreadsheet program as CSV or XLSX."
            )
            % {"line": text.count("\n", 0, position) + 1}
        )
    return text


def _looks_like_garbage(text: str) -> bool:
    sample = text[:20_000]
    if not sample:
        return False
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    return control / len(sample) > 0.01


# A cell may be as large as the file (the text is cut to MAX_CELL_CHARS afterwards): the csv module's
# default limit of 128 KiB raised an error outside any message.
_FIELD_LIMIT = 2**31 - 1


def _csv_reader(lines: Any, delimiter: str) -> Any:
    csv.field_size_limit(_FIELD_LIMIT)
    return csv.reader(lines, delimiter=delimiter)


def sniff_delimiter(text: str) -> str:
    """The separator that splits the first lines into the most, equally long, rows of cells."""
    lines = [line for line in text[:1_000_000].splitlines()[:30] if line.strip()][:20]
    if not lines:
        return ","
    best, best_score = ",", (-1, -1)
    for delimiter in DELIMITERS:
        try:
            counts = [len(row) for row in _csv_reader(lines, delimiter)]
        except csv.Error:
            continue
        if not counts:
            continue
        common = max(set(counts), key=counts.count)
        score = (counts.count(common) if common > 1 else 0, common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(text: str, delimiter: str, limit: int | None = None) -> list[tuple[int, list[Cell]]]:
    """The rows with data; with ``limit``, only the first ones. A row keeps all its cells, also the empty
    ones at its end, so the preview can say when a row has more or fewer cells than the header."""
    rows: list[tuple[int, list[Cell]]] = []
    reader = _csv_reader(io.StringIO(text, newline=""), delimiter)
    try:
        for number, record in enumerate(reader, start=1):
            _check_shape(number, len(record), len(rows))
            cells: list[Cell] = [_text(value) for value in record]
            if any(cells):
                rows.append((number, cells))
                if limit is not None and len(rows) >= limit:
                    break
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


_COLUMN = re.compile(r"[A-Z]+")


def _column_index(reference: str) -> int:
    letters = _COLUMN.match(reference)
    index = 0
    for letter in letters.group(0) if letters else "":
        index = index * 26 + ord(letter) - 64
    return index - 1


def _xml_events(archive: zipfile.ZipFile, name: str, start: Any, end: Any, chars: Any) -> None:
    """Stream one part of the workbook through expat (no tree is built: a large sheet stays small in memory)."""
    from xml.parsers import expat

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    with archive.open(name) as handle:
        while chunk := handle.read(256 * 1024):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _local(tag: str) -> str:
    return tag.rsplit(" ", 1)[-1]


def _attribute(attributes: dict[str, str], name: str) -> str | None:
    for key, value in attributes.items():
        if _local(key) == name:
            return value
    return None


class _Workbook:
    """The parts of an XLSX a sheet's values need: where the first sheet is, the shared strings, which
    styles are dates, and the date system (1900 or 1904)."""

    def __init__(self, archive: zipfile.ZipFile, *, strings: bool = True) -> None:
        self.archive = archive
        names = set(archive.namelist())
        workbook = self._target("_rels/.rels", "officeDocument", "") or "xl/workbook.xml"
        folder = workbook.rsplit("/", 1)[0] + "/" if "/" in workbook else ""
        sheets: list[str] = []
        self.epoch_1904 = False

        def start(tag: str, attributes: dict[str, str]) -> None:
            name = _local(tag)
            if name == "sheet":
                sheets.append(_attribute(attributes, "id") or "")
            elif name == "workbookPr" and attributes.get("date1904") in ("1", "true"):
                self.epoch_1904 = True

        _xml_events(archive, workbook, start, None, None)
        rels = f"{folder}_rels/{workbook.rsplit('/', 1)[-1]}.rels"
        self.sheet = self._target(rels, "", sheets[0] if sheets else "", folder) if rels in names else ""
        if self.sheet not in names:
            self.sheet = next((n for n in sorted(names) if n.startswith(f"{folder}worksheets/")), "")
        if not self.sheet:
            raise ValueError("no worksheet")
        shared = f"{folder}sharedStrings.xml"
        self.strings = self._strings(shared) if strings and shared in names else []
        self.dates = self._date_styles(f"{folder}styles.xml") if f"{folder}styles.xml" in names else set()

    def _target(self, rels: str, kind: str, rel_id: str, folder: str = "") -> str:
        found: list[str] = []

        def start(tag: str, attributes: dict[str, str]) -> None:
            if _local(tag) != "Relationship" or found:
                return
            if (kind and attributes.get("Type", "").endswith("/" + kind)) or (
                rel_id and attributes.get("Id") == rel_id
            ):
                found.append(attributes.get("Target", ""))

        if rels not in self.archive.namelist():
            return ""
        _xml_events(self.archive, rels, start, None, None)
        if not found:
            return ""
        target = found[0]
        return target.lstrip("/") if target.startswith("/") else folder + target

    def _strings(self, name: str) -> list[str]:
        strings: list[str] = []
        for block in _blocks(self.archive, name, "</si>"):
            for item in _SI.finditer(block):
                inner = _PHONETIC.sub("", item.group(1)) if "rPh" in item.group(1) else item.group(1)
                strings.append(_unescape("".join(_T.findall(inner))))
        return strings

    def _date_styles(self, name: str) -> set[int]:
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

        formats: dict[int, str] = dict(BUILTIN_FORMATS)
        styles: list[int] = []
        state = {"in_xfs": False}

        def start(tag: str, attributes: dict[str, str]) -> None:
            local = _local(tag)
            if local == "numFmt":
                formats[int(attributes.get("numFmtId", "0"))] = attributes.get("formatCode", "")
            elif local == "cellXfs":
                state["in_xfs"] = True
            elif local == "xf" and state["in_xfs"]:
                styles.append(int(attributes.get("numFmtId", "0")))

        def end(tag: str) -> None:
            if _local(tag) == "cellXfs":
                state["in_xfs"] = False

        _xml_events(self.archive, name, start, end, None)
        return {index for index, number_format in enumerate(styles) if is_date_format(formats.get(number_format, ""))}

    def rows(self, limit: int | None = None) -> list[tuple[int, list[Cell]]]:
        """(row number, cells) of the first sheet, at most ``limit`` rows with a value.

        The sheet's XML is scanned with regular expressions, a row at a time, from the zip stream: the
        per-element callbacks of an XML parser (openpyxl's read-only mode too) cost 10-20 times more on a
        large sheet. The parts that are not cells (styles, workbook) go through a real XML parser.
        """
        rows: list[tuple[int, list[Cell]]] = []
        number = 0
        columns: dict[str, int] = {}
        value_of = self._value
        for block in _blocks(self.archive, self.sheet, "</row>"):
            for piece in block.split("<row")[1:]:
                close = piece.find(">")
                if close < 0 or not piece[:1].isspace() and piece[:1] not in (">", "/"):
                    continue  # "<rowBreaks" and the like
                reference = _attributes(piece[:close]).get("r", "")
                number = int(reference) if reference.isdigit() else number + 1
                content = piece[close + 1 : piece.find("</row>", close)] if piece[close - 1 : close] != "/" else ""
                current: dict[int, Cell] = {}
                column = -1
                for cell in content.split("<c")[1:]:
                    end = cell.find(">")
                    if end < 0:
                        continue
                    head = cell[:end]
                    letters = _attribute_value(head, ' r="').rstrip("0123456789")
                    if letters:
                        column = columns.get(letters, -1)
                        if column < 0:
                            column = columns[letters] = _column_index(letters)
                    else:
                        column += 1
                    if cell[end - 1] == "/":
                        continue
                    inner = cell[end + 1 : cell.rfind("</c>")]
                    value = value_of(_attribute_value(head, ' t="') or "n", _attribute_value(head, ' s="'), inner)
                    if value is not None:
                        current[column] = value
                if not current:
                    continue
                width = max(current) + 1
                if width > MAX_COLUMNS:
                    rows.append((number, [None] * width))
                    return rows
                rows.append((number, [current.get(i) for i in range(width)]))
                if (limit is not None and len(rows) >= limit) or len(rows) > MAX_ROWS + 1:
                    return rows
        return rows

    def _value(self, kind: str, style: str, inner: str) -> Cell:
        if inner.startswith("<v>") and inner.endswith("</v>") and "<" not in inner[3:-4]:
            raw = inner[3:-4]  # the common case, without a regular expression
        elif inner.startswith("<is><t>") and inner.endswith("</t></is>") and "<" not in inner[7:-9]:
            return _text(_unescape(inner[7:-9]))
        else:
            formula = _F.search(inner)
            if formula and formula.group(1):
                # Formulas come as their text ("=SUM(A1:A3)"), never as a computed value.
                return _text("=" + _unescape(formula.group(1)))
            if kind == "inlineStr":
                return _text(_unescape("".join(_T.findall(_PHONETIC.sub("", inner)))))
            found = _V.search(inner)
            raw = found.group(1) if found else ""
        if raw == "":
            return None
        if kind == "s":
            return _text(self.strings[int(raw)])
        if kind in ("str", "e", "inlineStr"):
            return _text(_unescape(raw))
        if kind == "b":
            return raw in ("1", "true")
        if kind == "d":
            return _xlsx_cell(dt.datetime.fromisoformat(raw))
        number = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
        if style and int(style) in self.dates:
            from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

            return _xlsx_cell(from_excel(number, CALENDAR_MAC_1904 if self.epoch_1904 else CALENDAR_WINDOWS_1900))
        return number


_ATTRIBUTE = re.compile(r"([\w:.-]+)\s*=\s*\"([^\"]*)\"")
_V = re.compile(r"<v>(.*?)</v>", re.S)
_F = re.compile(r"<f\b[^>]*?(?:/>|>(.*?)</f>)", re.S)
_T = re.compile(r"<t\b[^>]*?(?:/>|>(.*?)</t>)", re.S)
_SI = re.compile(r"<si\b[^>]*?(?:/>|>(.*?)</si>)", re.S)
_PHONETIC = re.compile(r"<rPh\b.*?</rPh>", re.S)
_PREFIX = re.compile(r"<(/?)[\w.-]+:")


def _attribute_value(head: str, name: str) -> str:
    """The value of one attribute in a tag's text (``name`` like ' r="'): a find is faster than a regex."""
    start = head.find(name)
    if start < 0:
        if "\n" in head or "\t" in head or "\r" in head:
            return _attributes(" ".join(head.split())).get(name.strip(' ="'), "")
        return ""
    start += len(name)
    return head[start : head.find('"', start)]


def _attributes(text: str) -> dict[str, str]:
    return dict(_ATTRIBUTE.findall(text))


def _unescape(text: str) -> str:
    return html.unescape(text) if "&" in text else text


def _blocks(archive: zipfile.ZipFile, name: str, end: str) -> Any:
    """The text of one part of the workbook in pieces that each end after a complete element (``end``),
    with namespace prefixes taken off the tags (``<x:c>`` as some writers save it is ``<c>``)."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    pending = ""
    prefixed: bool | None = None
    with archive.open(name) as handle:
        while chunk := handle.read(1024 * 1024):
            text = decoder.decode(chunk)
            if prefixed is None:
                prefixed = bool(re.search(r"<[\w.-]+:(?:worksheet|sst)\b", text))
            if prefixed:
                text = _PREFIX.sub(r"<\1", text)
            pending += text
            last = pending.rfind(end)
            if last >= 0:
                yield pending[: last + len(end)]
                pending = pending[last + len(end) :]
    pending += decoder.decode(b"", final=True)
    if pending:
        yield _PREFIX.sub(r"<\1", pending) if prefixed else pending


def _xlsx_cell(value: Any) -> Cell:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, bool | int | float | dt.date):
        return value
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return _text(str(value))


def read_xlsx(data: bytes, limit: int | None = None) -> list[tuple[int, list[Cell]]]:
    """The first sheet's rows, streamed once through expat (as fast as the CSV reader, and small in memory);
    with ``limit``, only the first rows with data (the samples of the mapping page)."""
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
    try:
        raw = _Workbook(archive).rows(limit)
    except Exception as exc:  # a damaged file fails in many ways: zip, XML, numbers
        raise broken from exc
    rows: list[tuple[int, list[Cell]]] = []
    for number, cells in raw:
        _check_shape(number, len(cells), len(rows))
        if any(c not in (None, "") for c in cells):
            rows.append((number, cells))
    return rows


def read_table(data: bytes, name: str, *, limit: int | None = None, encoding: str = "") -> Table:
    """Read an uploaded file, CSV or XLSX, whatever its extension claims; refuse what cannot be read.

    With ``limit`` only the first rows with data are read (the header and the samples of the mapping page):
    a large workbook is read whole once, by the preview. ``encoding`` is the one the user chose for a CSV.
    """
    lowered = name.lower()
    if not data.strip():
        raise UnreadableFile(_("The file is empty."))
    if lowered.endswith(".xls") and not data.startswith(ZIP_MAGIC):
        raise UnreadableFile(_("Old Excel files (.xls) cannot be read. Save the file as XLSX or CSV."))
    if data.startswith(ZIP_MAGIC) or lowered.endswith((".xlsx", ".xlsm")):
        return Table(rows=read_xlsx(data, limit), encoding="xlsx", delimiter="")
    text, found = decode(data, "" if encoding == "xlsx" else encoding)
    delimiter = sniff_delimiter(text)
    return Table(rows=read_csv(text, delimiter, limit), encoding=found, delimiter=delimiter)


def count_rows(data: bytes, name: str) -> int | None:
    """About how many rows a workbook has, without reading its cells (its ``<row`` tags); None for a CSV."""
    if not (data.startswith(ZIP_MAGIC) or name.lower().endswith((".xlsx", ".xlsm"))):
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        sheet = _Workbook(archive, strings=False).sheet
        count = 0
        with archive.open(sheet) as handle:
            tail = b""
            while chunk := handle.read(1024 * 1024):
                count += (tail + chunk).count(b"<row") - tail.count(b"<row")
                tail = chunk[-8:]
        return count
    except Exception:  # the full read in the preview says what is wrong with a damaged file
        return None
