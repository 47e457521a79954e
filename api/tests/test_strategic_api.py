import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from api.tests.support import ApiClient, count_queries
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


# Changing and removing: every edit of the strategic pages, through the API.


def delete(user, path: str):
    """A DELETE request as ``user`` (``None``: anonymously)."""
    client = ApiClient(user)
    return client.client.delete(f"/api{path}", headers=client.headers)


@pytest.fixture
def milestone(world, ps) -> Milestone:
    return strategic.add_milestone(ps, by=world.faculty, date=dt.date(2026, 5, 12), title="Buurtfeest")


@pytest.fixture
def measurement(world, indicator) -> Measurement:
    return strategic.record_measurement(indicator, by=world.faculty, measured_on=dt.date(2026, 1, 5), value=Decimal(18))


def read_goal(world, api_as, ps, goal) -> dict:
    response = api_as(world.faculty).get(url(ps, f"/goals/{goal.pk}"))
    assert response.status_code == 200
    return response.json()


def test_an_owner_changes_a_goal_with_the_fingerprint_she_read(world, api_as, ps, goal):
    seen = read_goal(world, api_as, ps, goal)
    body = {"fingerprint": seen["fingerprint"], "title": "Alle kinderen halen hun diploma", "order": 5}
    response = api_as(world.faculty).patch(url(ps, f"/goals/{goal.pk}"), body)
    assert response.status_code == 200, response.content
    assert (response.json()["title"], response.json()["order"]) == ("Alle kinderen halen hun diploma", 5)
    assert response.json()["fingerprint"] != seen["fingerprint"]
    [row] = api_as(world.partner).get(url(ps, "/goals")).json()["items"]
    assert (row["title"], row["description"]) == ("Alle kinderen halen hun diploma", "")


def test_a_goal_changed_since_it_was_read_is_not_overwritten(world, api_as, ps, goal):
    seen = read_goal(world, api_as, ps, goal)
    strategic.update_goal(goal, by=world.coordinator, expected=None, title="Door Cora")
    response = api_as(world.faculty).patch(
        url(ps, f"/goals/{goal.pk}"), {"fingerprint": seen["fingerprint"], "title": "Door Fien"}
    )
    assert response.status_code == 409
    goal.refresh_from_db()
    assert goal.title == "Door Cora"


def test_a_goal_without_a_title_or_with_a_too_long_one_is_refused(world, api_as, ps, goal):
    client, fp = api_as(world.faculty), read_goal(world, api_as, ps, goal)["fingerprint"]
    response = client.patch(url(ps, f"/goals/{goal.pk}"), {"fingerprint": fp, "title": ""})
    assert response.status_code == 400 and "title" in response.json()["errors"]
    response = client.patch(url(ps, f"/goals/{goal.pk}"), {"fingerprint": fp, "title": "x" * 201})
    assert response.status_code == 422 and "title" in response.json()["errors"]
    assert client.patch(url(ps, f"/goals/{goal.pk}"), {"title": "Zonder vingerafdruk"}).status_code == 422
    goal.refresh_from_db()
    assert goal.title == "Meer kinderen halen hun diploma"


def test_who_may_not_change_a_goal_gets_403_404_or_401(world, api_as, ps, goal):
    fp = read_goal(world, api_as, ps, goal)["fingerprint"]
    body = {"fingerprint": fp, "title": "Van ons"}
    assert api_as(world.partner).patch(url(ps, f"/goals/{goal.pk}"), body).status_code == 403
    for user in (world.outsider, world.other_partner, world.student):
        assert api_as(user).patch(url(ps, f"/goals/{goal.pk}"), body).status_code == 404, user
        assert api_as(user).get(url(ps, f"/goals/{goal.pk}")).status_code == 404, user
    assert api_as(None).patch(url(ps, f"/goals/{goal.pk}"), body).status_code == 401
    goal.refresh_from_db()
    assert goal.title == "Meer kinderen halen hun diploma"


