"""What changed between two versions, word by word, section by section."""

from __future__ import annotations

from agreements.diff import Piece, diff_text, diff_versions
from agreements.tests.helpers import content


def test_a_changed_word_shows_as_removed_and_added():
    assert diff_text("twee uur per week", "drie uur per week") == [
        Piece("delete", "twee"),
        Piece("insert", "drie"),
        Piece("equal", " uur per week"),
    ]


def test_only_the_changed_sections_are_marked_changed():
    sections = diff_versions(content(), content(activity="Studenten begeleiden tweewekelijks de huiswerkklas."))
    changed = [s.label for s in sections if s.changed]
    assert changed == ["Nature and criteria of the activity"] or changed == ["Aard en criteria van de activiteit"]
    [activity] = [s for s in sections if s.changed]
    assert Piece("delete", "wekelijks") in activity.pieces
    assert Piece("insert", "tweewekelijks") in activity.pieces
