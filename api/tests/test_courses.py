import pytest

from api.tests.support import count_queries
from engagements.models import Course
from network.models import SofarRole
from tests import factories as f


@pytest.fixture
def course(world) -> Course:
    return f.make_course(world.a, [world.faculty_person], title="Buurtgericht werken", code="SW101")


def path(course: Course, tail: str = "") -> str:
    return f"/courses/{course.public_id}{tail}"


def titles(response) -> list[str]:
    return [row["title"] for row in response.json()["items"]]


def new(world, **changes):
    return {
        "title": "Sociale kaart",
        "academic_year": "2026-2027",
        "teachers": [str(world.faculty_person.public_id)],
    } | (changes)


# List, detail, coverage


def test_institution_members_list_and_read_their_courses(world, api_as, course):
    assert titles(api_as(world.student).get("/courses")) == ["Buurtgericht werken"]
    response = api_as(world.faculty).get(path(course))
    assert response.status_code == 200
    assert response.json()["teachers"] == [{"id": str(world.faculty_person.public_id), "name": "Fien Docent"}]


def test_a_partner_sees_only_the_courses_it_works_with(world, api_as, course):
    assert titles(api_as(world.partner).get("/courses")) == []
    f.make_engagement(world.a, course=course, organisation=world.org)
    assert titles(api_as(world.partner).get("/courses")) == ["Buurtgericht werken"]
    assert api_as(world.other_partner).get(path(course)).status_code == 404


def test_another_institution_gets_404_for_a_course(world, api_as, course):
    assert api_as(world.outsider).get(path(course)).status_code == 404
    assert api_as(world.outsider).get(path(course, "/coverage")).status_code == 404
    assert titles(api_as(world.outsider).get("/courses")) == []


def test_an_anonymous_caller_gets_401_for_courses(world, api_as, course):
    for url in ("/courses", path(course), path(course, "/coverage")):
        assert api_as(None).get(url).status_code == 401


def test_courses_filter_by_year_title_and_teacher(world, api_as, course):
    f.make_course(world.a, [world.coord_person], title="Stadsecologie", academic_year="2025-2026")
    client = api_as(world.coordinator)
    assert titles(client.get("/courses", academic_year="2025-2026")) == ["Stadsecologie"]
    assert titles(client.get("/courses", q="sw101")) == ["Buurtgericht werken"]
    assert titles(client.get("/courses", teacher=str(world.coord_person.public_id))) == ["Stadsecologie"]


def test_the_course_list_runs_the_same_number_of_queries_for_3_or_30(world, api_as, django_assert_max_num_queries):
    client = api_as(world.coordinator)
    for _ in range(3):
        f.make_course(world.a, [world.faculty_person, world.coord_person])
    with django_assert_max_num_queries(6):
        small = count_queries(lambda: client.get("/courses"))
    for _ in range(27):
        f.make_course(world.a, [world.faculty_person])
    assert count_queries(lambda: client.get("/courses")) == small


def test_the_course_coverage_names_the_missing_voices(world, api_as, course):
    f.make_engagement(
        world.a, course=course, organisation=world.org, participants=[(world.student_person, SofarRole.STUDENT, 5)]
    )
    f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    data = api_as(world.faculty).get(path(course, "/coverage")).json()
    assert data["roles_missing"] == ["A", "R"]
    assert ["O", "F"] not in data["pairs_missing"]
    assert ["S", "O"] in data["pairs_missing"]


# Create


def test_staff_add_a_course(world, api_as):
    response = api_as(world.faculty).post("/courses", new(world, code="SW200"))
    assert response.status_code == 201
    created = Course.objects.get(public_id=response.json()["id"])
    assert (created.institution, created.code, list(created.teachers.all())) == (
        world.a,
        "SW200",
        [world.faculty_person],
    )


def test_a_student_may_not_add_a_course(world, api_as):
    assert api_as(world.student).post("/courses", new(world)).status_code == 403
    assert not Course.objects.exists()


def test_a_partner_may_not_add_a_course(world, api_as):
    assert api_as(world.partner).post("/courses", new(world)).status_code == 403
    assert not Course.objects.exists()


def test_an_anonymous_caller_may_not_add_a_course(world, api_as):
    assert api_as(None).post("/courses", new(world)).status_code == 401
    assert not Course.objects.exists()


def test_another_institution_cannot_name_our_teachers(world, api_as):
    response = api_as(world.outsider).post("/courses", new(world))
    assert response.status_code == 400
    assert response.json()["errors"]["teachers"]
    assert not Course.objects.exists()


def test_a_course_without_teachers_is_refused(world, api_as):
    response = api_as(world.coordinator).post("/courses", new(world, teachers=[]))
    assert response.status_code == 400
    assert response.json()["errors"] == {"teachers": ["A course needs at least one teacher."]}
    assert not Course.objects.exists()


def test_an_unknown_campus_is_refused(world, api_as):
    response = api_as(world.coordinator).post("/courses", new(world, campus="atlantis"))
    assert response.status_code == 400
    assert response.json()["errors"]["campus"]
    assert not Course.objects.exists()


def test_a_course_without_an_academic_year_gets_422(world, api_as):
    body = new(world)
    del body["academic_year"]
    response = api_as(world.coordinator).post("/courses", body)
    assert response.status_code == 422
    assert "academic_year" in response.json()["errors"]
