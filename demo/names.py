"""Fictitious but Dutch-looking names for generated people, organisations and streets.

Surnames and place words are put together from invented parts, so a generated
name reads as Flemish without being a real person's or organisation's name.
"""

from __future__ import annotations

import random
import unicodedata

FIRST_NAMES = [
    "Aline",
    "Amber",
    "Anouk",
    "Arne",
    "Astrid",
    "Bram",
    "Brecht",
    "Charlotte",
    "Daan",
    "Dries",
    "Eline",
    "Elise",
    "Emma",
    "Febe",
    "Fien",
    "Floor",
    "Gilles",
    "Hanne",
    "Hasan",
    "Ilias",
    "Ines",
    "Jana",
    "Jasper",
    "Jonas",
    "Jolien",
    "Kato",
    "Kobe",
    "Lander",
    "Lars",
    "Laura",
    "Lien",
    "Lore",
    "Louise",
    "Lucas",
    "Maarten",
    "Manon",
    "Marie",
    "Mathis",
    "Mila",
    "Nathan",
    "Nina",
    "Noor",
    "Olivia",
    "Pieter",
    "Robbe",
    "Ruben",
    "Saar",
    "Sander",
    "Sara",
    "Seppe",
    "Siebe",
    "Sofie",
    "Stijn",
    "Tess",
    "Thibo",
    "Tine",
    "Victor",
    "Wout",
    "Yana",
    "Yasmine",
    "Zoë",
    "Mohamed",
    "Samira",
    "Youssef",
    "Aylin",
    "Emre",
    "Oksana",
    "Amadou",
    "Fatou",
]

_PREFIXES = ("Van ", "De ", "Ver", "Van den ", "Van de ", "Op de ", "", "")
_STEMS = [
    "moer",
    "kouter",
    "bies",
    "linde",
    "wouter",
    "brem",
    "hage",
    "meers",
    "vijver",
    "beuk",
    "dries",
    "vliet",
    "broek",
    "heide",
    "kreek",
    "schelp",
    "dal",
    "berk",
    "rietz",
    "zand",
    "haver",
    "klaver",
    "mols",
    "spriet",
]
_SUFFIXES = ("beke", "hove", "slagh", "mans", "kens", "aert", "dries", "velde", "gem", "donck", "rode", "eyck")

ORG_FORMS = {
    "nonprofit": ("Vzw {w}", "Solidair {w}", "Huis {w}", "Vzw Samen {w}"),
    "city_service": ("Dienst {w}", "Sociaal Huis {w}", "OCMW-antenne {w}"),
    "school": ("Basisschool De {w}", "Atheneum {w}", "Buurtschool {w}"),
    "sports_club": ("Sportclub {w}", "Voetbalclub {w} United", "Basket {w}", "Zwemclub {w}"),
    "youth_work": ("Jeugdhuis {w}", "Chiro {w}", "Speelplein {w}"),
    "neighbourhood": ("Buurtwerk {w}", "Wijkcomité {w}", "Buurtcentrum {w}"),
    "care": ("Woonzorgcentrum {w}", "Dienstencentrum {w}", "Inloophuis {w}"),
    "culture": ("Cultuurhuis {w}", "Bibliotheek {w}", "Theater {w}"),
    "research": ("Kenniscentrum {w}", "Studiedienst {w}"),
    "other": ("Coöperatie {w}", "Repaircafé {w}", "Voedselbank {w}"),
}

CITIES = (
    ("Gent", "9000"),
    ("Gent", "9032"),
    ("Sint-Amandsberg", "9040"),
    ("Leuven", "3000"),
    ("Kessel-Lo", "3010"),
    ("Heverlee", "3001"),
    ("Antwerpen", "2000"),
    ("Brugge", "8000"),
    ("Hasselt", "3500"),
    ("Mechelen", "2800"),
    ("Kortrijk", "8500"),
    ("Aalst", "9300"),
)

# Rough centres, to put generated organisations on a map near their city.
CITY_CENTRES = {
    "Gent": (51.054, 3.725),
    "Sint-Amandsberg": (51.061, 3.750),
    "Leuven": (50.879, 4.701),
    "Kessel-Lo": (50.887, 4.717),
    "Heverlee": (50.864, 4.695),
    "Antwerpen": (51.219, 4.402),
    "Brugge": (51.209, 3.224),
    "Hasselt": (50.930, 5.338),
    "Mechelen": (51.025, 4.477),
    "Kortrijk": (50.828, 3.265),
    "Aalst": (50.938, 4.039),
}


def surname(rng: random.Random) -> str:
    stem = rng.choice(_STEMS)
    prefix = rng.choice(_PREFIXES)
    body = stem + rng.choice(_SUFFIXES)
    return prefix + (body if prefix == "Ver" else body.capitalize())


def first_name(rng: random.Random) -> str:
    return rng.choice(FIRST_NAMES)


def place_word(rng: random.Random) -> str:
    return (rng.choice(_STEMS) + rng.choice(_SUFFIXES)).capitalize()


def organisation_name(rng: random.Random, kind: str, serial: int) -> str:
    """A fictitious organisation name; ``serial`` keeps names unique at region scale."""
    form = rng.choice(ORG_FORMS[kind])
    name = form.format(w=place_word(rng))
    return f"{name} {serial}" if serial else name


def street(rng: random.Random) -> str:
    return f"{place_word(rng)}{rng.choice(('straat', 'laan', 'dreef', 'plein', 'kaai'))} {rng.randint(1, 180)}"


def email(first: str, last: str, serial: int | str = "") -> str:
    """A plain-ASCII address on the reserved example.org domain."""
    local = unicodedata.normalize("NFKD", f"{first}.{last}").encode("ascii", "ignore").decode()
    local = "".join(c for c in local.lower() if c.isalnum() or c == ".")
    return f"{local}{serial}@example.org"
