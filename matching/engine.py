"""Explainable matchmaking: for a need the offers that fit it best (and for an offer the needs), with reasons.

The engine works on plain records (``NeedRecord``, ``OfferRecord``), so the batch can rank JSON files
without a database; ``matching.loaders`` builds the records from the models. A score is a weighted sum
of reasons, each a number between 0 and 1 times the institution's weight for it:

* ``text``: TF-IDF cosine of the stems of the need (title, description) and the offer (title,
  description, learning goals, disciplines), Dutch and English (``matching.text_index``);
* ``glossary``: the same over the curated bilingual glossary, across languages only (``matching.glossary``);
* ``meaning``: the same over the English stems a Dutch word may mean, from a Dutch–English dictionary of some
  18,000 words, across languages only and for words the glossary does not know (``matching.thesaurus``);
* ``themes``, ``target_groups``: shared codes, as a cosine of the two sets;
* ``period``: days of overlap, as a share of the shorter period;
* ``capacity``: the hours the offer brings (students × hours) against the hours the need can host,
  smaller over larger, less when it brings more students than the need can take;
* ``distance``: 1 / (1 + km / 15) between the need's place and the offer's campus (haversine);
* ``relationship``: 1 when the institution has a healthy relationship with the organisation (continuity
  before novelty);
* ``load``: a penalty, from 0 at half the organisation's capacity to the whole weight when it is full.

Only pairs that share something of substance (a stem, a glossary concept, a theme or a target group) are
suggestions, and pairs whose periods are both known and do not overlap are left out. Ties are broken by
the public id, so the same input always gives the same output.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils.translation import get_language, gettext, gettext_lazy, gettext_noop

from matching.factors import (
    capacity_fit,
    capacity_fits,
    distance_factor,
    distance_factors,
    haversine_km,
    load_pressure,
    overlap_share,
    period_shares,
)
from matching.text_index import Analysis, Postings, TextIndex, accumulate, analyse, pair_vectors

DEFAULT_WEIGHTS: dict[str, float] = {
    "text": 4.0,
    "glossary": 2.0,
    "meaning": 2.0,
    "themes": 2.0,
    "target_groups": 2.0,
    "period": 1.0,
    "capacity": 1.0,
    "distance": 1.0,
    "relationship": 1.5,
    "load": 2.0,
}
MAX_WEIGHT = 10.0
CONTENT = ("text", "glossary", "meaning", "themes", "target_groups")
CONVENIENCE = ("period", "capacity", "distance", "relationship", "load")
# Relevance first: the convenience reasons (period, capacity, distance, relationship, load) count in full only
# for a pair whose content reasons reach this share of what they could give at most, and in proportion below it.
# So where and when an offer is can order relevant offers, but never lift an off-topic one above them.
RELEVANCE_FULL = 0.25
REASON_MESSAGES = {
    "text": gettext_noop("Text relevance"),
    "glossary": gettext_noop("Bilingual glossary"),
    "meaning": gettext_noop("Similar meaning across languages"),
    "themes": gettext_noop("Shared themes"),
    "target_groups": gettext_noop("Shared target groups"),
    "period": gettext_noop("Overlapping period"),
    "capacity": gettext_noop("Capacity"),
    "distance": gettext_noop("Distance"),
    "relationship": gettext_noop("Existing healthy relationship"),
    "load": gettext_noop("Partner's current load"),
}
REASON_LABELS = {code: gettext_lazy(message) for code, message in REASON_MESSAGES.items()}
DETAIL_TERMS = 8
_EPSILON = 1e-6
_TRANSLATED: dict[str | None, dict[str, str]] = {}
Translate = Callable[[str], str]


def _translator() -> Translate:
    """``gettext`` for the active language, remembered: a batch explains hundreds of thousands of reasons."""
    cache = _TRANSLATED.setdefault(get_language(), {})

    def translate(message: str) -> str:
        found = cache.get(message)
        if found is None:
            found = cache[message] = gettext(message)
        return found

    return translate


def _label(code: str, _: Translate) -> str:
    return _(REASON_MESSAGES[code])


def relevance_share(content_points: Any, w: Mapping[str, float]) -> Any:
    """How much of the convenience reasons a pair gets: its content points over ``RELEVANCE_FULL`` of the most
    the content weights can give, capped at 1 (a number, or an array for many pairs at once)."""
    full = RELEVANCE_FULL * sum(w[code] for code in CONTENT)
    if full <= 0:
        return 1.0 if np.ndim(content_points) == 0 else np.ones_like(content_points)
    return np.minimum(1.0, np.maximum(0.0, content_points) / full)


def weights_with_defaults(weights: Mapping[str, Any] | None) -> dict[str, float]:
    """The defaults, overridden by the known keys of ``weights``, each clamped to 0..MAX_WEIGHT."""
    result = dict(DEFAULT_WEIGHTS)
    for key, value in (weights or {}).items():
        if key in result:
            try:
                result[key] = min(MAX_WEIGHT, max(0.0, float(value)))
            except (TypeError, ValueError):
                continue
    return result


@dataclass(frozen=True)
class NeedRecord:
    id: str
    organisation: str
    title: str
    description: str = ""
    language: str = "nl"
    themes: frozenset[str] = frozenset()
    target_groups: frozenset[str] = frozenset()
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    effort_hours: int = 0
    max_students: int = 0
    latitude: float | None = None
    longitude: float | None = None
    organisation_name: str = ""

    def texts(self) -> tuple[str, ...]:
        return (self.title, self.description)


@dataclass(frozen=True)
class OfferRecord:
    id: str
    institution: str
    title: str
    description: str = ""
    learning_goals: str = ""
    disciplines: str = ""
    language: str = "nl"
    themes: frozenset[str] = frozenset()
    target_groups: frozenset[str] = frozenset()
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    students: int = 0
    hours_per_student: int = 0
    latitude: float | None = None
    longitude: float | None = None
    campus: str = ""

    def texts(self) -> tuple[str, ...]:
        return (self.title, self.description, self.learning_goals, self.disciplines)


Record = NeedRecord | OfferRecord


@dataclass(frozen=True)
class Context:
    """What the records alone do not say: relationships, load, and the names of codes for the reasons.

    ``relationships``: (institution, organisation) -> date of the last contact, for healthy relationships only.
    ``loads``: organisation -> (requests, proposals and engagements this academic period, capacity).
    ``declined``: (organisation, offer) pairs the organisation declined as not its field.
    """

    relationships: Mapping[tuple[str, str], dt.date | None] = field(default_factory=dict)
    loads: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)
    # (organisation, offer) pairs the organisation declined as "not our field": never suggested again.
    declined: frozenset[tuple[str, str]] = frozenset()
    _by_party: dict[tuple[str, bool], frozenset[str]] = field(default_factory=dict, compare=False, repr=False)

    def related(self, party: str, of_organisation: bool) -> frozenset[str]:
        """The institutions healthily related to an organisation, or the organisations to an institution."""
        if not self._by_party and self.relationships:
            grouped: dict[tuple[str, bool], set[str]] = {}
            for institution, organisation in self.relationships:
                grouped.setdefault((organisation, True), set()).add(institution)
                grouped.setdefault((institution, False), set()).add(organisation)
            self._by_party.update({k: frozenset(v) for k, v in grouped.items()})
        return self._by_party.get((party, of_organisation), frozenset())


@dataclass(frozen=True)
class Reason:
    code: str
    label: Any
    points: float
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "label": str(self.label), "points": round(self.points, 3), "detail": self.detail}


@dataclass(frozen=True)
class Ranked:
    item: Record
    score: float
    reasons: list[Reason]

    @property
    def offer_or_need(self) -> Record:
        return self.item

    @property
    def public_id(self) -> str:
        return self.item.id

    def as_dict(self) -> dict[str, Any]:
        kind = "offer" if isinstance(self.item, OfferRecord) else "need"
        return {
            kind: self.item.id,
            "title": self.item.title,
            "score": round(self.score, 3),
            "reasons": [r.as_dict() for r in self.reasons],
        }


def _ordinal(day: dt.date | None) -> int | None:
    return day.toordinal() if day else None


def _set_postings(sets: Sequence[frozenset[str]]) -> dict[str, Postings]:
    positions: dict[str, list[int]] = {}
    values: dict[str, list[float]] = {}
    for position, codes in enumerate(sets):
        if codes:
            weight = 1.0 / math.sqrt(len(codes))
            for code in codes:
                positions.setdefault(code, []).append(position)
                values.setdefault(code, []).append(weight)
    return {k: (np.asarray(positions[k], dtype=np.int32), np.asarray(values[k])) for k in positions}


def _set_vector(codes: frozenset[str]) -> dict[str, float]:
    return dict.fromkeys(codes, 1.0 / math.sqrt(len(codes))) if codes else {}


class Collection:
    """The searchable side: offers (searched for a need) or needs (searched for an offer), indexed once.

    Build it once per set of records and query it many times; ``matching.loaders`` keeps one per process
    for the database's open offers and needs. Records are kept in public id order, so a position order
    is the tie-break order.
    """

    def __init__(self, records: Iterable[Record]) -> None:
        self.items: list[Record] = sorted(records, key=lambda r: r.id)
        self.ids = [r.id for r in self.items]
        self.size = len(self.items)
        # Kept for explaining the records that make the top: analysing again would cost more than the ranking.
        self.analyses = [analyse(r.texts(), r.language) for r in self.items]
        self.text = TextIndex(self.analyses)
        self.themes = _set_postings([r.themes for r in self.items])
        self.target_groups = _set_postings([r.target_groups for r in self.items])
        known = [r.period_start is not None and r.period_end is not None for r in self.items]
        self.has_period = np.asarray(known, dtype=bool)
        self.starts = np.asarray([_ordinal(r.period_start) or 0 for r in self.items], dtype=np.int64)
        self.ends = np.asarray([_ordinal(r.period_end) or 0 for r in self.items], dtype=np.int64)
        self.hours = np.asarray([_hours(r) for r in self.items], dtype=np.float64)
        self.students = np.asarray([_students(r) for r in self.items], dtype=np.float64)
        places: dict[tuple[float, float], int] = {}
        place_index = []
        for r in self.items:
            if r.latitude is None or r.longitude is None:
                place_index.append(-1)
            else:
                place_index.append(places.setdefault((r.latitude, r.longitude), len(places)))
        self.place_lat = np.radians(np.asarray([p[0] for p in places], dtype=np.float64))
        self.place_lon = np.radians(np.asarray([p[1] for p in places], dtype=np.float64))
        # Unknown places point one past the end, where the distance factor is 0.
        self.place_index = np.asarray([i if i >= 0 else len(places) for i in place_index], dtype=np.int32)
        parties: dict[str, int] = {}
        self.party_index = np.asarray([parties.setdefault(_party(r), len(parties)) for r in self.items], dtype=np.int32)
        self.parties = parties
        self._pressure: tuple[Context, np.ndarray] | None = None

    def analysis(self, position: int) -> Analysis:
        return self.analyses[position]

    def __len__(self) -> int:
        return self.size

    def pressures(self, context: Context) -> np.ndarray:
        """The load pressure of each record's organisation (needs only), cached for the last context."""
        if self._pressure is None or self._pressure[0] is not context:
            by_party = np.zeros(len(self.parties) + 1)
            for party, position in self.parties.items():
                by_party[position] = load_pressure(context.loads.get(party))
            self._pressure = (context, by_party[self.party_index])
        return self._pressure[1]


