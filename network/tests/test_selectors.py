import datetime as dt

from network.models import Relationship, SofarRole
from network.selectors import ROLE_PAIRS, orphaned_relationships, sofar_coverage, stale_cutoff, stale_relationships
from network.services import refresh_orphaned
from tests import factories as f


def test_there_are_ten_role_pairs():
    assert len(ROLE_PAIRS) == 10
    assert ("S", "O") in ROLE_PAIRS and ("A", "R") in ROLE_PAIRS


def test_coverage_names_the_missing_roles_and_pairs(world):
    resident = f.make_person(world.a, SofarRole.RESIDENT)
    f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    f.make_relationship(world.a, world.student_person, world.faculty_person, owners=[world.faculty_person])
    coverage = sofar_coverage(
        institution_id=world.a.pk,
        person_roles={world.faculty_person.pk: {"F"}, world.student_person.pk: {"S"}, resident.pk: {"R"}},
        organisation_ids=[world.org.pk],
    )
    assert coverage.roles_present == ["S", "O", "F", "R"]
    assert coverage.roles_missing == ["A"]
    assert coverage.pairs_present == [("S", "F"), ("O", "F")]
    assert ("S", "R") in coverage.pairs_missing
    assert len(coverage.pairs_missing) == 8


def test_coverage_ignores_relationships_with_actors_outside_the_set(world):
    f.make_relationship(world.a, world.faculty_person, world.other_org, owners=[world.faculty_person])
    coverage = sofar_coverage(
        institution_id=world.a.pk, person_roles={world.faculty_person.pk: {"F"}}, organisation_ids=[world.org.pk]
    )
    assert coverage.pairs_present == []


def test_relationships_without_recent_contact_are_stale(world):
    fresh = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    f.make_interaction(fresh, days_ago=10)
    old = f.make_relationship(world.a, world.faculty_person, world.other_org, owners=[world.faculty_person])
    f.make_interaction(old, days_ago=400)
    never = f.make_relationship(world.a, world.coord_person, world.org, owners=[world.coord_person])
    assert set(stale_relationships(world.a)) == {old, never}


def test_the_stale_cutoff_counts_whole_months_back():
    from network.models import Institution

    institution = Institution(stale_after_months=6)
    assert stale_cutoff(institution, dt.date(2026, 11, 28)) == dt.date(2026, 5, 28)
    assert stale_cutoff(institution, dt.date(2026, 3, 31)) == dt.date(2025, 9, 28)


def test_a_relationship_whose_only_owner_left_is_orphaned(world):
    rel = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    world.faculty_person.is_active = False
    world.faculty_person.save()
    refresh_orphaned(institution_id=world.a.pk)
    assert list(orphaned_relationships(world.a)) == [rel]
    assert Relationship.objects.get(pk=rel.pk).orphaned
