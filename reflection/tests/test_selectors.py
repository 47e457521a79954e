"""What a workbook shows from Brug's records, last year beside this year, and a workshop's spread."""

from __future__ import annotations

import pytest
from django.utils import translation

from reflection import services as s
from reflection.drawing import network_drawing, spread_bars
from reflection.selectors import compare_workbooks, contact_ties, course_actors, previous_workbook, workshop_spread
from reflection.tests.helpers import builtin_dilemma, course_with_actors, workbook_for
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_first_set_names_the_actors_by_role_the_partners_and_the_missing_voices(world):
    course = course_with_actors(world)
    outsider = f.make_organisation("Nog geen partner")
    f.make_engagement(world.a, course=course, organisation=outsider)
    actors = course_actors(course)
    by_label = {a.label: a for a in actors.actors}
    assert by_label["Buurtwerk De Brug"].is_partner
    assert not by_label["Nog geen partner"].is_partner
    assert not by_label["Sam Student"].is_partner
    assert by_label["Fien Docent"].roles == ["F"]
    with translation.override("en"):
        assert actors.missing_roles == ["administrators", "residents"]
        assert ("students", "residents") in actors.missing_pairs


def test_an_organisation_in_a_partnership_counts_as_partner_without_a_relationship(world):
    course = course_with_actors(world)
    party = f.make_organisation("Partner via partnerschap")
    f.make_engagement(world.a, course=course, organisation=party)
    f.make_partnership(world.a, [party], [world.coord_person])
    assert {a.label: a.is_partner for a in course_actors(course).actors}["Partner via partnerschap"]


def test_contacts_through_an_intermediary_are_drawn_dashed_and_named_in_the_list(world):
    course = course_with_actors(world)
    actors = course_actors(course)
    ties = contact_ties(actors)
    via = next(t for t in ties if t.through_intermediary)
    assert {via.a_label, via.b_label} == {"Fien Docent", "Pia Partner"}
    assert via.intermediaries == ["Cora Coördinator"]
    drawing = network_drawing(actors, ties)
    assert [e.dashed for e in drawing.edges].count(True) == 1
    assert len(drawing.nodes) == len(actors.actors)
    assert all(0 <= n.x <= drawing.width and 0 <= n.y <= drawing.height for n in drawing.nodes)
    # The same records give the same drawing.
    assert [(n.x, n.y) for n in network_drawing(actors, ties).nodes] == [(n.x, n.y) for n in drawing.nodes]


def test_last_years_workbook_of_the_same_course_code_is_found_and_compared(world):
    this_year = course_with_actors(world)
    last_year = f.make_course(
        world.a, [world.faculty_person], title="Buurtgericht ontwerpen", code="BGO1", academic_year="2025-2026"
    )
    before = workbook_for(world, last_year)
    after = workbook_for(world, this_year)
    dilemma = builtin_dilemma("supporters-or-innovators")
    actions = [s.ActionSpec(what="Evaluatie plannen", done=True), s.ActionSpec(what="Ouders uitnodigen")]
    s.save_workbook(
        before, by=None, expected_version=None, answers={}, positions={dilemma.pk: (2, "Ondersteunen")}, actions=actions
    )
    s.save_workbook(
        after, by=None, expected_version=None, answers={}, positions={dilemma.pk: (4, "Vernieuwen")}, actions=[]
    )
    assert previous_workbook(after, world.faculty) == before
    assert previous_workbook(after, world.outsider) is None
    comparison = compare_workbooks(before, after)
    moved = next(m for m in comparison.movements if m.dilemma == dilemma)
    assert moved.shift == 2 and moved.arrow == "→"
    with translation.override("en"):
        assert moved.words == "Moved 2 points towards “students as innovators”."
    assert comparison.actions_done == 1


def test_the_spread_counts_devices_per_point_and_nothing_else(world):
    dilemma = builtin_dilemma("strategic-or-ad-hoc")
    session = s.start_workshop(by=world.coordinator, institution=world.a, title="Tafel", dilemmas=[dilemma])
    for key, point in [("a", 1), ("b", 1), ("c", 4)]:
        s.record_workshop_positions(session, participant_key=key, positions={dilemma.pk: point})
    (spread,) = workshop_spread(session)
    assert spread.counts == [2, 0, 0, 1, 0]
    bars = spread_bars(spread)
    assert bars[0].height > bars[3].height > bars[1].height == 0
