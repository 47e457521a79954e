import pytest

from api.tests.support import count_queries
from engagements.models import Engagement
from network.models import SofarRole
from tests import factories as f


@pytest.fixture
def eng(world) -> Engagement:
    return f.make_engagement(
        world.a,
        title="Huiswerkklas",
        organisation=world.org,
        participants=[(world.student_person, SofarRole.STUDENT, 12)],
    )


def path(engagement: Engagement) -> str:
    return f"/engagements/{engagement.public_id}"


def titles(response) -> list[str]:
    return [row["title"] for row in response.json()["items"]]


def new(world, **changes):
    return {
        "title": "Sportdag",
        "kind": "event",
        "start_date": "2026-05-01",
        "organisation": str(world.other_org.public_id),
        "participants": [{"person": str(world.student_person.public_id), "role": "S", "hours": 6}],
        **changes,
    }


# List and detail


def test_staff_read_an_engagement_with_its_participants(world, api_as, eng):
    response = api_as(world.coordinator).get(path(eng))
    assert response.status_code == 200
    data = response.json()
    assert data["organisation"]["name"] == "Buurtwerk De Brug"
    assert data["participants"] == [
        {"person": {"id": str(world.student_person.public_id), "name": "Sam Student"}, "role": "S", "hours": 12}
    ]


def test_a_student_sees_the_engagements_they_take_part_in(world, api_as, eng):
    f.make_engagement(world.a, title="Elders")
    assert titles(api_as(world.student).get("/engagements")) == ["Huiswerkklas"]


def test_a_partner_sees_its_own_engagements_only(world, api_as, eng):
    assert titles(api_as(world.partner).get("/engagements")) == ["Huiswerkklas"]
    assert api_as(world.other_partner).get(path(eng)).status_code == 404
    assert titles(api_as(world.other_partner).get("/engagements")) == []


def test_another_institution_gets_404_for_an_engagement(world, api_as, eng):
    assert api_as(world.outsider).get(path(eng)).status_code == 404


def test_an_anonymous_caller_gets_401_for_engagements(world, api_as, eng):
    assert api_as(None).get("/engagements").status_code == 401
    assert api_as(None).get(path(eng)).status_code == 401


def test_engagements_filter_by_kind_status_course_and_organisation(world, api_as, eng):
    course = f.make_course(world.a, [world.faculty_person])
    f.make_engagement(world.a, title="Open dag", kind="event", status="running", course=course)
    client = api_as(world.coordinator)
    assert titles(client.get("/engagements", kind="event")) == ["Open dag"]
    assert titles(client.get("/engagements", status="running")) == ["Open dag"]
    assert titles(client.get("/engagements", course=str(course.public_id))) == ["Open dag"]
    assert titles(client.get("/engagements", organisation=str(world.org.public_id))) == ["Huiswerkklas"]


def test_the_engagement_list_runs_the_same_number_of_queries_for_3_or_30(world, api_as, django_assert_max_num_queries):
    client = api_as(world.coordinator)
    course = f.make_course(world.a, [world.faculty_person])
    people = [(world.student_person, SofarRole.STUDENT, 3), (world.faculty_person, SofarRole.FACULTY, 1)]
    for _ in range(3):
        f.make_engagement(world.a, course=course, organisation=world.org, participants=people)
    with django_assert_max_num_queries(6):
        small = count_queries(lambda: client.get("/engagements"))
    for _ in range(27):
        f.make_engagement(world.a, course=course, organisation=f.make_organisation(), participants=people)
    assert count_queries(lambda: client.get("/engagements")) == small


# Create


def test_staff_record_an_engagement_with_participants(world, api_as):
    response = api_as(world.faculty).post("/engagements", new(world))
    assert response.status_code == 201
    created = Engagement.objects.get(public_id=response.json()["id"])
    assert (created.institution, created.kind, created.organisation) == (world.a, "event", world.other_org)
    assert [(p.person, p.hours) for p in created.participations.all()] == [(world.student_person, 6)]


def test_a_student_may_not_record_an_engagement(world, api_as):
    assert api_as(world.student).post("/engagements", new(world)).status_code == 403
    assert not Engagement.objects.exists()


def test_a_partner_may_not_record_an_engagement(world, api_as):
    assert api_as(world.partner).post("/engagements", new(world)).status_code == 403
    assert not Engagement.objects.exists()


def test_an_anonymous_caller_may_not_record_an_engagement(world, api_as):
    assert api_as(None).post("/engagements", new(world)).status_code == 401
    assert not Engagement.objects.exists()


def test_another_institution_cannot_link_our_course(world, api_as):
    course = f.make_course(world.a, [world.faculty_person])
    response = api_as(world.outsider).post("/engagements", new(world, participants=[], course=str(course.public_id)))
    assert response.status_code == 400
    assert response.json()["errors"]["course"]
    assert not Engagement.objects.exists()


def test_an_end_date_before_the_start_is_refused(world, api_as):
    response = api_as(world.coordinator).post("/engagements", new(world, end_date="2026-04-01"))
    assert response.status_code == 400
    assert response.json()["errors"]
    assert not Engagement.objects.exists()


def test_negative_hours_get_422(world, api_as):
    response = api_as(world.coordinator).post("/engagements", new(world, hours=-3))
    assert response.status_code == 422
    assert "hours" in response.json()["errors"]
    assert not Engagement.objects.exists()


def test_the_same_person_twice_is_refused_with_a_message(world, api_as):
    twice = [{"person": str(world.student_person.public_id), "role": "S"}] * 2
    response = api_as(world.coordinator).post("/engagements", new(world, participants=twice))
    assert response.status_code == 400
    assert response.json()["errors"]["participants"]
    assert not Engagement.objects.exists()
