"""A small, curated Dutch–English glossary of service-learning words: the "bilingual glossary" signal.

Stemming alone cannot see that "huiswerkbegeleiding" and "homework support"
talk about the same thing. This list can, for the words it names, and for
nothing else: a need and an offer in different languages that share no
glossary concept, theme or target group are honestly not matched on text.
Each concept groups Dutch and English words that mean the same in this
domain; words are stemmed when the module loads, so any inflection counts.
Dutch compounds are split against the Dutch words here
("huiswerkbegeleiding" -> "huiswerk" + "begeleiding").
"""

from __future__ import annotations

from functools import lru_cache

from lib.text import DUTCH, ENGLISH, stem

# concept: (Dutch words, English words). Keep it to words of the domain; a wrong pair does more harm than a
# missing one, because it makes unrelated needs and offers look alike.
CONCEPTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "homework": (("huiswerk", "huistaak", "huistaken"), ("homework", "assignments")),
    "support": (
        ("begeleiding", "begeleiden", "ondersteuning", "ondersteunen", "bijles", "coaching", "coachen"),
        ("support", "supporting", "tutoring", "tutor", "guidance", "coaching", "mentoring", "mentor"),
    ),
    "children": (("kinderen", "kind", "kinder"), ("children", "child", "kids")),
    "youth": (("jongeren", "jeugd", "tieners"), ("youth", "young", "teenagers", "adolescents")),
    "elderly": (("ouderen", "senioren", "bejaarden"), ("elderly", "seniors", "older")),
    "parents": (("ouders",), ("parents",)),
    "family": (("gezin", "gezinnen", "familie"), ("family", "families", "household", "households")),
    "poverty": (("armoede", "kansarmoede", "arm"), ("poverty", "poor", "deprivation")),
    "loneliness": (("eenzaamheid", "eenzaam", "isolement"), ("loneliness", "lonely", "isolation")),
    "language": (("taal", "talen", "taalles", "nederlands"), ("language", "languages", "dutch")),
    "reading": (("lezen", "voorlezen", "leesbevordering"), ("reading", "literacy")),
    "newcomers": (
        ("nieuwkomers", "vluchtelingen", "migranten", "anderstaligen"),
        ("newcomers", "refugees", "migrants", "immigrants"),
    ),
    "neighbourhood": (("buurt", "wijk", "buurten", "wijken"), ("neighbourhood", "neighborhood", "district")),
    "residents": (("bewoners", "buurtbewoners", "inwoners"), ("residents", "inhabitants", "locals")),
    "health": (("gezondheid", "gezond", "zorg"), ("health", "healthy", "care")),
    "wellbeing": (("welzijn",), ("wellbeing", "welfare")),
    "education": (("onderwijs", "opleiding", "leren"), ("education", "training", "learning")),
    "school": (("school", "scholen", "basisschool"), ("school", "schools")),
    "volunteers": (("vrijwilligers", "vrijwilliger", "vrijwilligerswerk"), ("volunteers", "volunteer", "volunteering")),
    "work": (("werk", "tewerkstelling", "job", "jobs"), ("employment", "work", "job", "jobs")),
    "housing": (("wonen", "huisvesting", "woning", "woningen"), ("housing", "home", "homes", "dwelling")),
    "homelessness": (("dakloosheid", "daklozen", "thuisloosheid"), ("homelessness", "homeless")),
    "food": (("voedsel", "voeding", "maaltijden", "eten"), ("food", "meals", "nutrition")),
    "sport": (("sport", "sporten", "beweging", "bewegen"), ("sport", "sports", "exercise", "physical")),
    "environment": (("milieu", "klimaat", "duurzaamheid", "natuur"), ("environment", "climate", "sustainability")),
    "culture": (("cultuur", "kunst", "erfgoed"), ("culture", "art", "arts", "heritage")),
    "disability": (("beperking", "handicap", "beperkingen"), ("disability", "disabilities", "impairment")),
    "mental": (("psychisch", "geestelijk", "mentaal"), ("mental", "psychological")),
    "digital": (("digitaal", "digitale", "computer", "internet"), ("digital", "computer", "online", "internet")),
    "mobility": (("mobiliteit", "vervoer"), ("mobility", "transport")),
    "debt": (("schulden", "schuld", "schuldhulp"), ("debt", "debts")),
    "integration": (("integratie", "inburgering"), ("integration", "inclusion")),
    "research": (("onderzoek", "bevraging", "enquête"), ("research", "survey", "study")),
    "communication": (("communicatie", "campagne"), ("communication", "campaign")),
    "activities": (("activiteiten", "activiteit", "workshops"), ("activities", "activity", "workshops")),
    "garden": (("tuin", "moestuin", "tuinieren"), ("garden", "gardening")),
}

# Linking sounds between the parts of a Dutch compound (kind-er-opvang, taal-s-...).
_LINKS = ("", "s", "e", "en", "er")
_MIN_PART = 3


def _stems(words: tuple[str, ...], language: str) -> frozenset[str]:
    return frozenset(stem(w, language) for w in words)


DUTCH_STEMS: dict[str, frozenset[str]] = {}
ENGLISH_STEMS: dict[str, frozenset[str]] = {}
for _concept, (_dutch, _english) in CONCEPTS.items():
    for _s in _stems(_dutch, DUTCH):
        DUTCH_STEMS[_s] = DUTCH_STEMS.get(_s, frozenset()) | {_concept}
    for _s in _stems(_english, ENGLISH):
        ENGLISH_STEMS[_s] = ENGLISH_STEMS.get(_s, frozenset()) | {_concept}
DUTCH_WORDS = frozenset(w for dutch, _ in CONCEPTS.values() for w in dutch)
# A compound's first parts are written bare (huiswerk-, kinder-, taal-): the listed words and their stems.
_HEADS = DUTCH_WORDS | frozenset(DUTCH_STEMS)
# A quick "could this be a glossary word" test on the first three letters, before stemming a last part.
_DUTCH_STARTS = frozenset(w[:3] for w in DUTCH_WORDS) | frozenset(s[:3] for s in DUTCH_STEMS)


def concepts_of(stem_: str, language: str) -> frozenset[str]:
    """The glossary concepts a stem stands for in its language (empty when the glossary does not know it)."""
    return (DUTCH_STEMS if language == DUTCH else ENGLISH_STEMS).get(stem_, frozenset())


@lru_cache(maxsize=65536)
def _known_tail(part: str) -> bool:
    if part in DUTCH_WORDS:
        return True
    return part[:3] in _DUTCH_STARTS and stem(part, DUTCH) in DUTCH_STEMS


@lru_cache(maxsize=65536)
def decompound(word: str) -> tuple[str, ...]:
    """Split a Dutch compound into glossary words, or () when it is not made of them.

    Greedy on the longest known head (a glossary word as written, or its stem), then the rest must be a
    glossary word in any inflection, or a compound itself,
    with an optional linking sound between (huiswerkbegeleiding -> huiswerk + begeleiding,
    kinderopvang -> () since "opvang" is not in the glossary).
    """
    word = word.lower()
    if len(word) < 2 * _MIN_PART:
        return ()
    for cut in range(len(word) - _MIN_PART, _MIN_PART - 1, -1):
        head = word[:cut]
        if head not in _HEADS:
            continue
        for link in _LINKS:
            if not word.startswith(link, cut):
                continue
            tail = word[cut + len(link) :]
            if len(tail) < _MIN_PART:
                continue
            if _known_tail(tail):
                return (head, tail)
            rest = decompound(tail)
            if rest:
                return (head, *rest)
    return ()
