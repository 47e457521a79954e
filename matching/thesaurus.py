"""A Dutch–English thesaurus of some 18,000 Dutch words: the "similar meaning across languages" signal.

The curated glossary (``matching.glossary``) knows a few hundred words of the domain and nothing else. This
widens it with the FreeDict dictionaries (GPL-2.0-or-later, ``matching/data/``, rebuilt by
``matching/data/build_thesaurus.py``): a Dutch word stands for the stems of its English translations, an
English word for its own stem, and a Dutch need meets an English offer where they share such a stem
("moestuin" -> garden, "fiets" -> bike, cycle, bicycle). It is a dictionary, not understanding: a word with
several meanings brings all of them, which is why each one counts for a share of the word only, and why the
rarer the shared stem in the collection, the more it weighs (the text index's IDF). Loaded once per process,
on first use, from a 170 KB file that ships with Brug: nothing is fetched.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

_PLURALS = ("en", "s")
SOURCE = Path(__file__).resolve().parent / "data" / "nl_en_thesaurus.tsv.gz"


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """(Dutch word -> the stems of its English translations, first sense first; the same by Dutch stem, so that
    inflections find their entry). The file carries the stems, made by ``lib.text.stem`` when it was built."""
    by_word: dict[str, tuple[str, ...]] = {}
    by_stem: dict[str, list[str]] = {}
    with gzip.open(SOURCE, "rt", encoding="utf-8") as handle:
        for line in handle:
            dutch, dutch_stem, english = line.rstrip("\n").split("\t")
            stems = tuple(english.split(","))
            by_word[dutch] = stems
            merged = by_stem.setdefault(dutch_stem, [])
            merged.extend(s for s in stems if s not in merged)
    return by_word, {k: tuple(v) for k, v in by_stem.items()}


def english_stems(word: str, word_stem: str) -> tuple[str, ...]:
    """The English stems a Dutch word (lowercase, with its Dutch stem) may mean; () when unknown."""
    by_word, by_stem = _tables()
    found = [*by_word.get(word, ()), *by_stem.get(word_stem, ())]
    # "fietsen" is both the verb (to cycle) and the plural of "fiets" (bike, bicycle), and the Dutch stemmer
    # does not bring the two together: a plural's singular counts too.
    for suffix in _PLURALS:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            found.extend(by_word.get(word[: -len(suffix)], ()))
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=1)
def english_vocabulary() -> frozenset[str]:
    """Every English stem some Dutch word of the thesaurus means (other English words have no meaning key)."""
    return frozenset(s for stems in _tables()[0].values() for s in stems)


def size() -> int:
    return len(_tables()[0])
