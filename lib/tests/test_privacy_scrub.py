"""Replacing a person's identifiers in stored text and JSON: whole words only, any case, at any depth."""

from lib.privacy import Erasure, scrub


def test_whole_words_are_replaced_in_any_case_and_other_words_stay():
    text = "Koffie met RITA Bewoner in januari; Ritasport en Jan Desmet blijven."
    assert scrub(text, ["Rita Bewoner", "Jan De"], "erased person 3") == (
        "Koffie met erased person 3 in januari; Ritasport en Jan Desmet blijven."
    )


def test_json_values_and_keys_are_scrubbed_at_every_depth():
    value = {"owners": ["Rita Bewoner", "Fien Docent"], "rita@x.org": {"phone": "0470 12 34 56"}, "n": 3}
    assert scrub(value, ["Rita Bewoner", "rita@x.org", "0470 12 34 56"], "L") == {
        "owners": ["L", "Fien Docent"],
        "L": {"phone": "L"},
        "n": 3,
    }


def test_only_full_names_addresses_and_numbers_are_distinctive():
    erasure = Erasure(person=None, label="L", names=["Rita", "Bewoner", "Rita Bewoner"], emails=["r@x.org"])
    assert erasure.distinctive == ["Rita Bewoner", "r@x.org"]
    assert erasure.terms == ["Rita Bewoner", "Bewoner", "r@x.org", "Rita"]
