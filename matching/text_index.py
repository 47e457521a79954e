"""TF-IDF over word stems, with an inverted index, for ranking many texts against one quickly.

Two kinds of terms are kept apart, so that a ranking can say which one scored:

* **stems** (``lib.text``: Dutch Porter or English Snowball, stop words out), compared as they are; a stem
  written alike in both languages ("project") matches across languages too;
* **glossary concepts** (``matching.glossary``), tagged with the language they were written in. A Dutch
  text's ``nl:homework`` matches only an English text's ``en:homework``: the glossary is the
  cross-language signal, and same-language texts already meet on their stems;
* **meanings** (``matching.thesaurus``): the English stems a Dutch word may mean (``nl>garden`` for
  "moestuin"... when the dictionary knows it) and an English word's own stem (``en>garden``), again only across
  languages, for the words the glossary does not know.

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
from matching.thesaurus import english_stems, english_vocabulary

_STOP = STOP_WORDS[DUTCH] | STOP_WORDS[ENGLISH]
_OTHER = {DUTCH: ENGLISH, ENGLISH: DUTCH}


Terms = tuple[tuple[str, ...], tuple[tuple[str, str], ...], tuple[str, ...]]


def _meanings(word: str, key: str, language: str) -> tuple[str, ...]:
    """The meaning keys of a word the glossary does not know: ``nl>`` + its translations' English stems, or
    ``en>`` + its own stem when some Dutch word means it."""
    if language == DUTCH:
        return tuple(f"{DUTCH}>{s}" for s in english_stems(word, key))
    return (f"{ENGLISH}>{key}",) if key in english_vocabulary() else ()


@lru_cache(maxsize=200_000)
def _word_terms(word: str, language: str) -> Terms:
    """(stems, (concept key, the word or compound part that carries it), meaning keys) of one word.

    Cached because texts reuse their words. A Dutch compound the glossary can split
    contributes its own stem, the stems of its parts and the parts' concepts.
    """
    key = stem(word, language)
    concepts = concepts_of(key, language)
    if concepts or language != DUTCH:
        meanings = () if concepts else _meanings(word, key, language)
        return (key,), tuple((f"{language}:{c}", word) for c in sorted(concepts)), meanings
    parts = decompound(word)
    if not parts:
        return (key,), (), _meanings(word, key, language)
    stems = [key]
    carried: dict[str, str] = {}
    for part in parts:
        part_stem = stem(part, DUTCH)
        stems.append(part_stem)
        for concept in sorted(concepts_of(part_stem, DUTCH)):
            carried.setdefault(f"{DUTCH}:{concept}", part)
    return tuple(dict.fromkeys(stems)), tuple(sorted(carried.items())), ()


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
    meanings: Counter[str] = field(default_factory=Counter)
    meaning_words: dict[str, str] = field(default_factory=dict)


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
            stems, concepts, meanings = _word_terms(word, lang)
            for m in meanings:
                result.meanings[m] += 1
                result.meaning_words.setdefault(m, word)
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
    """The key a concept has in the other language: ``nl:homework`` -> ``en:homework`` (``nl>garden`` ->
    ``en>garden`` for a meaning)."""
    separator = ">" if ">" in concept_key else ":"
    language, _, concept = concept_key.partition(separator)
    return f"{_OTHER.get(language, language)}{separator}{concept}"


def _tf(count: int) -> float:
    return 1.0 + math.log(count)


Postings = tuple[np.ndarray, np.ndarray]
Vectors = tuple[dict[str, float], dict[str, float], dict[str, float]]


class TextIndex:
    """Inverted index of a collection: term -> (positions, normalised weights), built once, queried often."""

    def __init__(self, analyses: Sequence[Analysis]) -> None:
        self.size = len(analyses)
        stem_df: Counter[str] = Counter()
        concept_df: Counter[str] = Counter()
        meaning_df: Counter[str] = Counter()
        for a in analyses:
            stem_df.update(a.stems.keys())
            concept_df.update(a.concepts.keys())
            meaning_df.update(a.meanings.keys())
        self.stem_idf = {k: self._idf(df) for k, df in stem_df.items()}
        self.concept_idf = {k: self._idf(df) for k, df in concept_df.items()}
        self.meaning_idf = {k: self._idf(df) for k, df in meaning_df.items()}
        self.stem_postings = self._postings(analyses, ("stems",), (self.stem_idf,))[0]
        # Glossary concepts and meanings are one vector across languages, normalised together, so that one
        # glossary word among many dictionary words counts for its share, not for a whole cosine of its own.
        self.concept_postings, self.meaning_postings = self._postings(
            analyses, ("concepts", "meanings"), (self.concept_idf, self.meaning_idf)
        )

    def _idf(self, df: int) -> float:
        return math.log(1.0 + self.size / df) if df else math.log(1.0 + self.size)

    @staticmethod
    def _postings(
        analyses: Sequence[Analysis], attributes: tuple[str, ...], idfs: tuple[dict[str, float], ...]
    ) -> list[dict[str, Postings]]:
        """One posting list per attribute; the attributes of one text are normalised together."""
        positions: list[dict[str, list[int]]] = [{} for _ in attributes]
        values: list[dict[str, list[float]]] = [{} for _ in attributes]
        for position, a in enumerate(analyses):
            weights = [
                {k: _tf(n) * idf[k] for k, n in getattr(a, attribute).items()}
                for attribute, idf in zip(attributes, idfs, strict=True)
            ]
            norm = math.sqrt(sum(w * w for part in weights for w in part.values()))
            if not norm:
                continue
            for number, part in enumerate(weights):
                for k, w in part.items():
                    positions[number].setdefault(k, []).append(position)
                    values[number].setdefault(k, []).append(w / norm)
        return [
            {k: (np.asarray(found[k], dtype=np.int32), np.asarray(weights_[k], dtype=np.float64)) for k in found}
            for found, weights_ in zip(positions, values, strict=True)
        ]

    def query_vectors(self, a: Analysis) -> Vectors:
        """The query's normalised stem, concept and meaning vectors (concept and meaning keys flipped to the
        other language)."""
        stem_weights = {k: _tf(n) * self.stem_idf.get(k, self._idf(0)) for k, n in a.stems.items()}
        concept_weights = {}
        for k, n in a.concepts.items():
            target = flipped(k)
            concept_weights[target] = _tf(n) * self.concept_idf.get(target, self._idf(0))
        meaning_weights = {}
        for k, n in a.meanings.items():
            target = flipped(k)
            meaning_weights[target] = _tf(n) * self.meaning_idf.get(target, self._idf(0))
        across = math.sqrt(sum(w * w for w in concept_weights.values()) + sum(w * w for w in meaning_weights.values()))
        return (
            _normalised(stem_weights),
            {k: w / across for k, w in concept_weights.items()},
            {k: w / across for k, w in meaning_weights.items()},
        )

    def scores(self, a: Analysis | None, vectors: Vectors | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Cosine with every text of the collection: (by stems, by the glossary, by meaning), by position."""
        if vectors is None:
            assert a is not None
            vectors = self.query_vectors(a)
        stem_vector, concept_vector, meaning_vector = vectors
        return (
            accumulate(stem_vector, self.stem_postings, self.size),
            accumulate(concept_vector, self.concept_postings, self.size),
            accumulate(meaning_vector, self.meaning_postings, self.size),
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
) -> tuple[list[str], list[tuple[str, str]], list[tuple[str, str]]]:
    """What two texts share, strongest first: stems shown as stems, glossary pairs and pairs of words of
    similar meaning as (word, word)."""
    stem_vector, concept_vector, meaning_vector = vectors or index.query_vectors(first)
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
    similar = []
    for key in sorted(meaning_vector, key=lambda k: (-meaning_vector[k], k)):
        if key in second.meanings:
            pair = (first.meaning_words.get(flipped(key), ""), second.meaning_words[key])
            if pair[0] and pair not in similar:
                similar.append(pair)
    return shared, pairs, similar
