"""The matching pages: the public need form and its guards, the confirmation link, the need
directory, offers, proposing behind the capacity guard, the partner's answer through its mail
link with the points of attention, students' organisation proposals, and the channel report."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from matching import attention
from matching.models import DigestItem, Match, Need, Offer, OrganisationProposal, PartnerCriterion
from matching.services import propose_match
from matching.tasks import send_digests
from matching.tests.helpers import ALL_YES, make_need, make_offer
from network.models import Organisation
from tests import factories as f
from web.forms import matching as matching_forms

# These tests read English messages; Dutch is the default (tests/test_i18n_switch.py).
pytestmark = pytest.mark.usefixtures("english")

CONFIRM = re.compile(r"https?://[^/\s]+(/needs/confirm/[A-Za-z0-9_-]+/)")
RESPOND = re.compile(r"https?://[^/\s]+(/respond/[A-Za-z0-9_-]+/)")


@pytest.fixture(autouse=True)
def english(world) -> None:
    User.objects.update(language="en")
    cache.clear()


@pytest.fixture(autouse=True)
def mail_at_once(monkeypatch):
    """Tests run inside one transaction that never commits: send what would go after the commit at once."""
    monkeypatch.setattr("django.db.transaction.on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture
def quick():
    """Kept for the tests that name it: a form may be sent at once (there is no minimum fill time)."""


def _queries(client, url: str) -> int:
    """How many queries one page view runs (the log is emptied first: each request restarts it)."""
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def _public_data(**over) -> dict:
    data = {
        "organisation_name": "Buurthuis Het Anker",
        "organisation_postcode": "9000",
        "organisation_city": "Gent",
        "contact_name": "An Anker",
        "contact_email": "an@anker.example",
        "title": "Huiswerkbegeleiding",
        "description": "Kinderen helpen met huiswerk na school.",
        "period_start": "2026-10-01",
        "period_end": "2027-03-31",
        "effort_hours": "40",
        "max_students": "3",
        "stance_students": "supporters",
        "stance_purpose": "fixed",
        "stance_discipline": "open",
        "stance_channel": "organisation",
        "homepage": "",
        "started": matching_forms.form_stamp(),
    }
    data.update(over)
    return data


def _post_public(client, **over):
    return client.post(reverse("need-post"), _public_data(**over), HTTP_ACCEPT_LANGUAGE="en")


# The public form


def test_a_partner_posts_a_need_without_an_account_and_confirms_it_once(client, quick):
    response = _post_public(client)
    assert response.status_code == 302 and response.url == reverse("need-posted")
    need = Need.objects.get()
    assert need.status == "unconfirmed" and need.organisation.name == "Buurthuis Het Anker"
    assert not need.organisation.is_active
    [message] = mail.outbox
    assert message.to == ["an@anker.example"]
    link = CONFIRM.search(message.body).group(1)
    # Opening the link (or a mail scanner doing so) changes nothing; the button does.
    assert client.get(link).status_code == 200
    assert Need.objects.get().status == "unconfirmed"
    response = client.post(link)
    assert response.status_code == 200 and "Vraag bevestigd" in response.content.decode()  # the partner wrote in Dutch
    need.refresh_from_db()
    # A confirmed address proves only that someone reads it: the office accepts the need before it opens.
    assert need.status == "pending" and need.confirmed_at is not None
    assert not Organisation.objects.get(pk=need.organisation_id).is_active
    # A replayed link cannot confirm again.
    again = client.post(link)
    assert again.status_code == 409 and "Deze vraag werd al bevestigd." in again.content.decode()


def test_a_need_posted_from_an_english_page_is_in_english(client, quick):
    client.cookies["django_language"] = "en"
    _post_public(client)
    assert Need.objects.get().language == "en"


def test_an_expired_or_made_up_confirmation_link_confirms_nothing(client, quick):
    _post_public(client)
    link = CONFIRM.search(mail.outbox[0].body).group(1)
    Need.objects.update(confirm_expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert client.post(link).status_code == 410
    assert client.post("/needs/confirm/made-up-token/").status_code == 404
    assert Need.objects.get().status == "unconfirmed"


def test_a_bot_filling_the_honeypot_sees_success_but_nothing_is_saved(client, quick):
    response = _post_public(client, homepage="http://spam.example")
    assert response.status_code == 302
    assert not Need.objects.exists() and not mail.outbox


def test_a_fast_typist_or_autofill_is_not_refused(client):
    response = _post_public(client)  # sent the moment the form was opened
    assert response.status_code == 302
    assert Need.objects.exists()


def test_a_forged_form_stamp_is_refused(client, quick):
    response = _post_public(client, started="12345")
    assert response.status_code == 400 and "Reload the page" in response.content.decode()
    assert not Need.objects.exists()


def test_too_long_texts_and_a_period_backwards_are_refused_with_clear_messages(client, quick):
    response = _post_public(client, description="x" * 5001, period_end="2026-01-01")
    body = response.content.decode()
    assert response.status_code == 400
    assert "at most 5000 characters" in body
    assert "cannot be before the start date" in body
    assert not Need.objects.exists()


def test_one_address_posting_too_often_is_stopped(client, quick):
    for _ in range(5):
        _post_public(client, title="x", description="")
    response = _post_public(client)
    assert response.status_code == 429
    assert not Need.objects.exists()


# The need directory


@pytest.fixture
def need(world):
    return make_need(world.org, by=world.coordinator)


def test_every_institutions_staff_and_the_posting_partner_see_a_need(world, as_user, need):
    url = reverse("need-detail", args=[need.public_id])
    for user in (world.coordinator, world.faculty, world.outsider, world.partner):
        assert as_user(user).get(url).status_code == 200, user
    for user in (world.other_partner, world.student):
        assert as_user(user).get(url).status_code == 404, user
    response = as_user(None).get(url)
    assert response.status_code == 302 and "/login/" in response.url


def test_unconfirmed_needs_stay_out_of_the_directory(world, as_user, client, quick):
    _post_public(client)
    unconfirmed = Need.objects.get()
    assert as_user(world.coordinator).get(reverse("need-detail", args=[unconfirmed.public_id])).status_code == 404
    assert "Huiswerkbegeleiding" not in as_user(world.coordinator).get(reverse("need-list")).content.decode()


def test_internal_notes_on_a_need_stay_within_the_institution(world, as_user, need):
    url = reverse("need-detail", args=[need.public_id])
    as_user(world.coordinator).post(reverse("need-note-add", args=[need.public_id]), {"text": "Bellen na de zomer"})
    assert "Bellen na de zomer" in as_user(world.faculty).get(url).content.decode()
    assert "Bellen na de zomer" not in as_user(world.outsider).get(url).content.decode()
    assert "Bellen na de zomer" not in as_user(world.partner).get(url).content.decode()


def test_the_need_list_runs_the_same_queries_for_3_or_30_needs(world, as_user):
    client = as_user(world.coordinator)
    for i in range(3):
        make_need(world.org, by=world.coordinator, title=f"Vraag {i}")
    small = _queries(client, reverse("need-list"))
    for i in range(27):
        make_need(f.make_organisation(), by=world.coordinator, title=f"Meer {i}")
    assert _queries(client, reverse("need-list")) == small <= 12


def test_the_need_list_filters_by_text(world, as_user, need):
    make_need(world.other_org, by=world.coordinator, title="Sportdag")
    body = as_user(world.coordinator).get(reverse("need-list"), {"q": "sport"}).content.decode()
    assert "Sportdag" in body and "Huiswerkbegeleiding" not in body


def test_a_coordinator_enters_a_need_on_a_partners_behalf_and_it_is_open_at_once(world, as_user):
    data = {k: v for k, v in _public_data().items() if not k.startswith("organisation_")}
    data.update(organisation=str(world.org.public_id), language="nl")
    response = as_user(world.coordinator).post(reverse("need-create"), data)
    need = Need.objects.get()
    assert response.status_code == 302 and need.status == "open" and need.organisation == world.org
    assert need.created_by == world.coordinator


def test_a_student_cannot_enter_a_need(world, as_user):
    assert as_user(world.student).get(reverse("need-create")).status_code == 403


def test_editing_a_need_refuses_a_stale_version(world, as_user, need):
    url = reverse("need-edit", args=[need.public_id])
    data = {k: v for k, v in _public_data().items() if not k.startswith("organisation_")}
    data.update(language="nl", status="open", version=need.version, title="Nieuwe titel")
    client = as_user(world.coordinator)
    assert client.post(url, data).status_code == 302
    data["title"] = "Verloren wijziging"
    response = client.post(url, data)
    assert response.status_code == 409
    assert Need.objects.get().title == "Nieuwe titel"


def test_another_institution_cannot_edit_a_need_it_did_not_enter(world, as_user, need):
    assert as_user(world.outsider).get(reverse("need-edit", args=[need.public_id])).status_code == 403
    assert as_user(world.partner).get(reverse("need-edit", args=[need.public_id])).status_code == 200


# Offers


def test_offers_are_seen_by_their_institution_only(world, as_user):
    offer = make_offer(world.a, by=world.coordinator)
    url = reverse("offer-detail", args=[offer.public_id])
    assert as_user(world.faculty).get(url).status_code == 200
    for user in (world.outsider, world.partner, world.other_partner):
        assert as_user(user).get(url).status_code == 404


def test_staff_post_an_offer_and_bad_periods_are_refused(world, as_user):
    data = {
        "title": "Buurtgericht werken",
        "period_start": "2026-09-15",
        "period_end": "2027-01-31",
        "students": "4",
        "hours_per_student": "20",
        "language": "nl",
        "status": "open",
    }
    client = as_user(world.faculty)
    bad = client.post(reverse("offer-create"), {**data, "period_end": "2025-01-01"})
    assert bad.status_code == 400 and not Offer.objects.exists()
    assert client.post(reverse("offer-create"), data).status_code == 302
    assert Offer.objects.get().institution == world.a
    assert as_user(world.student).get(reverse("offer-create")).status_code == 403


def test_editing_an_offer_refuses_a_stale_version(world, as_user):
    offer = make_offer(world.a, by=world.coordinator)
    url = reverse("offer-edit", args=[offer.public_id])
    data = {
        "title": "Nieuw",
        "period_start": "2026-09-15",
        "period_end": "2027-01-31",
        "students": "4",
        "hours_per_student": "20",
        "language": "nl",
        "status": "open",
        "version": offer.version,
    }
    assert as_user(world.coordinator).post(url, data).status_code == 302
    assert as_user(world.faculty).post(url, {**data, "title": "Te laat"}).status_code == 409
    assert Offer.objects.get().title == "Nieuw"
    assert as_user(world.outsider).get(url).status_code == 404


def test_the_offer_list_runs_the_same_queries_for_3_or_30_offers(world, as_user):
    client = as_user(world.coordinator)
    for i in range(3):
        make_offer(world.a, by=world.coordinator, title=f"Aanbod {i}")
    small = _queries(client, reverse("offer-list"))
    for i in range(27):
        make_offer(world.a, by=world.coordinator, title=f"Meer {i}")
    assert _queries(client, reverse("offer-list")) == small <= 12


# Proposing, answering, the points of attention


def _attention_post(prefix: str = "") -> dict:
    data = {}
    for code in attention.CODES:
        data[f"attention_{code}"] = "yes"
        data[f"attention_{code}_note"] = ""
    return data


def test_a_coordinator_proposes_and_the_partner_accepts_through_the_digest_link(world, as_user, need):
    offer = make_offer(world.a, by=world.coordinator, course=f.make_course(world.a, [world.faculty_person]))
    response = as_user(world.coordinator).post(
        reverse("match-propose", args=[need.public_id]),
        {"offer": str(offer.public_id), "channel": "contact", "message": "Graag!", **_attention_post()},
    )
    match = Match.objects.get()
    assert response.status_code == 302 and match.status == "proposed"
    assert attention.side_done(match.attention, "institution")
    f.make_verified_contact(world.org, "info@debrug.example")
    world.coordinator.email = "cora@uas.example"
    world.coordinator.save()
    send_digests()
    [digest] = [m for m in mail.outbox if "info@debrug.example" in m.to]
    link = RESPOND.search(digest.body).group(1)
    client = as_user(None)
    page = client.get(link)
    assert page.status_code == 200 and "Een gemeenschappelijk doel" in page.content.decode()  # the need is Dutch
    # Accepting without the checklist is refused, clearly.
    refused = client.post(link, {"decision": "accept", "name": "Pia"})
    assert refused.status_code == 400 and "Beantwoord dit punt." in refused.content.decode()
    done = client.post(link, {"decision": "accept", "name": "Pia", **_attention_post()})
    assert done.status_code == 200
    match.refresh_from_db()
    assert match.status == "accepted" and match.engagement is not None
    assert match.engagement.organisation == world.org and match.engagement.course == offer.course
    assert Need.objects.get().status == "matched"
    # The match page shows both sides and links to the engagement.
    body = as_user(world.coordinator).get(reverse("match-detail", args=[match.public_id])).content.decode()
    assert reverse("engagement-detail", args=[match.engagement.public_id]) in body
    # The link is used up.
    assert client.post(link, {"decision": "decline", "name": "X", "decline_reason": "Toch niet"}).status_code == 409
    # The proposer was told.
    [told] = [m for m in mail.outbox if m.to == ["cora@uas.example"]]
    assert "heeft uw voorstel aanvaard" in told.subject  # the mail as it went out


def test_a_partner_declines_with_a_reason(world, need):
    match = propose_match(need, make_offer(world.a, by=world.coordinator), by=world.coordinator)
    f.make_verified_contact(world.org, "info@debrug.example")
    send_digests()
    link = RESPOND.search(mail.outbox[-1].body).group(1)
    from django.test import Client

    client = Client()
    refused = client.post(link, {"decision": "decline", "name": "Pia"})
    assert refused.status_code == 400 and "Kies waarom u afwijst." in refused.content.decode()
    other = client.post(link, {"decision": "decline", "name": "Pia", "decline_kind": "other"})
    assert other.status_code == 400
    answer = {"decision": "decline", "name": "Pia", "decline_kind": "no_capacity", "decline_reason": "Geen tijd"}
    assert client.post(link, answer).status_code == 200
    match.refresh_from_db()
    assert match.status == "declined" and match.decline_reason == "Geen tijd" and match.engagement is None
    assert match.decline_kind == "no_capacity"


def test_one_digest_per_organisation_gathers_proposals_from_every_institution(world):
    f.make_verified_contact(world.org, "info@debrug.example")
    need_a = make_need(world.org, by=world.coordinator, title="Eerste")
    need_b = make_need(world.org, by=world.outsider, title="Tweede")
    propose_match(need_a, make_offer(world.a, by=world.coordinator, title="Van A"), by=world.coordinator)
    propose_match(need_b, make_offer(world.b, by=world.outsider, title="Van B"), by=world.outsider)
    mail.outbox.clear()
    send_digests()
    [digest] = mail.outbox
    assert "Van A" in digest.body and "Van B" in digest.body
    assert len(RESPOND.findall(digest.body)) == 2
    assert not DigestItem.objects.filter(sent_at__isnull=True).exists()
    send_digests()
    assert len(mail.outbox) == 1


def test_who_may_propose_override_and_see_a_match(world, as_user, need):
    world.org.capacity_per_period = 0
    world.org.save()
    offer = make_offer(world.a, by=world.coordinator)
    url = reverse("match-propose", args=[need.public_id])
    assert as_user(world.outsider).post(url, {"offer": str(offer.public_id), "channel": "contact"}).status_code == 400
    assert as_user(world.student).post(url, {"offer": str(offer.public_id), "channel": "student"}).status_code == 404
    assert as_user(world.faculty).post(url, {"offer": str(offer.public_id), "channel": "faculty"}).status_code == 302
    match = Match.objects.get()
    assert match.status == "held" and match.channel == "faculty"
    detail = reverse("match-detail", args=[match.public_id])
    assert as_user(world.partner).get(detail).status_code == 404  # not asked of the partner yet
    assert as_user(world.outsider).get(detail).status_code == 404
    assert as_user(world.other_partner).get(detail).status_code == 404
    override = reverse("match-override", args=[match.public_id])
    assert as_user(world.faculty).post(override, {"reason": "x", "version": match.version}).status_code == 403
    assert as_user(world.coordinator).post(override, {"reason": "", "version": match.version}).status_code == 400
    assert as_user(world.coordinator).post(override, {"reason": "Ok", "version": match.version + 1}).status_code == 409
    ok = as_user(world.coordinator).post(override, {"reason": "Afgesproken", "version": match.version})
    assert ok.status_code == 302
    match.refresh_from_db()
    assert match.status == "proposed" and match.override_reason == "Afgesproken"
    assert as_user(world.partner).get(detail).status_code == 200


def test_the_coordinator_completes_the_checklist_after_the_partner_accepted(world, as_user, need):
    from matching.services import issue_response_link, respond_to_match

    match = propose_match(need, make_offer(world.a, by=world.coordinator), by=world.coordinator)
    issue_response_link(match)
    respond_to_match(match, accept=True, name="Pia", attention=ALL_YES)
    match.refresh_from_db()
    assert match.status == "accepted" and match.engagement is None
    url = reverse("match-attention", args=[match.public_id])
    assert as_user(world.partner).post(url, _attention_post()).status_code == 403
    assert as_user(world.coordinator).post(url, {}).status_code == 400
    assert as_user(world.coordinator).post(url, _attention_post()).status_code == 302
    match.refresh_from_db()
    assert match.engagement is not None


def test_the_channel_report_shows_the_mix_per_academic_year(world, as_user, need):
    propose_match(need, make_offer(world.a, by=world.coordinator, title="A"), by=world.faculty, channel="faculty")
    propose_match(need, make_offer(world.a, by=world.coordinator, title="B"), by=world.coordinator)
    propose_match(need, make_offer(world.b, by=world.outsider, title="C"), by=world.outsider, channel="student")
    response = as_user(world.coordinator).get(reverse("matching-channels"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "1 (0) · 50%" in body  # one of two via a teacher, one via the contact person; B's is not counted
    assert as_user(world.student).get(reverse("matching-channels")).status_code == 403
    assert as_user(world.partner).get(reverse("matching-channels")).status_code == 403


def test_the_match_list_shows_only_the_institutions_matches(world, as_user, need):
    propose_match(need, make_offer(world.a, by=world.coordinator, title="Van A"), by=world.coordinator)
    propose_match(need, make_offer(world.b, by=world.outsider, title="Van B"), by=world.outsider)
    body = as_user(world.coordinator).get(reverse("match-list")).content.decode()
    assert "Van A" in body and "Van B" not in body


# Students propose organisations


@pytest.fixture
def criteria(world):
    return [
        PartnerCriterion.objects.create(
            institution=world.a, text_nl="Werkt met kwetsbare groepen", text_en="Works with vulnerable groups", order=1
        ),
        PartnerCriterion.objects.create(
            institution=world.a, text_nl="Heeft een begeleider", text_en="Has a supervisor", order=2
        ),
    ]


def test_a_student_proposes_an_organisation_and_sees_the_coordinators_decision(world, as_user, criteria):
    student = as_user(world.student)
    form = student.get(reverse("proposal-create")).content.decode()
    assert "Works with vulnerable groups" in form
    data = {
        "name": "Jeugdhuis Den Tap",
        "description": "Jeugdwerk in de wijk",
        "why": "Ik ken ze van mijn stage",
        f"criterion_{criteria[0].pk}": "on",
        f"criterion_{criteria[1].pk}_comment": "Nog te vragen",
    }
    assert student.post(reverse("proposal-create"), {**data, "why": ""}).status_code == 400
    assert student.post(reverse("proposal-create"), data).status_code == 302
    proposal = OrganisationProposal.objects.get()
    assert proposal.criteria[str(criteria[0].pk)]["ok"] is True
    decide = reverse("proposal-decide", args=[proposal.public_id])
    assert student.post(decide, {"decision": "approved", "version": proposal.version}).status_code == 403
    assert as_user(world.outsider).post(decide, {"decision": "approved", "version": 1}).status_code == 404
    coordinator = as_user(world.coordinator)
    assert coordinator.post(decide, {"decision": "declined", "reason": "", "version": 1}).status_code == 400
    asked = coordinator.post(decide, {"decision": "more_info", "reason": "Wie begeleidt?", "version": 1})
    assert asked.status_code == 302
    detail = student.get(reverse("proposal-detail", args=[proposal.public_id])).content.decode()
    assert "Wie begeleidt?" in detail and "More information asked" in detail
    proposal.refresh_from_db()
    edit = reverse("proposal-edit", args=[proposal.public_id])
    assert student.post(edit, {**data, "why": "Sofie begeleidt", "version": proposal.version}).status_code == 302
    assert student.post(edit, {**data, "version": proposal.version}).status_code == 400  # not sent back any more
    proposal.refresh_from_db()
    assert proposal.status == "submitted"
    assert coordinator.post(decide, {"decision": "approved", "version": proposal.version}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "approved" and proposal.organisation.name == "Jeugdhuis Den Tap"
    assert "Approved" in student.get(reverse("proposal-detail", args=[proposal.public_id])).content.decode()


def test_students_see_only_their_own_proposals_and_partners_none(world, as_user, criteria):
    from matching.services import propose_organisation

    proposal = propose_organisation(by=world.student, name="X", description="d", why="w", criteria={})
    other = f.make_user("student", institution=world.a)
    url = reverse("proposal-detail", args=[proposal.public_id])
    assert as_user(other).get(url).status_code == 404
    assert as_user(world.partner).get(url).status_code == 404
    assert as_user(world.outsider).get(url).status_code == 404
    assert as_user(world.faculty).get(url).status_code == 200
    assert as_user(world.faculty).get(reverse("proposal-create")).status_code == 403


def test_the_need_page_runs_the_same_queries_with_few_or_many_proposals_and_notes(world, as_user, need):
    client = as_user(world.coordinator)
    url = reverse("need-detail", args=[need.public_id])
    propose_match(need, make_offer(world.a, by=world.coordinator, title="Eerste"), by=world.coordinator)
    small = _queries(client, url)
    for i in range(10):
        propose_match(need, make_offer(world.a, by=world.coordinator, title=f"Meer {i}"), by=world.coordinator)
        client.post(reverse("need-note-add", args=[need.public_id]), {"text": f"Notitie {i}"})
    assert _queries(client, url) == small <= 30


def test_the_match_page_shows_the_reasons_and_both_sides_of_the_checklist(world, as_user, need):
    match = propose_match(
        need,
        make_offer(world.a, by=world.coordinator),
        by=world.coordinator,
        attention=ALL_YES,
        score=3.5,
        reasons=[{"code": "themes", "label": "Shared themes", "points": 2.0, "detail": "buurt"}],
    )
    body = as_user(world.coordinator).get(reverse("match-detail", args=[match.public_id])).content.decode()
    assert "Shared themes: buurt" in body and "score 3.50" in body
    assert "A common goal" in body
