"""Words of Dutch and English text, reduced to their stems, for comparing what texts talk about.

This is word overlap, not understanding: two texts that say the same in other
words, or in another language, share few stems. The pages that use it say so.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any

import snowballstemmer

DUTCH, ENGLISH = "nl", "en"


def _word_list(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_WORDS = {
    DUTCH: _word_list(
        """
        aan al alle alles als altijd ander andere anders ben bij binnen daar daarom dan dat de der deze die dit
        doch doen door dus een eens en er ge geen geweest haar had heb hebben heeft hem het hier hij hoe hun iemand
        iets ik in is ja je jij jullie kan kon kunnen maar me meer men met mij mijn moet na naar niet niets nog nu
        of om omdat onder ons onze ook op over reeds te tegen toch toen tot u uit uw van veel voor want waren was
        wat we wel werd wezen wie wij wil worden wordt zal ze zelf zich zij zijn zo zoals zonder zou zullen waar
        waarin waarbij waardoor hierbij daarbij elk elke ieder iedere onze ons uw hen welke zulke via tussen
        steeds samen graag mee vanuit rond sinds tijdens zowel
        """
    ),
    ENGLISH: _word_list(
        """
        a about above after again against all also am an and any are as at be because been before being below
        between both but by can could did do does doing down during each few for from further had has have having
        he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
        nor not now of off on once only or other our ours ourselves out over own same she should so some such than
        that the their theirs them themselves then there these they this those through to too under until up very
        was we were what when where which while who whom why will with would you your yours yourself
        yourselves us within across among towards toward together every many much via
        """
    ),
}

# The longest search term a list accepts: longer is no search a person types, and SQLite refuses a
# LIKE pattern past 50,000 bytes (a 500 before the cap).
SEARCH_MAX_LENGTH = 200

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
MIN_LENGTH = 3


# A Snowball stemmer keeps the word it works on in the object itself: shared between threads, two
# requests stem each other's words (wrong stems, or an IndexError and a 500). One per thread.
_local = threading.local()


def _stemmer(language: str) -> Any:
    stemmers: dict[str, Any] | None = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    found = stemmers.get(language)
    if found is None:
        # Snowball's newer "dutch" algorithm strips the ge- prefix, which merges unrelated words
        # (gezondheid -> "zon", like the sun); the Dutch Porter variant keeps them apart.
        found = stemmers[language] = snowballstemmer.stemmer("dutch_porter" if language == DUTCH else "english")
    return found


def words(text: str) -> list[str]:
    """Lower-case words of the text, digits and punctuation left out."""
    return [w.lower() for w in _WORD.findall(text or "")]


def detect_language(text: str) -> str:
    """Dutch or English, by which language's stop words occur more often (Dutch when in doubt)."""
    found = words(text)
    dutch = sum(1 for w in found if w in STOP_WORDS[DUTCH])
    english = sum(1 for w in found if w in STOP_WORDS[ENGLISH])
    return ENGLISH if english > dutch else DUTCH


def stem(word: str, language: str) -> str:
    return _stemmer(language).stemWord(word.lower())


@dataclass(frozen=True)
class Terms:
    """The content words of a text: stem -> the word as it was first written, with how often it occurs."""

    language: str
    shown: dict[str, str]
    counts: Counter[str]

    @property
    def stems(self) -> frozenset[str]:
        return frozenset(self.shown)

    def __bool__(self) -> bool:
        return bool(self.shown)


def terms(text: str, language: str | None = None) -> Terms:
    """Stems of the content words (stop words and words shorter than three letters left out)."""
    language = language or detect_language(text)
    stop = STOP_WORDS[DUTCH] | STOP_WORDS[ENGLISH]
    shown: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for word in words(text):
        if len(word) < MIN_LENGTH or word in stop:
            continue
        key = stem(word, language)
        shown.setdefault(key, word)
        counts[key] += 1
    return Terms(language=language, shown=shown, counts=counts)


@dataclass(frozen=True)
class Overlap:
    """What two texts share, word stem by word stem, and the Jaccard share |A ∩ B| / |A ∪ B|."""

    shared: list[str]
    only_first: list[str]
    only_second: list[str]
    share: float

    @property
    def percent(self) -> int:
        return round(100 * self.share)


def _ordered(keys: set[str], first: Terms, second: Terms) -> list[str]:
    def weight(key: str) -> tuple[int, str]:
        word = first.shown.get(key) or second.shown[key]
        return (-(first.counts[key] + second.counts[key]), word)

    return [first.shown.get(k) or second.shown[k] for k in sorted(keys, key=weight)]


def overlap(first: Terms, second: Terms) -> Overlap:
    """Compare two texts' stems. Shown words come from the first text when both have them."""
    a, b = first.stems, second.stems
    union = a | b
    return Overlap(
        shared=_ordered(set(a & b), first, second),
        only_first=_ordered(set(a - b), first, second),
        only_second=_ordered(set(b - a), first, second),
        share=len(a & b) / len(union) if union else 0.0,
    )


def term_matches(phrase: str, text_terms_by_language: dict[str, Terms], language: str) -> list[str]:
    """The words of ``text`` (given as terms in each language) that share a stem with the phrase in ``language``."""
    text_terms = text_terms_by_language[language]
    phrase_terms = terms(phrase, language)
    return [text_terms.shown[k] for k in sorted(phrase_terms.stems & text_terms.stems)]


# Explicit direction marks, embeddings, overrides and isolates (Unicode's Bidi_Control characters):
# in a name or file name they make "gpj.exe" read as "exe.jpg" and mirror the text around them.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_BIDI = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "]")


def without_bidi_controls(text: str) -> str:
    """The text without Unicode direction controls (U+202E and the like), for names and file names.

    Right-to-left scripts need none of them to show correctly; they only serve to disguise.
    """
    return _BIDI.sub("", text) if text else text