def _hours(r: Record) -> int:
    return r.students * r.hours_per_student if isinstance(r, OfferRecord) else r.effort_hours


def _students(r: Record) -> int:
    return r.students if isinstance(r, OfferRecord) else r.max_students


def _party(r: Record) -> str:
    return r.institution if isinstance(r, OfferRecord) else r.organisation


def factor_arrays(
    query: Record,
    collection: Collection,
    context: Context,
    *,
    vectors: Any,
    codes: Iterable[str] = tuple(DEFAULT_WEIGHTS),
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Every record's factor (0 to 1) for each reason in ``codes``, and which records' periods are disjoint
    from the query's. The ranking weighs them (``combine``); learning from decisions fits the weights on them."""
    wanted = set(codes)
    size = collection.size
    query_is_need = isinstance(query, NeedRecord)
    factors: dict[str, np.ndarray] = {}
    if wanted & {"text", "glossary", "meaning"}:
        for code, scores in zip(("text", "glossary", "meaning"), collection.text.scores(None, vectors), strict=True):
            if code in wanted:
                factors[code] = scores
    for code, codes_, postings in (
        ("themes", query.themes, collection.themes),
        ("target_groups", query.target_groups, collection.target_groups),
    ):
        if code in wanted:
            factors[code] = accumulate(_set_vector(codes_), postings, size) if codes_ else np.zeros(size)
    disjoint = np.zeros(size, dtype=bool)
    if query.period_start is not None and query.period_end is not None:
        share, disjoint = period_shares(
            collection.has_period,
            collection.starts,
            collection.ends,
            query.period_start.toordinal(),
            query.period_end.toordinal(),
        )
        if "period" in wanted:
            factors["period"] = share
    elif "period" in wanted:
        factors["period"] = np.zeros(size)
    if "capacity" in wanted:
        if query_is_need:
            factors["capacity"] = capacity_fits(collection.hours, collection.students, _hours(query), _students(query))
        else:
            factors["capacity"] = capacity_fits(_hours(query), _students(query), collection.hours, collection.students)
    if "distance" in wanted:
        if query.latitude is not None and query.longitude is not None:
            factors["distance"] = distance_factors(
                collection.place_lat, collection.place_lon, collection.place_index, query.latitude, query.longitude
            )
        else:
            factors["distance"] = np.zeros(size)
    if "relationship" in wanted:
        healthy = np.zeros(len(collection.parties) + 1)
        related = context.related(_party(query), query_is_need)
        positions = [collection.parties[p] for p in related if p in collection.parties]
        healthy[positions] = 1.0
        factors["relationship"] = healthy[collection.party_index]
    if "load" in wanted:
        if query_is_need:
            factors["load"] = np.full(size, load_pressure(context.loads.get(_party(query))))
        else:
            factors["load"] = collection.pressures(context)
    return factors, disjoint


def combine(factors: Mapping[str, np.ndarray], disjoint: np.ndarray, w: Mapping[str, float], size: int) -> np.ndarray:
    """Scores from factors: the content reasons, plus the convenience reasons in the measure of the pair's
    relevance (``relevance_share``), the load subtracted; ``-inf`` where a pair shares nothing of substance or
    the periods are disjoint."""
    content = np.zeros(size)
    for code in CONTENT:
        if w[code] > 0 and code in factors:
            content += w[code] * factors[code]
    convenience = np.zeros(size)
    for code in CONVENIENCE:
        if w[code] > 0 and code in factors:
            convenience += (-1.0 if code == "load" else 1.0) * w[code] * factors[code]
    total = content + relevance_share(content, w) * convenience
    return np.where((content > _EPSILON) & ~disjoint, np.round(total, 6), -np.inf)


def _declined_positions(query: Record, collection: Collection, context: Context) -> list[int]:
    """The records of ``collection`` that the query's organisation (or, for an offer, the needs' organisations)
    declined as not their field."""
    if isinstance(query, NeedRecord):
        offers = {offer for organisation, offer in context.declined if organisation == query.organisation}
        # Ids are kept sorted: a binary search per declined offer, not a pass over the collection.
        found = (bisect.bisect_left(collection.ids, offer) for offer in offers)
        return [p for p in found if p < collection.size and collection.ids[p] in offers]
    parties = [
        collection.parties[organisation]
        for organisation, offer in context.declined
        if offer == query.id and organisation in collection.parties
    ]
    return np.flatnonzero(np.isin(collection.party_index, parties)).tolist() if parties else []


def rank(
    query: Record,
    collection: Collection,
    *,
    weights: Mapping[str, Any] | None = None,
    context: Context | None = None,
    limit: int = 10,
    analysis: Analysis | None = None,
) -> list[Ranked]:
    """The ``limit`` best records of ``collection`` for ``query`` (a need against offers, or the reverse).

    Every record is scored at once with array arithmetic over the inverted index's postings; only the
    ones shown are explained in words.
    """
    w = weights_with_defaults(weights)
    context = context or Context()
    if limit <= 0 or not collection.size:
        return []
    analysis = analysis or analyse(query.texts(), query.language)
    vectors = collection.text.query_vectors(analysis)
    factors, disjoint = factor_arrays(
        query, collection, context, vectors=vectors, codes=[code for code in w if w[code] > 0]
    )
    scores = combine(factors, disjoint, w, collection.size)
    if context.declined:
        scores[_declined_positions(query, collection, context)] = -np.inf
    candidate = scores > -np.inf
    count = int(candidate.sum())
    k = min(limit, count)
    if k <= 0:
        return []
    kth = np.partition(scores, collection.size - k)[collection.size - k]
    chosen = np.flatnonzero(scores >= kth)
    chosen = chosen[np.lexsort((chosen, -scores[chosen]))][:k]
    return [
        explain(
            query,
            collection.items[position],
            collection.text,
            weights=w,
            context=context,
            analysis=analysis,
            other_analysis=collection.analysis(position),
            query_vectors=vectors,
            text_scores=(
                float(factors["text"][position]) if "text" in factors else 0.0,
                float(factors["glossary"][position]) if "glossary" in factors else 0.0,
                float(factors["meaning"][position]) if "meaning" in factors else 0.0,
            ),
            score=float(scores[position]),
        )
        for position in chosen.tolist()
    ]


def explain(
    query: Record,
    other: Record,
    text_index: TextIndex | None = None,
    *,
    weights: Mapping[str, Any] | None = None,
    context: Context | None = None,
    analysis: Analysis | None = None,
    other_analysis: Analysis | None = None,
    query_vectors: tuple[dict[str, float], dict[str, float], dict[str, float]] | None = None,
    text_scores: tuple[float, float, float] | None = None,
    score: float | None = None,
) -> Ranked:
    """Score one pair with every reason spelled out (the ranking's numbers, in words).

    ``text_index`` is the index of the collection ``other`` belongs to (its IDF weights); alone, the pair is
    its own collection. ``text_scores`` are the cosines the ranking already computed.
    """
    _ = _translator()
    w = weights_with_defaults(weights)
    context = context or Context()
    need, offer = (query, other) if isinstance(query, NeedRecord) else (other, query)
    assert isinstance(need, NeedRecord) and isinstance(offer, OfferRecord)
    analysis = analysis or analyse(query.texts(), query.language)
    other_analysis = other_analysis or analyse(other.texts(), other.language)
    if text_index is None:
        text_index = TextIndex([other_analysis])
    vectors = query_vectors or text_index.query_vectors(analysis)
    if text_scores is None:
        text_scores = tuple(float(s.max(initial=0.0)) for s in text_index.scores(analysis))  # type: ignore[assignment]
    shared_stems, pairs, similar = pair_vectors(analysis, other_analysis, text_index, vectors)

    reasons: list[Reason] = []

    def add(code: str, factor: float, detail: str, scale: float = 1.0) -> None:
        if w[code] > 0:
            reasons.append(Reason(code, _label(code, _), w[code] * factor * scale + 0.0, detail))

    add(
        "text",
        text_scores[0],
        _("shared stems: %(stems)s") % {"stems": ", ".join(shared_stems[:DETAIL_TERMS])}
        if shared_stems
        else _("no shared words"),
    )
    add(
        "glossary",
        text_scores[1],
        _("across languages: %(pairs)s") % {"pairs": ", ".join(f"{a} ↔ {b}" for a, b in pairs[:DETAIL_TERMS])}
        if pairs
        else _("no glossary words across languages"),
    )
    add(
        "meaning",
        text_scores[2],
        _("words of similar meaning: %(pairs)s") % {"pairs": ", ".join(f"{a} ↔ {b}" for a, b in similar[:DETAIL_TERMS])}
        if similar
        else _("no words of similar meaning across languages"),
    )
    for code, mine, theirs in (
        ("themes", need.themes, offer.themes),
        ("target_groups", need.target_groups, offer.target_groups),
    ):
        shared = sorted(mine & theirs)
        factor = len(shared) / math.sqrt(len(mine) * len(theirs)) if shared else 0.0
        names = ", ".join(context.names.get(c, c) for c in shared)
        add(code, factor, _("shared: %(names)s") % {"names": names} if shared else _("none shared"))
    # The convenience reasons count in the measure of the content's relevance, as in ``combine``.
    share = float(relevance_share(sum(r.points for r in reasons), w))
    add("period", *_period_reason(need, offer, _), scale=share)
    add("capacity", *_capacity_reason(need, offer, _), scale=share)
    add("distance", *_distance_reason(need, offer, _), scale=share)
    add("relationship", *_relationship_reason(need, offer, context, _), scale=share)
    add("load", *_load_reason(need, context, _), scale=-share)
    if score is None:
        score = round(sum(r.points for r in reasons), 6)
    return Ranked(other, score, reasons)


def _period_reason(need: NeedRecord, offer: OfferRecord, _: Translate) -> tuple[float, str]:
    share = overlap_share(
        _ordinal(need.period_start), _ordinal(need.period_end), _ordinal(offer.period_start), _ordinal(offer.period_end)
    )
    if share is None:
        return 0.0, _("a period is not known")
    if share < 0:
        return 0.0, _("the periods do not overlap")
    assert need.period_start and need.period_end and offer.period_start and offer.period_end
    days = (min(need.period_end, offer.period_end) - max(need.period_start, offer.period_start)).days + 1
    return share, _("%(days)s days of overlap") % {"days": days}


def _capacity_reason(need: NeedRecord, offer: OfferRecord, _: Translate) -> tuple[float, str]:
    fit = capacity_fit(_hours(offer), offer.students, need.effort_hours, need.max_students)
    detail = _(
        "brings %(students)s students × %(each)s h = %(hours)s h; the need can host %(host)s h and %(max)s students"
    ) % {
        "students": offer.students,
        "each": offer.hours_per_student,
        "hours": _hours(offer),
        "host": need.effort_hours,
        "max": need.max_students,
    }
    return fit, detail


def _distance_reason(need: NeedRecord, offer: OfferRecord, _: Translate) -> tuple[float, str]:
    if None in (need.latitude, need.longitude, offer.latitude, offer.longitude):
        return 0.0, _("a location is not known")
    km = haversine_km(need.latitude, need.longitude, offer.latitude, offer.longitude)  # type: ignore[arg-type]
    where = offer.campus or _("the campus")
    return distance_factor(km), _("%(km).1f km from %(campus)s") % {"km": km, "campus": where}


def _relationship_reason(need: NeedRecord, offer: OfferRecord, context: Context, _: Translate) -> tuple[float, str]:
    key = (offer.institution, need.organisation)
    if key not in context.relationships:
        return 0.0, _("no recent contact: this would be a new partner")
    last = context.relationships[key]
    if last is None:
        return 1.0, _("an active relationship")
    return 1.0, _("last contact on %(date)s") % {"date": last.isoformat()}


def _load_reason(need: NeedRecord, context: Context, _: Translate) -> tuple[float, str]:
    load = context.loads.get(need.organisation)
    if load is None:
        return 0.0, _("load not known")
    taken, capacity = load
    return load_pressure(load), _("%(taken)s of %(capacity)s places taken this academic period") % {
        "taken": taken,
        "capacity": capacity,
    }


def rank_offers_for_need(
    need: Any,
    offers: Collection | Iterable[OfferRecord] | None = None,
    *,
    weights: Mapping[str, Any] | None = None,
    context: Context | None = None,
    institution: Any = None,
    limit: int = 10,
) -> list[Ranked]:
    """Offers for a need. ``need`` may be a record or a ``Need``; without ``offers``, the open offers of
    ``institution`` in the database (with its relationships and the partners' load as context)."""
    return _rank_side(need, offers, weights=weights, context=context, institution=institution, limit=limit)


def rank_needs_for_offer(
    offer: Any,
    needs: Collection | Iterable[NeedRecord] | None = None,
    *,
    weights: Mapping[str, Any] | None = None,
    context: Context | None = None,
    limit: int = 10,
) -> list[Ranked]:
    """Needs for an offer. ``offer`` may be a record or an ``Offer``; without ``needs``, the open needs."""
    return _rank_side(offer, needs, weights=weights, context=context, institution=None, limit=limit)


def _rank_side(
    query: Any,
    others: Collection | Iterable[Record] | None,
    *,
    weights: Mapping[str, Any] | None,
    context: Context | None,
    institution: Any,
    limit: int,
) -> list[Ranked]:
    if not isinstance(query, NeedRecord | OfferRecord) or others is None:
        from matching import loaders

        return loaders.rank_from_database(
            query, others, weights=weights, context=context, institution=institution, limit=limit
        )
    collection = others if isinstance(others, Collection) else Collection(others)
    return rank(query, collection, weights=weights, context=context, limit=limit)


RankFunction = Callable[..., list[Ranked]]
