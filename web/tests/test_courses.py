"""The course pages: list, detail with missing voices, create and edit."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from engagements.models import Course
from engagements.services import update_course
from network.models import SofarRole
from tests import factories as f


@pytest.fixture(autouse=True)
def english(world) -> None:
    """Assertions read the English source strings, whatever catalogue exists."""
    User.objects.update(language="en")


def _page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def _detail(course: Course) -> str:
    return reverse("course-detail", args=[course.public_id])


def _edit(course: Course) -> str:
    return reverse("course-edit", args=[course.public_id])


@pytest.fixture
def course(world):
    return f.make_course(world.a, [world.faculty_person], title="Sociaal werk in de buurt", code="SW101")


def _section(page: str, marker: str) -> str:
    return page.split(marker)[1].split("</p>")[0]


# The list


def test_the_list_shows_the_institutions_courses_only(world, as_user, course):
    f.make_course(world.b, [world.outsider_person], title="Vak van HB")
    page = _page(as_user(world.coordinator), reverse("course-list"))
    assert "Sociaal werk in de buurt" in page
    assert "Fien Docent" in page
    assert "Vak van HB" not in page


def test_the_list_searches_and_filters_on_academic_year(world, as_user, course):
    f.make_course(world.a, [world.faculty_person], title="Bewegingslab", academic_year="2025-2026")
    client = as_user(world.faculty)
    url = reverse("course-list")
    page = _page(client, url + "?academic_year=2025-2026")
    assert "Bewegingslab" in page
    assert "Sociaal werk" not in page
    assert '<option value="2026-2027">' in page
    page = _page(client, url + "?q=sw101")
    assert "Sociaal werk" in page
    assert "Bewegingslab" not in page


def test_a_student_lists_the_courses_of_their_institution(world, as_user, course):
    page = _page(as_user(world.student), reverse("course-list"))
    assert "Sociaal werk in de buurt" in page
    assert "New course" not in page


def test_a_partner_lists_only_courses_it_works_in(world, as_user, course):
    other = f.make_course(world.a, [world.faculty_person], title="Ander vak")
    f.make_engagement(world.a, course=course, organisation=world.org)
    f.make_engagement(world.a, course=other, organisation=world.other_org)
    page = _page(as_user(world.partner), reverse("course-list"))
    assert "Sociaal werk in de buurt" in page
    assert "Ander vak" not in page


def test_an_outsider_lists_none_of_institution_as_courses(world, as_user, course):
    assert "Sociaal werk" not in _page(as_user(world.outsider), reverse("course-list"))
    assert "Sociaal werk" not in _page(as_user(world.other_partner), reverse("course-list"))


def test_an_anonymous_visitor_is_sent_to_log_in(client, course):
    for url in (reverse("course-list"), _detail(course), reverse("course-create"), _edit(course)):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login/" in response["Location"]


def test_the_list_runs_the_same_number_of_queries_for_3_and_30_courses(world, as_user, django_assert_max_num_queries):
    second = f.make_person(world.a, SofarRole.FACULTY)

    def add(n: int) -> None:
        for i in range(n):
            f.make_course(world.a, [world.faculty_person, second], academic_year=f"20{10 + i % 5}-20{11 + i % 5}")

    client = as_user(world.coordinator)
    add(3)
    few = _count_queries(client, reverse("course-list"))
    add(27)
    many = _count_queries(client, reverse("course-list"))
    assert few == many
    with django_assert_max_num_queries(7):
        client.get(reverse("course-list") + "?q=Vak&academic_year=2010-2011")


# The detail page and its missing voices


def test_the_detail_shows_teachers_and_engagements(world, as_user, course):
    f.make_engagement(world.a, course=course, organisation=world.org, title="Huiswerkklas")
    page = _page(as_user(world.coordinator), _detail(course))
    assert "Fien Docent" in page
    assert "Huiswerkklas" in page
    assert "SW101" in page


def test_missing_voices_of_a_course_name_residents_when_no_resident_takes_part(world, as_user, course):
    f.make_engagement(
        world.a, course=course, organisation=world.org, participants=[(world.student_person, SofarRole.STUDENT, 20)]
    )
    page = _page(as_user(world.faculty), _detail(course))
    missing = _section(page, 'id="sofar-missing-roles"')
    assert "Missing voices:" in missing
    assert "residents" in missing
    assert "students" not in missing
    assert "faculty" not in missing
    assert "community organisations" not in missing
    pairs = _section(page, 'id="sofar-missing-pairs"')
    assert "between students and faculty" in pairs
    assert "between students and residents" in pairs
    assert 'data-pair="S-F" class="missing"' in page


def test_the_student_faculty_pair_counts_only_when_such_a_relationship_exists(world, as_user, course):
    f.make_engagement(
        world.a, course=course, organisation=world.org, participants=[(world.student_person, SofarRole.STUDENT, 20)]
    )
    f.make_relationship(world.a, world.student_person, world.faculty_person, owners=[world.faculty_person])
    page = _page(as_user(world.faculty), _detail(course))
    pairs = _section(page, 'id="sofar-missing-pairs"')
    assert "between students and faculty" not in pairs
    assert "between students and residents" in pairs
    assert 'data-pair="S-F" class="present"' in page
    assert 'data-pair="F-R" class="missing"' in page


def test_a_course_with_all_five_voices_says_so(world, as_user, course):
    resident = f.make_person(world.a, SofarRole.RESIDENT, first_name="Rita", last_name="Bewoner")
    f.make_engagement(
        world.a,
        course=course,
        organisation=world.org,
        participants=[
            (world.student_person, SofarRole.STUDENT, 20),
            (resident, SofarRole.RESIDENT, 4),
            (world.coord_person, SofarRole.ADMINISTRATOR, 1),
        ],
    )
    page = _page(as_user(world.coordinator), _detail(course))
    assert "All five voices take part." in page


@pytest.mark.parametrize("persona", ["coordinator", "faculty", "student"])
def test_institution_members_see_the_course(world, as_user, course, persona):
    _page(as_user(getattr(world, persona)), _detail(course))


def test_a_partner_sees_a_course_only_when_it_works_in_it(world, as_user, course):
    _page(as_user(world.partner), _detail(course), status=404)
    f.make_engagement(world.a, course=course, organisation=world.org)
    page = _page(as_user(world.partner), _detail(course))
    assert f'href="{_edit(course)}"' not in page


@pytest.mark.parametrize("persona", ["outsider", "other_partner"])
def test_another_institution_or_another_partner_gets_404(world, as_user, course, persona):
    _page(as_user(getattr(world, persona)), _detail(course), status=404)
    assert as_user(getattr(world, persona)).get(_edit(course)).status_code == 404


def test_a_student_sees_only_engagements_they_take_part_in(world, as_user, course):
    f.make_engagement(world.a, course=course, title="Mijn project", participants=[(world.student_person, "S", 2)])
    f.make_engagement(world.a, course=course, title="Project van anderen")
    page = _page(as_user(world.student), _detail(course))
    assert "Mijn project" in page
    assert "Project van anderen" not in page


def test_the_detail_runs_the_same_number_of_queries_for_3_and_30_engagements(
    world, as_user, django_assert_max_num_queries
):
    course = f.make_course(world.a, [world.faculty_person])

    def add(n: int) -> None:
        for _ in range(n):
            student = f.make_person(world.a, SofarRole.STUDENT)
            f.make_engagement(world.a, course=course, organisation=world.org, participants=[(student, "S", 5)])
            f.make_relationship(world.a, student, world.faculty_person, owners=[world.faculty_person])

    client = as_user(world.coordinator)
    add(3)
    few = _count_queries(client, _detail(course))
    add(27)
    many = _count_queries(client, _detail(course))
    assert few == many
    with django_assert_max_num_queries(12):
        client.get(_detail(course))


# Creating and editing


def _form(world, **overrides: object) -> dict[str, object]:
    data = {
        "code": "BW200",
        "title": "Buurtgericht werken",
        "programme": "Bachelor Sociaal Werk",
        "academic_year": "2026-2027",
        "description": "Studenten werken mee in de wijk.",
        "teachers": [str(world.faculty_person.public_id)],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("persona", ["coordinator", "faculty"])
def test_institution_staff_create_a_course(world, as_user, persona):
    client = as_user(getattr(world, persona))
    _page(client, reverse("course-create"))
    response = client.post(reverse("course-create"), _form(world))
    course = Course.objects.get(title="Buurtgericht werken")
    assert response["Location"] == _detail(course)
    assert course.institution == world.a
    assert list(course.teachers.all()) == [world.faculty_person]


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"teachers": None}, "A course needs at least one teacher."),
        ({"academic_year": "2026"}, "Write the academic year as two following years"),
        ({"academic_year": "2026-2030"}, "Write the academic year as two following years"),
        ({"title": ""}, "This field is required."),
        ({"teachers": ["not-a-uuid"]}, "is not a valid UUID"),
    ],
)
def test_a_course_with_bad_input_is_refused_with_a_message(world, as_user, overrides, message):
    response = as_user(world.coordinator).post(reverse("course-create"), _form(world, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Course.objects.exists()


def test_only_faculty_of_the_institution_can_be_chosen_as_teachers(world, as_user):
    for person in (world.outsider_person, world.student_person):
        response = as_user(world.coordinator).post(
            reverse("course-create"), _form(world, teachers=[str(person.public_id)])
        )
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
    assert not Course.objects.exists()


@pytest.mark.parametrize("persona", ["student", "partner", "other_partner", "outsider"])
def test_others_may_not_create_a_course_for_institution_a(world, as_user, persona):
    response = as_user(getattr(world, persona)).post(reverse("course-create"), _form(world))
    # The outsider may create courses, but only in their own institution, with their own teachers.
    assert response.status_code in (400, 403)
    assert not Course.objects.filter(institution=world.a).exists()


def test_students_and_partners_get_403_on_the_create_page(world, as_user):
    for persona in ("student", "partner"):
        assert as_user(getattr(world, persona)).get(reverse("course-create")).status_code == 403


def test_a_teacher_edits_the_course(world, as_user, course):
    client = as_user(world.faculty)
    page = _page(client, _edit(course))
    assert f'name="version" value="{course.version}"' in page
    response = client.post(_edit(course), _form(world, title="Sociaal werk (nieuw)", version=course.version))
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.title == "Sociaal werk (nieuw)"


def test_an_edit_on_a_stale_version_is_refused_with_a_conflict_message(world, as_user, course):
    stale = course.version
    update_course(course, by=world.coordinator, expected_version=stale, title="Door Cora")
    response = as_user(world.faculty).post(_edit(course), _form(world, title="Door Fien", version=stale))
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    course.refresh_from_db()
    assert course.title == "Door Cora"


@pytest.mark.parametrize("persona, status", [("student", 403), ("partner", 404), ("outsider", 404)])
def test_others_may_not_edit_the_course(world, as_user, course, persona, status):
    response = as_user(getattr(world, persona)).post(_edit(course), _form(world, title="X", version=course.version))
    assert response.status_code == status
    course.refresh_from_db()
    assert course.title == "Sociaal werk in de buurt"
