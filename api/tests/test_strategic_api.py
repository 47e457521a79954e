import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from api.tests.support import count_queries
from network.models import SofarRole
from partnerships import strategic
from partnerships.models import Goal, Indicator, Measurement, Milestone, Partnership
from tests import factories as f


@pytest.fixture
def ps(world) -> Partnership:
    """A partnership of institution A with Buurtwerk De Brug, owned by Fien (faculty)."""
    return f.make_partnership(world.a, [world.org], [world.faculty_person], title="Huiswerkklas", kind="strategic")


@pytest.fixture
def goal(world, ps) -> Goal:
    return strategic.add_goal(ps, by=world.faculty, title="Meer kinderen halen hun diploma")


@pytest.fixture
def indicator(world, goal) -> Indicator:
    return strategic.add_indicator(goal, by=world.faculty, name="Kinderen", baseline=Decimal(10), target=Decimal(30))


def url(partnership: Partnership, tail: str) -> str:
    return f"/strategic/partnerships/{partnership.public_id}{tail}"


# Goals with indicators and measurements


def test_whoever_sees_the_partnership_reads_its_goals_with_indicators_and_measurements(world, api_as, ps, indicator):
    strategic.record_measurement(indicator, by=world.faculty, measured_on=dt.date(2026, 1, 5), value=Decimal(18))
    for user in (world.coordinator, world.faculty, world.partner):
        response = api_as(user).get(url(ps, "/goals"))
        assert response.status_code == 200
        [row] = response.json()["items"]
        assert row["title"] == "Meer kinderen halen hun diploma"
        [ind] = row["indicators"]
        assert (ind["name"], ind["baseline"], ind["target"]) == ("Kinderen", 10.0, 30.0)
        assert [m["value"] for m in ind["measurements"]] == [18.0]


def test_outsiders_get_404_for_a_partnerships_strategic_records(world, api_as, ps, goal):
    for user in (world.outsider, world.other_partner):
        client = api_as(user)
        for tail in ("/goals", "/milestones", "/parties", "/report"):
            assert client.get(url(ps, tail)).status_code == 404, (user, tail)
        assert client.post(url(ps, "/goals"), {"title": "Nee"}).status_code == 404
    assert Goal.objects.count() == 1


def test_an_anonymous_caller_gets_401_for_strategic_records(world, api_as, ps):
    for tail in ("/goals", "/milestones", "/parties", "/report"):
        assert api_as(None).get(url(ps, tail)).status_code == 401
    assert api_as(None).post(url(ps, "/goals"), {"title": "Nee"}).status_code == 401


def test_an_owner_adds_a_goal(world, api_as, ps):
    response = api_as(world.faculty).post(url(ps, "/goals"), {"title": "Sterkere buurt", "description": "Samen"})
    assert response.status_code == 201
    assert response.json()["title"] == "Sterkere buurt"
    assert list(ps.goals.values_list("title", flat=True)) == ["Sterkere buurt"]


def test_a_partner_reads_but_may_not_add_a_goal(world, api_as, ps):
    assert api_as(world.partner).post(url(ps, "/goals"), {"title": "Van ons"}).status_code == 403
    assert api_as(world.student).post(url(ps, "/goals"), {"title": "Van ons"}).status_code == 404
    assert not Goal.objects.exists()


def test_a_goal_without_a_title_is_refused(world, api_as, ps):
    response = api_as(world.coordinator).post(url(ps, "/goals"), {"title": ""})
    assert response.status_code == 400
    assert "title" in response.json()["errors"]
    assert not Goal.objects.exists()


def test_an_owner_adds_an_indicator_to_a_goal(world, api_as, ps, goal):
    body = {"name": "Diploma's", "unit": "kinderen", "baseline": 3, "target": 12.5}
    response = api_as(world.faculty).post(url(ps, f"/goals/{goal.pk}/indicators"), body)
    assert response.status_code == 201, response.content
    assert goal.indicators.get().target == Decimal("12.50")


def test_an_indicator_without_a_target_is_refused_with_a_field_message(world, api_as, ps, goal):
    response = api_as(world.faculty).post(url(ps, f"/goals/{goal.pk}/indicators"), {"name": "Diploma's"})
    assert response.status_code == 400
    assert response.json()["errors"]["target"] == ["Give the target: the value the partners want to reach."]
    assert not Indicator.objects.exists()


