"""Finding 4: a web server runs requests in threads; the text, matching and health code they share must
give every thread the same answer it would get alone (a shared Snowball stemmer gave 500s)."""

from __future__ import annotations

import datetime as dt
import itertools
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import snowballstemmer

from health.integrity import compare_texts
from lib import text
from matching import glossary, text_index
from matching.engine import Collection, NeedRecord, OfferRecord, rank

THREADS = 16
ROUNDS = 2
STEMS = ["gezondheid", "begeleid", "vrijwillig", "ontmoet", "buurtwerk", "huiswerk", "kinderopvang", "taal"]
ENDINGS = ["", "en", "ing", "ingen", "heden", "ster", "sters", "baar", "lijk", "isch"]


def _words(thread: int) -> list[str]:
    """Words no other thread uses (so that no cache answers for the stemmer), Dutch-looking enough to stem."""
    prefix = "".join(chr(ord("a") + int(d)) for d in f"{thread:02d}")
    return [f"{prefix}{s}{e}" for s, e in itertools.product(STEMS, ENDINGS)]


def _together(work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(thread)`` in THREADS threads released at the same moment; errors are raised."""
    start = threading.Barrier(THREADS)

    def run(thread: int) -> Any:
        start.wait()
        return work(thread)

    # Switch threads far more often than the default 5 ms, so that a race shows in a short test.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            return [f.result() for f in [pool.submit(run, t) for t in range(THREADS)]]
    finally:
        sys.setswitchinterval(interval)


def _forget_caches() -> None:
    text_index._word_terms.cache_clear()
    glossary._known_tail.cache_clear()
    glossary.decompound.cache_clear()


def test_stemming_from_many_threads_at_once_gives_each_the_stems_it_would_get_alone() -> None:
    alone = snowballstemmer.stemmer("dutch_porter")
    expected = [[alone.stemWord(w) for _ in range(ROUNDS) for w in _words(t)] for t in range(THREADS)]

    found = _together(lambda t: [text.stem(w, text.DUTCH) for _ in range(ROUNDS) for w in _words(t)])

    assert found == expected


def _mission(thread: int) -> str:
    return " ".join(f"{w} vrijwilligers begeleiden kinderen" for w in _words(thread)[::4])


def test_comparing_missions_from_many_threads_at_once_gives_the_same_overlap_as_alone() -> None:
    def compare(thread: int) -> Any:
        found = [
            compare_texts(_mission(thread), _mission(thread + 1), first_label="a", second_label="b").overlap
            for _ in range(ROUNDS)
        ]
        return [(o.shared, o.only_first, o.only_second, o.share) for o in found if o]

    _forget_caches()
    together = _together(compare)
    _forget_caches()
    alone = [compare(t) for t in range(THREADS)]

    assert together == alone


def _offers() -> Collection:
    return Collection(
        OfferRecord(
            id=f"offer-{t:02d}",
            institution="1",
            title=f"Begeleiding {' '.join(_words(t)[:20])}",
            description=" ".join(_words(t)[20:]),
            period_start=dt.date(2026, 9, 1),
            period_end=dt.date(2027, 1, 31),
            students=4,
            hours_per_student=20,
        )
        for t in range(THREADS)
    )


def test_ranking_offers_from_many_threads_at_once_gives_the_same_ranking_as_alone() -> None:
    def ranking(collection: Collection) -> Callable[[int], Any]:
        def work(thread: int) -> Any:
            need = NeedRecord(
                id=f"need-{thread}",
                organisation="7",
                title=" ".join(_words(thread)[::3]),
                description=" ".join(_words((thread + 5) % THREADS)),
                period_start=dt.date(2026, 10, 1),
                period_end=dt.date(2027, 3, 31),
            )
            return [[(r.public_id, round(r.score, 9)) for r in rank(need, collection)] for _ in range(ROUNDS)]

        return work

    _forget_caches()
    together = _together(ranking(_offers()))
    _forget_caches()
    collection = _offers()
    alone = [ranking(collection)(t) for t in range(THREADS)]

    assert together == alone
    assert all(rows[0] for rows in alone), "every need finds offers: the ranking did run"