def test_an_owner_removes_a_goal_with_its_indicators_and_measurements(world, api_as, ps, goal, measurement):
    assert delete(world.faculty, url(ps, f"/goals/{goal.pk}")).status_code == 204
    assert api_as(world.faculty).get(url(ps, "/goals")).json()["items"] == []
    assert not Indicator.objects.exists() and not Measurement.objects.exists()
    assert delete(world.faculty, url(ps, f"/goals/{goal.pk}")).status_code == 404


def test_who_may_not_remove_a_goal_gets_403_404_or_401(world, api_as, ps, goal):
    assert delete(world.partner, url(ps, f"/goals/{goal.pk}")).status_code == 403
    assert delete(world.outsider, url(ps, f"/goals/{goal.pk}")).status_code == 404
    assert delete(world.other_partner, url(ps, f"/goals/{goal.pk}")).status_code == 404
    assert delete(None, url(ps, f"/goals/{goal.pk}")).status_code == 401
    other = f.make_partnership(world.a, [world.org], [world.faculty_person])
    assert delete(world.faculty, url(other, f"/goals/{goal.pk}")).status_code == 404
    assert Goal.objects.filter(pk=goal.pk).exists()


def test_an_owner_changes_an_indicators_target(world, api_as, ps, indicator):
    seen = api_as(world.partner).get(url(ps, f"/indicators/{indicator.pk}")).json()
    body = {"fingerprint": seen["fingerprint"], "target": 40, "target_date": "2027-06-30"}
    response = api_as(world.faculty).patch(url(ps, f"/indicators/{indicator.pk}"), body)
    assert response.status_code == 200, response.content
    assert (response.json()["name"], response.json()["target"]) == ("Kinderen", 40.0)
    indicator.refresh_from_db()
    assert (indicator.target, indicator.target_date, indicator.baseline) == (
        Decimal(40),
        dt.date(2027, 6, 30),
        Decimal(10),
    )


def test_an_indicator_keeps_its_target_and_a_stale_edit_gets_409(world, api_as, ps, indicator):
    client = api_as(world.faculty)
    fp = client.get(url(ps, f"/indicators/{indicator.pk}")).json()["fingerprint"]
    response = client.patch(url(ps, f"/indicators/{indicator.pk}"), {"fingerprint": fp, "target": None})
    assert response.status_code == 400
    assert response.json()["errors"]["target"] == ["Give the target: the value the partners want to reach."]
    assert (
        client.patch(url(ps, f"/indicators/{indicator.pk}"), {"fingerprint": "oud", "unit": "kinderen"}).status_code
        == 409
    )
    indicator.refresh_from_db()
    assert (indicator.target, indicator.unit) == (Decimal(30), "")


def test_who_may_not_change_or_remove_an_indicator_gets_403_404_or_401(world, api_as, ps, indicator):
    fp = api_as(world.faculty).get(url(ps, f"/indicators/{indicator.pk}")).json()["fingerprint"]
    body = {"fingerprint": fp, "target": 99}
    assert api_as(world.partner).patch(url(ps, f"/indicators/{indicator.pk}"), body).status_code == 403
    assert delete(world.partner, url(ps, f"/indicators/{indicator.pk}")).status_code == 403
    for user in (world.outsider, world.other_partner):
        assert api_as(user).patch(url(ps, f"/indicators/{indicator.pk}"), body).status_code == 404
        assert delete(user, url(ps, f"/indicators/{indicator.pk}")).status_code == 404
    assert api_as(None).patch(url(ps, f"/indicators/{indicator.pk}"), body).status_code == 401
    assert delete(None, url(ps, f"/indicators/{indicator.pk}")).status_code == 401
    indicator.refresh_from_db()
    assert indicator.target == Decimal(30)


def test_an_owner_removes_an_indicator_with_its_measurements(world, api_as, ps, indicator, measurement):
    assert delete(world.faculty, url(ps, f"/indicators/{indicator.pk}")).status_code == 204
    [goal] = api_as(world.faculty).get(url(ps, "/goals")).json()["items"]
    assert goal["indicators"] == []
    assert not Measurement.objects.exists()


