"""The rest of matchmaking through the API, with the same rules as the pages: entering and changing needs,
internal notes, changing offers, withdrawing a match, the points of attention, resending a proposal, the
channel mix, the weights, organisations' quiet periods and the institution's criteria for a good partner."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Role
from api.tests.support import ApiClient, count_queries
from matching import loaders
from matching.availability import add_criterion, add_quiet_period
from matching.models import Match, Need, NeedNote, Offer, OrganisationProposal, PartnerCriterion, QuietPeriod
from matching.services import add_need_note, decide_proposal, propose_match, propose_organisation
from matching.tests.helpers import ALL_YES, make_need, make_offer
from network.models import Theme
from tests import factories as f

TODAY = timezone.localdate


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
def match(world, need, offer) -> Match:
    return propose_match(need, offer, by=world.coordinator)


def put(client: ApiClient, path: str, body: Any) -> Any:
    return client.client.put(
        f"/api{path}", data=json.dumps(body, default=str), content_type="application/json", headers=client.headers
    )


def delete(client: ApiClient, path: str, **params: Any) -> Any:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.client.delete(f"/api{path}" + (f"?{query}" if query else ""), headers=client.headers)


def ids(response) -> list:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["items"]]


def _days(n: int) -> str:
    return (TODAY() + dt.timedelta(days=n)).isoformat()


NEED_BODY = {
    "title": "Taallessen voor nieuwkomers",
    "description": "Twee avonden per week oefenen met Nederlands.",
    "themes": ["education"],
    "period_start": "2026-10-01",
    "period_end": "2027-03-31",
    "max_students": 3,
    "stance_students": "supporters",
}


# Entering and changing needs.


def test_staff_enter_a_need_on_a_partners_behalf_and_it_is_open_at_once(world, api_as, education):
    body = {**NEED_BODY, "organisation": str(world.org.public_id)}
    response = api_as(world.coordinator).post("/needs", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["status"], data["organisation"]["name"], data["max_students"]) == ("open", "Buurtwerk De Brug", 3)
    assert data["location"] == "Gent" and data["stance_students"] == "supporters"
    assert api_as(world.outsider).get(f"/needs/{data['id']}").status_code == 200


def test_a_partner_enters_a_need_for_its_own_organisation_only(world, api_as, education):
    client = api_as(world.partner)
    response = client.post("/needs", NEED_BODY)
    assert response.status_code == 201, response.content
    assert Need.objects.get(public_id=response.json()["id"]).organisation == world.org
    refused = client.post("/needs", {**NEED_BODY, "organisation": str(world.other_org.public_id)})
    assert refused.status_code == 400 and refused.json()["errors"]["organisation"]
    assert Need.objects.count() == 1


def test_entering_a_need_is_refused_for_a_student_an_anonymous_caller_and_bad_input(world, api_as, education):
    assert api_as(world.student).post("/needs", NEED_BODY).status_code == 403
    assert api_as(None).post("/needs", NEED_BODY).status_code == 401
    client = api_as(world.coordinator)
    without = client.post("/needs", NEED_BODY)
    assert without.status_code == 400 and "organisation" in without.json()["errors"]
    body = {**NEED_BODY, "organisation": str(world.org.public_id), "period_end": "2026-01-01"}
    backwards = client.post("/needs", body)
    assert backwards.status_code == 400
    assert backwards.json()["errors"] == {"period_end": ["The end date cannot be before the start date."]}
    assert client.post("/needs", {**body, "stance_students": "bosses"}).status_code == 422
    assert not Need.objects.exists()


def test_staff_who_entered_a_need_change_it_and_a_stale_version_gets_409(world, api_as, need):
    client = api_as(world.faculty)
    response = client.patch(f"/needs/{need.public_id}", {"version": 1, "max_students": 5, "status": "closed"})
    assert response.status_code == 200, response.content
    assert (response.json()["max_students"], response.json()["status"], response.json()["version"]) == (5, "closed", 2)
    stale = client.patch(f"/needs/{need.public_id}", {"version": 1, "title": "Anders"})
    assert stale.status_code == 409
    need.refresh_from_db()
    assert need.title != "Anders"


def test_changing_a_need_is_refused_for_other_institutions_other_partners_and_empty_titles(world, api_as, need):
    assert api_as(world.outsider).patch(f"/needs/{need.public_id}", {"version": 1, "title": "X"}).status_code == 403
    assert api_as(world.other_partner).patch(f"/needs/{need.public_id}", {"version": 1}).status_code == 404
    assert api_as(world.partner).patch(f"/needs/{need.public_id}", {"version": 1, "max_students": 2}).status_code == 200
    empty = api_as(world.coordinator).patch(f"/needs/{need.public_id}", {"version": 2, "title": None})
    assert empty.status_code == 400 and "title" in empty.json()["errors"]


# Internal notes.


def test_staff_add_and_read_their_own_institutions_notes_only(world, api_as, need):
    add_need_note(need, by=world.outsider, text="Notitie van elders")
    client = api_as(world.faculty)
    response = client.post(f"/needs/{need.public_id}/notes", {"text": "Ann belde terug."})
    assert response.status_code == 201, response.content
    assert response.json()["author"] == "Fien Docent"
    listed = client.get(f"/needs/{need.public_id}/notes").json()["items"]
    assert [n["text"] for n in listed] == ["Ann belde terug."]
    assert api_as(world.partner).get(f"/needs/{need.public_id}/notes").status_code == 403
    assert api_as(world.other_partner).get(f"/needs/{need.public_id}/notes").status_code == 404
    assert api_as(None).get(f"/needs/{need.public_id}/notes").status_code == 401


def test_an_empty_note_is_refused_on_its_field(world, api_as, need):
    response = api_as(world.coordinator).post(f"/needs/{need.public_id}/notes", {"text": "   "})
    assert response.status_code == 400 and response.json()["errors"] == {"text": ["Write the note."]}
    assert not NeedNote.objects.exists()


def test_the_note_list_costs_the_same_queries_for_2_or_12(world, api_as, need):
    client = api_as(world.coordinator)
    for i in range(2):
        add_need_note(need, by=world.coordinator, text=f"Notitie {i}")
    small = count_queries(lambda: client.get(f"/needs/{need.public_id}/notes"))
    for i in range(10):
        add_need_note(need, by=world.faculty, text=f"Meer {i}")
    assert count_queries(lambda: client.get(f"/needs/{need.public_id}/notes")) == small


# Offers.


def test_staff_change_their_institutions_offer(world, api_as, offer):
    course = f.make_course(world.a, [world.faculty_person])
    body = {"version": 1, "students": 6, "course": str(course.public_id), "themes": []}
    response = api_as(world.faculty).patch(f"/offers/{offer.public_id}", body)
    assert response.status_code == 200, response.content
    offer.refresh_from_db()
    assert (offer.students, offer.course, list(offer.themes.all()), offer.version) == (6, course, [], 2)


def test_changing_an_offer_is_refused_for_outsiders_partners_stale_versions_and_bad_input(world, api_as, offer):
    assert api_as(world.outsider).patch(f"/offers/{offer.public_id}", {"version": 1}).status_code == 404
    assert api_as(world.partner).patch(f"/offers/{offer.public_id}", {"version": 1}).status_code == 404
    client = api_as(world.coordinator)
    backwards = client.patch(f"/offers/{offer.public_id}", {"version": 1, "period_end": "2020-01-01"})
    assert backwards.status_code == 400 and "period_end" in backwards.json()["errors"]
    foreign = f.make_course(world.b, [world.outsider_person])
    assert (
        client.patch(f"/offers/{offer.public_id}", {"version": 1, "course": str(foreign.public_id)}).status_code == 400
    )
    assert client.patch(f"/offers/{offer.public_id}", {"version": 1, "status": "closed"}).status_code == 200
    assert client.patch(f"/offers/{offer.public_id}", {"version": 1, "status": "open"}).status_code == 409
    offer.refresh_from_db()
    assert offer.status == "closed"


# Matches: withdraw and the points of attention.


def test_staff_withdraw_an_open_proposal(world, api_as, match):
    client = api_as(world.faculty)
    response = client.post(f"/matches/{match.public_id}/withdraw", {"version": match.version})
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    again = client.post(f"/matches/{match.public_id}/withdraw", {"version": response.json()["version"]})
    assert again.status_code == 400


def test_withdrawing_is_refused_for_outsiders_partners_and_stale_versions(world, api_as, match):
    assert api_as(world.outsider).post(f"/matches/{match.public_id}/withdraw", {"version": 1}).status_code == 404
    assert api_as(world.partner).post(f"/matches/{match.public_id}/withdraw", {"version": 1}).status_code == 403
    assert api_as(world.coordinator).post(f"/matches/{match.public_id}/withdraw", {"version": 9}).status_code == 409
    match.refresh_from_db()
    assert match.status == Match.Status.PROPOSED


def test_staff_save_their_side_of_the_points_of_attention_and_the_partner_reads_it(world, api_as, match):
    response = put(api_as(world.coordinator), f"/matches/{match.public_id}/attention", {"answers": ALL_YES})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["institution"]["done"] and not data["partner"]["done"]
    assert data["institution"]["by"] == "Cora Coördinator"
    assert {p["code"] for p in data["points"]} >= {"common_goal", "lasting"}
    assert data["points"][0]["institution"] == {"answer": "yes", "label": "Yes", "note": ""}
    seen = api_as(world.partner).get(f"/matches/{match.public_id}/attention")
    assert seen.status_code == 200 and seen.json()["institution"]["done"]


def test_the_points_of_attention_refuse_partial_answers_other_roles_and_outsiders(world, api_as, match):
    partial = {code: item for code, item in ALL_YES.items() if code != "lasting"}
    client = api_as(world.coordinator)
    response = put(client, f"/matches/{match.public_id}/attention", {"answers": partial})
    assert response.status_code == 400
    assert response.json()["errors"] == {"answers.lasting": ["Answer this point."]}
    bad = {**ALL_YES, "lasting": {"answer": "maybe"}}
    assert put(client, f"/matches/{match.public_id}/attention", {"answers": bad}).status_code == 422
    assert put(api_as(world.partner), f"/matches/{match.public_id}/attention", {"answers": ALL_YES}).status_code == 403
    assert api_as(world.other_partner).get(f"/matches/{match.public_id}/attention").status_code == 404
    assert api_as(world.outsider).get(f"/matches/{match.public_id}/attention").status_code == 404
    match.refresh_from_db()
    assert match.attention == {}


# Organisation proposals: the student resends after "asks for more".


@pytest.fixture
def sent_back(world) -> OrganisationProposal:
    proposal = propose_organisation(
        by=world.student, criteria={}, name="Voedselteam", description="Voedsel verdelen.", why="Logistiek."
    )
    return decide_proposal(
        proposal, by=world.coordinator, decision="more_info", reason="Wie begeleidt?", expected_version=1
    )


@pytest.mark.usefixtures("english")
def test_the_student_changes_and_resends_a_proposal_that_was_sent_back(world, api_as, sent_back):
    criterion = add_criterion(world.a, by=world.coordinator, text_nl="Een vzw", text_en="A non-profit")
    body = {"version": sent_back.version, "why": "Een vaste begeleider.", "criteria": {str(criterion.pk): {"ok": True}}}
    response = api_as(world.student).patch(f"/organisation-proposals/{sent_back.public_id}", body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["status"], data["why"], data["name"]) == ("submitted", "Een vaste begeleider.", "Voedselteam")
    assert data["criteria"] == [{"criterion": criterion.pk, "ok": True, "comment": ""}]
    again = api_as(world.student).patch(f"/organisation-proposals/{sent_back.public_id}", {"version": data["version"]})
    assert again.status_code == 400


def test_resending_is_refused_for_staff_other_students_and_stale_versions(world, api_as, sent_back):
    path = f"/organisation-proposals/{sent_back.public_id}"
    assert api_as(world.coordinator).patch(path, {"version": sent_back.version}).status_code == 403
    classmate = f.make_user(Role.STUDENT, institution=world.a, username="classmate")
    assert api_as(classmate).patch(path, {"version": sent_back.version}).status_code == 404
    assert api_as(world.outsider).patch(path, {"version": sent_back.version}).status_code == 404
    assert api_as(world.student).patch(path, {"version": 1, "why": "Oud"}).status_code == 409
    assert api_as(world.student).patch(path, {"version": sent_back.version, "name": None}).status_code == 400
    sent_back.refresh_from_db()
    assert sent_back.status == OrganisationProposal.Status.MORE_INFO


# The channel mix and the weights.


def test_staff_read_the_channel_mix_of_their_own_institution(world, api_as, need, offer):
    propose_match(need, offer, by=world.faculty)
    other = make_need(world.other_org, by=world.outsider)
    propose_match(other, make_offer(world.b, by=world.outsider), by=world.outsider)
    response = api_as(world.coordinator).get("/matching/channels")
    assert response.status_code == 200
    years = response.json()
    assert len(years) == 1 and years[0]["total"] == 1
    faculty = next(c for c in years[0]["channels"] if c["channel"] == "faculty")
    assert (faculty["total"], faculty["share"]) == (1, 100)
    for user in (world.student, world.partner):
        assert api_as(user).get("/matching/channels").status_code == 403
    assert api_as(None).get("/matching/channels").status_code == 401


def test_staff_read_the_weights_and_the_office_saves_them_once_per_stamp(world, api_as):
    read = api_as(world.faculty).get("/matching/weights")
    assert read.status_code == 200 and read.json()["stamp"] == ""
    assert put(api_as(world.faculty), "/matching/weights", {"weights": {"load": 4}, "stamp": ""}).status_code == 403
    client = api_as(world.coordinator)
    saved = put(client, "/matching/weights", {"weights": {"load": 4}, "stamp": ""})
    assert saved.status_code == 200 and saved.json()["weights"]["load"] == 4
    assert put(client, "/matching/weights", {"weights": {"load": 1}, "stamp": ""}).status_code == 409
    assert put(client, "/matching/weights", {"weights": {"load": 11}, "stamp": ""}).status_code == 422
    assert put(client, "/matching/weights", {"weights": {"magic": 1}, "stamp": ""}).status_code == 422
    assert api_as(world.outsider).get("/matching/weights").json()["weights"]["load"] != 4
    assert api_as(world.partner).get("/matching/weights").status_code == 403


# Quiet periods.


def _quiet(org) -> str:
    return f"/matching/organisations/{org.public_id}/quiet-periods"


@pytest.mark.usefixtures("english")
def test_a_quiet_period_set_through_the_api_holds_a_proposal_made_through_the_api(world, api_as, need, offer):
    response = api_as(world.partner).post(_quiet(world.org), {"start": _days(0), "end": _days(30), "reason": "Verhuis"})
    assert response.status_code == 201, response.content
    assert response.json()["entered_by"] and response.json()["entered_by_institution"] is None
    proposed = api_as(world.coordinator).post(f"/needs/{need.public_id}/matches", {"offer": str(offer.public_id)})
    assert proposed.status_code == 201
    assert proposed.json()["status"] == "held" and "Verhuis" in proposed.json()["held_reason"]


def test_staff_of_every_institution_read_quiet_periods_but_students_and_other_partners_do_not(world, api_as):
    period = add_quiet_period(world.org, by=world.partner, start=TODAY(), end=TODAY() + dt.timedelta(days=3))
    for user in (world.coordinator, world.faculty, world.outsider, world.partner):
        assert ids(api_as(user).get(_quiet(world.org))) == [period.pk], user
    assert ids(api_as(world.coordinator).get(_quiet(world.org), when="past")) == []
    assert api_as(world.student).get(_quiet(world.org)).status_code == 403
    assert api_as(world.other_partner).get(_quiet(world.org)).status_code == 404
    assert api_as(None).get(_quiet(world.org)).status_code == 401


@pytest.mark.usefixtures("english")
def test_an_overlapping_or_backwards_quiet_period_is_refused_on_its_field(world, api_as):
    add_quiet_period(world.org, by=world.partner, start=TODAY(), end=TODAY() + dt.timedelta(days=10))
    client = api_as(world.partner)
    overlap = client.post(_quiet(world.org), {"start": _days(5), "end": _days(20)})
    assert overlap.status_code == 400 and "overlaps" in overlap.json()["errors"]["start"][0]
    backwards = client.post(_quiet(world.org), {"start": _days(30), "end": _days(20)})
    assert backwards.json()["errors"] == {"end": ["The end date cannot be before the start date."]}
    assert QuietPeriod.objects.count() == 1


def test_the_office_enters_a_period_for_the_partner_but_faculty_and_other_partners_may_not(world, api_as):
    assert api_as(world.coordinator).post(_quiet(world.org), {"start": _days(1), "end": _days(2)}).status_code == 201
    assert api_as(world.faculty).post(_quiet(world.org), {"start": _days(5), "end": _days(6)}).status_code == 403
    assert api_as(world.other_partner).post(_quiet(world.org), {"start": _days(5), "end": _days(6)}).status_code == 404
    assert QuietPeriod.objects.get().created_by == world.coordinator


def test_the_partner_changes_and_removes_its_period_and_other_institutions_may_not(world, api_as):
    period = add_quiet_period(world.org, by=world.partner, start=TODAY(), end=TODAY() + dt.timedelta(days=3))
    path = f"{_quiet(world.org)}/{period.pk}"
    assert api_as(world.outsider).patch(path, {"version": 1, "reason": "X"}).status_code == 403
    assert delete(api_as(world.coordinator), path).status_code == 403
    assert api_as(world.other_partner).patch(path, {"version": 1}).status_code == 404
    client = api_as(world.partner)
    changed = client.patch(path, {"version": 1, "end": _days(7), "reason": "Langer"})
    assert changed.status_code == 200 and (changed.json()["reason"], changed.json()["version"]) == ("Langer", 2)
    assert client.patch(path, {"version": 1, "reason": "Oud"}).status_code == 409
    assert delete(client, path, version=1).status_code == 409
    assert delete(client, path, version=2).status_code == 204
    assert not QuietPeriod.objects.exists()
    assert delete(client, path).status_code == 404


def test_the_quiet_period_list_costs_the_same_queries_for_2_or_12(world, api_as):
    def add(n: int, offset: int) -> None:
        for i in range(n):
            start = TODAY() + dt.timedelta(days=offset + 3 * i)
            by = world.partner if i % 2 else world.coordinator
            add_quiet_period(world.org, by=by, start=start, end=start + dt.timedelta(days=1))

    add(2, 0)
    client = api_as(world.outsider)
    small = count_queries(lambda: client.get(_quiet(world.org)))
    add(10, 100)
    assert count_queries(lambda: client.get(_quiet(world.org))) == small


# Criteria for a good partner.


def test_the_office_keeps_the_criteria_and_every_member_reads_them_in_order(world, api_as):
    client = api_as(world.coordinator)
    first = client.post("/matching/criteria", {"text_nl": "Een vzw", "text_en": "A non-profit"})
    second = client.post("/matching/criteria", {"text_nl": "Een mentor", "text_en": "A mentor"})
    assert first.status_code == second.status_code == 201
    assert (first.json()["order"], second.json()["order"]) == (1, 2)
    moved = client.patch(f"/matching/criteria/{first.json()['id']}", {"version": 1, "order": 3})
    assert moved.status_code == 200 and moved.json()["version"] == 2
    student = api_as(world.student, accept_language="nl").get("/matching/criteria").json()["items"]
    assert [c["text"] for c in student] == ["Een mentor", "Een vzw"]
    assert delete(client, f"/matching/criteria/{first.json()['id']}", version=2).status_code == 204
    assert [c["text"] for c in api_as(world.faculty).get("/matching/criteria").json()["items"]] == ["A mentor"]


def test_criteria_are_refused_to_other_roles_and_invisible_to_other_institutions(world, api_as):
    criterion = add_criterion(world.a, by=world.coordinator, text_nl="Een vzw", text_en="A non-profit")
    assert api_as(world.faculty).post("/matching/criteria", {"text_nl": "X", "text_en": "X"}).status_code == 403
    assert api_as(world.student).patch(f"/matching/criteria/{criterion.pk}", {"version": 1}).status_code == 403
    assert api_as(world.partner).get("/matching/criteria").status_code == 403
    assert ids(api_as(world.outsider).get("/matching/criteria")) == []
    assert api_as(world.outsider).patch(f"/matching/criteria/{criterion.pk}", {"version": 1}).status_code == 404
    assert delete(api_as(world.outsider), f"/matching/criteria/{criterion.pk}").status_code == 404
    assert api_as(None).get("/matching/criteria").status_code == 401
    assert PartnerCriterion.objects.get().text_en == "A non-profit"


def test_a_criterion_needs_both_languages_and_a_stale_change_gets_409(world, api_as):
    client = api_as(world.coordinator)
    empty = client.post("/matching/criteria", {"text_nl": "Een vzw", "text_en": " "})
    assert empty.status_code == 400 and "text_en" in empty.json()["errors"]
    assert client.post("/matching/criteria", {"text_nl": "Een vzw"}).status_code == 422
    criterion = add_criterion(world.a, by=world.coordinator, text_nl="Een vzw", text_en="A non-profit")
    assert client.patch(f"/matching/criteria/{criterion.pk}", {"version": 1, "text_en": "A charity"}).status_code == 200
    assert client.patch(f"/matching/criteria/{criterion.pk}", {"version": 1, "text_en": "Lost"}).status_code == 409
    assert PartnerCriterion.objects.get().text_en == "A charity"


def test_the_criteria_list_costs_the_same_queries_for_2_or_12(world, api_as):
    for i in range(2):
        add_criterion(world.a, by=world.coordinator, text_nl=f"C{i}", text_en=f"C{i}")
    client = api_as(world.student)
    small = count_queries(lambda: client.get("/matching/criteria"))
    for i in range(10):
        add_criterion(world.a, by=world.coordinator, text_nl=f"D{i}", text_en=f"D{i}")
    assert count_queries(lambda: client.get("/matching/criteria")) == small


def test_trying_weights_shows_how_the_ranking_moves_without_saving(world, api_as, need, education):
    # One offer shares the need's theme, the other its words.
    by_theme = make_offer(
        world.a, by=world.coordinator, title="Sportkamp", learning_goals="Coaching", themes=[education]
    )
    by_words = make_offer(
        world.a, by=world.coordinator, title="Huiswerkbegeleiding", learning_goals="Kinderen helpen met huiswerk"
    )
    client = api_as(world.faculty)
    themes_first = client.post(
        "/matching/weights/trial", {"need": str(need.public_id), "weights": {"themes": 10, "text": 0, "glossary": 0}}
    )
    assert themes_first.status_code == 200, themes_first.content
    rows = themes_first.json()
    assert rows[0]["offer"] == str(by_theme.public_id)
    assert rows[0]["position"] == 1 and rows[0]["saved_position"] is not None
    words_first = client.post(
        "/matching/weights/trial", {"need": str(need.public_id), "weights": {"themes": 0, "text": 10}}
    ).json()
    assert words_first[0]["offer"] == str(by_words.public_id)
    # Nothing was saved; partners, outsiders' needs and anonymous callers get nothing.
    assert client.get("/matching/weights").json()["stamp"] == ""
    body = {"need": str(need.public_id), "weights": {}}
    assert api_as(world.partner).post("/matching/weights/trial", body).status_code == 403
    assert api_as(None).post("/matching/weights/trial", body).status_code == 401
    assert client.post("/matching/weights/trial", {**body, "weights": {"text": 99}}).status_code == 422
