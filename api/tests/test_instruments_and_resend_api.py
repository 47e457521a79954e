"""Assessment instruments (detail, copy, item wording) and sending a respondent a new link, through the API."""

import pytest
from django.core import mail

from assessment.models import Instrument, InstrumentItem, Round
from assessment.services import copy_instrument, item_fingerprint
from assessment.tests.helpers import answer, make_round
from audit.models import AuditEntry
from partnerships.models import Partnership
from tests import factories as f

pytestmark = pytest.mark.usefixtures("english")

BUILT_IN = "relationship-tres"


@pytest.fixture
def tres(db) -> Instrument:
    return Instrument.objects.get(institution=None, slug=BUILT_IN)


@pytest.fixture
def own(world, tres) -> Instrument:
    return copy_instrument(tres, by=world.coordinator, institution=world.a)


@pytest.fixture
def ps(world) -> Partnership:
    return f.make_partnership(world.a, [world.org], [world.coord_person], title="Buurtcampus")


@pytest.fixture
def round_(world, ps, tres) -> Round:
    return make_round(world, ps, tres, title="Najaar")


# Instrument detail


def test_staff_read_an_instrument_with_its_items(world, api_as, tres):
    response = api_as(world.faculty).get(f"/assessments/instruments/{BUILT_IN}")
    assert response.status_code == 200
    data = response.json()
    assert data["built_in"] is True and data["can_change"] is False
    first = tres.items.order_by("order", "id").first()
    assert data["items"][0]["domain"] == first.domain
    assert data["items"][0]["text_en"] == first.text_en
    assert len(data["items"]) == tres.items.count()


def test_an_unknown_or_another_institutions_instrument_gets_404(world, api_as, own):
    assert api_as(world.coordinator).get("/assessments/instruments/nope").status_code == 404
    assert api_as(world.outsider).get(f"/assessments/instruments/{own.slug}").status_code == 404
    assert api_as(world.coordinator).get(f"/assessments/instruments/{own.slug}").json()["can_change"] is True


def test_who_may_not_read_instruments(world, api_as):
    for persona in ("student", "partner", "other_partner"):
        assert api_as(getattr(world, persona)).get(f"/assessments/instruments/{BUILT_IN}").status_code == 403
    assert api_as(None).get(f"/assessments/instruments/{BUILT_IN}").status_code == 401


# Copy


def test_a_coordinator_copies_a_built_in_instrument(world, api_as, tres):
    response = api_as(world.coordinator).post(f"/assessments/instruments/{BUILT_IN}/copy", {})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["built_in"] is False and data["can_change"] is True
    copy = Instrument.objects.get(institution=world.a, slug=data["slug"])
    assert copy.items.count() == tres.items.count()
    assert AuditEntry.objects.filter(action="copied instrument", institution=world.a).exists()


def test_who_may_not_copy(world, api_as):
    assert api_as(world.faculty).post(f"/assessments/instruments/{BUILT_IN}/copy", {}).status_code == 403
    assert api_as(world.partner).post(f"/assessments/instruments/{BUILT_IN}/copy", {}).status_code == 403
    assert api_as(None).post(f"/assessments/instruments/{BUILT_IN}/copy", {}).status_code == 401
    assert not Instrument.objects.filter(institution__isnull=False).exists()


# Item wording


def item_url(instrument: Instrument, item: InstrumentItem) -> str:
    return f"/assessments/instruments/{instrument.slug}/items/{item.domain}"


def test_a_coordinator_changes_the_wording_of_an_item_of_their_own_copy(world, api_as, own):
    item = own.items.order_by("order", "id").first()
    body = {"fingerprint": item_fingerprint(item), "text_en": "How often do you meet?"}
    response = api_as(world.coordinator).patch(item_url(own, item), body)
    assert response.status_code == 200, response.content
    assert response.json()["text_en"] == "How often do you meet?"
    assert response.json()["fingerprint"] != body["fingerprint"]
    fresh = InstrumentItem.objects.get(pk=item.pk)
    assert (fresh.text_en, fresh.text_nl) == ("How often do you meet?", item.text_nl)


