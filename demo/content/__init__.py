"""The two hand-written demo cases of the source deck, made through Brug's own services.

a) The neighbourhood campus around the Watersportbaan in Ghent (place-based).
b) The strategic partnership of KU Leuven with TADA (from the institution's mission).

The organisations are the real ones the deck names; every person is fictitious.
Dutch text is the organisations' and people's own words, as they would type it.
"""

from __future__ import annotations

from demo.content.common import GHENT_SLUG, LEUVEN_SLUG, Cases
from demo.content.ghent import load_ghent
from demo.content.leuven import load_leuven
from network.models import Institution

__all__ = ["CASE_ORGANISATION_NAMES", "GHENT_SLUG", "LEUVEN_SLUG", "Cases", "load_cases"]


def load_cases() -> Cases:
    """Create both institutions and their hand-written cases. The caller holds the transaction."""
    ghent = Institution.objects.create(
        name="Stadshogeschool Gent",
        short_name="SHG",
        slug=GHENT_SLUG,
        kind=Institution.Kind.UNIVERSITY_COLLEGE,
        mission="Een hogeschool die midden in de stad staat: onze campussen zijn buren, geen gasten.",
    )
    leuven = Institution.objects.create(
        name="KU Leuven",
        short_name="KU Leuven",
        slug=LEUVEN_SLUG,
        kind=Institution.Kind.UNIVERSITY,
        mission="Zij beoogt een actieve deelname aan het maatschappelijke en culturele debat en aan de uitbouw van "
        "de kennismaatschappij. Zij stelt haar kennis ten dienste van mens en samenleving, met bijzondere "
        "aandacht voor de meest kwetsbaren.",
        website="https://www.kuleuven.be",
    )
    cases = Cases(ghent=ghent, leuven=leuven)
    load_ghent(cases)
    load_leuven(cases)
    return cases


# Every organisation the cases create, so that a reset can find them again.
CASE_ORGANISATION_NAMES = (
    "Wijkactieteam Watersportbaan",
    "Jeugdhuis Watersportbaan (in opstart)",
    "Formaat vzw",
    "KAA Gent Foundation",
    "Sportaround",
    "Ghent Basketball",
    "Departement Omgeving",
    "SAAMO Oost-Vlaanderen",
    "Driesprong",
    "Lokaal dienstencentrum Watersportbaan",
    "UiTPAS Gent",
    "TADA (ToekomstATELIERdelAvenir)",
    "Stad Leuven",
    "Buurtwerk Kesselberg",
    "Basisschool De Lindekouter",
)
