"""Similar meaning across languages: a Dutch need and an English offer about the same thing meet even where the
curated glossary has no word for it, through the Dutch–English dictionary that ships with Brug."""

from __future__ import annotations

import pytest
from django.utils import translation

from lib.text import DUTCH, stem
from matching.engine import DEFAULT_WEIGHTS, NeedRecord, OfferRecord, rank_offers_for_need
from matching.glossary import concepts_of
from matching.text_index import analyse
from matching.thesaurus import english_stems, size


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


NEED = NeedRecord(
    id="need-bikes",
    organisation="org-1",
    title="Fietsen herstellen",
    description="Wij herstellen gedoneerde fietsen voor mensen.",
    language="nl",
)
RIGHT = OfferRecord(
    id="offer-bikes",
    institution="uas",
    title="Bicycle repair",
    description="Engineering students repair donated bicycles for people.",
    language="en",
)
OTHER = OfferRecord(
    id="offer-accounts",
    institution="uas",
    title="Bookkeeping clinic",
    description="Business students keep the accounts of small charities.",
    language="en",
)


def test_the_words_that_meet_are_outside_the_glossary():
    for word in ("fietsen", "herstellen", "mensen", "gedoneerde"):
        assert not concepts_of(stem(word, DUTCH), DUTCH)
    assert size() > 15_000


def test_a_dutch_need_finds_the_english_offer_about_the_same_thing_and_says_why():
    ranked = rank_offers_for_need(NEED, [OTHER, RIGHT], weights=DEFAULT_WEIGHTS)
    assert ranked[0].item.id == "offer-bikes"
    meaning = next(r for r in ranked[0].reasons if r.code == "meaning")
    assert meaning.label == "Similar meaning across languages"
    assert meaning.points > 0.5
    assert "fietsen ↔ bicycle" in meaning.detail
    with translation.override("nl"):
        dutch = rank_offers_for_need(NEED, [RIGHT], weights=DEFAULT_WEIGHTS)[0]
    assert next(r for r in dutch.reasons if r.code == "meaning").label == "Vergelijkbare betekenis over talen heen"


def test_without_the_meaning_signal_the_pair_would_not_meet_on_text():
    weights = dict.fromkeys(DEFAULT_WEIGHTS, 0.0) | {"text": 4.0, "glossary": 2.0}
    assert rank_offers_for_need(NEED, [RIGHT], weights=weights) == []


def test_meaning_is_only_across_languages():
    english_need = NeedRecord(id="n", organisation="o", title="Bicycle repair", language="en")
    analysis = analyse(english_need.texts(), "en")
    assert all(key.startswith("en>") for key in analysis.meanings)
    dutch = analyse(NEED.texts(), "nl")
    assert "nl>bicycl" in dutch.meanings and not any(key.startswith("en>") for key in dutch.meanings)
    assert "bicycl" in english_stems("fietsen", stem("fietsen", DUTCH))
