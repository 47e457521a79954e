import datetime as dt

import pytest
from django.utils import timezone

from api.tests.support import count_queries
from matching import loaders
from matching.models import Match, Need, Offer, OrganisationProposal, QuietPeriod
from matching.services import propose_match, propose_organisation
from matching.tests.helpers import make_need, make_offer
from network.models import Organisation, Theme
from tests import factories as f


@pytest.fixture(autouse=True)
def fresh_index():
    loaders.clear_cache()
    yield
    loaders.clear_cache()


@pytest.fixture
def education(db) -> Theme:
    return Theme.objects.create(slug="education", name_nl="Onderwijs", name_en="Education")


@pytest.fixture
def need(world, education) -> Need:
    return make_need(world.org, by=world.coordinator, themes=[education])


@pytest.fixture
def offer(world, education) -> Offer:
    return make_offer(world.a, by=world.coordinator, themes=[education])


@pytest.fixture
def held(world, need, offer) -> Match:
    today = timezone.localdate()
    QuietPeriod.objects.create(organisation=world.org, start=today - dt.timedelta(days=1), end=today, reason="Verhuis")
    return propose_match(need, offer, by=world.coordinator)


def ids(response) -> list[str]:
    return [row["id"] for row in response.json()["items"]]


# Needs


def test_staff_and_the_posting_partner_read_a_need(world, api_as, need):
    for user in (world.coordinator, world.faculty, world.partner, world.outsider):
        response = api_as(user).get(f"/needs/{need.public_id}")
        assert response.status_code == 200, user
        assert response.json()["organisation"]["name"] == "Buurtwerk De Brug"
        assert response.json()["themes"] == [{"slug": "education", "name": "Education"}]


def test_a_partner_of_another_organisation_and_a_student_get_404_for_a_need(world, api_as, need):
    assert api_as(world.other_partner).get(f"/needs/{need.public_id}").status_code == 404
    assert api_as(world.student).get(f"/needs/{need.public_id}").status_code == 404
    assert ids(api_as(world.other_partner).get("/needs")) == []


def test_an_anonymous_caller_gets_401_for_needs_offers_matches_and_proposals(world, api_as, need):
    for path in ("/needs", f"/needs/{need.public_id}", "/offers", "/matches", "/organisation-proposals"):
        assert api_as(None).get(path).status_code == 401


def test_needs_filter_by_status_theme_and_organisation(world, api_as, need):
    other = make_need(world.other_org, by=world.coordinator, title="Sportkamp")
    client = api_as(world.coordinator)
    assert ids(client.get("/needs", theme="education")) == [str(need.public_id)]
    assert ids(client.get("/needs", organisation=str(world.other_org.public_id))) == [str(other.public_id)]
    assert ids(client.get("/needs", status="closed")) == []
    assert ids(client.get("/needs", q="sport")) == [str(other.public_id)]
    assert client.get("/needs", status="nonsense").status_code == 422


def test_the_need_list_costs_the_same_queries_for_3_or_15(world, api_as, education):
    client = api_as(world.coordinator)
    for _ in range(3):
        make_need(world.org, by=world.coordinator, themes=[education])
    small = count_queries(lambda: client.get("/needs"))
    for _ in range(12):
        make_need(f.make_organisation(), by=world.coordinator, themes=[education])
    assert count_queries(lambda: client.get("/needs")) == small


# Offers


def test_staff_read_their_institutions_offers_only(world, api_as, offer):
    make_offer(world.b, by=world.outsider, title="Elders")
    response = api_as(world.faculty).get("/offers")
    assert ids(response) == [str(offer.public_id)]
    assert response.json()["items"][0]["institution"] == "uas"
    assert api_as(world.outsider).get(f"/offers/{offer.public_id}").status_code == 404
    assert api_as(world.partner).get(f"/offers/{offer.public_id}").status_code == 404


def test_offers_filter_by_status_and_course(world, api_as, offer):
    course = f.make_course(world.a, [world.faculty_person])
    with_course = make_offer(world.a, by=world.coordinator, course=course)
    client = api_as(world.coordinator)
    assert ids(client.get("/offers", course=str(course.public_id))) == [str(with_course.public_id)]
    assert ids(client.get("/offers", status="closed")) == []


def test_staff_add_an_offer(world, api_as, education):
    course = f.make_course(world.a, [world.faculty_person])
    body = {
        "title": "Huiswerkbegeleiding",
        "course": str(course.public_id),
        "themes": ["education"],
        "period_start": "2026-09-15",
        "period_end": "2027-01-31",
        "students": 4,
    }
    response = api_as(world.faculty).post("/offers", body)
    assert response.status_code == 201, response.content
    offer = Offer.objects.get(public_id=response.json()["id"])
    assert (offer.institution, offer.course, list(offer.themes.all())) == (world.a, course, [education])


def test_an_offer_ending_before_it_starts_is_refused_and_nothing_is_saved(world, api_as):
    body = {"title": "X", "period_start": "2026-09-15", "period_end": "2026-01-31"}
    response = api_as(world.coordinator).post("/offers", body)
    assert response.status_code == 400
    assert response.json()["errors"] == {"period_end": ["The end date cannot be before the start date."]}
    assert not Offer.objects.exists()


