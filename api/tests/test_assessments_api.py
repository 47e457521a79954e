import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from api.tests.support import count_queries
from assessment.models import AgreedAction, Instrument, Round
from assessment.services import add_action
from assessment.tests.helpers import answer, campus, community, make_round
from network.models import SofarRole
from partnerships.models import Partnership
from tests import factories as f


@pytest.fixture
def ps(world) -> Partnership:
    """A partnership of institution A with Buurtwerk De Brug, owned by Cora (the coordinator)."""
    return f.make_partnership(world.a, [world.org], [world.coord_person], title="Buurtcampus")


@pytest.fixture
def tres(db) -> Instrument:
    return Instrument.objects.get(institution=None, slug="relationship-tres")


@pytest.fixture
def round_(world, ps, tres) -> Round:
    return make_round(world, ps, tres, title="Najaar")


def path(round_: Round, tail: str = "") -> str:
    return f"/assessments/rounds/{round_.public_id}{tail}"


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["items"]]


def in_two_weeks() -> str:
    return (timezone.localdate() + dt.timedelta(days=14)).isoformat()


def new(world, ps, **changes):
    return {
        "partnership": str(ps.public_id),
        "instrument": "relationship-tres",
        "closes_on": in_two_weeks(),
        "respondents": [
            {"side": "campus", "name": "Cora Coördinator", "email": "cora@uas.example"},
            {"side": "community", "name": "Pia Partner", "email": "pia@brug.example", "language": "en"},
        ],
        **changes,
    }


# Instruments


def test_staff_list_the_built_in_instruments_with_their_number_of_questions(world, api_as):
    response = api_as(world.faculty).get("/assessments/instruments")
    assert response.status_code == 200
    rows = {row["slug"]: row for row in response.json()["items"]}
    assert rows["relationship-tres"]["built_in"] is True
    assert rows["relationship-tres"]["items"] == Instrument.objects.get(slug="relationship-tres").items.count()
    assert [
        r["slug"] for r in api_as(world.faculty).get("/assessments/instruments", kind="direct").json()["items"]
    ] == ["closeness-equity-integrity"]


def test_a_partner_or_student_may_not_list_instruments_and_anonymous_callers_get_401(world, api_as):
    assert api_as(world.partner).get("/assessments/instruments").status_code == 403
    assert api_as(world.student).get("/assessments/instruments").status_code == 403
    assert api_as(None).get("/assessments/instruments").status_code == 401


# List


def test_staff_list_their_rounds_with_how_many_answered(world, api_as, round_):
    answer(round_.respondents.get(side="campus"), {})
    response = api_as(world.faculty).get("/assessments/rounds")
    assert response.status_code == 200
    [row] = response.json()["items"]
    assert (row["title"], row["invited"], row["answered"]) == ("Najaar", 2, 1)
    assert row["partnership"] == {"id": str(round_.partnership.public_id), "title": "Buurtcampus"}
    assert row["instrument"]["slug"] == "relationship-tres"


def test_rounds_filter_by_partnership_status_and_title(world, api_as, round_, tres):
    other = f.make_partnership(world.a, [world.other_org], [world.coord_person], title="Sportkamp")
    closed = make_round(world, other, tres, title="Voorjaar")
    closed.status = Round.Status.CLOSED
    closed.save()
    client = api_as(world.coordinator)
    assert titles(client.get("/assessments/rounds", partnership=str(other.public_id))) == ["Voorjaar"]
    assert titles(client.get("/assessments/rounds", status="open")) == ["Najaar"]
    assert titles(client.get("/assessments/rounds", q="jaar")) == ["Voorjaar", "Najaar"]


def test_another_institution_sees_none_of_our_rounds(world, api_as, round_):
    assert titles(api_as(world.outsider).get("/assessments/rounds")) == []


def test_partners_and_students_may_not_list_rounds(world, api_as, round_):
    assert api_as(world.partner).get("/assessments/rounds").status_code == 403
    assert api_as(world.other_partner).get("/assessments/rounds").status_code == 403
    assert api_as(world.student).get("/assessments/rounds").status_code == 403
    assert api_as(None).get("/assessments/rounds").status_code == 401


def test_the_round_list_runs_the_same_number_of_queries_for_3_or_15(world, ps, tres, api_as):
    client = api_as(world.coordinator)
    for _ in range(3):
        make_round(world, ps, tres)
    small = count_queries(lambda: client.get("/assessments/rounds"))
    for _ in range(12):
        make_round(world, f.make_partnership(world.a, [f.make_organisation()], [world.coord_person]), tres)
    assert count_queries(lambda: client.get("/assessments/rounds")) == small


# Detail


