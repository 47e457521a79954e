"""TF-IDF over word stems, with an inverted index, for ranking many texts against one quickly.

Two kinds of terms are kept apart, so that a ranking can say which one scored:

* **stems** (``lib.text``: Dutch Porter or English Snowball, stop words out), compared as they are; a stem
  written alike in both languages ("project") matches across languages too;
* **glossary concepts** (``matching.glossary``), tagged with the language they were written in. A Dutch
  text's ``nl:homework`` matches only an English text's ``en:homework``: the glossary is the
  cross-language signal, and same-language texts already meet on their stems.

Each text is a vector of (1 + log tf) × idf weights, normalised to length 1, so the score of a pair is
the cosine of their vectors, between 0 and 1, computed only for texts that share a term.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from lib.text import DUTCH, ENGLISH, MIN_LENGTH, STOP_WORDS, stem, words
from matching.glossary import concepts_of, decompound

_STOP = STOP_WORDS[DUTCH] | STOP_WORDS[ENGLISH]
_OTHER = {DUTCH: ENGLISH, ENGLISH: DUTCH}


@lru_cache(maxsize=200_000)
def _word_terms(word: str, language: str) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """(stems, (concept key, the word or compound part that carries it)) of one word.

    Cached because texts reuse their words. A Dutch compound the glossary can split
    contributes its own stem, the stems of its parts and the parts' concepts.
    """
    key = stem(word, language)
    concepts = concepts_of(key, language)
    if concepts or language != DUTCH:
        return (key,), tuple((f"{language}:{c}", word) for c in sorted(concepts))
    parts = decompound(word)
    if not parts:
        return (key,), ()
    stems = [key]
    carried: dict[str, str] = {}
    for part in parts:
        part_stem = stem(part, DUTCH)
        stems.append(part_stem)
        for concept in sorted(concepts_of(part_stem, DUTCH)):
            carried.setdefault(f"{DUTCH}:{concept}", part)
    return tuple(dict.fromkeys(stems)), tuple(sorted(carried.items()))


def field_language(found: Sequence[str], default: str) -> str:
    """The language of one text field by its stop words; the record's own language when they do not tell."""
    dutch = sum(1 for w in found if w in STOP_WORDS[DUTCH])
    english = sum(1 for w in found if w in STOP_WORDS[ENGLISH])
    if dutch == english:
        return default if default in _OTHER else DUTCH
    return ENGLISH if english > dutch else DUTCH


@dataclass
class Analysis:
    """The terms of a record's texts, with the words they came from (for explaining a score)."""

    stems: Counter[str] = field(default_factory=Counter)
    concepts: Counter[str] = field(default_factory=Counter)
    shown: dict[str, str] = field(default_factory=dict)
    concept_words: dict[str, list[str]] = field(default_factory=dict)


def analyse(texts: Iterable[str], language: str) -> Analysis:
    result = Analysis()
    for text in texts:
        found = words(text)
        if not found:
            continue
        lang = field_language(found, language)
        for word in found:
            if len(word) < MIN_LENGTH or word in _STOP:
                continue
            stems, concepts = _word_terms(word, lang)
            for s in stems:
                result.stems[s] += 1
                result.shown.setdefault(s, word)
            for c, carrier in concepts:
                result.concepts[c] += 1
                shown = result.concept_words.setdefault(c, [])
                if carrier not in shown:
                    shown.append(carrier)
    return result


def flipped(concept_key: str) -> str:
    """The key a concept has in the other language: ``nl:homework`` -> ``en:homework``."""
    language, _, concept = concept_key.partition(":")
    return f"{_OTHER.get(language, language)}:{concept}"


def _tf(count: int) -> float:
    return 1.0 + math.log(count)


Postings = tuple[np.ndarray, np.ndarray]
Vectors = tuple[dict[str, float], dict[str, float]]


