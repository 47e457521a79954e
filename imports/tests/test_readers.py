from __future__ import annotations

import datetime as dt

import pytest

from imports.mapping import find_header_row, guess_mapping
from imports.readers import UnreadableFile, neutralise, read_table
from imports.tests.conftest import belgian_csv, xlsx


def test_a_belgian_excel_csv_is_read_as_windows_1252_with_semicolons():
    table = read_table(belgian_csv("Café De Brug;Kerkstraat 1;9000;Gent;;;;;"), "partners.csv")
    assert table.encoding == "cp1252"
    assert table.delimiter == ";"
    assert table.rows[-1][1][0] == "Café De Brug"


def test_utf8_with_a_bom_and_commas_is_read_without_the_bom():
    data = "\ufeffName,City\nCafé Noord,Gent\n".encode()
    table = read_table(data, "x.csv")
    assert table.encoding == "utf-8"
    assert table.delimiter == ","
    assert table.rows[0][1] == ["Name", "City"]
    assert table.rows[1][1] == ["Café Noord", "Gent"]


def test_empty_rows_are_left_out_but_row_numbers_stay_those_of_the_spreadsheet():
    table = read_table(b"Naam;Gemeente\r\n;\r\n\r\nA;Gent\r\n", "x.csv")
    assert [number for number, _cells in table.rows] == [1, 4]


def test_the_header_row_is_found_below_a_title_row():
    table = read_table(belgian_csv("A;;9000;Gent;;;;;"), "x.csv")
    index = find_header_row("organisations", table.rows)
    assert table.rows[index][0] == 2
    mapping = guess_mapping("organisations", table.rows[index][1])
    assert mapping["0"] == "name"
    assert mapping["2"] == "postcode"
    assert mapping["3"] == "city"
    assert mapping["4"] == "enterprise_number"
    assert mapping["7"] == "themes"


def test_english_headers_are_guessed_too():
    assert guess_mapping("organisations", ["Name", "Zip", "City", "Enterprise number", "Phone"]) == {
        "0": "name",
        "1": "postcode",
        "2": "city",
        "3": "enterprise_number",
        "4": "phone",
    }
    assert guess_mapping("people", ["Voornaam", "Achternaam", "Rol"]) == {
        "0": "first_name",
        "1": "last_name",
        "2": "role",
    }


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ('=HYPERLINK("http://evil","klik")', '\'=HYPERLINK("http://evil","klik")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("+32 9 123 45 67", "+32 9 123 45 67"),
        ("-5", "-5"),
        ("Buurtwerk", "Buurtwerk"),
    ],
)
def test_a_formula_is_kept_as_text_with_its_first_character_neutralised(value, stored):
    assert neutralise(value) == stored


def test_an_xlsx_formula_cell_comes_out_as_neutralised_text_and_dates_as_dates():
    data = xlsx([["Naam", "Datum"], ['=HYPERLINK("http://x")', dt.datetime.combine(dt.date(2027, 1, 31), dt.time())]])
    table = read_table(data, "x.xlsx")
    assert table.rows[1][1] == ['\'=HYPERLINK("http://x")', dt.date(2027, 1, 31)]


def test_a_truncated_xlsx_is_refused_with_a_clear_message():
    data = xlsx([["Naam"], ["A"]])
    with pytest.raises(UnreadableFile, match="damaged or incomplete"):
        read_table(data[: len(data) // 2], "x.xlsx")


def test_garbage_bytes_are_refused_as_unreadable_characters():
    garbage = bytes(range(128, 256)) * 50
    with pytest.raises(UnreadableFile, match="neither UTF-8 nor Windows-1252"):
        read_table(garbage, "x.csv")


def test_a_binary_file_is_refused():
    with pytest.raises(UnreadableFile, match="not a text spreadsheet"):
        read_table(b"\x00\x01\x02binary" * 100, "x.csv")


def test_a_csv_with_ten_thousand_columns_is_refused():
    data = (";".join(f"k{i}" for i in range(10_000)) + "\r\n").encode()
    with pytest.raises(UnreadableFile, match="10000 columns"):
        read_table(data, "wide.csv")


def test_an_old_xls_is_refused_with_advice():
    with pytest.raises(UnreadableFile, match="XLSX or CSV"):
        read_table(b"\xd0\xcf\x11\xe0 old excel", "old.xls")
