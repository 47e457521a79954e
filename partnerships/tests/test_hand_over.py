import pytest

from lib.errors import DomainError
from network.models import Person, Relationship, SofarRole
from partnerships.models import HandOver, Partnership
from partnerships.services import deactivate_person, hand_over
from tests import factories as f


@pytest.fixture
def leaving(world):
    """A teacher who owns a relationship (with two contacts) and a partnership, about to leave."""
    teacher = f.make_person(world.a, SofarRole.FACULTY, first_name="Lotte", last_name="Vertrekt")
    rel = f.make_relationship(world.a, teacher, world.org, owners=[teacher])
    f.make_interaction(rel, days_ago=5, summary="Eerste gesprek")
    f.make_interaction(rel, days_ago=2, summary="Opvolging")
    partnership = f.make_partnership(world.a, [world.org], [teacher])
    return teacher, rel, partnership


def test_deactivating_an_owner_without_a_successor_is_refused_with_what_they_own(world, leaving):
    teacher, rel, _partnership = leaving
    with pytest.raises(DomainError) as caught:
        deactivate_person(teacher, by=world.coordinator)
    message = str(caught.value.error_dict["to"][0].messages[0])
    assert "1" in message and "Lotte" in message
    assert Person.objects.get(pk=teacher.pk).is_active


def test_a_hand_over_moves_ownership_and_keeps_every_contact(world, leaving):
    teacher, rel, partnership = leaving
    deactivate_person(teacher, by=world.coordinator, hand_over_to=world.faculty_person)
    rel.refresh_from_db()
    assert list(rel.owners.all()) == [world.faculty_person]
    assert list(partnership.owners.all()) == [world.faculty_person]
    assert rel.interactions.count() == 2
    assert not rel.orphaned
    record = HandOver.objects.get()
    assert (record.from_person, record.to_person, record.relationships, record.partnerships) == (
        teacher,
        world.faculty_person,
        1,
        1,
    )
    assert not Person.objects.get(pk=teacher.pk).is_active


def test_owner_history_shows_the_previous_owner(world, leaving):
    teacher, rel, _partnership = leaving
    hand_over(teacher, to=world.faculty_person, by=world.coordinator)
    owner_sets = [{o.person_id for o in h.owners.all()} for h in rel.history.order_by("history_date", "history_id")]
    assert {teacher.pk} in owner_sets
    assert owner_sets[-1] == {world.faculty_person.pk}


def test_leaving_without_a_successor_on_purpose_orphans_and_flags(world, leaving):
    teacher, rel, partnership = leaving
    deactivate_person(teacher, by=world.coordinator, leave_orphaned=True)
    assert Relationship.objects.get(pk=rel.pk).orphaned
    assert Partnership.objects.get(pk=partnership.pk).orphaned


def test_one_cannot_hand_over_to_someone_of_another_institution(world, leaving):
    teacher, _rel, _partnership = leaving
    with pytest.raises(DomainError):
        hand_over(teacher, to=world.outsider_person, by=world.coordinator)


def test_a_partnership_without_organisations_or_owners_is_refused(world):
    with pytest.raises(DomainError):
        f.make_partnership(world.a, [], [world.coord_person])
    with pytest.raises(DomainError):
        f.make_partnership(world.a, [world.org], [])
    assert not Partnership.objects.exists()