class TextIndex:
    """Inverted index of a collection: term -> (positions, normalised weights), built once, queried often."""

    def __init__(self, analyses: Sequence[Analysis]) -> None:
        self.size = len(analyses)
        stem_df: Counter[str] = Counter()
        concept_df: Counter[str] = Counter()
        for a in analyses:
            stem_df.update(a.stems.keys())
            concept_df.update(a.concepts.keys())
        self.stem_idf = {k: self._idf(df) for k, df in stem_df.items()}
        self.concept_idf = {k: self._idf(df) for k, df in concept_df.items()}
        self.stem_postings = self._postings(analyses, "stems", self.stem_idf)
        self.concept_postings = self._postings(analyses, "concepts", self.concept_idf)

    def _idf(self, df: int) -> float:
        return math.log(1.0 + self.size / df) if df else math.log(1.0 + self.size)

    @staticmethod
    def _postings(analyses: Sequence[Analysis], attribute: str, idf: dict[str, float]) -> dict[str, Postings]:
        positions: dict[str, list[int]] = {}
        values: dict[str, list[float]] = {}
        for position, a in enumerate(analyses):
            counts: Counter[str] = getattr(a, attribute)
            if not counts:
                continue
            weights = {k: _tf(n) * idf[k] for k, n in counts.items()}
            norm = math.sqrt(sum(w * w for w in weights.values()))
            for k, w in weights.items():
                positions.setdefault(k, []).append(position)
                values.setdefault(k, []).append(w / norm)
        return {
            k: (np.asarray(positions[k], dtype=np.int32), np.asarray(values[k], dtype=np.float64)) for k in positions
        }

    def query_vectors(self, a: Analysis) -> tuple[dict[str, float], dict[str, float]]:
        """The query's normalised stem and concept vectors (concept keys flipped to the other language)."""
        stem_weights = {k: _tf(n) * self.stem_idf.get(k, self._idf(0)) for k, n in a.stems.items()}
        concept_weights = {}
        for k, n in a.concepts.items():
            target = flipped(k)
            concept_weights[target] = _tf(n) * self.concept_idf.get(target, self._idf(0))
        return _normalised(stem_weights), _normalised(concept_weights)

    def scores(self, a: Analysis, vectors: Vectors | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Cosine with every text of the collection: (by stems, by the glossary), by position."""
        stem_vector, concept_vector = vectors or self.query_vectors(a)
        return (
            accumulate(stem_vector, self.stem_postings, self.size),
            accumulate(concept_vector, self.concept_postings, self.size),
        )


def _normalised(weights: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {k: w / norm for k, w in weights.items()} if norm else {}


def accumulate(vector: dict[str, float], postings: dict[str, Postings], size: int) -> np.ndarray:
    """Sum of query weight × document weight over the shared keys, for every position at once."""
    totals = np.zeros(size, dtype=np.float64)
    for key, weight in vector.items():
        found = postings.get(key)
        if found is not None:
            # Positions are unique within one posting list, so fancy-index addition is exact.
            totals[found[0]] += weight * found[1]
    return totals


def pair_vectors(
    first: Analysis, second: Analysis, index: TextIndex, vectors: Vectors | None = None
) -> tuple[list[str], list[tuple[str, str]]]:
    """What two texts share, strongest first: stems shown as stems, and glossary pairs as (word, word)."""
    stem_vector, concept_vector = vectors or index.query_vectors(first)
    shared = sorted(
        (k for k in stem_vector if k in second.stems),
        key=lambda k: (-stem_vector[k] * index.stem_idf.get(k, 0.0), k),
    )
    pairs = []
    for key in sorted(concept_vector, key=lambda k: (-concept_vector[k], k)):
        if key in second.concepts:
            mine = first.concept_words.get(flipped(key), [])
            theirs = second.concept_words.get(key, [])
            if mine and theirs:
                pairs.append((mine[0], theirs[0]))
    return shared, pairs
