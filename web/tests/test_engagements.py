"""The engagement pages: list with filters, detail with people and hours, create and edit with participants."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from engagements.models import Engagement
from engagements.services import update_engagement
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


def _detail(e: Engagement) -> str:
    return reverse("engagement-detail", args=[e.public_id])


def _edit(e: Engagement) -> str:
    return reverse("engagement-edit", args=[e.public_id])


@pytest.fixture
def engagement(world):
    """A project with world.org in which the student and the faculty member take part."""
    course = f.make_course(world.a, [world.faculty_person], title="Buurtgericht werken")
    partnership = f.make_partnership(world.a, [world.org], [world.coord_person], title="Brugpartnerschap")
    return f.make_engagement(
        world.a,
        title="Huiswerkklas Sluizeken",
        kind="service_learning",
        level="programme",
        direction="to_campus",
        front="education",
        status="running",
        organisation=world.org,
        course=course,
        partnership=partnership,
        start_date=dt.date(2026, 10, 1),
        end_date=dt.date(2027, 5, 31),
        outcomes="Twintig kinderen kregen wekelijks begeleiding.",
        participants=[(world.student_person, SofarRole.STUDENT, 40), (world.faculty_person, SofarRole.FACULTY, 6)],
    )


# The list


def test_staff_list_the_institutions_engagements_only(world, as_user, engagement):
    f.make_engagement(world.b, title="Project van HB")
    page = _page(as_user(world.coordinator), reverse("engagement-list"))
    assert "Huiswerkklas Sluizeken" in page
    assert "Buurtwerk De Brug" in page
    assert "Project van HB" not in page


def test_a_student_lists_only_engagements_they_take_part_in(world, as_user, engagement):
    f.make_engagement(world.a, title="Zonder Sam")
    page = _page(as_user(world.student), reverse("engagement-list"))
    assert "Huiswerkklas Sluizeken" in page
    assert "Zonder Sam" not in page
    assert "New engagement" not in page


def test_a_partner_lists_only_engagements_with_its_organisation(world, as_user, engagement):
    f.make_engagement(world.a, title="Met Elders", organisation=world.other_org)
    page = _page(as_user(world.partner), reverse("engagement-list"))
    assert "Huiswerkklas Sluizeken" in page
    assert "Met Elders" not in page
    assert "Huiswerkklas" not in _page(as_user(world.other_partner), reverse("engagement-list"))
    assert "Huiswerkklas" not in _page(as_user(world.outsider), reverse("engagement-list"))


@pytest.mark.parametrize(
    "query, shown",
    [
        ("kind=research", False),
        ("kind=service_learning", True),
        ("status=running", True),
        ("status=completed", False),
        ("level=programme", True),
        ("level=city", False),
        ("direction=to_campus", True),
        ("direction=to_neighbourhood", False),
        ("front=education", True),
        ("front=network", False),
        ("q=sluizeken", True),
        ("q=voetbal", False),
    ],
)
def test_the_list_filters_on_each_field(world, as_user, engagement, query, shown):
    page = _page(as_user(world.coordinator), reverse("engagement-list") + "?" + query)
    assert ("Huiswerkklas Sluizeken" in page) is shown


def test_the_list_filters_on_organisation_course_and_partnership(world, as_user, engagement):
    other = f.make_engagement(world.a, title="Sportdag", organisation=world.other_org)
    client = as_user(world.coordinator)
    url = reverse("engagement-list")
    for query in (
        f"organisation={world.org.public_id}",
        f"course={engagement.course.public_id}",
        f"partnership={engagement.partnership.public_id}",
    ):
        page = _page(client, f"{url}?{query}")
        assert "Huiswerkklas Sluizeken" in page
        assert "Sportdag" not in page
    assert "Sportdag" in _page(client, f"{url}?organisation={other.organisation.public_id}")


def test_a_filter_on_an_invisible_organisation_is_refused_not_applied(world, as_user, engagement):
    page = _page(as_user(world.outsider), reverse("engagement-list") + f"?organisation={world.org.public_id}")
    assert "Select a valid choice" in page
    assert "Huiswerkklas" not in page


def test_an_anonymous_visitor_is_sent_to_log_in(client, engagement):
    for url in (reverse("engagement-list"), _detail(engagement), reverse("engagement-create"), _edit(engagement)):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login/" in response["Location"]


def test_the_list_runs_the_same_number_of_queries_for_3_and_30_engagements(
    world, as_user, django_assert_max_num_queries
):
    course = f.make_course(world.a, [world.faculty_person])
    partnership = f.make_partnership(world.a, [world.org], [world.coord_person])

    def add(n: int) -> None:
        for _ in range(n):
            f.make_engagement(
                world.a,
                organisation=world.org,
                course=course,
                partnership=partnership,
                participants=[(world.student_person, "S", 3)],
            )

    add(3)
    for persona in ("coordinator", "student", "partner"):
        client = as_user(getattr(world, persona))
        few = _count_queries(client, reverse("engagement-list"))
        add(9)
        many = _count_queries(client, reverse("engagement-list"))
        assert few == many, persona
    client = as_user(world.coordinator)
    with django_assert_max_num_queries(10):
        client.get(reverse("engagement-list") + f"?kind=service_learning&organisation={world.org.public_id}")


# The detail page


def test_the_detail_shows_type_level_direction_front_people_hours_and_outcomes(world, as_user, engagement):
    page = _page(as_user(world.coordinator), _detail(engagement))
    for text in (
        "Service-learning project",
        "Programme",
        "The neighbourhood comes to the campus",
        "Shaping education together",
        "Running",
        "Sam Student",
        "Fien Docent",
        "Twintig kinderen kregen wekelijks begeleiding.",
        "Buurtgericht werken",
        "Brugpartnerschap",
        "Buurtwerk De Brug",
    ):
        assert text in page, text
    assert '<td id="total-hours">46</td>' in page


@pytest.mark.parametrize("persona", ["coordinator", "faculty", "student", "partner"])
def test_staff_participants_and_the_partner_see_the_engagement(world, as_user, engagement, persona):
    _page(as_user(getattr(world, persona)), _detail(engagement))


def test_a_partner_sees_no_link_to_a_partnership_its_organisation_is_not_in(world, as_user, engagement):
    engagement.partnership.parties.update(organisation=world.other_org)
    page = _page(as_user(world.partner), _detail(engagement))
    assert reverse("partnership-detail", args=[engagement.partnership.public_id]) not in page
    assert "Brugpartnerschap" not in page


def test_a_student_who_does_not_take_part_gets_404(world, as_user):
    other = f.make_engagement(world.a, title="Zonder Sam")
    _page(as_user(world.student), _detail(other), status=404)


@pytest.mark.parametrize("persona", ["outsider", "other_partner"])
def test_another_institution_or_another_partner_gets_404(world, as_user, engagement, persona):
    _page(as_user(getattr(world, persona)), _detail(engagement), status=404)
    assert as_user(getattr(world, persona)).get(_edit(engagement)).status_code == 404


def test_the_detail_runs_the_same_number_of_queries_for_3_and_30_people(world, as_user, django_assert_max_num_queries):
    e = f.make_engagement(world.a, organisation=world.org, course=f.make_course(world.a, [world.faculty_person]))
    people: list = []

    def add(n: int) -> None:
        people.extend(f.make_person(world.a, SofarRole.STUDENT) for _ in range(n))
        update_engagement(e, by=None, expected_version=None, participants=[(p, "S", 2) for p in people])

    client = as_user(world.coordinator)
    add(3)
    few = _count_queries(client, _detail(e))
    add(27)
    many = _count_queries(client, _detail(e))
    assert few == many
    with django_assert_max_num_queries(8):
        client.get(_detail(e))


# Creating and editing


def _form(world, **overrides: object) -> dict[str, object]:
    data = {
        "title": "Bewegingslab zomerkamp",
        "kind": "volunteering",
        "level": "faculty",
        "direction": "to_neighbourhood",
        "front": "infrastructure",
        "status": "planned",
        "organisation": str(world.org.public_id),
        "start_date": "2026-07-01",
        "end_date": "2026-07-14",
        "hours": "80",
        "description": "Sportkamp voor kinderen uit de buurt.",
        "outcomes": "",
        "people-TOTAL_FORMS": "3",
        "people-INITIAL_FORMS": "0",
        "people-MIN_NUM_FORMS": "0",
        "people-MAX_NUM_FORMS": "1000",
        "people-0-person": str(world.student_person.public_id),
        "people-0-role": "S",
        "people-0-hours": "30",
        "people-1-person": str(world.staff_person.public_id),
        "people-1-role": "O",
        "people-1-hours": "12",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("persona", ["coordinator", "faculty"])
def test_institution_staff_create_an_engagement_with_its_people(world, as_user, persona):
    client = as_user(getattr(world, persona))
    page = _page(client, reverse("engagement-create"))
    assert 'name="people-0-person"' in page
    response = client.post(reverse("engagement-create"), _form(world))
    e = Engagement.objects.get(title="Bewegingslab zomerkamp")
    assert response["Location"] == _detail(e)
    assert e.institution == world.a
    assert e.organisation == world.org
    rows = {(p.person, p.role, p.hours) for p in e.participations.all()}
    assert rows == {(world.student_person, "S", 30), (world.staff_person, "O", 12)}
    assert '<td id="total-hours">42</td>' in _page(client, _detail(e))


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"end_date": "2026-06-01"}, "The end date cannot be before the start date."),
        ({"start_date": ""}, "This field is required."),
        ({"hours": "-3"}, "Ensure this value is greater than or equal to 0."),
        ({"people-1-person": ""}, "Choose who takes part."),
        ({"people-0-role": ""}, "Choose the role this person takes part in."),
        ({"people-2-person": "WORLD_STUDENT", "people-2-role": "F"}, "This person is listed twice."),
        ({"kind": "party"}, "Select a valid choice."),
    ],
)
def test_an_engagement_with_bad_input_is_refused_with_a_message_and_nothing_saved(world, as_user, overrides, message):
    overrides = {k: (str(world.student_person.public_id) if v == "WORLD_STUDENT" else v) for k, v in overrides.items()}
    response = as_user(world.coordinator).post(reverse("engagement-create"), _form(world, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Engagement.objects.exists()


def test_people_of_another_institution_cannot_take_part(world, as_user):
    response = as_user(world.coordinator).post(
        reverse("engagement-create"), _form(world, **{"people-0-person": str(world.outsider_person.public_id)})
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Engagement.objects.exists()


def test_a_course_of_another_institution_cannot_be_chosen(world, as_user):
    foreign = f.make_course(world.b, [world.outsider_person])
    response = as_user(world.coordinator).post(
        reverse("engagement-create"), _form(world, course=str(foreign.public_id))
    )
    assert response.status_code == 400
    assert not Engagement.objects.exists()


@pytest.mark.parametrize("persona", ["student", "partner", "other_partner"])
def test_students_and_partners_may_not_create_an_engagement(world, as_user, persona):
    client = as_user(getattr(world, persona))
    assert client.get(reverse("engagement-create")).status_code == 403
    assert client.post(reverse("engagement-create"), _form(world)).status_code == 403
    assert not Engagement.objects.exists()


def _edit_form(world, e: Engagement, **overrides: object) -> dict[str, object]:
    data = _form(
        world,
        title=e.title,
        version=str(e.version),
        **{"people-INITIAL_FORMS": "0"},
    )
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_staff_edit_an_engagement_and_its_people(world, as_user, engagement):
    client = as_user(world.faculty)
    page = _page(client, _edit(engagement))
    assert f'name="version" value="{engagement.version}"' in page
    assert f'<option value="{world.student_person.public_id}" selected>' in page
    response = client.post(_edit(engagement), _edit_form(world, engagement, outcomes="Een blijvende huiswerkklas."))
    assert response.status_code == 302
    engagement.refresh_from_db()
    assert engagement.outcomes == "Een blijvende huiswerkklas."
    assert {p.person for p in engagement.participations.all()} == {world.student_person, world.staff_person}


def test_an_edit_on_a_stale_version_is_refused_with_a_conflict_message(world, as_user, engagement):
    stale = engagement.version
    update_engagement(engagement, by=world.coordinator, expected_version=stale, outcomes="Door Cora")
    response = as_user(world.faculty).post(
        _edit(engagement), _edit_form(world, engagement, version=str(stale), outcomes="Door Fien")
    )
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    engagement.refresh_from_db()
    assert engagement.outcomes == "Door Cora"
    assert engagement.participations.count() == 2
    assert not engagement.participations.filter(person=world.staff_person).exists()


@pytest.mark.parametrize("persona, status", [("student", 403), ("partner", 403), ("outsider", 404)])
def test_others_may_not_edit_an_engagement(world, as_user, engagement, persona, status):
    response = as_user(getattr(world, persona)).post(_edit(engagement), _edit_form(world, engagement, outcomes="X"))
    assert response.status_code == status
    engagement.refresh_from_db()
    assert engagement.outcomes == "Twintig kinderen kregen wekelijks begeleiding."
