"""Timing the matchmaking at region scale, on synthetic needs and offers made in memory.

``bench_matching(scale)`` answers the two budgets of the issue: the top 10 offers for one need among
20,000 offers (median under 50 ms), and all 20,000 needs against 20,000 offers (under 2 minutes).
The texts are drawn from Dutch and English word lists with a Zipf-like spread (a few common words, many
rare ones, Dutch compounds), so the inverted index sees the long posting lists real text gives it.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import time
from typing import Any

from matching.engine import Collection, Context, NeedRecord, OfferRecord, rank

FULL_SIZE = 20_000
QUERIES = 200
SEED = 20260301

DUTCH_WORDS = [
    "huiswerk",
    "begeleiding",
    "kinderen",
    "jongeren",
    "ouderen",
    "armoede",
    "eenzaamheid",
    "taal",
    "nieuwkomers",
    "buurt",
    "wijk",
    "bewoners",
    "gezondheid",
    "welzijn",
    "onderwijs",
    "school",
    "vrijwilligers",
    "werk",
    "wonen",
    "voedsel",
    "sport",
    "beweging",
    "cultuur",
    "kunst",
    "erfgoed",
    "milieu",
    "klimaat",
    "natuur",
    "tuin",
    "digitaal",
    "computer",
    "mobiliteit",
    "schulden",
    "integratie",
    "onderzoek",
    "communicatie",
    "activiteiten",
    "workshops",
    "ouders",
    "gezin",
    "gezinnen",
    "opvang",
    "ontmoeting",
    "participatie",
    "inclusie",
    "armoedebestrijding",
    "lezen",
    "voorlezen",
    "schrijven",
    "rekenen",
    "spel",
    "speelplein",
    "jeugdwerk",
    "jeugdhuis",
    "zorg",
    "mantelzorg",
    "thuiszorg",
    "ziekenhuis",
    "psychisch",
    "beperking",
    "toegankelijkheid",
    "stad",
    "gemeente",
    "dienst",
    "organisatie",
    "vzw",
    "project",
    "campagne",
    "bevraging",
    "enquête",
    "analyse",
    "rapport",
    "advies",
    "plan",
    "ontwerp",
    "website",
    "sociale",
    "media",
    "fotografie",
    "film",
    "theater",
    "muziek",
    "dans",
    "bibliotheek",
    "museum",
    "park",
    "straat",
    "plein",
    "markt",
    "winkel",
    "keuken",
    "maaltijd",
    "restaurant",
    "kringloop",
    "herstel",
    "fiets",
    "energie",
    "isolatie",
    "renovatie",
    "woning",
    "huurders",
    "eigenaars",
    "verhuur",
    "daklozen",
    "vluchtelingen",
    "migranten",
    "anderstaligen",
    "conversatie",
    "oefenen",
    "taalcafé",
    "ontmoetingsplek",
    "buddy",
    "coach",
    "mentor",
    "training",
    "vorming",
    "cursus",
    "les",
    "leerlingen",
    "studenten",
    "docenten",
    "scholen",
    "basisschool",
    "secundair",
    "kleuters",
    "tieners",
    "senioren",
    "bejaarden",
    "rusthuis",
    "dagcentrum",
]
ENGLISH_WORDS = [
    "homework",
    "support",
    "tutoring",
    "children",
    "youth",
    "elderly",
    "poverty",
    "loneliness",
    "language",
    "newcomers",
    "neighbourhood",
    "district",
    "residents",
    "health",
    "wellbeing",
    "education",
    "school",
    "volunteers",
    "employment",
    "housing",
    "food",
    "sport",
    "exercise",
    "culture",
    "art",
    "heritage",
    "environment",
    "climate",
    "nature",
    "garden",
    "digital",
    "computer",
    "mobility",
    "debt",
    "integration",
    "research",
    "communication",
    "activities",
    "workshops",
    "parents",
    "family",
    "families",
    "childcare",
    "meeting",
    "participation",
    "inclusion",
    "reading",
    "literacy",
    "writing",
    "maths",
    "play",
    "playground",
    "youthwork",
    "care",
    "informal",
    "home",
    "hospital",
    "mental",
    "disability",
    "accessibility",
    "city",
    "municipality",
    "service",
    "organisation",
    "charity",
    "project",
    "campaign",
    "survey",
    "analysis",
    "report",
    "advice",
    "plan",
    "design",
    "website",
    "social",
    "media",
    "photography",
    "film",
    "theatre",
    "music",
    "dance",
    "library",
    "museum",
    "park",
    "street",
    "square",
    "market",
    "shop",
    "kitchen",
    "meals",
    "restaurant",
    "repair",
    "bicycle",
    "energy",
    "insulation",
    "renovation",
    "tenants",
    "landlords",
    "rent",
    "homeless",
    "refugees",
    "migrants",
    "conversation",
    "practice",
    "buddy",
    "coach",
    "mentor",
    "training",
    "course",
    "lesson",
    "pupils",
    "students",
    "teachers",
    "primary",
    "secondary",
    "toddlers",
    "teenagers",
    "seniors",
    "nursing",
    "centre",
]
DUTCH_FILLER = [
    "de",
    "het",
    "een",
    "en",
    "van",
    "voor",
    "met",
    "bij",
    "in",
    "op",
    "aan",
    "om",
    "te",
    "door",
    "naar",
    "zijn",
    "wij",
    "we",
    "graag",
    "samen",
    "ook",
]
ENGLISH_FILLER = [
    "the",
    "a",
    "and",
    "of",
    "for",
    "with",
    "at",
    "in",
    "on",
    "to",
    "by",
    "we",
    "our",
    "are",
    "is",
    "be",
    "help",
    "together",
    "also",
]
THEMES = [f"theme-{i}" for i in range(24)]
TARGET_GROUPS = [f"group-{i}" for i in range(14)]
START = dt.date(2026, 9, 1)


def _zipf(words: list[str]) -> list[float]:
    return [1.0 / (rank + 1) ** 0.9 for rank in range(len(words))]


def _text(rng: random.Random, english: bool, length: int) -> str:
    vocabulary = ENGLISH_WORDS if english else DUTCH_WORDS
    filler = ENGLISH_FILLER if english else DUTCH_FILLER
    content = rng.choices(vocabulary, weights=_WEIGHTS[english], k=length)
    if not english and rng.random() < 0.4:
        content.append(rng.choice(vocabulary) + rng.choice(vocabulary))  # a Dutch compound
    out = []
    for word in content:
        out.append(word)
        if rng.random() < 0.6:
            out.append(rng.choice(filler))
    return " ".join(out)


_WEIGHTS = {False: _zipf(DUTCH_WORDS), True: _zipf(ENGLISH_WORDS)}


def _period(rng: random.Random) -> tuple[dt.date, dt.date]:
    start = START + dt.timedelta(days=rng.randrange(0, 330))
    return start, start + dt.timedelta(days=rng.randrange(30, 240))


def synthetic(count: int, seed: int = SEED) -> tuple[list[NeedRecord], list[OfferRecord], Context]:
    """``count`` needs and ``count`` offers of 5 institutions and count/10 organisations, with context."""
    rng = random.Random(seed)
    organisations = max(1, count // 10)
    places = {f"org-{i}": (50.7 + rng.random() * 0.8, 3.0 + rng.random() * 2.5) for i in range(organisations)}
    campuses = [(f"campus-{i}", 50.8 + rng.random() * 0.6, 3.5 + rng.random() * 1.5) for i in range(30)]
    needs = []
    for i in range(count):
        english = rng.random() < 0.25
        start, end = _period(rng)
        organisation = f"org-{rng.randrange(organisations)}"
        lat, lon = places[organisation]
        needs.append(
            NeedRecord(
                id=f"need-{i:06d}",
                organisation=organisation,
                title=_text(rng, english, 4),
                description=_text(rng, english, rng.randrange(15, 45)),
                language="en" if english else "nl",
                themes=frozenset(rng.sample(THEMES, rng.randrange(1, 4))),
                target_groups=frozenset(rng.sample(TARGET_GROUPS, rng.randrange(1, 3))),
                period_start=start,
                period_end=end,
                effort_hours=rng.randrange(10, 400),
                max_students=rng.randrange(1, 12),
                latitude=lat,
                longitude=lon,
            )
        )
    offers = []
    for i in range(count):
        english = rng.random() < 0.3
        start, end = _period(rng)
        campus, lat, lon = rng.choice(campuses)
        offers.append(
            OfferRecord(
                id=f"offer-{i:06d}",
                institution=f"inst-{rng.randrange(5)}",
                title=_text(rng, english, 4),
                description=_text(rng, english, rng.randrange(10, 30)),
                learning_goals=_text(rng, english, rng.randrange(8, 25)),
                disciplines=_text(rng, english, 3),
                language="en" if english else "nl",
                themes=frozenset(rng.sample(THEMES, rng.randrange(1, 4))),
                target_groups=frozenset(rng.sample(TARGET_GROUPS, rng.randrange(0, 3))),
                period_start=start,
                period_end=end,
                students=rng.randrange(1, 20),
                hours_per_student=rng.randrange(5, 60),
                latitude=lat,
                longitude=lon,
                campus=campus,
            )
        )
    relationships = {
        (f"inst-{rng.randrange(5)}", f"org-{rng.randrange(organisations)}"): START for _ in range(organisations)
    }
    loads = {f"org-{i}": (rng.randrange(0, 5), 3) for i in range(organisations)}
    return needs, offers, Context(relationships=relationships, loads=loads)


def bench_matching(scale: float = 1.0, *, workers: int | None = None) -> dict[str, Any]:
    """Build the index and time: one need's top 10 (median over QUERIES needs), and the full batch.

    Returns the sizes, the index build time, the median and 95th percentile of one query (ms), the batch's
    wall-clock time (s, index building included), and the CPU time of both (on a busy machine the wall
    clock waits for other processes; the CPU time says what the work costs).
    """
    from matching.batch import write_batch

    count = max(20, int(FULL_SIZE * scale))
    needs, offers, context = synthetic(count)
    started = time.perf_counter()
    collection = Collection(offers)
    build_s = time.perf_counter() - started
    timings, cpu = [], []
    for need in needs[: min(QUERIES, len(needs))]:
        began, began_cpu = time.perf_counter(), time.process_time()
        rank(need, collection, context=context, limit=10)
        timings.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    timings.sort()
    started, before = time.perf_counter(), os.times()
    sink = _Counter()
    write_batch(sink, needs, offers, context=context, weights=None, top=10, direction="needs", workers=workers)
    batch_s = time.perf_counter() - started
    after = os.times()
    batch_cpu = sum(after[i] - before[i] for i in range(4))
    return {
        "needs": len(needs),
        "offers": len(offers),
        "index_build_s": round(build_s, 2),
        "one_need_median_ms": round(statistics.median(timings), 2),
        "one_need_p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 2),
        "one_need_median_cpu_ms": round(statistics.median(cpu), 2),
        "batch_s": round(batch_s, 1),
        "batch_cpu_s": round(batch_cpu, 1),
        "batch_output_mb": round(sink.size / 1e6, 1),
    }


class _Counter:
    """A file that only counts what is written to it."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, text: str) -> None:
        self.size += len(text)