def test_a_goal_of_another_partnership_gets_404(world, api_as, ps):
    other = f.make_partnership(world.a, [world.org], [world.faculty_person])
    foreign_goal = strategic.add_goal(other, by=world.faculty, title="Elders")
    response = api_as(world.faculty).post(url(ps, f"/goals/{foreign_goal.pk}/indicators"), {"name": "X", "target": 1})
    assert response.status_code == 404
    assert not Indicator.objects.exists()


def test_an_owner_records_a_measurement(world, api_as, ps, indicator):
    body = {"measured_on": "2026-02-01", "value": 21, "note": "Na de kerstvakantie"}
    response = api_as(world.faculty).post(url(ps, f"/indicators/{indicator.pk}/measurements"), body)
    assert response.status_code == 201
    assert response.json()["value"] == 21.0
    assert indicator.measurements.get().note == "Na de kerstvakantie"


def test_a_measurement_in_the_future_or_without_a_value_is_refused_with_field_messages(world, api_as, ps, indicator):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = api_as(world.faculty).post(
        url(ps, f"/indicators/{indicator.pk}/measurements"), {"measured_on": str(tomorrow)}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "value": ["Give the measured value."],
        "measured_on": ["A measurement cannot be in the future."],
    }
    assert not Measurement.objects.exists()


def test_a_measurement_with_too_many_digits_gets_422(world, api_as, ps, indicator):
    response = api_as(world.faculty).post(
        url(ps, f"/indicators/{indicator.pk}/measurements"), {"measured_on": "2026-01-01", "value": 1.234}
    )
    assert response.status_code == 422
    assert "value" in response.json()["errors"]
    assert not Measurement.objects.exists()


def test_a_partner_may_not_record_a_measurement(world, api_as, ps, indicator):
    body = {"measured_on": "2026-02-01", "value": 21}
    assert api_as(world.partner).post(url(ps, f"/indicators/{indicator.pk}/measurements"), body).status_code == 403
    assert api_as(world.outsider).post(url(ps, f"/indicators/{indicator.pk}/measurements"), body).status_code == 404
    assert not Measurement.objects.exists()


def test_the_goal_list_costs_the_same_queries_for_3_or_15_goals(world, api_as, ps, django_assert_max_num_queries):
    client = api_as(world.coordinator)

    def add(n: int) -> None:
        for i in range(n):
            goal = strategic.add_goal(ps, by=world.faculty, title=f"Doel {i}")
            ind = strategic.add_indicator(goal, by=world.faculty, name="i", target=Decimal(5))
            strategic.record_measurement(ind, by=world.faculty, measured_on=dt.date(2026, 1, 1), value=Decimal(1))

    add(3)
    with django_assert_max_num_queries(10):
        small = count_queries(lambda: client.get(url(ps, "/goals"), page_size=100))
    add(12)
    assert count_queries(lambda: client.get(url(ps, "/goals"), page_size=100)) == small


# Milestones


def test_an_owner_adds_a_milestone_and_everyone_who_sees_it_reads_the_timeline(world, api_as, ps):
    body = {"date": "2026-05-12", "title": "Buurtfeest", "kind": "event"}
    assert api_as(world.faculty).post(url(ps, "/milestones"), body).status_code == 201
    response = api_as(world.partner).get(url(ps, "/milestones"))
    assert [(m["title"], m["kind"]) for m in response.json()["items"]] == [("Buurtfeest", "event")]
    assert api_as(world.partner).get(url(ps, "/milestones"), kind="widened").json()["items"] == []


def test_a_milestone_of_an_unknown_kind_gets_422_and_without_a_date_too(world, api_as, ps):
    client = api_as(world.faculty)
    response = client.post(url(ps, "/milestones"), {"date": "2026-05-12", "title": "X", "kind": "party"})
    assert response.status_code == 422 and "kind" in response.json()["errors"]
    response = client.post(url(ps, "/milestones"), {"title": "X"})
    assert response.status_code == 422 and "date" in response.json()["errors"]
    assert not Milestone.objects.exists()


