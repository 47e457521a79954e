"""Integrity: missions and goals side by side with the words they share."""

from __future__ import annotations

import pytest
from django.utils import translation

from health.integrity import compare_texts, integrity_for_partnership, integrity_for_relationship, theme_matches
from network.models import Theme
from partnerships.models import Goal
from tests import factories as f


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def missions(world):
    world.org.mission = "Wij werken aan gelijkheid en onderwijs in de buurt."
    world.org.save()
    world.a.mission = "De universiteit staat voor goed onderwijs en gelijke kansen."
    world.a.save()
    return world


def test_the_partner_and_institution_missions_are_compared_word_by_word(missions):
    partnership = f.make_partnership(missions.a, [missions.org], [missions.coord_person])
    Goal.objects.create(partnership=partnership, title="Huiswerkbegeleiding in de buurt", order=1)
    figures = integrity_for_partnership(partnership)
    [item] = figures.organisations
    comparison = item.with_institution
    # Partner {werk, gelijk, onderwijs, buurt}; institution {universiteit, staat, goed, onderwijs, gelijk, kans}.
    # Shared {gelijk, onderwijs}: 2 of 8 stems = 25%.
    assert sorted(comparison.overlap.shared) == ["gelijkheid", "onderwijs"]
    assert sorted(comparison.overlap.only_first) == ["buurt", "werken"]
    assert comparison.overlap.percent == 25
    assert comparison.level == "considerable"
    assert comparison.summary.startswith("Shared: ")
    assert "only in the mission of Buurtwerk De Brug: " in comparison.summary
    # The goals share "buurt" with the partner's mission: {huiswerkbegeleid, buurt} vs four stems: 1 of 5.
    assert item.with_goals.overlap.shared == ["buurt"]
    assert item.with_goals.overlap.percent == 20
    assert [g.title for g in figures.goals] == ["Huiswerkbegeleiding in de buurt"]


def test_a_missing_mission_cannot_be_compared_and_says_so(world):
    partnership = f.make_partnership(world.a, [world.org], [world.coord_person])
    [item] = integrity_for_partnership(partnership).organisations
    assert item.with_institution.overlap is None
    assert item.with_institution.level == "unknown"
    assert "is not recorded" in item.with_institution.missing


def test_texts_in_two_languages_are_flagged_as_such():
    comparison = compare_texts(
        "Wij werken aan onderwijs voor de kinderen.",
        "We work on education for the children.",
        first_label="a",
        second_label="b",
    )
    assert comparison.languages_differ
    assert comparison.level == "none"


def test_the_organisations_themes_are_matched_against_the_institutions_mission_in_both_languages(db):
    education = Theme.objects.create(slug="education", name_nl="Onderwijs", name_en="Education")
    poverty = Theme.objects.create(slug="poverty", name_nl="Armoede", name_en="Poverty")
    dutch = theme_matches([education, poverty], "Wij bieden onderwijs aan iedereen.")
    assert [(m.theme.slug, m.words) for m in dutch] == [("education", ["onderwijs"]), ("poverty", [])]
    english = theme_matches([education, poverty], "We fight poverty through research.")
    assert [(m.theme.slug, m.words) for m in english] == [("education", []), ("poverty", ["poverty"])]


def test_a_relationship_compares_the_organisation_at_its_end(missions):
    rel = f.make_relationship(missions.a, missions.faculty_person, missions.org, owners=[missions.faculty_person])
    figures = integrity_for_relationship(rel)
    assert [item.organisation for item in figures.organisations] == [missions.org]
    assert figures.organisations[0].with_goals is None
    people_only = f.make_relationship(
        missions.a, missions.faculty_person, missions.student_person, owners=[missions.faculty_person]
    )
    assert integrity_for_relationship(people_only).organisations == []