def test_an_owner_removes_a_measurement(world, api_as, ps, indicator, measurement):
    assert delete(world.partner, url(ps, f"/measurements/{measurement.pk}")).status_code == 403
    assert delete(world.outsider, url(ps, f"/measurements/{measurement.pk}")).status_code == 404
    assert delete(None, url(ps, f"/measurements/{measurement.pk}")).status_code == 401
    other = f.make_partnership(world.a, [world.org], [world.faculty_person])
    assert delete(world.faculty, url(other, f"/measurements/{measurement.pk}")).status_code == 404
    assert Measurement.objects.exists()
    assert delete(world.faculty, url(ps, f"/measurements/{measurement.pk}")).status_code == 204
    assert api_as(world.faculty).get(url(ps, f"/indicators/{indicator.pk}")).json()["measurements"] == []


def test_an_owner_moves_a_milestone_and_a_stale_edit_gets_409(world, api_as, ps, milestone):
    client = api_as(world.faculty)
    seen = client.get(url(ps, f"/milestones/{milestone.pk}")).json()
    body = {"fingerprint": seen["fingerprint"], "date": "2026-05-19", "kind": "renewed"}
    response = client.patch(url(ps, f"/milestones/{milestone.pk}"), body)
    assert response.status_code == 200, response.content
    assert (response.json()["date"], response.json()["kind"], response.json()["title"]) == (
        "2026-05-19",
        "renewed",
        "Buurtfeest",
    )
    assert client.patch(url(ps, f"/milestones/{milestone.pk}"), {**body, "title": "Te laat"}).status_code == 409
    [row] = api_as(world.partner).get(url(ps, "/milestones")).json()["items"]
    assert (row["date"], row["title"]) == ("2026-05-19", "Buurtfeest")


def test_a_milestone_edit_with_an_unknown_kind_or_without_a_title_is_refused(world, api_as, ps, milestone):
    client = api_as(world.faculty)
    fp = client.get(url(ps, f"/milestones/{milestone.pk}")).json()["fingerprint"]
    response = client.patch(url(ps, f"/milestones/{milestone.pk}"), {"fingerprint": fp, "kind": "feest"})
    assert response.status_code == 422 and "kind" in response.json()["errors"]
    response = client.patch(url(ps, f"/milestones/{milestone.pk}"), {"fingerprint": fp, "title": ""})
    assert response.status_code == 400 and "title" in response.json()["errors"]
    milestone.refresh_from_db()
    assert (milestone.kind, milestone.title) == ("event", "Buurtfeest")


def test_who_may_not_change_or_remove_a_milestone_gets_403_404_or_401(world, api_as, ps, milestone):
    body = {
        "fingerprint": api_as(world.faculty).get(url(ps, f"/milestones/{milestone.pk}")).json()["fingerprint"],
        "title": "X",
    }
    assert api_as(world.partner).patch(url(ps, f"/milestones/{milestone.pk}"), body).status_code == 403
    assert delete(world.partner, url(ps, f"/milestones/{milestone.pk}")).status_code == 403
    for user in (world.outsider, world.other_partner):
        assert api_as(user).patch(url(ps, f"/milestones/{milestone.pk}"), body).status_code == 404
        assert delete(user, url(ps, f"/milestones/{milestone.pk}")).status_code == 404
    assert api_as(None).patch(url(ps, f"/milestones/{milestone.pk}"), body).status_code == 401
    assert delete(None, url(ps, f"/milestones/{milestone.pk}")).status_code == 401
    other = f.make_partnership(world.a, [world.org], [world.faculty_person])
    assert delete(world.faculty, url(other, f"/milestones/{milestone.pk}")).status_code == 404
    assert Milestone.objects.get().title == "Buurtfeest"


def test_an_owner_removes_a_milestone(world, api_as, ps, milestone):
    assert delete(world.faculty, url(ps, f"/milestones/{milestone.pk}")).status_code == 204
    assert api_as(world.faculty).get(url(ps, "/milestones")).json()["items"] == []


# Parties: change and remove.


def org_party(world, api_as, ps, organisation) -> dict:
    parties = api_as(world.coordinator).get(url(ps, "/parties")).json()
    return next(p for p in parties if p["organisation"] == str(organisation.public_id))