def test_the_round_shows_who_was_asked_and_who_answered_but_never_a_link(world, api_as, ps, tres):
    person = f.make_person(world.a, SofarRole.FACULTY, first_name="Fien", last_name="Mail", email="fien@uas.example")
    round_ = make_round(world, ps, tres, [campus(person=person, email="fien@uas.example"), community()])
    answer(round_.respondents.get(side="community"), {})
    response = api_as(world.coordinator).get(path(round_))
    assert response.status_code == 200
    people = {(r["name"], r["side"], r["answered"]) for r in response.json()["respondents"]}
    assert people == {("Cora Coördinator", "campus", False), ("Pia Partner", "community", True)}
    campus_row = next(r for r in response.json()["respondents"] if r["side"] == "campus")
    assert campus_row["person"] == str(person.public_id)
    body = response.content.decode()
    for respondent in round_.respondents.all():
        assert respondent.token_hash not in body
    assert "token" not in body and "email" not in body


def test_the_round_detail_takes_the_same_number_of_queries_for_2_or_12_respondents(world, api_as, ps, tres):
    client = api_as(world.coordinator)
    small_round = make_round(world, ps, tres)
    add_action(small_round, by=world.coordinator, what="Evaluatie", who="Cora")
    small = count_queries(lambda: client.get(path(small_round)))
    many = [campus(f"Docent {n}", f"d{n}@uas.example") for n in range(6)]
    many += [community(f"Partner {n}", f"p{n}@brug.example") for n in range(6)]
    big_round = make_round(world, ps, tres, many)
    for n in range(5):
        add_action(big_round, by=world.coordinator, what=f"Actie {n}", who="Cora")
    assert count_queries(lambda: client.get(path(big_round))) == small


def test_outsiders_get_404_for_a_round(world, api_as, round_):
    for user in (world.outsider, world.other_partner, world.student):
        assert api_as(user).get(path(round_)).status_code == 404, user
        assert api_as(user).get(path(round_, "/results")).status_code == 404, user


def test_a_partner_of_the_partnership_may_not_read_the_round_through_the_api(world, api_as, round_):
    assert api_as(world.partner).get(path(round_)).status_code == 403
    assert api_as(world.partner).get(path(round_, "/results")).status_code == 403


def test_an_anonymous_caller_gets_401_for_a_round(world, api_as, round_):
    assert api_as(None).get(path(round_)).status_code == 401
    assert api_as(None).get(path(round_, "/results")).status_code == 401


# Results


def test_the_results_give_means_per_side_the_gap_and_the_sentences(world, api_as, round_):
    answer(round_.respondents.get(side="campus"), {"decision_making": (5, 5)})
    answer(round_.respondents.get(side="community"), {"decision_making": (3, 4)})
    response = api_as(world.faculty).get(path(round_, "/results"))
    assert response.status_code == 200
    data = response.json()
    decisions = next(d for d in data["domains"] if d["domain"] == "decision_making")
    sides = {s["side"]: s for s in decisions["sides"]}
    assert (sides["campus"]["current"], sides["community"]["current"], sides["community"]["gap"]) == (5.0, 3.0, 1.0)
    assert decisions["side_gap"] == 2.0
    assert "transformational" in decisions["sentence"]
    assert data["overall_label"] == "transactional"
    assert data["summary"] and data["previous_round"] is None


def test_the_results_show_the_change_since_the_previous_round(world, api_as, ps, tres, round_):
    answer(round_.respondents.get(side="campus"), {}, default=(2, 4))
    answer(round_.respondents.get(side="community"), {}, default=(2, 4))
    Round.objects.filter(pk=round_.pk).update(created_at=timezone.now() - dt.timedelta(days=200))
    later = make_round(world, ps, tres)
    answer(later.respondents.get(side="campus"), {}, default=(4, 4))
    data = api_as(world.coordinator).get(path(later, "/results")).json()
    assert data["previous_round"] == str(round_.public_id)
    assert {s["change"] for d in data["domains"] for s in d["sides"]} == {2.0}


# Start a round


