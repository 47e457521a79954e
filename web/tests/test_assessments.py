"""Assessment pages: starting a round, the public answer pages, results, agreed actions, instruments."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from assessment.models import AgreedAction, Answer, Instrument, Respondent, Round
from assessment.services import copy_instrument, field_name, item_fingerprint
from assessment.tests.helpers import answer, campus, community, link_for, make_round, raw_answers
from network.models import SofarRole
from tests import factories as f

LINK = re.compile(r"/answer/([A-Za-z0-9_-]+)/")


@pytest.fixture(autouse=True)
def english(world) -> None:
    """Staff pages read in the English source strings; answer pages follow the respondent's language."""
    User.objects.update(language="en")


@pytest.fixture
def partnership(world):
    return f.make_partnership(world.a, [world.org], [world.coord_person], title="Buurtcampus")


@pytest.fixture
def tres(db) -> Instrument:
    return Instrument.objects.get(institution=None, slug="relationship-tres")


@pytest.fixture
def round_(world, partnership, tres) -> Round:
    return make_round(world, partnership, tres, [campus(language="en"), community(language="en")])


def _respondent(round_: Round, side: str) -> Respondent:
    return round_.respondents.get(side=side)


def _get(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content[:400]
    return response.content.decode()


# Starting a round


def _new_url(partnership) -> str:
    return reverse("round-create", args=[partnership.public_id])


@pytest.fixture
def people(world):
    """Emails on the coordinator and the partner's staff member; a student and a resident with addresses."""
    world.coord_person.email = "cora@uas.example"
    world.coord_person.save()
    world.staff_person.email = "pia@brug.example"
    world.staff_person.save()
    resident = f.make_person(
        world.a, SofarRole.RESIDENT, first_name="Rita", last_name="Bewoner", email="rita@x.example"
    )
    return resident


def test_a_coordinator_starts_a_round_and_each_person_gets_a_link_in_their_language(
    world, as_user, partnership, tres, people, django_capture_on_commit_callbacks
):
    world.partner.language = "nl"
    world.partner.save()
    client = as_user(world.coordinator)
    page = _get(client, _new_url(partnership))
    assert "Pia Partner · pia@brug.example" in page
    assert "Otto" not in page  # another institution's people are not offered
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _new_url(partnership),
            {
                "instrument": tres.pk,
                "closes_on": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
                "campus": [world.coord_person.public_id],
                "community": [world.staff_person.public_id],
                "community_others": "An Peeters, an@buurt.example, en",
                "residents": [people.public_id],
            },
        )
    round_ = Round.objects.get()
    assert response.status_code == 302 and response.url == reverse("round-detail", args=[round_.public_id])
    assert round_.partnership == partnership and round_.created_by == world.coordinator
    sides = dict(round_.respondents.values_list("email", "side"))
    assert sides == {
        "cora@uas.example": "campus",
        "pia@brug.example": "community",
        "an@buurt.example": "community",
        "rita@x.example": "resident",
    }
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == set(sides)
    assert "Relationship in ten domains" in by_address["cora@uas.example"].body  # the coordinator reads English
    assert "Relatie in tien domeinen" in by_address["pia@brug.example"].body  # the partner's account says Dutch
    assert "Relationship in ten domains" in by_address["an@buurt.example"].body  # typed with "en"
    token = LINK.search(by_address["pia@brug.example"].body).group(1)
    sheet = _get(Client(), reverse("answer", args=[token]))
    assert "Pia Partner" in sheet and "Beslissingen" in sheet


