"""Changing a course or an engagement, and what each party puts into an engagement, through the API."""

import json

import pytest

from audit.models import AuditEntry
from engagements.models import Contribution, Course, Engagement
from network.models import SofarRole
from tests import factories as f


@pytest.fixture
def course(world) -> Course:
    return f.make_course(world.a, [world.faculty_person], title="Buurtgericht werken", code="SW101")


@pytest.fixture
def eng(world) -> Engagement:
    return f.make_engagement(
        world.a,
        title="Huiswerkklas",
        organisation=world.org,
        participants=[(world.student_person, SofarRole.STUDENT, 12)],
    )


def put(client, url: str, body) -> object:
    return client.client.put(
        f"/api{url}", data=json.dumps(body, default=str), content_type="application/json", headers=client.headers
    )


# Courses


def test_faculty_change_a_course_and_see_the_change(world, api_as, course):
    url = f"/courses/{course.public_id}"
    body = {"version": course.version, "title": "Buurtwerk II", "teachers": [str(world.coord_person.public_id)]}
    response = api_as(world.faculty).patch(url, body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["title"] == "Buurtwerk II" and data["version"] == course.version + 1
    assert [t["name"] for t in data["teachers"]] == ["Cora Coördinator"]
    assert api_as(world.coordinator).get(url).json()["title"] == "Buurtwerk II"
    assert AuditEntry.objects.filter(action="changed", target_id=str(course.public_id)).exists()


def test_a_course_change_with_a_stale_version_gets_409_and_changes_nothing(world, api_as, course):
    response = api_as(world.faculty).patch(f"/courses/{course.public_id}", {"version": 99, "title": "Anders"})
    assert response.status_code == 409
    assert response.json()["errors"]["version"]
    assert Course.objects.get(pk=course.pk).title == "Buurtgericht werken"


def test_a_wrong_academic_year_is_refused_on_its_field(world, api_as, course):
    body = {"version": course.version, "academic_year": "2026-2030", "title": "Anders"}
    response = api_as(world.faculty).patch(f"/courses/{course.public_id}", body)
    assert response.status_code == 400
    assert "two following years" in response.json()["errors"]["academic_year"][0]
    assert Course.objects.get(pk=course.pk).title == "Buurtgericht werken"


def test_no_teachers_or_another_institutions_teacher_is_refused(world, api_as, course):
    client = api_as(world.faculty)
    url = f"/courses/{course.public_id}"
    assert client.patch(url, {"version": course.version, "teachers": []}).json()["errors"]["teachers"]
    response = client.patch(url, {"version": course.version, "teachers": [str(world.outsider_person.public_id)]})
    assert response.status_code == 400 and response.json()["errors"]["teachers"]
    assert list(Course.objects.get(pk=course.pk).teachers.all()) == [world.faculty_person]


def test_a_course_campus_is_set_and_cleared(world, api_as, course):
    campus = world.a.campuses.create(name="Campus Noord", slug="noord")
    client = api_as(world.faculty)
    url = f"/courses/{course.public_id}"
    assert client.patch(url, {"version": course.version, "campus": "noord"}).json()["campus"] == "noord"
    assert client.patch(url, {"version": course.version + 1, "campus": None}).json()["campus"] is None
    assert client.patch(url, {"version": course.version + 2, "campus": "zuid"}).status_code == 400
    assert campus.pk


def test_who_may_not_change_a_course(world, api_as, course):
    url = f"/courses/{course.public_id}"
    body = {"version": course.version, "title": "Anders"}
    assert api_as(world.student).patch(url, body).status_code == 403
    assert api_as(world.outsider).patch(url, body).status_code == 404
    assert api_as(world.partner).patch(url, body).status_code == 404
    assert api_as(None).patch(url, body).status_code == 401
    assert Course.objects.get(pk=course.pk).title == "Buurtgericht werken"


# Engagements


def test_staff_change_an_engagement_and_its_participants(world, api_as, eng):
    url = f"/engagements/{eng.public_id}"
    body = {
        "version": eng.version,
        "status": "running",
        "hours": 40,
        "participants": [{"person": str(world.faculty_person.public_id), "role": "F", "hours": 3}],
    }
    response = api_as(world.faculty).patch(url, body)
    assert response.status_code == 200, response.content
    data = api_as(world.coordinator).get(url).json()
    assert (data["status"], data["hours"], data["title"]) == ("running", 40, "Huiswerkklas")
    assert [(p["person"]["name"], p["role"]) for p in data["participants"]] == [("Fien Docent", "F")]


def test_an_engagement_link_is_cleared_with_null(world, api_as, eng):
    response = api_as(world.faculty).patch(
        f"/engagements/{eng.public_id}", {"version": eng.version, "organisation": None}
    )
    assert response.status_code == 200
    assert response.json()["organisation"] is None


def test_an_engagement_end_before_its_start_is_refused_and_nothing_saved(world, api_as, eng):
    body = {"version": eng.version, "end_date": "2020-01-01", "title": "Anders"}
    response = api_as(world.faculty).patch(f"/engagements/{eng.public_id}", body)
    assert response.status_code == 400
    assert Engagement.objects.get(pk=eng.pk).title == "Huiswerkklas"


def test_an_engagement_change_with_a_stale_version_gets_409(world, api_as, eng):
    response = api_as(world.faculty).patch(f"/engagements/{eng.public_id}", {"version": 42, "title": "Anders"})
    assert response.status_code == 409
    assert Engagement.objects.get(pk=eng.pk).title == "Huiswerkklas"


def test_who_may_not_change_an_engagement(world, api_as, eng):
    url = f"/engagements/{eng.public_id}"
    body = {"version": eng.version, "title": "Anders"}
    assert api_as(world.student).patch(url, body).status_code == 403
    assert api_as(world.partner).patch(url, body).status_code == 403
    assert api_as(world.other_partner).patch(url, body).status_code == 404
    assert api_as(world.outsider).patch(url, body).status_code == 404
    assert api_as(None).patch(url, body).status_code == 401
    assert Engagement.objects.get(pk=eng.pk).title == "Huiswerkklas"


def test_another_institutions_course_cannot_be_linked(world, api_as, eng):
    theirs = f.make_course(world.b, [world.outsider_person])
    body = {"version": eng.version, "course": str(theirs.public_id)}
    response = api_as(world.faculty).patch(f"/engagements/{eng.public_id}", body)
    assert response.status_code == 400 and response.json()["errors"]["course"]


# Contributions


ROWS = [
    {"party": "institution", "direction": "gives", "kind": "hours", "amount": "90", "description": "Begeleiding"},
    {"party": "partner", "direction": "gives", "kind": "hours", "amount": "10", "description": "Ruimte openen"},
    {"party": "partner", "direction": "gets", "kind": "outcome", "description": "Een website"},
]


def test_staff_replace_the_contributions_and_read_the_balance(world, api_as, eng):
    client = api_as(world.faculty)
    url = f"/engagements/{eng.public_id}/contributions"
    response = put(client, url, {"version": eng.version, "rows": ROWS})
    assert response.status_code == 200, response.content
    data = client.get(url).json()
    assert data["version"] == eng.version + 1
    assert sorted(r["description"] for r in data["rows"]) == ["Begeleiding", "Een website", "Ruimte openen"]
    assert data["one_sided"] is True and data["hours"] == {"campus": 90.0, "community": 10.0}
    assert data["one_sided_percent"] == 80
    assert AuditEntry.objects.filter(action="contributions changed", target_id=str(eng.public_id)).exists()


def test_hours_put_in_without_an_amount_are_refused_and_nothing_saved(world, api_as, eng):
    rows = [{"party": "institution", "direction": "gives", "kind": "hours", "description": "Begeleiding"}]
    response = put(api_as(world.faculty), f"/engagements/{eng.public_id}/contributions", {"version": 1, "rows": rows})
    assert response.status_code == 400
    assert "need an amount" in response.json()["detail"]
    assert not Contribution.objects.exists()


def test_a_negative_amount_or_an_unknown_party_gets_422(world, api_as, eng):
    client = api_as(world.faculty)
    url = f"/engagements/{eng.public_id}/contributions"
    bad_amount = [{**ROWS[0], "amount": "-5"}]
    assert put(client, url, {"version": eng.version, "rows": bad_amount}).status_code == 422
    bad_party = [{**ROWS[0], "party": "mayor"}]
    assert put(client, url, {"version": eng.version, "rows": bad_party}).status_code == 422
    assert not Contribution.objects.exists()


def test_replacing_contributions_with_a_stale_version_gets_409(world, api_as, eng):
    response = put(api_as(world.faculty), f"/engagements/{eng.public_id}/contributions", {"version": 7, "rows": ROWS})
    assert response.status_code == 409
    assert not Contribution.objects.exists()


def test_who_may_not_read_or_replace_contributions(world, api_as, eng):
    url = f"/engagements/{eng.public_id}/contributions"
    body = {"version": eng.version, "rows": ROWS}
    for persona, status in (("student", 403), ("partner", 403), ("other_partner", 404), ("outsider", 404)):
        client = api_as(getattr(world, persona))
        assert client.get(url).status_code == status, persona
        assert put(client, url, body).status_code == status, persona
    assert api_as(None).get(url).status_code == 401
    assert put(api_as(None), url, body).status_code == 401
    assert not Contribution.objects.exists()


def test_the_web_page_and_the_api_share_one_service():
    from engagements import services
    from health import equity

    assert equity.set_contributions is services.set_contributions
    assert equity.ContributionSpec is services.ContributionSpec
