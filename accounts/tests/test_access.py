"""The one access mechanism, row by row: who sees which records."""

from django.contrib.auth.models import AnonymousUser

from engagements.models import Course, Engagement
from network.models import Interaction, Organisation, Person, Relationship
from partnerships.models import Partnership
from tests import factories as f


def _setup(world):
    rel_a = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    f.make_interaction(rel_a)
    rel_b = f.make_relationship(world.b, world.outsider_person, world.org, owners=[world.outsider_person])
    f.make_interaction(rel_b)
    p_a = f.make_partnership(world.a, [world.org], [world.coord_person])
    p_other = f.make_partnership(world.a, [world.other_org], [world.coord_person])
    course = f.make_course(world.a, [world.faculty_person])
    eng = f.make_engagement(
        world.a, course=course, organisation=world.org, participants=[(world.student_person, "S", 20)]
    )
    return rel_a, rel_b, p_a, p_other, course, eng


def test_staff_see_their_own_institutions_records_only(world):
    rel_a, rel_b, p_a, p_other, course, eng = _setup(world)
    user = world.coordinator
    assert set(Relationship.objects.for_user(user)) == {rel_a}
    assert set(Partnership.objects.for_user(user)) == {p_a, p_other}
    assert world.outsider_person not in Person.objects.for_user(user)
    assert set(Interaction.objects.for_user(user)) == set(rel_a.interactions.all())
    outsider = world.outsider
    assert set(Relationship.objects.for_user(outsider)) == {rel_b}
    assert not Partnership.objects.for_user(outsider).exists()
    assert not Course.objects.for_user(outsider).exists()
    assert not Engagement.objects.for_user(outsider).exists()


def test_the_organisation_directory_is_shared_but_a_partner_sees_only_its_own(world):
    assert Organisation.objects.for_user(world.outsider).count() == 2
    assert list(Organisation.objects.for_user(world.partner)) == [world.org]
    assert list(Organisation.objects.for_user(world.other_partner)) == [world.other_org]


def test_a_partner_sees_what_concerns_its_organisation_across_institutions(world):
    rel_a, rel_b, p_a, p_other, course, eng = _setup(world)
    assert set(Relationship.objects.for_user(world.partner)) == {rel_a, rel_b}
    assert list(Partnership.objects.for_user(world.partner)) == [p_a]
    assert list(Engagement.objects.for_user(world.partner)) == [eng]
    assert list(Course.objects.for_user(world.partner)) == [course]
    assert not Relationship.objects.for_user(world.other_partner).exists()
    assert not Engagement.objects.for_user(world.other_partner).exists()


def test_a_student_sees_only_their_own_engagements_and_themselves(world):
    rel_a, rel_b, p_a, p_other, course, eng = _setup(world)
    other = f.make_engagement(world.a, organisation=world.other_org)
    assert list(Engagement.objects.for_user(world.student)) == [eng]
    assert other not in Engagement.objects.for_user(world.student)
    assert list(Person.objects.for_user(world.student)) == [world.student_person]
    assert not Relationship.objects.for_user(world.student).exists()


def test_an_anonymous_visitor_sees_nothing(world):
    _setup(world)
    anonymous = AnonymousUser()
    for model in (Organisation, Person, Relationship, Interaction, Partnership, Course, Engagement):
        assert not model.objects.for_user(anonymous).exists()


def test_an_inactive_user_sees_nothing(world):
    _setup(world)
    world.coordinator.is_active = False
    assert not Relationship.objects.for_user(world.coordinator).exists()


def test_a_partnership_joined_by_a_second_institution_is_visible_there_once(world):
    shared = f.make_partnership(world.a, [world.org], [world.coord_person], other_institutions=[world.b])
    assert list(Partnership.objects.for_user(world.outsider)) == [shared]
    assert Partnership.objects.for_user(world.coordinator).filter(pk=shared.pk).count() == 1


def test_permissions_separate_office_faculty_student_and_partner(world):
    rel_a, *_ = _setup(world)
    assert world.coordinator.has_perm("network.deactivate_person", world.faculty_person)
    assert not world.faculty.has_perm("network.deactivate_person", world.faculty_person)
    assert not world.outsider.has_perm("network.deactivate_person", world.faculty_person)
    assert world.faculty.has_perm("network.log_interaction", rel_a)
    assert not world.student.has_perm("network.log_interaction", rel_a)
    assert world.partner.has_perm("network.log_interaction", rel_a)
    assert not world.other_partner.has_perm("network.log_interaction", rel_a)
    assert world.partner.has_perm("network.change_organisation", world.org)
    assert not world.partner.has_perm("network.change_organisation", world.other_org)
    assert not world.student.has_perm("network.view_dashboard")
