"""The labelled evaluation set and its figures: how often the offer a coordinator would pick comes first.

``set.json`` holds needs and offers written like real ones (Dutch and English, cross-language pairs, near but
off-topic and far but right traps, vague needs) in the batch format of ``docs/matching-input.md``, and for each
need the offers a coordinator would pick (``judgements``). ``evaluate`` ranks every need against every offer with
the given weights and reports hit@1 (a right offer first), hit@3 (one in the first three) and the mean
reciprocal rank (1 / the place of the first right offer; 0 when none is suggested).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from matching.batch import context_from, parse_needs, parse_offers
from matching.engine import Collection, Context, NeedRecord, rank, weights_with_defaults

SET = Path(__file__).resolve().parent / "set.json"


@dataclass(frozen=True)
class Miss:
    need: str
    title: str
    expected: tuple[str, ...]
    got: tuple[str, ...]
    place: int | None


@dataclass(frozen=True)
class Evaluation:
    needs: int
    hit_at_1: float
    hit_at_3: float
    mrr: float
    misses: list[Miss] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "needs": self.needs,
            "hit_at_1": round(self.hit_at_1, 4),
            "hit_at_3": round(self.hit_at_3, 4),
            "mrr": round(self.mrr, 4),
        }


@dataclass(frozen=True)
class EvaluationSet:
    needs: list[NeedRecord]
    collection: Collection
    context: Context
    judgements: dict[str, frozenset[str]]


@lru_cache(maxsize=4)
def load(path: str = str(SET)) -> EvaluationSet:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    needs_in = parse_needs(data)
    offers = [o.record() for o in parse_offers(data)]
    judgements = {key: frozenset(value) for key, value in data["judgements"].items()}
    needs = [n.record() for n in needs_in]
    unknown = {o for chosen in judgements.values() for o in chosen} - {o.id for o in offers}
    if unknown or set(judgements) != {n.id for n in needs}:
        raise ValueError(f"the evaluation set's judgements do not match its needs and offers: {sorted(unknown)}")
    return EvaluationSet(needs, Collection(offers), context_from(needs_in), judgements)


def evaluate(weights: Mapping[str, Any] | None = None, *, dataset: EvaluationSet | None = None) -> Evaluation:
    dataset = dataset or load()
    w = weights_with_defaults(weights)
    hits1 = hits3 = 0
    reciprocal = 0.0
    misses = []
    for need in dataset.needs:
        ranked = [r.item.id for r in rank(need, dataset.collection, weights=w, context=dataset.context, limit=20)]
        right = dataset.judgements[need.id]
        place = next((number for number, offer in enumerate(ranked, 1) if offer in right), None)
        hits1 += place == 1
        hits3 += place is not None and place <= 3
        reciprocal += 1.0 / place if place else 0.0
        if place != 1:
            misses.append(Miss(need.id, need.title, tuple(sorted(right)), tuple(ranked[:3]), place))
    count = len(dataset.needs)
    return Evaluation(count, hits1 / count, hits3 / count, reciprocal / count, misses)
