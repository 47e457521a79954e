import json
from pathlib import Path

import pytest

from api.tests.support import count_queries
from matching import loaders
from matching.tests.helpers import make_need, make_offer
from network.models import Theme

EXAMPLE = json.loads((Path(__file__).resolve().parents[2] / "docs/examples/matching-input.json").read_text("utf-8"))


@pytest.fixture(autouse=True)
def fresh_index():
    loaders.clear_cache()
    yield
    loaders.clear_cache()


@pytest.fixture
def education(db) -> Theme:
    return Theme.objects.create(slug="education", name_nl="Onderwijs", name_en="Education")


@pytest.fixture
def need(world, education):
    return make_need(world.org, by=world.coordinator, themes=[education])


@pytest.fixture
def offer(world, education):
    return make_offer(world.a, by=world.coordinator, themes=[education])


# Suggestions for one need or offer


def test_staff_get_their_institutions_offers_for_a_need_with_reasons(world, api_as, need, offer):
    make_offer(world.b, by=world.outsider, themes=[offer.themes.first()])  # not theirs
    response = api_as(world.faculty).get(f"/matching/needs/{need.public_id}/suggestions")
    assert response.status_code == 200
    body = response.json()
    assert [s["offer"] for s in body] == [str(offer.public_id)]
    reasons = {r["code"]: r for r in body[0]["reasons"]}
    assert reasons["themes"]["points"] == 2.0 and reasons["themes"]["detail"] == "shared: Education"
    assert reasons["glossary"]["label"] == "Bilingual glossary"


def test_staff_get_the_needs_for_their_offer(world, api_as, need, offer):
    response = api_as(world.coordinator).get(f"/matching/offers/{offer.public_id}/suggestions", top=1)
    assert response.status_code == 200
    assert [s["need"] for s in response.json()] == [str(need.public_id)]


def test_another_institution_gets_404_for_an_offers_suggestions(world, api_as, offer):
    assert api_as(world.outsider).get(f"/matching/offers/{offer.public_id}/suggestions").status_code == 404


def test_a_partner_of_another_organisation_gets_404_for_a_needs_suggestions(world, api_as, need):
    assert api_as(world.other_partner).get(f"/matching/needs/{need.public_id}/suggestions").status_code == 404


def test_the_needs_own_partner_and_a_student_get_403(world, api_as, need, offer):
    assert api_as(world.partner).get(f"/matching/needs/{need.public_id}/suggestions").status_code == 403
    assert api_as(world.student).get(f"/matching/offers/{offer.public_id}/suggestions").status_code == 403
    assert api_as(world.student).post("/matching/batch", {"need_ids": [], "offer_ids": []}).status_code == 403


def test_an_anonymous_caller_gets_401(world, api_as, need):
    assert api_as(None).get(f"/matching/needs/{need.public_id}/suggestions").status_code == 401
    assert api_as(None).post("/matching/batch", EXAMPLE).status_code == 401


def test_a_bad_top_is_refused_with_422(world, api_as, need):
    response = api_as(world.coordinator).get(f"/matching/needs/{need.public_id}/suggestions", top=500)
    assert response.status_code == 422
    assert "top" in response.json()["errors"]


def test_the_suggestions_cost_the_same_queries_for_3_or_30_offers(world, api_as, need, education):
    client = api_as(world.coordinator)
    for _ in range(3):
        make_offer(world.a, by=world.coordinator, themes=[education])
    loaders.clear_cache()
    small = count_queries(lambda: client.get(f"/matching/needs/{need.public_id}/suggestions"))
    for _ in range(27):
        make_offer(world.a, by=world.coordinator, themes=[education])
    loaders.clear_cache()
    assert count_queries(lambda: client.get(f"/matching/needs/{need.public_id}/suggestions")) == small


# Batch


def test_a_batch_in_the_documented_format_is_ranked_like_the_command(world, api_as):
    response = api_as(world.coordinator).post("/matching/batch", EXAMPLE | {"direction": "both"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [[s["offer"] for s in q["suggestions"]] for q in body["needs"]] == [
        ["offer-homework", "offer-stadslandbouw"],
        ["offer-stadslandbouw"],
    ]
    assert [q["offer"] for q in body["offers"]] == ["offer-homework", "offer-stadslandbouw"]
    glossary = next(r for r in body["needs"][0]["suggestions"][0]["reasons"] if r["code"] == "glossary")
    assert "huiswerk ↔ homework" in glossary["detail"]


def test_a_batch_by_ids_reads_the_records_you_can_see(world, api_as, need, offer):
    body = {"need_ids": [str(need.public_id)], "offer_ids": [str(offer.public_id)], "weights": {"themes": 5}}
    response = api_as(world.coordinator).post("/matching/batch", body)
    assert response.status_code == 200, response.content
    suggestion = response.json()["needs"][0]["suggestions"][0]
    assert suggestion["offer"] == str(offer.public_id)
    assert {r["code"]: r["points"] for r in suggestion["reasons"]}["themes"] == 5.0
    assert "offers" not in response.json()


def test_a_batch_with_another_institutions_offer_id_gets_404(world, api_as, need, offer):
    body = {"need_ids": [str(need.public_id)], "offer_ids": [str(offer.public_id)]}
    assert api_as(world.outsider).post("/matching/batch", body).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"needs": [{"id": "n", "organisation": "o"}], "offers": []}, "needs.0.title"),
        ({"needs": [], "offers": [], "need_ids": []}, "payload"),
        ({"needs": [], "offers": [], "top": 0}, "top"),
        ({"needs": [], "offers": [], "weights": {"colour": 1}}, "weights.colour.[key]"),
        ({"needs": [], "offers": [], "weights": {"text": 11}}, "payload"),
        ({"need_ids": ["not-a-uuid"]}, "need_ids.0"),
    ],
)
def test_a_batch_that_does_not_fit_the_schema_gets_422_naming_the_field(world, api_as, body, field):
    response = api_as(world.coordinator).post("/matching/batch", body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"], response.json()


def test_a_batch_with_a_repeated_id_gets_400(world, api_as):
    need = {"id": "n", "organisation": "o", "title": "t"}
    response = api_as(world.coordinator).post("/matching/batch", {"needs": [need, need], "offers": []})
    assert response.status_code == 400
    assert response.json()["errors"] == {"needs": ["The id n occurs twice."]}