def test_the_owner_starts_a_round_and_the_invitations_leave(world, api_as, ps, django_capture_on_commit_callbacks):
    person = f.make_person(world.a, SofarRole.FACULTY, first_name="Fien", last_name="Mail", email="fien@uas.example")
    body = new(world, ps)
    body["respondents"][0] = {"side": "campus", "person": str(person.public_id)}
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(world.coordinator).post("/assessments/rounds", body)
    assert response.status_code == 201, response.content
    created = Round.objects.get(public_id=response.json()["id"])
    assert (created.partnership, created.instrument.slug, created.status) == (ps, "relationship-tres", "open")
    assert {(r.name, r.email, r.person) for r in created.respondents.all()} == {
        ("Fien Mail", "fien@uas.example", person),
        ("Pia Partner", "pia@brug.example", None),
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["fien@uas.example", "pia@brug.example"]


def test_faculty_who_do_not_own_the_partnership_may_not_start_a_round(world, api_as, ps):
    assert api_as(world.faculty).post("/assessments/rounds", new(world, ps)).status_code == 403
    assert not Round.objects.exists()


def test_partners_and_students_may_not_start_a_round(world, api_as, ps):
    for user in (world.partner, world.other_partner, world.student):
        assert api_as(user).post("/assessments/rounds", new(world, ps)).status_code == 403, user
    assert not Round.objects.exists()


def test_another_institution_cannot_start_a_round_on_our_partnership(world, api_as, ps):
    response = api_as(world.outsider).post("/assessments/rounds", new(world, ps))
    assert response.status_code == 400
    assert response.json()["errors"]["partnership"]
    assert not Round.objects.exists()


def test_an_anonymous_caller_may_not_start_a_round(world, api_as, ps):
    assert api_as(None).post("/assessments/rounds", new(world, ps)).status_code == 401
    assert not Round.objects.exists()


def test_a_round_that_asks_one_side_only_is_refused_and_nothing_is_sent(world, api_as, ps):
    body = new(world, ps, respondents=[{"side": "campus", "name": "Cora", "email": "cora@uas.example"}])
    response = api_as(world.coordinator).post("/assessments/rounds", body)
    assert response.status_code == 400
    assert "community side" in response.json()["errors"]["respondents"][0]
    assert not Round.objects.exists() and not mail.outbox


def test_an_unknown_instrument_and_a_past_deadline_are_refused_with_field_messages(world, api_as, ps):
    client = api_as(world.coordinator)
    response = client.post("/assessments/rounds", new(world, ps, instrument="nope"))
    assert response.status_code == 400
    assert "nope" in response.json()["errors"]["instrument"][0]
    response = client.post("/assessments/rounds", new(world, ps, closes_on="2020-01-01"))
    assert response.status_code == 400
    assert response.json()["errors"]["closes_on"] == ["The answer deadline cannot be in the past."]
    response = client.post("/assessments/rounds", new(world, ps, closes_on="someday"))
    assert response.status_code == 422
    assert "closes_on" in response.json()["errors"]
    assert not Round.objects.exists()


def test_a_person_of_another_institution_cannot_be_asked(world, api_as, ps):
    body = new(world, ps)
    body["respondents"][0] = {"side": "campus", "person": str(world.outsider_person.public_id)}
    response = api_as(world.coordinator).post("/assessments/rounds", body)
    assert response.status_code == 400
    assert response.json()["errors"]["respondents"]
    assert not Round.objects.exists()


# Close


def test_the_owner_closes_a_round(world, api_as, round_):
    response = api_as(world.coordinator).post(path(round_, "/close"), {})
    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    assert api_as(world.coordinator).post(path(round_, "/close"), {}).status_code == 200


def test_only_who_may_change_the_partnership_closes_a_round(world, api_as, round_):
    assert api_as(world.faculty).post(path(round_, "/close"), {}).status_code == 403
    assert api_as(world.partner).post(path(round_, "/close"), {}).status_code == 403
    assert api_as(world.outsider).post(path(round_, "/close"), {}).status_code == 404
    assert api_as(world.other_partner).post(path(round_, "/close"), {}).status_code == 404
    assert api_as(None).post(path(round_, "/close"), {}).status_code == 401
    round_.refresh_from_db()
    assert round_.status == "open"


# Agreed actions


def test_the_owner_agrees_on_an_action_and_ticks_it_off(world, api_as, round_):
    client = api_as(world.coordinator)
    body = {"step": "examine", "what": "Samen de planning bekijken", "who": "Cora en Pia"}
    response = client.post(path(round_, "/actions"), body)
    assert response.status_code == 201
    assert response.json()["actions"] == [
        {
            "number": 1,
            "step": "examine",
            "what": "Samen de planning bekijken",
            "who": "Cora en Pia",
            "due_on": None,
            "done": False,
        }
    ]
    response = client.post(path(round_, "/actions/1"), {"done": True})
    assert response.status_code == 200
    assert response.json()["actions"][0]["done"] is True
    assert AgreedAction.objects.get().done


def test_an_action_due_in_the_past_or_without_who_is_refused_and_nothing_saved(world, api_as, round_):
    client = api_as(world.coordinator)
    response = client.post(path(round_, "/actions"), {"what": "Evaluatie", "who": "Cora", "due_on": "2020-01-01"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"due_on": ["Choose a date from today on."]}
    response = client.post(path(round_, "/actions"), {"what": "Evaluatie", "who": ""})
    assert response.status_code == 422
    assert "who" in response.json()["errors"]
    assert not AgreedAction.objects.exists()


def test_ticking_an_action_that_does_not_exist_gets_404(world, api_as, round_):
    assert api_as(world.coordinator).post(path(round_, "/actions/3"), {"done": True}).status_code == 404
    assert api_as(world.coordinator).post(path(round_, "/actions/0"), {"done": True}).status_code == 404


def test_only_who_may_change_the_partnership_agrees_on_or_ticks_actions(world, api_as, round_):
    add_action(round_, by=world.coordinator, what="Evaluatie", who="Cora")
    body = {"what": "Iets anders", "who": "Fien"}
    assert api_as(world.faculty).post(path(round_, "/actions"), body).status_code == 403
    assert api_as(world.faculty).post(path(round_, "/actions/1"), {"done": True}).status_code == 403
    assert api_as(world.outsider).post(path(round_, "/actions"), body).status_code == 404
    assert api_as(world.other_partner).post(path(round_, "/actions/1"), {"done": True}).status_code == 404
    assert api_as(None).post(path(round_, "/actions"), body).status_code == 401
    assert list(AgreedAction.objects.values_list("what", "done")) == [("Evaluatie", False)]
