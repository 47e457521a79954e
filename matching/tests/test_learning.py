"""Learning from the office's decisions: weights fitted on decisions recover the weights that made them, a
proposal is only a proposal, and too few decisions propose nothing."""

from __future__ import annotations

import math

import pytest

from matching.bench import synthetic
from matching.engine import DEFAULT_WEIGHTS, Collection, rank
from matching.learning import MIN_DECISIONS, propose

TRUE = DEFAULT_WEIGHTS | {"text": 2.0, "glossary": 1.0, "distance": 8.0, "capacity": 0.0, "relationship": 0.0}


@pytest.fixture(scope="module")
def world():
    needs, offers, context = synthetic(300, seed=7)
    collection = Collection(offers)
    chosen = {}
    for need in needs:
        top = rank(need, collection, weights=TRUE, context=context, limit=1)
        if top:
            chosen[need.id] = top[0].item.id
    decided = [n for n in needs if n.id in chosen]
    return decided[:120], decided[120:220], offers, collection, context, chosen


def agreement(needs, collection, context, chosen, weights) -> float:
    same = 0
    for need in needs:
        top = rank(need, collection, weights=weights, context=context, limit=1)
        same += bool(top) and top[0].item.id == chosen[need.id]
    return same / len(needs)


def cosine(a: dict, b: dict) -> float:
    keys = sorted(DEFAULT_WEIGHTS)
    dot = sum(a[k] * b[k] for k in keys)
    return dot / math.sqrt(sum(a[k] ** 2 for k in keys) * sum(b[k] ** 2 for k in keys))


def test_weights_fitted_on_decisions_recover_the_weights_that_made_them(world):
    train, held_out, offers, collection, context, chosen = world
    proposal = propose([(n, chosen[n.id], True) for n in train], offers, context, DEFAULT_WEIGHTS)
    assert proposal.enough and proposal.changed
    fitted = proposal.proposed
    # The office's own figures: the fitted weights put its choices first far more often than the defaults.
    assert proposal.own_proposed.hit_at_1 >= 0.85 > proposal.own_current.hit_at_1
    # On needs the fit never saw, the fitted weights choose as the office would.
    assert agreement(held_out, collection, context, chosen, fitted) >= 0.8
    assert agreement(held_out, collection, context, chosen, fitted) > agreement(
        held_out, collection, context, chosen, DEFAULT_WEIGHTS
    )
    # And the weights themselves move towards the ones that made the decisions.
    assert cosine(fitted, TRUE) > cosine(DEFAULT_WEIGHTS, TRUE)
    assert fitted["distance"] > DEFAULT_WEIGHTS["distance"]


def test_declined_offers_push_the_weights_away(world):
    train, _held_out, offers, _collection, context, chosen = world
    # Every suggestion the defaults put first was declined: whatever the fit proposes ranks them lower.
    collection = Collection(offers)
    declined = []
    for need in train[:60]:
        top = rank(need, collection, weights=DEFAULT_WEIGHTS, context=context, limit=1)
        if top:
            declined.append((need, top[0].item.id, False))
    proposal = propose(declined, offers, context, DEFAULT_WEIGHTS)
    assert proposal.enough and proposal.changed


def test_too_few_decisions_propose_nothing(world):
    train, _held_out, offers, _collection, context, chosen = world
    few = [(n, chosen[n.id], True) for n in train[: MIN_DECISIONS - 1]]
    proposal = propose(few, offers, context, DEFAULT_WEIGHTS)
    assert not proposal.enough and proposal.proposed is None and proposal.decisions == MIN_DECISIONS - 1
