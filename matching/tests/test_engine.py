"""The ranking engine on small hand-made needs and offers: each reason, determinism, the glossary."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest
from django.utils import translation

from matching.engine import (
    DEFAULT_WEIGHTS,
    Collection,
    Context,
    NeedRecord,
    OfferRecord,
    explain,
    rank,
    rank_needs_for_offer,
    rank_offers_for_need,
    weights_with_defaults,
)
from matching.glossary import decompound
from matching.text_index import analyse

ONLY = dict.fromkeys(DEFAULT_WEIGHTS, 0.0)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def need(**fields) -> NeedRecord:
    return NeedRecord(**({"id": "need-1", "organisation": "org-1", "title": "Buurtwerking", "language": "nl"} | fields))


def offer(id: str, **fields) -> OfferRecord:
    return OfferRecord(**({"id": id, "institution": "uas", "title": "Project", "language": "nl"} | fields))


def only(**weights: float) -> dict[str, float]:
    return ONLY | weights


def ids(ranked) -> list[str]:
    return [r.item.id for r in ranked]


def reason(ranked_one, code: str):
    return next(r for r in ranked_one.reasons if r.code == code)


D = dt.date


# Text relevance


def test_an_offer_that_shares_the_needs_words_ranks_first_and_names_the_shared_stems():
    n = need(title="Huiswerkbegeleiding", description="Begeleiding van kinderen bij hun huiswerk in de buurt.")
    offers = [
        offer("a", title="Stadsecologie", description="Luchtkwaliteit meten in de buurt."),
        offer("b", title="Huiswerkklas", description="Studenten begeleiden kinderen bij het huiswerk."),
    ]
    ranked = rank_offers_for_need(n, offers, weights=only(text=1))
    assert ids(ranked) == ["b", "a"]
    text = reason(ranked[0], "text")
    assert text.label == "Text relevance"
    assert "huiswerk" in text.detail and "kinder" in text.detail
    assert text.points > reason(ranked[1], "text").points > 0


def test_a_rare_shared_word_weighs_more_than_a_common_one():
    n = need(title="Fietsherstel", description="fietsherstel buurt")
    offers = [offer("common", description="buurt")] + [offer(f"x{i}", description="buurt") for i in range(8)]
    offers.append(offer("rare", description="fietsherstel"))
    ranked = rank_offers_for_need(n, offers, weights=only(text=1))
    assert ranked[0].item.id == "rare"


def test_an_offer_without_anything_in_common_is_no_suggestion():
    n = need(title="Huiswerkbegeleiding", description="kinderen")
    assert rank_offers_for_need(n, [offer("a", title="Luchtkwaliteit", description="meten")]) == []


# Themes and target groups


def test_shared_themes_score_their_share_and_are_named():
    n = need(themes=frozenset({"education", "poverty"}))
    offers = [offer("one", themes=frozenset({"education"})), offer("both", themes=frozenset({"education", "poverty"}))]
    ranked = rank_offers_for_need(n, offers, weights=only(themes=2), context=Context(names={"education": "Onderwijs"}))
    assert ids(ranked) == ["both", "one"]
    assert reason(ranked[0], "themes").points == pytest.approx(2.0)
    assert reason(ranked[1], "themes").points == pytest.approx(2 / 2**0.5)
    assert reason(ranked[1], "themes").detail == "shared: Onderwijs"


def test_shared_target_groups_score_and_are_named():
    n = need(target_groups=frozenset({"children"}))
    offers = [offer("a", target_groups=frozenset({"elderly"})), offer("b", target_groups=frozenset({"children"}))]
    ranked = rank_offers_for_need(n, offers, weights=only(target_groups=1, text=1))
    assert ids(ranked) == ["b"]
    assert reason(ranked[0], "target_groups").points == pytest.approx(1.0)
    assert reason(ranked[0], "target_groups").detail == "shared: children"


# Period


def test_more_days_of_overlap_score_more_and_disjoint_periods_are_left_out():
    n = need(themes=frozenset({"t"}), period_start=D(2026, 10, 1), period_end=D(2026, 12, 31))
    offers = [
        offer("half", themes=frozenset({"t"}), period_start=D(2026, 11, 16), period_end=D(2027, 2, 1)),
        offer("all", themes=frozenset({"t"}), period_start=D(2026, 9, 1), period_end=D(2027, 1, 31)),
        offer("later", themes=frozenset({"t"}), period_start=D(2027, 2, 1), period_end=D(2027, 5, 31)),
    ]
    ranked = rank_offers_for_need(n, offers, weights=only(themes=1, period=1))
    assert ids(ranked) == ["all", "half"]
    assert reason(ranked[0], "period").points == pytest.approx(1.0)
    assert reason(ranked[0], "period").detail == "92 days of overlap"
    assert reason(ranked[1], "period").detail == "46 days of overlap"
    assert reason(ranked[1], "period").points == pytest.approx(46 / 78)


def test_an_offer_without_a_period_is_kept_without_period_points():
    n = need(themes=frozenset({"t"}), period_start=D(2026, 10, 1), period_end=D(2026, 12, 31))
    ranked = rank_offers_for_need(n, [offer("open", themes=frozenset({"t"}))], weights=only(themes=1, period=1))
    assert reason(ranked[0], "period").points == 0
    assert reason(ranked[0], "period").detail == "a period is not known"


# Capacity


def test_the_offer_that_brings_what_the_need_can_host_scores_capacity_highest():
    n = need(themes=frozenset({"t"}), effort_hours=120, max_students=4)
    offers = [
        offer("fits", themes=frozenset({"t"}), students=4, hours_per_student=30),
        offer("too-many", themes=frozenset({"t"}), students=8, hours_per_student=15),
        offer("too-little", themes=frozenset({"t"}), students=2, hours_per_student=15),
    ]
    ranked = rank_offers_for_need(n, offers, weights=only(themes=1, capacity=1))
    assert ids(ranked) == ["fits", "too-many", "too-little"]
    assert reason(ranked[0], "capacity").points == pytest.approx(1.0)
    assert reason(ranked[1], "capacity").points == pytest.approx(0.5)  # 120 h, but 8 students where 4 fit
    assert reason(ranked[2], "capacity").points == pytest.approx(0.25)  # 30 h of the 120
    assert "brings 4 students × 30 h = 120 h" in reason(ranked[0], "capacity").detail


# Distance


def test_a_nearer_campus_scores_more_and_the_distance_is_given_in_km():
    n = need(themes=frozenset({"t"}), latitude=51.0543, longitude=3.7174)  # Gent
    offers = [
        offer("leuven", themes=frozenset({"t"}), latitude=50.8798, longitude=4.7005, campus="Campus Leuven"),
        offer("gent", themes=frozenset({"t"}), latitude=51.0500, longitude=3.7300, campus="Campus Gent"),
    ]
    ranked = rank_offers_for_need(n, offers, weights=only(themes=1, distance=1))
    assert ids(ranked) == ["gent", "leuven"]
    assert reason(ranked[0], "distance").detail == "1.0 km from Campus Gent"
    assert reason(ranked[1], "distance").detail == "71.5 km from Campus Leuven"
    assert reason(ranked[1], "distance").points == pytest.approx(1 / (1 + 71.5 / 15), abs=0.001)


# Relationship and load


def test_a_healthy_relationship_puts_continuity_before_novelty():
    n = need(themes=frozenset({"t"}))
    offers = [offer("a-new", institution="hb", themes=frozenset({"t"})), offer("b-known", themes=frozenset({"t"}))]
    context = Context(relationships={("uas", "org-1"): D(2026, 9, 1)})
    ranked = rank_offers_for_need(n, offers, weights=only(themes=1, relationship=1.5), context=context)
    assert ids(ranked) == ["b-known", "a-new"]
    assert reason(ranked[0], "relationship").points == 1.5
    assert reason(ranked[0], "relationship").detail == "last contact on 2026-09-01"
    assert reason(ranked[1], "relationship").detail == "no recent contact: this would be a new partner"


def test_a_partner_near_its_capacity_is_penalised():
    o = offer("o", themes=frozenset({"t"}))
    needs = [
        need(id="a-full", organisation="busy", themes=frozenset({"t"})),
        need(id="b-free", themes=frozenset({"t"})),
    ]
    context = Context(loads={"busy": (3, 4), "org-1": (1, 4)})
    ranked = rank_needs_for_offer(o, needs, weights=only(themes=1, load=2), context=context)
    assert ids(ranked) == ["b-free", "a-full"]
    assert reason(ranked[0], "load").points == 0
    assert reason(ranked[1], "load").points == pytest.approx(-1.0)  # 3 of 4: half way from half to full
    assert reason(ranked[1], "load").detail == "3 of 4 places taken this academic period"


def test_a_full_partner_loses_the_whole_load_weight():
    ranked = rank_offers_for_need(
        need(themes=frozenset({"t"})),
        [offer("o", themes=frozenset({"t"}))],
        weights=only(themes=1, load=2),
        context=Context(loads={"org-1": (3, 3)}),
    )
    assert ranked[0].score == pytest.approx(1 - 2)


# The bilingual glossary


def test_a_dutch_need_finds_an_english_offer_through_the_named_glossary_signal():
    n = need(title="Huiswerkbegeleiding", description="Voor kinderen uit de wijk.")
    o = offer("en", title="Homework support", description="Tutoring for children.", language="en")
    ranked = rank_offers_for_need(n, [o])
    assert ids(ranked) == ["en"]
    glossary = reason(ranked[0], "glossary")
    assert glossary.label == "Bilingual glossary"
    assert glossary.points > 0
    assert "huiswerk ↔ homework" in glossary.detail
    assert "begeleiding ↔ support" in glossary.detail
    assert "kinderen ↔ children" in glossary.detail
    assert reason(ranked[0], "text").points == 0


def test_without_the_glossary_and_nothing_else_shared_the_english_offer_is_not_found():
    n = need(title="Huiswerkbegeleiding", description="Voor kinderen uit de wijk.")
    o = offer("en", title="Homework support", description="Tutoring for children.", language="en")
    assert rank_offers_for_need(n, [o], weights={"glossary": 0}) == []


def test_the_glossary_does_not_count_twice_between_texts_in_the_same_language():
    n = need(title="Huiswerk", description="kinderen")
    ranked = rank_offers_for_need(n, [offer("nl", title="Huiswerk", description="kinderen")])
    assert reason(ranked[0], "glossary").points == 0
    assert reason(ranked[0], "text").points == pytest.approx(4.0)


def test_dutch_compounds_are_split_against_the_glossary_only():
    assert decompound("huiswerkbegeleiding") == ("huiswerk", "begeleiding")
    assert decompound("kindertuin") == ("kinder", "tuin")
    assert decompound("taalcafé") == ()
    assert decompound("kinderopvang") == ()
    assert analyse(["huiswerkbegeleiding"], "nl").concepts.keys() == {"nl:homework", "nl:support"}


# Weights, determinism, limits


def test_changing_the_weights_changes_the_ranking():
    n = need(title="Huiswerk", themes=frozenset({"education"}))
    offers = [offer("words", title="Huiswerk"), offer("themes", title="Iets anders", themes=frozenset({"education"}))]
    assert ids(rank_offers_for_need(n, offers, weights={"text": 6, "themes": 1}))[0] == "words"
    assert ids(rank_offers_for_need(n, offers, weights={"text": 1, "themes": 6}))[0] == "themes"


def test_weights_are_clamped_and_unknown_keys_ignored():
    weights = weights_with_defaults({"text": 99, "load": -3, "colour": 5, "period": "x"})
    assert weights["text"] == 10 and weights["load"] == 0 and "colour" not in weights
    assert weights["period"] == DEFAULT_WEIGHTS["period"]


def test_equal_scores_are_ordered_by_public_id_whatever_the_input_order():
    n = need(themes=frozenset({"t"}))
    offers = [offer(f"offer-{i:02d}", themes=frozenset({"t"})) for i in range(30)]
    shuffled = offers[:]
    random.Random(7).shuffle(shuffled)
    first = rank_offers_for_need(n, offers, limit=10)
    second = rank_offers_for_need(n, shuffled, limit=10)
    assert ids(first) == [f"offer-{i:02d}" for i in range(10)]
    assert [r.as_dict() for r in first] == [r.as_dict() for r in second]


def test_the_same_input_gives_the_same_ranking_and_reasons():
    n = need(title="Huiswerkbegeleiding voor kinderen", themes=frozenset({"a"}), period_start=D(2026, 10, 1))
    n = dataclasses.replace(n, period_end=D(2027, 1, 1), latitude=51.0, longitude=3.7, effort_hours=50)
    offers = [
        offer(
            f"o{i}",
            title=random.Random(i).choice(["Huiswerk", "Kinderen", "Homework", "Tuin"]),
            language="en" if i % 3 else "nl",
            themes=frozenset({"a"} if i % 2 else {"b"}),
            period_start=D(2026, 9, 1) + dt.timedelta(days=i * 7),
            period_end=D(2027, 3, 1),
            students=i % 5 + 1,
            hours_per_student=10,
            latitude=51.0 + i / 100,
            longitude=3.7,
        )
        for i in range(40)
    ]
    context = Context(relationships={("uas", "org-1"): None}, loads={"org-1": (2, 3)})
    runs = [[r.as_dict() for r in rank(n, Collection(offers), context=context)] for _ in range(2)]
    assert runs[0] == runs[1]
    assert len(runs[0]) == 10
    assert [s["score"] for s in runs[0]] == sorted((s["score"] for s in runs[0]), reverse=True)


def test_the_score_is_the_sum_of_the_reasons_points():
    n = need(title="Huiswerk", themes=frozenset({"a"}), effort_hours=40, latitude=51.0, longitude=3.7)
    o = offer(
        "o", title="Huiswerk", themes=frozenset({"a"}), students=2, hours_per_student=10, latitude=51.1, longitude=3.7
    )
    ranked = rank_offers_for_need(n, [o], context=Context(loads={"org-1": (2, 3)}))
    assert ranked[0].score == pytest.approx(sum(r.points for r in ranked[0].reasons), abs=1e-5)
    alone = explain(n, o, context=Context(loads={"org-1": (2, 3)}))
    assert alone.score == pytest.approx(ranked[0].score, abs=1e-5)


def test_the_limit_caps_the_suggestions():
    n = need(themes=frozenset({"t"}))
    offers = [offer(f"o{i}", themes=frozenset({"t"})) for i in range(15)]
    assert len(rank_offers_for_need(n, offers, limit=3)) == 3
    assert rank_offers_for_need(n, offers, limit=0) == []
    assert rank_offers_for_need(n, []) == []


def test_reasons_are_labelled_in_the_active_language():
    with translation.override("nl"):
        ranked = rank_offers_for_need(need(themes=frozenset({"t"})), [offer("o", themes=frozenset({"t"}))])
    assert reason(ranked[0], "capacity").label == "Capaciteit"
