"""The Dutch catalogue is complete, compiled, and covers every string in the code."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
NL = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def test_every_dutch_message_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(NL))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def test_the_compiled_dutch_catalogue_matches_its_source():
    catalogue = polib.pofile(str(NL))
    compiled = polib.mofile(str(NL.with_suffix(".mo")))
    assert {(e.msgctxt, e.msgid): e.msgstr for e in catalogue.translated_entries()} == {
        (e.msgctxt, e.msgid): e.msgstr for e in compiled if e.msgid
    }, "run `make messages` (or `manage.py compile_catalogues`)"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_the_catalogue_has_every_string_the_code_marks_for_translation(tmp_path):
    copy = tmp_path / "brug"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(".venv", ".git", "staticfiles", "bench", "node_modules", "*.sqlite3*", "docs"),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "nl", "--no-obsolete", "--no-location"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    extracted = {(e.msgctxt, e.msgid) for e in polib.pofile(str(copy / "locale/nl/LC_MESSAGES/django.po"))}
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(NL))}
    missing = sorted(msgid for _ctx, msgid in extracted - committed)
    assert missing == [], "run `make messages` and translate the new strings"