def test_an_offer_with_another_institutions_course_is_refused(world, api_as):
    course = f.make_course(world.b, [world.outsider_person])
    body = {"title": "X", "course": str(course.public_id), "period_start": "2026-09-15", "period_end": "2027-01-31"}
    response = api_as(world.coordinator).post("/offers", body)
    assert response.status_code == 400 and response.json()["errors"]["course"]
    assert not Offer.objects.exists()


def test_students_and_partners_may_not_add_offers(world, api_as):
    body = {"title": "X", "period_start": "2026-09-15", "period_end": "2027-01-31"}
    assert api_as(world.student).post("/offers", body).status_code == 403
    assert api_as(world.partner).post("/offers", body).status_code == 403
    assert api_as(None).post("/offers", body).status_code == 401
    assert not Offer.objects.exists()


def test_the_offer_list_costs_the_same_queries_for_3_or_15(world, api_as, education):
    client = api_as(world.coordinator)
    for _ in range(3):
        make_offer(world.a, by=world.coordinator, themes=[education])
    small = count_queries(lambda: client.get("/offers"))
    for _ in range(12):
        make_offer(
            world.a, by=world.coordinator, themes=[education], course=f.make_course(world.a, [world.faculty_person])
        )
    assert count_queries(lambda: client.get("/offers")) == small


# Matches and the capacity guard


def test_staff_propose_an_offer_for_a_need(world, api_as, need, offer):
    body = {"offer": str(offer.public_id), "message": "Dag Pia"}
    response = api_as(world.faculty).post(f"/needs/{need.public_id}/matches", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["status"], data["channel"], data["held_reason"]) == ("proposed", "faculty", "")
    assert data["offer"]["id"] == str(offer.public_id)


def test_a_proposal_in_the_quiet_period_comes_back_held_with_its_reason(world, api_as, need, offer):
    today = timezone.localdate()
    QuietPeriod.objects.create(organisation=world.org, start=today, end=today + dt.timedelta(days=3))
    response = api_as(world.coordinator).post(f"/needs/{need.public_id}/matches", {"offer": str(offer.public_id)})
    assert response.status_code == 201
    assert response.json()["status"] == "held"
    assert "Buurtwerk De Brug asked for quiet until" in response.json()["held_reason"]


def test_proposing_the_same_offer_twice_is_refused(world, api_as, need, offer):
    client = api_as(world.coordinator)
    assert client.post(f"/needs/{need.public_id}/matches", {"offer": str(offer.public_id)}).status_code == 201
    response = client.post(f"/needs/{need.public_id}/matches", {"offer": str(offer.public_id)})
    assert response.status_code == 400
    assert response.json()["detail"] == "This offer is already proposed for this need."
    assert Match.objects.count() == 1


def test_proposing_another_institutions_offer_is_refused(world, api_as, need):
    theirs = make_offer(world.b, by=world.outsider)
    response = api_as(world.coordinator).post(f"/needs/{need.public_id}/matches", {"offer": str(theirs.public_id)})
    assert response.status_code == 400 and response.json()["errors"]["offer"]
    assert not Match.objects.exists()


def test_partners_and_students_may_not_propose_a_match(world, api_as, need, offer):
    body = {"offer": str(offer.public_id)}
    assert api_as(world.partner).post(f"/needs/{need.public_id}/matches", body).status_code == 403
    assert api_as(world.other_partner).post(f"/needs/{need.public_id}/matches", body).status_code == 404
    assert api_as(world.student).post(f"/needs/{need.public_id}/matches", body).status_code == 404
    assert api_as(None).post(f"/needs/{need.public_id}/matches", body).status_code == 401
    assert not Match.objects.exists()


def test_the_office_overrides_a_hold_with_a_reason(world, api_as, held):
    response = api_as(world.coordinator).post(
        f"/matches/{held.public_id}/override", {"version": held.version, "reason": "Zij vroegen erom."}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["override_reason"]) == ("proposed", "Zij vroegen erom.")


def test_an_override_without_a_reason_is_refused_and_a_stale_one_gets_409(world, api_as, held):
    client = api_as(world.coordinator)
    response = client.post(f"/matches/{held.public_id}/override", {"version": held.version, "reason": ""})
    assert response.status_code == 400
    assert response.json()["errors"]["override_reason"]
    response = client.post(f"/matches/{held.public_id}/override", {"version": held.version + 1, "reason": "Toch"})
    assert response.status_code == 409
    held.refresh_from_db()
    assert held.status == Match.Status.HELD


def test_faculty_may_not_override_a_hold_and_outsiders_do_not_see_it(world, api_as, held):
    body = {"version": held.version, "reason": "Toch"}
    assert api_as(world.faculty).post(f"/matches/{held.public_id}/override", body).status_code == 403
    assert api_as(world.outsider).post(f"/matches/{held.public_id}/override", body).status_code == 404
    # A held proposal has not been asked of the partner yet.
    assert api_as(world.partner).post(f"/matches/{held.public_id}/override", body).status_code == 404
    held.refresh_from_db()
    assert held.status == Match.Status.HELD


