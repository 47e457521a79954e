"""Stemming, stop words and overlap of Dutch and English text (lib/text.py)."""

from __future__ import annotations

import pytest

from lib.text import DUTCH, ENGLISH, detect_language, overlap, terms


def test_dutch_text_is_recognised_by_its_stop_words():
    assert detect_language("Wij werken samen met de buurt aan onderwijs voor iedereen.") == DUTCH
    assert detect_language("We work with the neighbourhood on education for everyone.") == ENGLISH
    assert detect_language("") == DUTCH


def test_stop_words_and_short_words_are_left_out_and_inflections_share_a_stem():
    found = terms("De buurten en de buurt, het onderwijs: 12 kinderen op 1 lijn.")
    assert found.language == DUTCH
    # "de", "en", "het", "op" are stop words; digits are not words; buurten/buurt share "buurt".
    assert sorted(found.shown.values()) == ["buurten", "kinderen", "lijn", "onderwijs"]
    assert found.counts["buurt"] == 2


def test_english_text_is_stemmed_in_english():
    found = terms("Educating children, education for the child.")
    assert found.language == ENGLISH
    assert found.counts[next(k for k, w in found.shown.items() if w == "educating")] == 2


def test_the_overlap_lists_shared_and_own_words_and_the_jaccard_share():
    partner = terms("Onderwijs en gelijkheid in de buurt.")
    institution = terms("Goed onderwijs, met de buurt en voor sport.")
    found = overlap(partner, institution)
    # Partner stems {onderwijs, gelijk, buurt}; institution {goed, onderwijs, buurt, sport}.
    # Shared 2 of 5 different stems: 2 / 5 = 0.4.
    assert sorted(found.shared) == ["buurt", "onderwijs"]
    assert found.only_first == ["gelijkheid"]
    assert sorted(found.only_second) == ["goed", "sport"]
    assert found.share == pytest.approx(0.4)
    assert found.percent == 40


def test_gezondheid_is_not_reduced_to_the_sun():
    # Snowball's newer Dutch algorithm gives "zon" here; the Dutch Porter variant keeps the word.
    assert "gezond" in terms("gezondheid", DUTCH).stems


def test_two_empty_texts_share_nothing():
    assert overlap(terms(""), terms("")).share == 0.0
