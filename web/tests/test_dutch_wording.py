"""Dutch that reads as written by a person: counts agree with their noun, one form of address ("u"), no
doubled words; and the words of a page come from the catalogue in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.urls import reverse

from matching.tests.helpers import make_need

NL = Path(__file__).resolve().parents[2] / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def _dutch() -> list[str]:
    texts = []
    for entry in polib.pofile(str(NL)).translated_entries():
        texts += [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
    return texts


def test_the_dutch_catalogue_addresses_the_reader_as_u_throughout() -> None:
    informal = [text for text in _dutch() if re.search(r"\b(je|jij|jou|jouw|jullie)\b", text, re.I)]
    assert informal == []


def test_the_dutch_catalogue_has_no_doubled_word() -> None:
    # Small words only: "stelt ... voor voor uw vraag" is Dutch (a separable verb), "een een" is a typo.
    small = r"een|de|het|en|van|te|op|in|is|u|uw|die|dat|met|bij|of|om|aan"
    doubled = [text for text in _dutch() if re.search(rf"\b({small})\s+\1\b", text, re.I)]
    assert doubled == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [("nl", "1 open vraag, 0 voorstellen, 0 activiteiten"), ("en", "1 open request, 0 proposals, 0 engagements")],
)
def test_the_load_of_a_partner_counts_in_the_singular_and_the_plural(world, client, language, expected) -> None:
    need = make_need(world.org, by=world.coordinator)
    world.coordinator.language = language
    world.coordinator.save(update_fields=["language"])
    client.force_login(world.coordinator)
    html = client.get(reverse("need-detail", args=[need.public_id])).content.decode()
    assert expected in " ".join(html.split())


def test_the_month_may_is_mei_in_dutch_not_the_verb_mag() -> None:
    import datetime as dt

    from django.utils import formats, translation

    with translation.override("nl"):
        assert formats.date_format(dt.date(2025, 5, 5)) == "5 mei 2025"
        assert translation.pgettext("what an API token is allowed to do", "May") == "Mag"


@pytest.mark.parametrize(("language", "name"), [("nl", "brug-organisaties-"), ("en", "brug-organisations-")])
def test_an_export_file_is_named_in_the_readers_language(world, client, language, name) -> None:
    world.coordinator.language = language
    world.coordinator.save(update_fields=["language"])
    client.force_login(world.coordinator)
    response = client.get(reverse("export", args=["organisations", "csv"]))
    assert f'filename="{name}' in response["Content-Disposition"]