def test_the_parties_say_how_to_address_them(world, api_as, ps):
    strategic.add_party(ps, by=world.coordinator, institution=world.b)
    parties = api_as(world.partner).get(url(ps, "/parties")).json()
    lead, other, organisation = parties
    assert (lead["institution"], lead["id"], lead["fingerprint"]) == ("uas", None, None)
    assert (other["institution"], other["id"]) == ("hb", None)
    assert organisation["institution"] is None
    assert organisation["id"] == ps.parties.get().pk and organisation["fingerprint"]


def test_an_owner_changes_an_organisations_role_and_contact_person(world, api_as, ps):
    seen = org_party(world, api_as, ps, world.org)
    body = {
        "fingerprint": seen["fingerprint"],
        "role": "Lokale partner",
        "contact_person": str(world.staff_person.public_id),
    }
    response = api_as(world.faculty).patch(url(ps, f"/parties/{seen['id']}"), body)
    assert response.status_code == 200, response.content
    assert (response.json()["role"], response.json()["contact_person"]) == (
        "Lokale partner",
        str(world.staff_person.public_id),
    )
    party = ps.parties.get()
    assert (party.role, party.contact_person, party.joined_on) == ("Lokale partner", world.staff_person, None)
    assert (
        api_as(world.faculty).patch(url(ps, f"/parties/{seen['id']}"), {**body, "role": "Te laat"}).status_code == 409
    )
    assert ps.parties.get().role == "Lokale partner"


def test_a_contact_person_who_does_not_work_for_the_organisation_is_refused(world, api_as, ps):
    seen = org_party(world, api_as, ps, world.org)
    body = {"fingerprint": seen["fingerprint"], "contact_person": str(world.faculty_person.public_id)}
    response = api_as(world.coordinator).patch(url(ps, f"/parties/{seen['id']}"), body)
    assert response.status_code == 400
    assert response.json()["errors"]["contact_person"] == ["The contact person must work for Buurtwerk De Brug."]
    assert ps.parties.get().contact_person is None


def test_who_may_not_change_a_party_gets_403_404_or_401(world, api_as, ps):
    seen = org_party(world, api_as, ps, world.org)
    body = {"fingerprint": seen["fingerprint"], "role": "Van ons"}
    assert api_as(world.partner).patch(url(ps, f"/parties/{seen['id']}"), body).status_code == 403
    assert delete(world.partner, url(ps, f"/parties/{seen['id']}")).status_code == 403
    for user in (world.outsider, world.other_partner):
        assert api_as(user).patch(url(ps, f"/parties/{seen['id']}"), body).status_code == 404
        assert delete(user, url(ps, f"/parties/{seen['id']}")).status_code == 404
    assert api_as(None).patch(url(ps, f"/parties/{seen['id']}"), body).status_code == 401
    assert delete(None, url(ps, f"/parties/{seen['id']}")).status_code == 401
    assert ps.parties.get().role == ""


def test_an_owner_removes_an_organisation_but_not_the_last_one(world, api_as, ps):
    strategic.add_party(ps, by=world.coordinator, organisation=world.other_org)
    first = org_party(world, api_as, ps, world.org)
    assert delete(world.faculty, url(ps, f"/parties/{first['id']}")).status_code == 204
    names = [p["name"] for p in api_as(world.faculty).get(url(ps, "/parties")).json()]
    assert names == ["Universiteit Aan de Schelde", "Sportclub Elders"]
    last = org_party(world, api_as, ps, world.other_org)
    response = delete(world.faculty, url(ps, f"/parties/{last['id']}"))
    assert response.status_code == 400
    assert response.json()["detail"] == "A partnership keeps at least one partner organisation."
    assert list(ps.parties.values_list("organisation__name", flat=True)) == ["Sportclub Elders"]


