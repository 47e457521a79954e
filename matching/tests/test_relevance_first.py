"""Relevance first: where and when an offer is orders the relevant offers, and never lifts an off-topic one
above the one that is about what the organisation asked for."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.utils import translation

from matching.engine import DEFAULT_WEIGHTS, Context, NeedRecord, OfferRecord, rank_offers_for_need

GHENT = (51.05, 3.72)
NEAR = (51.06, 3.73)  # about 1 km away
FAR = (50.85, 4.35)  # Brussels, about 50 km away
YEAR = (dt.date(2026, 9, 1), dt.date(2027, 6, 30))


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def the_need() -> NeedRecord:
    return NeedRecord(
        id="need-garden",
        organisation="org-buurt",
        title="Moestuin voor de buurt",
        description="We zoeken studenten die samen met bewoners een moestuin aanleggen en onderhouden in de wijk.",
        language="nl",
        period_start=YEAR[0],
        period_end=YEAR[1],
        effort_hours=120,
        max_students=4,
        latitude=GHENT[0],
        longitude=GHENT[1],
    )


def offers() -> list[OfferRecord]:
    right_but_far = OfferRecord(
        id="far-right",
        institution="hb",
        title="Community vegetable garden",
        description="Students of agriculture build and maintain a vegetable garden (moestuin) together with residents "
        "of the neighbourhood.",
        language="en",
        period_start=dt.date(2027, 2, 1),
        period_end=dt.date(2027, 3, 15),
        students=2,
        hours_per_student=20,
        latitude=FAR[0],
        longitude=FAR[1],
        campus="Brussel",
    )
    near_but_off_topic = OfferRecord(
        id="near-off",
        institution="uas",
        title="Boekhouding voor vzw's",
        description="Studenten bedrijfsbeheer helpen met de boekhouding in de wijk.",
        language="nl",
        period_start=YEAR[0],
        period_end=YEAR[1],
        students=4,
        hours_per_student=30,
        latitude=NEAR[0],
        longitude=NEAR[1],
        campus="Gent",
    )
    return [right_but_far, near_but_off_topic]


def test_the_offer_about_the_need_outranks_a_near_one_about_something_else():
    # The near, off-topic offer's institution also knows the organisation already; the right one's does not.
    context = Context(relationships={("uas", "org-buurt"): None})
    ranked = rank_offers_for_need(the_need(), offers(), weights=DEFAULT_WEIGHTS, context=context)
    assert [r.item.id for r in ranked] == ["far-right", "near-off"]
    right, off = ranked
    # The off-topic offer still gets its convenience, but only in the measure of its relevance.
    off_distance = next(r for r in off.reasons if r.code == "distance")
    right_distance = next(r for r in right.reasons if r.code == "distance")
    assert off_distance.points < DEFAULT_WEIGHTS["distance"] * 0.5
    assert right_distance.points > 0


def test_with_equal_relevance_the_nearer_offer_comes_first():
    near = dataclasses.replace(offers()[0], id="same-near", latitude=NEAR[0], longitude=NEAR[1])
    ranked = rank_offers_for_need(the_need(), [offers()[0], near], weights=DEFAULT_WEIGHTS)
    assert [r.item.id for r in ranked] == ["same-near", "far-right"]


def test_the_reasons_points_add_up_to_the_score_shown():
    for ranked in rank_offers_for_need(the_need(), offers(), weights=DEFAULT_WEIGHTS):
        assert round(sum(r.points for r in ranked.reasons), 3) == pytest.approx(round(ranked.score, 3), abs=0.002)


def test_the_old_additive_ranking_would_have_put_the_near_offer_first():
    """The trap is real: with every convenience reason counted in full the near, off-topic offer wins."""
    from matching import engine

    full = engine.RELEVANCE_FULL
    engine.RELEVANCE_FULL = 1e-9  # every pair counts as fully relevant: the old sum of reasons
    try:
        ranked = rank_offers_for_need(
            the_need(), offers(), weights=DEFAULT_WEIGHTS, context=Context(relationships={("uas", "org-buurt"): None})
        )
    finally:
        engine.RELEVANCE_FULL = full
    assert ranked[0].item.id == "near-off"
