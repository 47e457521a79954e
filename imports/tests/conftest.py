"""Messy spreadsheets made in the test, as offices have them."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

BELGIAN_HEADER = "Naam;Straat;Postcode;Gemeente;Ondernemingsnummer;E-mail;Telefoon;Thema's;Capaciteit"


def belgian_csv(*lines: str, title: str | None = "Partnerlijst 2027 — dienst engagement") -> bytes:
    """Semicolons, Windows-1252, Dutch headers and a title row above the header, as Belgian Excel saves it."""
    rows = ([f"{title};;;"] if title else []) + [BELGIAN_HEADER, *lines]
    return ("\r\n".join(rows) + "\r\n").encode("cp1252")


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def english_messages():
    """The readers' and services' messages are asserted in English; the Dutch ones are the catalogue's."""
    from django.utils import translation

    with translation.override("en"):
        yield