def test_starting_a_round_without_the_community_side_says_why_and_saves_nothing(
    world, as_user, partnership, tres, people
):
    response = as_user(world.coordinator).post(
        _new_url(partnership),
        {
            "instrument": tres.pk,
            "closes_on": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
            "campus": [world.coord_person.public_id],
            "community_others": "zonder adres",
        },
    )
    assert response.status_code == 400
    assert "write &quot;name, e-mail&quot;" in response.content.decode()
    assert not Round.objects.exists()
    response = as_user(world.coordinator).post(
        _new_url(partnership),
        {
            "instrument": tres.pk,
            "closes_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "campus": [world.coord_person.public_id],
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "The answer deadline cannot be in the past." in page
    assert "Ask at least one person on the community side" in page
    assert not Round.objects.exists() and mail.outbox == []


@pytest.mark.parametrize(
    ("persona", "status"),
    [("faculty", 403), ("partner", 403), ("student", 404), ("other_partner", 404), ("outsider", 404)],
)
def test_only_who_may_change_the_partnership_starts_a_round(world, as_user, partnership, persona, status):
    assert as_user(getattr(world, persona)).get(_new_url(partnership)).status_code == status


def test_a_faculty_owner_of_the_partnership_may_start_a_round(world, as_user, tres):
    owned = f.make_partnership(world.a, [world.org], [world.faculty_person])
    assert as_user(world.faculty).get(_new_url(owned)).status_code == 200


def test_an_anonymous_visitor_is_sent_to_log_in_from_every_staff_page(world, partnership, round_, tres):
    for url in (
        _new_url(partnership),
        reverse("round-detail", args=[round_.public_id]),
        reverse("round-list"),
        reverse("instrument-list"),
        reverse("instrument-detail", args=[tres.slug]),
    ):
        response = Client().get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


# The answer pages


def _answer_url(token: str) -> str:
    return reverse("answer", args=[token])


def test_a_partner_answers_through_the_link_without_an_account(world, round_, tres):
    respondent = _respondent(round_, "community")
    token = link_for(respondent)
    page = _get(Client(), _answer_url(token))
    assert "Decision-making" in page and "How it is now" in page
    raw = raw_answers(tres, {"decision_making": (3, 4)}, conflict="Pas achteraf gehoord.")
    response = Client().post(_answer_url(token), {**raw, "action": "submit"})
    assert response.status_code == 302
    respondent.refresh_from_db()
    assert respondent.submitted_at is not None
    decision = Answer.objects.get(respondent=respondent, item__domain="decision_making")
    assert (decision.current, decision.desired) == (3, 4)
    assert Answer.objects.get(respondent=respondent, item__domain="conflict").comment == "Pas achteraf gehoord."


def test_the_link_after_submitting_shows_already_answered_and_changes_nothing(world, round_, tres):
    respondent = _respondent(round_, "community")
    token = link_for(respondent)
    answer(respondent, {}, default=(2, 4))
    page = _get(Client(), _answer_url(token))
    assert "Already answered" in page and "cannot change them" in page
    response = Client().post(_answer_url(token), {**raw_answers(tres, {}, default=(5, 5)), "action": "submit"})
    assert response.status_code == 409
    assert "Already answered" in response.content.decode()
    draft = Client().post(reverse("answer-draft", args=[token]), raw_answers(tres, {}, default=(5, 5)))
    assert "no longer takes answers" in draft.content.decode()
    assert set(Answer.objects.values_list("current", flat=True)) == {2}


def test_an_expired_link_says_so_and_whom_to_contact(world, round_, tres):
    respondent = _respondent(round_, "community")
    token = link_for(respondent)
    Respondent.objects.filter(pk=respondent.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = Client().get(_answer_url(token))
    page = response.content.decode()
    assert response.status_code == 410
    assert "This link has expired" in page
    assert "Cora Coördinator" in page and "Universiteit Aan de Schelde" in page
    response = Client().post(_answer_url(token), {**raw_answers(tres, {}), "action": "submit"})
    assert response.status_code == 410
    assert not Answer.objects.exists()


def test_an_unknown_link_gets_a_clear_not_found_page(world, round_):
    response = Client().get(_answer_url("not-a-real-token"), headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    dutch = Client().get(_answer_url("not-a-real-token"))
    assert 'lang="nl"' in dutch.content.decode()


def test_a_link_for_one_round_cannot_answer_another_round(world, partnership, round_, tres):
    direct = Instrument.objects.get(institution=None, slug="closeness-equity-integrity")
    other = make_round(world, partnership, direct, [campus(), community()])
    token_a = link_for(_respondent(round_, "community"))
    # Round B's items posted through round A's link.
    raw_b = {field_name("current", item.pk): "1" for item in direct.items.all()}
    Client().post(reverse("answer-draft", args=[token_a]), raw_b)
    response = Client().post(_answer_url(token_a), {**raw_b, "action": "submit"})
    assert response.status_code == 400  # round A's own items are still unanswered
    assert not Answer.objects.exists()
    b_respondent = _respondent(other, "community")
    assert b_respondent.draft == {} and b_respondent.submitted_at is None
    a_draft = _respondent(round_, "community").draft
    assert set(a_draft) == {str(pk) for pk in tres.items.values_list("pk", flat=True)}
    assert all(v["current"] is None for v in a_draft.values())


def test_a_draft_is_saved_by_the_button_and_restored_when_the_link_is_opened_again(world, round_, tres):
    token = link_for(_respondent(round_, "community"))
    goals = tres.items.get(domain="goals")
    response = Client().post(
        _answer_url(token),
        {field_name("current", goals.pk): "2", field_name("comment", goals.pk): "Nog te bespreken", "action": "draft"},
    )
    assert response.status_code == 200
    assert "Draft saved at" in response.content.decode()
    page = _get(Client(), _answer_url(token))
    assert f'id="id_{field_name("current", goals.pk)}_2" value="2" checked' in page
    assert "Nog te bespreken" in page
    assert not Answer.objects.exists()


def test_the_autosave_answers_with_the_time_it_saved(world, round_, tres):
    respondent = _respondent(round_, "community")
    token = link_for(respondent)
    goals = tres.items.get(domain="goals")
    response = Client().post(
        reverse("answer-draft", args=[token]), {field_name("desired", goals.pk): "5"}, HTTP_HX_REQUEST="true"
    )
    respondent.refresh_from_db()
    saved = timezone.localtime(respondent.draft_saved_at).strftime("%H:%M")
    assert response.content.decode().strip() == f"Draft saved at {saved}"
    assert respondent.draft[str(goals.pk)]["desired"] == 5


def test_submitting_an_incomplete_sheet_puts_a_message_next_to_each_missing_item(world, round_, tres):
    token = link_for(_respondent(round_, "community"))
    raw = raw_answers(tres, {"goals": (None, 4), "power": (2, None)})
    response = Client().post(_answer_url(token), {**raw, "action": "submit"})
    page = response.content.decode()
    assert response.status_code == 400
    goals, power = tres.items.get(domain="goals"), tres.items.get(domain="power")
    assert (
        f'<p class="error" id="{field_name("current", goals.pk)}_error">Choose how it is now, from 1 to 5.</p>' in page
    )
    wished = "Choose how you would like it to be, from 1 to 5."
    assert f'<p class="error" id="{field_name("desired", power.pk)}_error">{wished}</p>' in page
    assert "2 questions still need an answer" in page
    # What was filled in stays on the page and in the draft.
    assert f'id="id_{field_name("desired", goals.pk)}_4" value="4" checked' in page
    assert not Answer.objects.exists()
    assert _respondent(round_, "community").draft[str(goals.pk)]["desired"] == 4


def test_the_answer_page_speaks_the_respondents_language(world, partnership, tres):
    round_ = make_round(world, partnership, tres, [campus(), community(language="nl")])
    token = link_for(_respondent(round_, "community"))
    response = Client().get(_answer_url(token), HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "nl"
    assert "Beslissingen" in response.content.decode()


# Results


def _results(round_: Round) -> str:
    return reverse("round-detail", args=[round_.public_id])


def test_the_results_show_both_sides_the_gap_and_the_sentence(world, as_user, round_):
    answer(_respondent(round_, "campus"), {"decision_making": (5, 5)})
    answer(_respondent(round_, "community"), {"decision_making": (3, 4)}, power="Wij beslissen zelden mee.")
    page = _get(as_user(world.coordinator), _results(round_))
    assert "The partner rates decision-making as transactional (3.0) where you rate it transformational (5.0)." in page
    assert "<svg" in page and 'role="img"' in page
    decision = page[page.index('id="domain-decision_making"') :]
    decision = decision[: decision.index("</tbody>")]
    assert "Campus side" in decision and "Community side" in decision
    assert "2.0" in decision  # campus − community
    assert "Wij beslissen zelden mee." in page
    assert "Overall place on the scale" in page


def test_the_results_say_when_a_side_has_not_answered(world, as_user, round_):
    answer(_respondent(round_, "campus"), {})
    page = _get(as_user(world.coordinator), _results(round_))
    assert "No answers yet from the community side." in page
    assert "no answers yet" in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("faculty", 200),
        ("partner", 403),
        ("student", 404),
        ("other_partner", 404),
        ("outsider", 404),
    ],
)
def test_who_may_read_the_results(world, as_user, round_, persona, status):
    assert as_user(getattr(world, persona)).get(_results(round_)).status_code == status


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def test_the_results_page_runs_the_same_number_of_queries_for_few_or_many_respondents(
    world, as_user, partnership, round_, tres
):
    answer(_respondent(round_, "campus"), {})
    answer(_respondent(round_, "community"), {}, goals="kort")
    other = f.make_partnership(world.a, [world.org], [world.coord_person])
    people = [campus(f"C{n}", f"c{n}@uas.example") for n in range(8)] + [
        community(f"P{n}", f"p{n}@brug.example") for n in range(8)
    ]
    big = make_round(world, other, tres, people)
    for respondent in big.respondents.all()[:12]:
        answer(respondent, {}, default=(2, 4), goals="opmerking")
    for n in range(5):
        AgreedAction.objects.create(round=big, what=f"Actie {n}", who="Cora")
    client = as_user(world.coordinator)
    small_count = _count(client, _results(round_))
    assert _count(client, _results(big)) == small_count
    assert small_count <= 20


def test_an_agreed_action_is_added_and_ticked_on_the_results_page(world, as_user, round_):
    client = as_user(world.coordinator)
    url = reverse("round-add-action", args=[round_.public_id])
    response = client.post(url, {"action-step": "describe", "action-what": "", "action-who": "Cora"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not AgreedAction.objects.exists()
    response = client.post(
        url,
        {
            "action-step": "articulate",
            "action-what": "Beslissingen samen voorbereiden",
            "action-who": "Cora en Pia",
            "action-due_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 302
    action = AgreedAction.objects.get()
    assert (action.what, action.who, action.step) == ("Beslissingen samen voorbereiden", "Cora en Pia", "articulate")
    assert "Beslissingen samen voorbereiden" in _get(client, _results(round_))
    client.post(reverse("round-action-done", args=[round_.public_id]), {"action": action.pk, "done": "1"})
    action.refresh_from_db()
    assert action.done


def test_a_faculty_member_who_does_not_own_the_partnership_cannot_add_actions_or_close(world, as_user, round_):
    client = as_user(world.faculty)
    url = reverse("round-add-action", args=[round_.public_id])
    assert client.post(url, {"action-step": "describe", "action-what": "x", "action-who": "y"}).status_code == 403
    assert client.post(reverse("round-close", args=[round_.public_id])).status_code == 403
    assert as_user(world.outsider).post(reverse("round-close", args=[round_.public_id])).status_code == 404
    assert not AgreedAction.objects.exists()
    assert Round.objects.get().status == Round.Status.OPEN


def test_closing_a_round_stops_its_links(world, as_user, round_):
    token = link_for(_respondent(round_, "community"))
    as_user(world.coordinator).post(reverse("round-close", args=[round_.public_id]))
    assert Client().get(_answer_url(token)).status_code == 410


def test_a_new_link_can_be_sent_to_someone_who_has_not_answered(
    world, as_user, round_, django_capture_on_commit_callbacks
):
    respondent = _respondent(round_, "community")
    old = link_for(respondent)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.coordinator).post(
            reverse("round-resend", args=[round_.public_id]), {"respondent": respondent.pk}
        )
    assert response.status_code == 302
    [message] = mail.outbox
    new = LINK.search(message.body).group(1)
    assert new != old
    assert Client().get(_answer_url(old)).status_code == 404
    assert Client().get(_answer_url(new)).status_code == 200


# Rounds list


def test_the_list_shows_the_institutions_rounds_filtered_and_bounded(world, as_user, partnership, round_, tres):
    theirs = f.make_partnership(world.b, [world.other_org], [world.outsider_person])
    make_round(world, theirs, tres, title="Ronde van HB")
    client = as_user(world.coordinator)
    page = _get(client, reverse("round-list"))
    assert round_.title in page and "Ronde van HB" not in page
    assert round_.title not in _get(client, reverse("round-list") + "?status=closed")
    few = _count(client, reverse("round-list"))
    for n in range(10):
        make_round(world, partnership, tres, title=f"Ronde {n}")
    assert _count(client, reverse("round-list")) == few
    assert as_user(world.partner).get(reverse("round-list")).status_code == 403


# Instruments


def test_staff_list_the_built_in_instruments_and_their_own_not_others(world, as_user, tres):
    copy_instrument(tres, by=world.outsider, institution=world.b)
    page = _get(as_user(world.faculty), reverse("instrument-list"))
    assert "Relationship in ten domains (after TRES II)" in page
    assert "(HB)" not in page
    assert as_user(world.partner).get(reverse("instrument-list")).status_code == 403


def test_a_coordinator_copies_a_built_in_instrument_and_adapts_an_item(world, as_user, tres):
    client = as_user(world.coordinator)
    response = client.post(reverse("instrument-copy", args=[tres.slug]))
    copy = Instrument.objects.get(institution=world.a)
    assert response.status_code == 302 and response.url == reverse("instrument-detail", args=[copy.slug])
    edit = reverse("instrument-item-edit", args=[copy.slug, "goals"])
    item = copy.items.get(domain="goals")
    form = {
        "label_nl": "Gedeelde doelen",
        "label_en": "Shared goals",
        "text_nl": item.text_nl,
        "text_en": item.text_en,
        "fingerprint": item_fingerprint(item),
    }
    assert client.post(edit, {**form, "label_en": ""}).status_code == 400
    assert client.post(edit, form).status_code == 302
    assert copy.items.get(domain="goals").label_en == "Shared goals"
    assert "Shared goals" in _get(client, reverse("instrument-detail", args=[copy.slug]))
    # A stale form is refused with the conflict message.
    response = client.post(edit, {**form, "label_en": "Goals once more"})
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    assert copy.items.get(domain="goals").label_en == "Shared goals"


def test_instruments_refuse_the_wrong_people(world, as_user, tres):
    assert as_user(world.faculty).post(reverse("instrument-copy", args=[tres.slug])).status_code == 403
    # Built-in instruments are read by all and changed by none.
    assert as_user(world.coordinator).get(reverse("instrument-item-edit", args=[tres.slug, "goals"])).status_code == 403
    theirs = copy_instrument(tres, by=world.outsider, institution=world.b)
    assert as_user(world.coordinator).get(reverse("instrument-detail", args=[theirs.slug])).status_code == 404
    ours = copy_instrument(tres, by=world.coordinator, institution=world.a)
    edit = reverse("instrument-item-edit", args=[ours.slug, "goals"])
    assert as_user(world.faculty).get(edit).status_code == 403
    assert as_user(world.outsider).get(edit).status_code == 404
    assert as_user(world.student).get(edit).status_code == 403