def test_faculty_who_do_not_own_the_partnership_may_not_add_a_milestone(world, api_as):
    theirs = f.make_partnership(world.a, [world.org], [world.coord_person])
    body = {"date": "2026-05-12", "title": "Buurtfeest"}
    assert api_as(world.faculty).post(url(theirs, "/milestones"), body).status_code == 403
    assert not Milestone.objects.exists()


def test_the_milestone_list_costs_the_same_queries_for_3_or_15(world, api_as, ps):
    client = api_as(world.partner)
    for i in range(3):
        strategic.add_milestone(ps, by=world.faculty, date=dt.date(2026, 1, 1 + i), title=f"M{i}")
    small = count_queries(lambda: client.get(url(ps, "/milestones")))
    for i in range(12):
        strategic.add_milestone(ps, by=world.faculty, date=dt.date(2026, 2, 1 + i), title=f"N{i}")
    assert count_queries(lambda: client.get(url(ps, "/milestones"))) == small


# Parties


def test_adding_a_party_widens_the_partnership_with_a_milestone(world, api_as, ps):
    body = {"organisation": str(world.other_org.public_id), "role": "Sportaanbod", "joined_on": "2026-03-01"}
    response = api_as(world.coordinator).post(url(ps, "/parties"), body)
    assert response.status_code == 201, response.content
    assert (response.json()["kind"], response.json()["date"]) == ("widened", "2026-03-01")
    parties = api_as(world.partner).get(url(ps, "/parties")).json()
    # The lead first; organisations by join date (a party without one sorts differently per database).
    assert parties[0]["name"] == "Universiteit Aan de Schelde" and parties[0]["is_lead"]
    assert {p["name"] for p in parties[1:]} == {"Buurtwerk De Brug", "Sportclub Elders"}
    joined = next(p for p in parties if p["name"] == "Sportclub Elders")
    assert joined["organisation"] == str(world.other_org.public_id) and joined["joined_on"] == "2026-03-01"


def test_another_institution_joins_a_partnership_by_its_slug(world, api_as, ps):
    response = api_as(world.coordinator).post(url(ps, "/parties"), {"institution": "hb", "role": "Onderzoek"})
    assert response.status_code == 201
    assert list(ps.other_institutions.all()) == [world.b]


def test_a_party_that_is_already_there_or_unknown_is_refused(world, api_as, ps):
    client = api_as(world.coordinator)
    response = client.post(url(ps, "/parties"), {"organisation": str(world.org.public_id)})
    assert response.status_code == 400
    assert response.json()["errors"]["organisation"] == ["Buurtwerk De Brug is already a party."]
    assert client.post(url(ps, "/parties"), {"institution": "nergens"}).json()["errors"]["institution"]
    assert client.post(url(ps, "/parties"), {}).json()["errors"]["organisation"]
    assert not Milestone.objects.exists()


def test_a_partner_may_not_add_a_party(world, api_as, ps):
    body = {"organisation": str(world.other_org.public_id)}
    assert api_as(world.partner).post(url(ps, "/parties"), body).status_code == 403
    assert api_as(world.other_partner).post(url(ps, "/parties"), body).status_code == 404
    assert ps.parties.count() == 1


# The board report


def test_the_report_gives_progress_activities_and_people_reached(world, api_as, ps, indicator):
    strategic.record_measurement(indicator, by=world.faculty, measured_on=dt.date(2026, 1, 5), value=Decimal(20))
    f.make_engagement(
        world.a,
        partnership=ps,
        organisation=world.org,
        start_date=dt.date(2026, 2, 1),
        participants=[(world.student_person, SofarRole.STUDENT, 12)],
    )
    response = api_as(world.partner).get(url(ps, "/report"))
    assert response.status_code == 200, response.content
    data = response.json()
    [progress] = data["indicators"]
    assert (progress["latest"], progress["percent"], progress["reached"]) == (20.0, 50, False)
    assert data["activities_per_year"][0]["year"] == 2026 and data["activities_per_year"][0]["total"] == 1
    students = next(r for r in data["people_reached"] if r["role"] == "S")
    assert (students["people"], students["hours"]) == (1, 12)
    assert data["people_total"] == 1
