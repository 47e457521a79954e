"""The likely-duplicate search: a fast filter in front of difflib must never change what it finds."""

from __future__ import annotations

import difflib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import process
from rapidfuzz.distance import Indel

from imports.duplicates import SIMILAR, SLACK, OrganisationIndex, blocks, name_key
from network.models import Organisation

names = st.text(alphabet="abcdeéiklmnorstuvw -'", min_size=1, max_size=40)


@settings(max_examples=400, deadline=None)
@given(names, names)
def test_the_filter_is_never_stricter_than_difflib(a, b):
    ratio = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    cutoff = max(0.0, ratio - SLACK)
    assert Indel.normalized_similarity(a, b, score_cutoff=cutoff) >= cutoff


def test_a_ratio_of_exactly_the_threshold_passes_the_filter():
    a, b = name_key("Jeugdhuis Brugge 15012"), name_key("Jeugdhuis Beukgem 1012")
    assert difflib.SequenceMatcher(None, b, a, autojunk=False).ratio() == SIMILAR
    assert process.extract(a, [b], scorer=Indel.normalized_similarity, score_cutoff=SIMILAR - SLACK, limit=None)


def _brute_force(key: str, postcode: str) -> int | None:
    """The best difflib ratio >= SIMILAR among the names sharing a block at the postcode; later ties win."""
    best, best_ratio = None, SIMILAR
    for organisation in Organisation.objects.filter(postcode=postcode).order_by("pk"):
        other = name_key(organisation.name)
        if not blocks(other) & blocks(key):
            continue
        ratio = difflib.SequenceMatcher(None, other, key, autojunk=False).ratio()
        if ratio >= best_ratio:
            best, best_ratio = organisation.pk, ratio
    return best


@pytest.mark.django_db
def test_the_most_similar_name_at_the_postcode_is_found_as_difflib_alone_would():
    for name in (
        "Buurtwerk De Brug",
        "Buurtwerk De Bruggen",
        "Buurtwerking De Brug",
        "Buurtwerk Den Brug",
        "Buurthuis De Brug",
        "Huiswerkklas De Brug",
        "Jeugdhuis Beukgem 1012",
    ):
        Organisation.objects.create(name=name, postcode="9000")
    Organisation.objects.create(name="Buurtwerk De Brug", postcode="3000")
    index = OrganisationIndex({"name", "postcode"})
    matched = 0
    for asked in (
        "Buurtwerk de Brugg vzw",
        "Buurtwerk De Brugge",
        "Buurtwerkin De Brug",
        "Buurthuisje De Brug",
        "Sportclub",
        "Jeugdhuis Brugge 15012",
    ):
        key = name_key(asked)
        found = index.find({"name": asked, "postcode": "9000"})
        expected = _brute_force(key, "9000")
        assert (found.pk if found else None) == expected, asked
        matched += found is not None
    assert matched == 5, "five of the six names are like one at the postcode"
    assert index.find({"name": "Buurtwerk De Bruggen", "postcode": "1000"}) is None, "another postcode"
