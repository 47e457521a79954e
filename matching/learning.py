"""Learning from the office: weights fitted on the institution's own decisions, proposed, never imposed.

Every match a coordinator proposed is a judgement ("this offer, for that need"), and so is the partner's
answer: accepted or still open counts as right, declined as wrong. ``propose_weights`` ranks, for each of the
institution's latest decisions, the offers it could have chosen from, and searches weights under which the
chosen offers come first and the declined ones do not (coordinate ascent over a grid of weights, from the
current ones, keeping them where the decisions do not tell). It returns both sets of weights with the
figures of both, on the institution's decisions and on the project's evaluation set; the coordinator adopts
the proposal on the weights page, or not. With fewer than ``MIN_DECISIONS`` it proposes nothing and says so.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from matching.engine import (
    DEFAULT_WEIGHTS,
    Collection,
    Context,
    NeedRecord,
    OfferRecord,
    combine,
    factor_arrays,
    weights_with_defaults,
)
from matching.text_index import analyse

MIN_DECISIONS = 20
LATEST = 200
CANDIDATES = 50
GRID = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
ROUNDS = 4


@dataclass(frozen=True)
class Decision:
    """One judgement, with every candidate's factors: the chosen offer is at ``chosen``."""

    factors: dict[str, np.ndarray]
    disjoint: np.ndarray
    chosen: int
    right: bool

    @property
    def size(self) -> int:
        return len(self.disjoint)


@dataclass(frozen=True)
class Figures:
    hit_at_1: float
    mrr: float


@dataclass(frozen=True)
class Proposal:
    decisions: int
    enough: bool
    current: dict[str, float]
    proposed: dict[str, float] | None = None
    own_current: Figures | None = None
    own_proposed: Figures | None = None
    set_current: Figures | None = None
    set_proposed: Figures | None = None

    @property
    def changed(self) -> bool:
        return self.proposed is not None and self.proposed != self.current


def decision(
    need: NeedRecord, chosen: str, right: bool, collection: Collection, context: Context, *, around: Mapping[str, float]
) -> Decision | None:
    """The judgement "``chosen`` for ``need``" over the ``CANDIDATES`` offers that rank best with ``around``,
    and the chosen one; None when the chosen offer is not in the collection."""
    position = bisect.bisect_left(collection.ids, chosen)
    if position >= collection.size or collection.ids[position] != chosen:
        return None
    vectors = collection.text.query_vectors(analyse(need.texts(), need.language))
    factors, disjoint = factor_arrays(need, collection, context, vectors=vectors)
    scores = combine(factors, disjoint, weights_with_defaults(around), collection.size)
    keep = np.argsort(-scores, kind="stable")[:CANDIDATES]
    if position not in keep:
        keep = np.append(keep, position)
    keep = np.sort(keep)
    return Decision(
        {code: values[keep] for code, values in factors.items()},
        disjoint[keep],
        int(np.searchsorted(keep, position)),
        right,
    )


def _place(decision: Decision, w: Mapping[str, float]) -> int | None:
    """Where the chosen offer comes with ``w`` (ties broken by position, as the ranking does); None when it is
    not suggested at all."""
    scores = combine(decision.factors, decision.disjoint, w, decision.size)
    mine = scores[decision.chosen]
    if mine == -np.inf:
        return None
    ahead = int((scores > mine).sum()) + int((scores[: decision.chosen] == mine).sum())
    return ahead + 1


def figures(decisions: Sequence[Decision], weights: Mapping[str, Any]) -> Figures:
    """hit@1 and MRR of the right decisions."""
    w = weights_with_defaults(weights)
    right = [d for d in decisions if d.right]
    if not right:
        return Figures(0.0, 0.0)
    places = [_place(d, w) for d in right]
    return Figures(sum(1 for p in places if p == 1) / len(right), sum(1.0 / p for p in places if p) / len(right))


def _objective(decisions: Sequence[Decision], w: Mapping[str, float]) -> float:
    """Right choices high (reciprocal rank), declined ones not first (one minus it)."""
    total = 0.0
    for d in decisions:
        place = _place(d, w)
        reciprocal = 1.0 / place if place else 0.0
        total += reciprocal if d.right else 1.0 - reciprocal
    return total / max(1, len(decisions))


def fit_weights(decisions: Sequence[Decision], start: Mapping[str, Any] | None = None) -> dict[str, float]:
    """Coordinate ascent over ``GRID`` from ``start``: a weight moves only when the decisions say it should."""
    w = weights_with_defaults(start)
    best = _objective(decisions, w)
    for _round in range(ROUNDS):
        improved = False
        for code in DEFAULT_WEIGHTS:
            for value in GRID:
                if value == w[code]:
                    continue
                trial = w | {code: value}
                score = _objective(decisions, trial)
                if score > best + 1e-9:
                    best, w, improved = score, trial, True
        if not improved:
            break
    return w


def propose(
    judgements: Iterable[tuple[NeedRecord, str, bool]],
    offers: Iterable[OfferRecord],
    context: Context,
    current: Mapping[str, Any],
) -> Proposal:
    """Fit weights on ``judgements`` (need, chosen offer id, right?) among ``offers``, and compare."""
    from matching.evaluation import evaluate

    current_w = weights_with_defaults(current)
    collection = Collection(offers)
    made = [decision(n, chosen, right, collection, context, around=current_w) for n, chosen, right in judgements]
    decisions = [d for d in made if d is not None]
    if len(decisions) < MIN_DECISIONS:
        return Proposal(len(decisions), False, current_w)
    proposed = fit_weights(decisions, current_w)
    on_set = (evaluate(current_w), evaluate(proposed))
    return Proposal(
        len(decisions),
        True,
        current_w,
        proposed,
        figures(decisions, current_w),
        figures(decisions, proposed),
        Figures(on_set[0].hit_at_1, on_set[0].mrr),
        Figures(on_set[1].hit_at_1, on_set[1].mrr),
    )


def propose_for_institution(institution: Any) -> Proposal:
    """The institution's latest ``LATEST`` decisions, among its open offers and the offers it chose."""
    from matching.loaders import context_for, need_record, offer_records, weights_for
    from matching.models import Match, Offer

    matches = list(
        Match.objects.filter(institution=institution)
        .exclude(status=Match.Status.WITHDRAWN)
        .select_related("need__organisation", "offer")
        .prefetch_related("need__themes", "need__target_groups")
        .order_by("-proposed_at", "-id")[:LATEST]
    )
    chosen_ids = {m.offer_id for m in matches}
    offers = offer_records(
        Offer.objects.filter(institution=institution, pk__in=chosen_ids)
        | Offer.objects.filter(institution=institution, status=Offer.Status.OPEN)
    )
    context = context_for([institution], [m.need.organisation_id for m in matches])
    judgements = [(need_record(m.need), str(m.offer.public_id), m.status != Match.Status.DECLINED) for m in matches]
    return propose(judgements, offers, context, weights_for(institution))