def test_matches_filter_by_status_and_channel(world, api_as, held, need):
    other = make_offer(world.a, by=world.coordinator, title="Tweede")
    QuietPeriod.objects.all().delete()
    sent = propose_match(need, other, by=world.faculty)
    client = api_as(world.coordinator)
    assert ids(client.get("/matches", status="held")) == [str(held.public_id)]
    assert ids(client.get("/matches", channel="faculty")) == [str(sent.public_id)]
    assert ids(api_as(world.partner).get("/matches")) == [str(sent.public_id)]
    assert ids(api_as(world.outsider).get("/matches")) == []
    assert api_as(world.other_partner).get(f"/matches/{sent.public_id}").status_code == 404


def test_the_match_list_costs_the_same_queries_for_3_or_15(world, api_as, need):
    client = api_as(world.coordinator)
    for _ in range(3):
        propose_match(need, make_offer(world.a, by=world.coordinator), by=world.coordinator, score=1.0, reasons=[])
    small = count_queries(lambda: client.get("/matches"))
    for _ in range(12):
        other_need = make_need(f.make_organisation(), by=world.coordinator)
        propose_match(other_need, make_offer(world.a, by=world.coordinator), by=world.coordinator, score=1.0)
    assert count_queries(lambda: client.get("/matches")) == small


# Organisation proposals


PROPOSAL = {"name": "Voedselteam", "description": "Voedselverdeling", "why": "Ze zoeken hulp"}


def test_a_student_proposes_an_organisation_and_sees_only_their_own(world, api_as):
    response = api_as(world.student).post("/organisation-proposals", PROPOSAL)
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "submitted"
    other = f.make_user("student", institution=world.a, username="student2")
    propose_organisation(by=other, criteria={}, **PROPOSAL | {"name": "Ander"})
    assert [p["name"] for p in api_as(world.student).get("/organisation-proposals").json()["items"]] == ["Voedselteam"]
    assert len(api_as(world.coordinator).get("/organisation-proposals").json()["items"]) == 2


def test_only_students_propose_organisations(world, api_as):
    assert api_as(world.coordinator).post("/organisation-proposals", PROPOSAL).status_code == 403
    assert api_as(world.partner).post("/organisation-proposals", PROPOSAL).status_code == 403
    assert not OrganisationProposal.objects.exists()


def test_a_proposal_without_a_description_or_with_a_bad_website_is_refused(world, api_as):
    client = api_as(world.student)
    response = client.post("/organisation-proposals", PROPOSAL | {"website": "geen adres"})
    assert response.status_code == 400 and response.json()["errors"]["website"]
    response = client.post("/organisation-proposals", {"name": "X", "why": "Y"})
    assert response.status_code == 422 and "description" in response.json()["errors"]
    assert not OrganisationProposal.objects.exists()


@pytest.fixture
def proposal(world) -> OrganisationProposal:
    return propose_organisation(by=world.student, criteria={}, **PROPOSAL)


def test_the_coordinator_approves_a_proposal_and_the_organisation_joins_the_directory(world, api_as, proposal):
    response = api_as(world.coordinator).post(
        f"/organisation-proposals/{proposal.public_id}/decision", {"version": 1, "decision": "approved"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    assert response.json()["organisation"]["name"] == "Voedselteam"
    assert Organisation.objects.filter(name="Voedselteam").exists()


def test_declining_needs_a_reason_and_a_stale_decision_gets_409(world, api_as, proposal):
    client = api_as(world.coordinator)
    path = f"/organisation-proposals/{proposal.public_id}/decision"
    response = client.post(path, {"version": 1, "decision": "declined"})
    assert response.status_code == 400 and response.json()["errors"] == {"reason": ["Tell the student why."]}
    assert client.post(path, {"version": 7, "decision": "declined", "reason": "Nee"}).status_code == 409
    proposal.refresh_from_db()
    assert proposal.status == OrganisationProposal.Status.SUBMITTED


def test_the_student_faculty_and_outsiders_may_not_decide(world, api_as, proposal):
    path = f"/organisation-proposals/{proposal.public_id}/decision"
    body = {"version": 1, "decision": "approved"}
    assert api_as(world.student).post(path, body).status_code == 403
    assert api_as(world.faculty).post(path, body).status_code == 403
    assert api_as(world.outsider).post(path, body).status_code == 404
    assert api_as(world.partner).post(path, body).status_code == 404
    assert api_as(world.partner).get(f"/organisation-proposals/{proposal.public_id}").status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == OrganisationProposal.Status.SUBMITTED


def test_the_proposal_list_costs_the_same_queries_for_3_or_15(world, api_as):
    client = api_as(world.coordinator)
    for i in range(3):
        propose_organisation(by=world.student, criteria={}, **PROPOSAL | {"name": f"Org {i}"})
    small = count_queries(lambda: client.get("/organisation-proposals"))
    for i in range(12):
        student = f.make_user("student", institution=world.a, username=f"s{i}")
        propose_organisation(by=student, criteria={}, **PROPOSAL | {"name": f"Ander {i}"})
    assert count_queries(lambda: client.get("/organisation-proposals")) == small