def test_an_owner_removes_a_partner_institution_but_the_lead_stays(world, api_as, ps):
    strategic.add_party(ps, by=world.coordinator, institution=world.b)
    assert delete(world.partner, url(ps, "/institutions/hb")).status_code == 403
    assert delete(None, url(ps, "/institutions/hb")).status_code == 401
    assert delete(world.faculty, url(ps, "/institutions/uas")).status_code == 404
    assert delete(world.faculty, url(ps, "/institutions/hb")).status_code == 204
    assert not ps.other_institutions.exists()
    assert [p["institution"] for p in api_as(world.faculty).get(url(ps, "/parties")).json()] == ["uas", None]
    # Once it has left, its staff no longer see the partnership.
    assert delete(world.outsider, url(ps, "/institutions/hb")).status_code == 404


def test_the_party_list_costs_the_same_queries_for_1_or_4_parties(world, api_as, ps):
    client = api_as(world.partner)
    small = count_queries(lambda: client.get(url(ps, "/parties")))
    strategic.add_party(ps, by=world.coordinator, organisation=world.other_org)
    strategic.add_party(ps, by=world.coordinator, institution=world.b)
    for n in range(2):
        strategic.add_party(ps, by=world.coordinator, organisation=f.make_organisation(f"Vereniging {n}"))
    assert count_queries(lambda: client.get(url(ps, "/parties"))) == small


# Forms of collaboration and levels.


def test_an_owner_sets_the_forms_and_levels_and_everyone_who_sees_the_partnership_reads_them(world, api_as, ps):
    seen = api_as(world.partner).get(url(ps, "/collaboration")).json()
    assert seen == {"collaboration_forms": [], "levels": [], "version": ps.version}
    body = {"version": seen["version"], "collaboration_forms": ["event", "service_learning"], "levels": ["programme"]}
    response = api_as(world.faculty).patch(url(ps, "/collaboration"), body)
    assert response.status_code == 200, response.content
    assert response.json()["collaboration_forms"] == ["service_learning", "event"]  # in the order of the choices
    assert response.json()["version"] == seen["version"] + 1
    # A list not sent stays.
    body = {"version": response.json()["version"], "levels": ["course"]}
    assert api_as(world.coordinator).patch(url(ps, "/collaboration"), body).status_code == 200
    ps.refresh_from_db()
    assert (ps.collaboration_forms, ps.levels) == (["service_learning", "event"], ["course"])


def test_forms_and_levels_with_a_stale_version_or_an_unknown_form_are_refused(world, api_as, ps):
    client = api_as(world.faculty)
    response = client.patch(url(ps, "/collaboration"), {"version": ps.version, "collaboration_forms": ["picknick"]})
    assert response.status_code == 422 and "collaboration_forms.0" in response.json()["errors"]
    assert client.patch(url(ps, "/collaboration"), {"version": ps.version, "levels": ["course"]}).status_code == 200
    assert client.patch(url(ps, "/collaboration"), {"version": ps.version, "levels": ["programme"]}).status_code == 409
    ps.refresh_from_db()
    assert ps.levels == ["course"]


def test_who_may_not_set_the_forms_and_levels_gets_403_404_or_401(world, api_as, ps):
    body = {"version": ps.version, "levels": ["course"]}
    assert api_as(world.partner).patch(url(ps, "/collaboration"), body).status_code == 403
    for user in (world.outsider, world.other_partner):
        assert api_as(user).get(url(ps, "/collaboration")).status_code == 404
        assert api_as(user).patch(url(ps, "/collaboration"), body).status_code == 404
    assert api_as(None).get(url(ps, "/collaboration")).status_code == 401
    assert api_as(None).patch(url(ps, "/collaboration"), body).status_code == 401
    ps.refresh_from_db()
    assert ps.levels == []


# The board report as a PDF.


def test_the_report_pdf_is_the_board_report(world, api_as, ps, indicator):
    response = api_as(world.partner).get(url(ps, "/report.pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert ".pdf" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    content = "\n".join(page.extract_text() for page in reader.pages)
    assert "Huiswerkklas" in content and "Meer kinderen halen hun diploma" in content


def test_outsiders_get_404_and_anonymous_callers_401_for_the_report_pdf(world, api_as, ps):
    assert api_as(world.outsider).get(url(ps, "/report.pdf")).status_code == 404
    assert api_as(world.other_partner).get(url(ps, "/report.pdf")).status_code == 404
    assert api_as(None).get(url(ps, "/report.pdf")).status_code == 401