def test_a_stale_fingerprint_gets_409_and_changes_nothing(world, api_as, own):
    item = own.items.order_by("order", "id").first()
    body = {"fingerprint": "0" * 16, "text_en": "Anders"}
    assert api_as(world.coordinator).patch(item_url(own, item), body).status_code == 409
    assert InstrumentItem.objects.get(pk=item.pk).text_en == item.text_en


def test_an_empty_question_is_refused_on_its_field(world, api_as, own):
    item = own.items.order_by("order", "id").first()
    body = {"fingerprint": item_fingerprint(item), "text_en": None}
    response = api_as(world.coordinator).patch(item_url(own, item), body)
    assert response.status_code == 400 and response.json()["errors"]["text_en"]
    assert api_as(world.coordinator).patch(item_url(own, item), {**body, "text_en": ""}).status_code == 422
    assert InstrumentItem.objects.get(pk=item.pk).text_en == item.text_en


def test_who_may_not_change_an_item(world, api_as, tres, own):
    item = own.items.order_by("order", "id").first()
    body = {"fingerprint": item_fingerprint(item), "text_en": "Anders"}
    built_in_item = tres.items.order_by("order", "id").first()
    assert api_as(world.coordinator).patch(item_url(tres, built_in_item), body).status_code in (403, 404)
    assert api_as(world.faculty).patch(item_url(own, item), body).status_code == 403
    assert api_as(world.outsider).patch(item_url(own, item), body).status_code == 404
    assert api_as(world.partner).patch(item_url(own, item), body).status_code == 403
    assert api_as(None).patch(item_url(own, item), body).status_code == 401
    assert api_as(world.coordinator).patch(f"/assessments/instruments/{own.slug}/items/nope", body).status_code == 404
    assert InstrumentItem.objects.get(pk=item.pk).text_en == item.text_en


# Re-sending a link


def resend_url(round_: Round, number: int) -> str:
    return f"/assessments/rounds/{round_.public_id}/respondents/{number}/resend"


def test_the_owner_sends_a_respondent_a_new_link(world, api_as, round_, django_capture_on_commit_callbacks):
    client = api_as(world.coordinator)
    respondents = client.get(f"/assessments/rounds/{round_.public_id}").json()["respondents"]
    pia = next(r for r in respondents if r["name"] == "Pia Partner")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resend_url(round_, pia["number"]), {})
    assert response.status_code == 200, response.content
    assert [m.to for m in mail.outbox] == [["pia@brug.example"]]
    assert AuditEntry.objects.filter(action="sent a new link", target_id=str(round_.public_id)).exists()


def test_no_new_link_after_answering_or_closing(world, api_as, round_):
    client = api_as(world.coordinator)
    first = round_.respondents.order_by("pk").first()
    answer(first, {})
    mail.outbox.clear()
    response = client.post(resend_url(round_, 1), {})
    assert response.status_code == 400 and "already answered" in response.json()["detail"]
    client.post(f"/assessments/rounds/{round_.public_id}/close", {})
    assert client.post(resend_url(round_, 2), {}).status_code == 400
    assert client.post(resend_url(round_, 9), {}).status_code == 404
    assert mail.outbox == []


def test_who_may_not_resend(world, api_as, round_):
    mail.outbox.clear()
    assert api_as(world.student).post(resend_url(round_, 1), {}).status_code in (403, 404)
    assert api_as(world.partner).post(resend_url(round_, 1), {}).status_code in (403, 404)
    assert api_as(world.outsider).post(resend_url(round_, 1), {}).status_code == 404
    assert api_as(None).post(resend_url(round_, 1), {}).status_code == 401
    assert mail.outbox == []
