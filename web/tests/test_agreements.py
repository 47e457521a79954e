"""Agreement pages: the list, drafting with the guided form, editing and versions, sending, comparing,
the PDF, the calendar feeds, and the public signing page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from agreements.ical import partnership_token, user_token
from agreements.models import Agreement, AgreementTemplate, Signature
from agreements.services import sign, signatory_for_token, update_agreement
from agreements.tests.helpers import content, make_agreement, send, today
from tests import factories as f


@pytest.fixture(autouse=True)
def english(world) -> None:
    """Staff pages read in the English source strings."""
    User.objects.update(language="en")
    world.coordinator.refresh_from_db()


@pytest.fixture
def agreement(world) -> Agreement:
    return make_agreement(world)


@pytest.fixture
def sent(world, agreement, django_capture_on_commit_callbacks) -> tuple[Agreement, dict[str, str]]:
    links = send(agreement, world.coordinator, django_capture_on_commit_callbacks)
    return agreement, links


def _form_data(agreement: Agreement | None = None, **over: str) -> dict[str, str]:
    c = content()
    data = {
        "title": c["title"],
        "valid_from": c["valid_from"],
        "valid_until": c["valid_until"],
        "common_goal": c["common_goal"],
        "activity": c["activity"],
        "balance_partner_gives": "Een lokaal",
        "balance_partner_gets": "Extra handen",
        "evaluation_date_0": (today() + dt.timedelta(days=40)).isoformat(),
        "evaluation_title_0": "Tussentijds",
        "evaluation_date_1": "",
        "evaluation_title_1": "",
    }
    if agreement is not None:
        data["version"] = str(agreement.version)
    data.update(over)
    return data


# The list


def test_the_coordinator_lists_the_institutions_agreements_with_a_calendar_link(world, as_user, agreement):
    response = as_user(world.coordinator).get(reverse("agreement-list"))
    assert response.status_code == 200
    assert agreement.title in response.text
    assert "/calendar/agreements/" in response.text


def test_a_partner_sees_sent_agreements_of_its_partnerships_but_not_drafts(world, as_user, sent):
    agreement, _links = sent
    draft = make_agreement(world, title="Nog een concept")
    response = as_user(world.partner).get(reverse("agreement-list"))
    assert agreement.title in response.text and draft.title not in response.text


@pytest.mark.parametrize("persona", ["other_partner", "outsider", "student"])
def test_people_outside_the_partnership_see_no_agreements(world, as_user, sent, persona):
    response = as_user(getattr(world, persona)).get(reverse("agreement-list"))
    assert sent[0].title not in response.text


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    assert client.get(reverse("agreement-list")).status_code == 302


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_runs_the_same_few_queries_whatever_its_size(world, as_user, django_assert_max_num_queries, rows):
    partnership = f.make_partnership(world.a, [world.org], [world.coord_person])
    from agreements.services import create_agreement

    for n in range(rows):
        create_agreement(by=world.coordinator, partnership=partnership, content=content(title=f"Afspraak {n}"))
    client = as_user(world.coordinator)
    # The first visit makes the user's calendar address (a savepoint around one insert); later ones read it.
    with django_assert_max_num_queries(11):
        assert client.get(reverse("agreement-list")).status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(reverse("agreement-list")).status_code == 200


def test_the_list_filters_by_status(world, as_user, sent):
    draft = make_agreement(world, title="Concept")
    response = as_user(world.coordinator).get(reverse("agreement-list"), {"status": "sent"})
    assert sent[0].title in response.text and draft.title not in response.text


# Drafting


def test_the_form_shows_both_missions_beside_the_common_goal(world, as_user):
    world.a.mission = "Kennis ten dienste van de samenleving."
    world.a.save()
    world.org.mission = "Elk kind een kans."
    world.org.save()
    partnership = f.make_partnership(world.a, [world.org], [world.coord_person])
    response = as_user(world.coordinator).get(reverse("agreement-create"), {"partnership": partnership.public_id})
    assert response.status_code == 200
    assert "Kennis ten dienste van de samenleving." in response.text and "Elk kind een kans." in response.text
    assert 'for="id_common_goal"' in response.text


def test_a_template_fills_in_the_sections(world, as_user):
    partnership = f.make_partnership(world.a, [world.org], [world.coord_person])
    template = AgreementTemplate.objects.get(institution=None, slug="service-learning")
    response = as_user(world.coordinator).get(
        reverse("agreement-create"), {"partnership": partnership.public_id, "template": template.pk}
    )
    assert template.sections_en["expect_from_partner"] in response.text


def test_the_coordinator_drafts_an_agreement_for_a_partnership(world, as_user):
    partnership = f.make_partnership(world.a, [world.org], [world.coord_person])
    response = as_user(world.coordinator).post(
        reverse("agreement-create"), {"partnership": partnership.public_id, **_form_data()}
    )
    agreement = Agreement.objects.get()
    assert response.status_code == 302 and response.url == reverse("agreement-detail", args=[agreement.public_id])
    version = agreement.versions.get()
    assert version.content["balance"]["partner"] == {"gives": "Een lokaal", "gets": "Extra handen"}
    assert [m["title"] for m in version.content["evaluations"]] == ["Tussentijds"]


def test_faculty_drafts_an_agreement_for_an_engagement_of_the_institution(world, as_user):
    engagement = f.make_engagement(world.a, organisation=world.org, title="Huiswerkklas")
    response = as_user(world.faculty).post(
        reverse("agreement-create"), {"engagement": engagement.public_id, **_form_data()}
    )
    assert response.status_code == 302
    assert Agreement.objects.get().engagement == engagement


def test_an_end_before_the_start_is_refused_with_a_clear_message(world, as_user):
    partnership = f.make_partnership(world.a, [world.org], [world.coord_person])
    response = as_user(world.coordinator).post(
        reverse("agreement-create"),
        {"partnership": partnership.public_id, **_form_data(valid_from="2027-05-01", valid_until="2027-04-01")},
    )
    assert response.status_code == 400
    assert "The agreement cannot end before it starts." in response.text
    assert not Agreement.objects.exists()


def test_faculty_who_does_not_own_the_partnership_may_not_draft_for_it(world, as_user):
    partnership = f.make_partnership(world.a, [world.org], [world.coord_person])
    response = as_user(world.faculty).get(reverse("agreement-create"), {"partnership": partnership.public_id})
    assert response.status_code == 403


def test_a_partner_may_not_draft(world, as_user):
    partnership = f.make_partnership(world.a, [world.org], [world.coord_person])
    response = as_user(world.partner).get(reverse("agreement-create"), {"partnership": partnership.public_id})
    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["outsider", "other_partner", "student"])
def test_outsiders_get_404_for_drafting_on_a_partnership(world, as_user, persona):
    partnership = f.make_partnership(world.a, [world.org], [world.coord_person])
    response = as_user(getattr(world, persona)).get(reverse("agreement-create"), {"partnership": partnership.public_id})
    assert response.status_code == 404


# Detail, editing and versions


def test_the_detail_shows_the_balance_per_party_and_the_hash(world, as_user, agreement):
    response = as_user(world.coordinator).get(reverse("agreement-detail", args=[agreement.public_id]))
    assert response.status_code == 200
    assert "Extra handen voor de huiswerkklas" in response.text
    assert agreement.versions.get().content_hash in response.text
    assert "Send version 1 for signing" in response.text


@pytest.mark.parametrize("persona", ["outsider", "other_partner", "student"])
def test_outsiders_get_404_for_an_agreement(world, as_user, sent, persona):
    response = as_user(getattr(world, persona)).get(reverse("agreement-detail", args=[sent[0].public_id]))
    assert response.status_code == 404


def test_a_partner_reads_a_sent_agreement_without_editing_it(world, as_user, sent):
    agreement, _links = sent
    client = as_user(world.partner)
    response = client.get(reverse("agreement-detail", args=[agreement.public_id]))
    assert response.status_code == 200
    assert reverse("agreement-edit", args=[agreement.public_id]) not in response.text
    assert client.get(reverse("agreement-edit", args=[agreement.public_id])).status_code == 403


def test_a_partner_does_not_see_a_draft_agreement(world, as_user, agreement):
    assert as_user(world.partner).get(reverse("agreement-detail", args=[agreement.public_id])).status_code == 404


def test_a_partner_does_not_see_an_unsent_new_version(world, as_user, sent):
    agreement, _links = sent
    update_agreement(
        agreement, by=world.coordinator, expected_version=agreement.version, content=content(activity="Geheim")
    )
    client = as_user(world.partner)
    response = client.get(reverse("agreement-detail", args=[agreement.public_id]))
    assert "Geheim" not in response.text
    assert client.get(reverse("agreement-pdf", args=[agreement.public_id, 2])).status_code == 404


@pytest.mark.parametrize("rows", [1, 6])
def test_the_detail_runs_a_bounded_number_of_queries(world, as_user, agreement, django_assert_max_num_queries, rows):
    for n in range(rows):
        update_agreement(
            agreement, by=world.coordinator, expected_version=None, content=content(activity=f"Wijziging {n}")
        )
    client = as_user(world.coordinator)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("agreement-detail", args=[agreement.public_id])).status_code == 200


def test_editing_a_sent_agreement_makes_version_two_and_keeps_version_one(world, as_user, sent):
    agreement, _links = sent
    client = as_user(world.coordinator)
    response = client.post(
        reverse("agreement-edit", args=[agreement.public_id]), _form_data(agreement, activity="Tweewekelijks")
    )
    assert response.status_code == 302
    v1, v2 = agreement.versions.order_by("number")
    assert v1.content["activity"] == content()["activity"] and v2.content["activity"] == "Tweewekelijks"


def test_a_stale_edit_gets_a_conflict_and_nothing_is_lost(world, as_user, agreement):
    client = as_user(world.coordinator)
    stale = _form_data(agreement, activity="Mijn versie")
    update_agreement(
        agreement, by=world.coordinator, expected_version=agreement.version, content=content(activity="Jouw")
    )
    response = client.post(reverse("agreement-edit", args=[agreement.public_id]), stale)
    assert response.status_code == 409
    assert "Someone else changed this record" in response.text
    assert agreement.versions.get().content["activity"] == "Jouw"


def test_faculty_may_not_edit_a_partnership_agreement_it_does_not_own(world, as_user, agreement):
    response = as_user(world.faculty).post(reverse("agreement-edit", args=[agreement.public_id]), _form_data(agreement))
    assert response.status_code == 403


def test_the_comparison_marks_insertions_and_deletions_in_words_not_only_colour(world, as_user, sent):
    agreement, _links = sent
    update_agreement(
        agreement,
        by=world.coordinator,
        expected_version=agreement.version,
        content=content(activity="Studenten begeleiden tweewekelijks de huiswerkklas."),
    )
    response = as_user(world.coordinator).get(
        reverse("agreement-diff", args=[agreement.public_id]), {"from": 1, "to": 2}
    )
    assert response.status_code == 200
    assert '<del><span class="visually-hidden">removed: </span>wekelijks</del>' in response.text
    assert '<ins><span class="visually-hidden">added: </span>tweewekelijks</ins>' in response.text


# Sending


def test_sending_mails_a_link_to_each_signatory(world, as_user, agreement, django_capture_on_commit_callbacks):
    data = {
        "version": agreement.version,
        "institution_name": "Cora Coördinator",
        "institution_email": "cora@uas.example",
        "institution_language": "en",
        "organisation_name": "Pia Partner",
        "organisation_email": "pia@brug.example",
        "organisation_language": "nl",
        "other_language": "nl",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.coordinator).post(reverse("agreement-send", args=[agreement.public_id]), data)
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["cora@uas.example", "pia@brug.example"]
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SENT


def test_sending_without_a_common_goal_says_so_and_sends_nothing(world, as_user, django_capture_on_commit_callbacks):
    agreement = make_agreement(world, common_goal="")
    data = {
        "version": agreement.version,
        "institution_name": "Cora",
        "institution_email": "cora@uas.example",
        "institution_language": "en",
        "organisation_name": "Pia",
        "organisation_email": "pia@brug.example",
        "organisation_language": "nl",
        "other_language": "nl",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.coordinator).post(reverse("agreement-send", args=[agreement.public_id]), data)
    assert response.status_code == 400
    assert "Write the common goal before you send the agreement" in response.text
    assert mail.outbox == []


# PDF


def test_the_pdf_of_a_version_is_a_pdf(world, as_user, sent):
    response = as_user(world.partner).get(reverse("agreement-pdf", args=[sent[0].public_id, 1]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_an_outsider_gets_404_for_the_pdf(world, as_user, sent):
    assert as_user(world.outsider).get(reverse("agreement-pdf", args=[sent[0].public_id, 1])).status_code == 404


# Calendar feeds


def test_the_personal_feed_lists_evaluations_and_renewal_without_a_session(world, client, sent):
    response = client.get(reverse("agreement-calendar-user", args=[user_token(world.coordinator)]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert text.count("BEGIN:VEVENT") == 4  # two evaluations, renewal, end
    assert "Tussentijdse evaluatie" in text and "Up for renewal" in text


def test_a_tampered_feed_address_gets_404(world, client):
    token = user_token(world.coordinator)
    assert client.get(reverse("agreement-calendar-user", args=[token[:-2] + "xx"])).status_code == 404


def test_the_partnership_feed_shows_that_partnerships_agreements_only(world, client, sent):
    other = make_agreement(world, title="Ander partnerschap")
    partnership = sent[0].partnership
    response = client.get(
        reverse("agreement-calendar-partnership", args=[partnership_token(world.coordinator, partnership)])
    )
    text = response.content.decode()
    assert response.status_code == 200 and "Huiswerkklas" not in other.title
    assert sent[0].title in text and other.title not in text


def test_a_partnership_feed_minted_for_an_outsider_finds_nothing(world, client, sent):
    token = partnership_token(world.outsider, sent[0].partnership)
    assert client.get(reverse("agreement-calendar-partnership", args=[token])).status_code == 404


def test_a_departed_users_feed_stops_working(world, client, sent):
    token = user_token(world.coordinator)
    User.objects.filter(pk=world.coordinator.pk).update(is_active=False)
    assert client.get(reverse("agreement-calendar-user", args=[token])).status_code == 404


# Signing through the link


def _sign_url(token: str) -> str:
    return reverse("agreement-sign", args=[token])


def test_the_link_shows_the_exact_version_and_its_hash_without_an_account(client, sent):
    agreement, links = sent
    response = client.get(_sign_url(links["cora@uas.example"]))
    assert response.status_code == 200
    assert agreement.versions.get().content_hash in response.text
    assert "Minder schooluitval in de wijk" in response.text


def test_signing_through_the_link_records_name_role_and_version(client, sent):
    agreement, links = sent
    version = agreement.versions.get()
    response = client.post(
        _sign_url(links["pia@brug.example"]),
        {"content_hash": version.content_hash, "name": "Pia Partner", "role": "Directeur", "agree": "on"},
    )
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert (signature.name, signature.role, signature.version, signature.content_hash) == (
        "Pia Partner",
        "Directeur",
        version,
        version.content_hash,
    )


def test_signing_without_a_name_or_agreement_is_refused(client, sent):
    agreement, links = sent
    response = client.post(
        _sign_url(links["cora@uas.example"]), {"content_hash": agreement.versions.get().content_hash, "name": ""}
    )
    assert response.status_code == 400
    assert not Signature.objects.exists()


def test_a_used_link_shows_a_clear_page_and_signs_nothing_more(client, sent):
    agreement, links = sent
    version = agreement.versions.get()
    data = {"content_hash": version.content_hash, "name": "Cora", "role": "Coördinator", "agree": "on"}
    client.post(_sign_url(links["cora@uas.example"]), data)
    response = client.post(_sign_url(links["cora@uas.example"]), {**data, "name": "Iemand anders"})
    assert response.status_code == 409
    assert "A link signs once" in response.text
    assert Signature.objects.get().name == "Cora"


def test_a_link_to_a_superseded_version_says_a_newer_version_exists(world, client, sent):
    agreement, links = sent
    update_agreement(
        agreement, by=world.coordinator, expected_version=agreement.version, content=content(activity="Nieuw")
    )
    response = client.get(_sign_url(links["cora@uas.example"]))
    assert "A newer version exists" in response.text


def test_a_signature_for_other_content_than_the_links_version_is_refused(client, sent):
    _agreement, links = sent
    response = client.post(
        _sign_url(links["cora@uas.example"]),
        {"content_hash": "0" * 64, "name": "Cora", "role": "Coördinator", "agree": "on"},
    )
    assert response.status_code == 409
    assert "not the version this link is for" in response.text
    assert not Signature.objects.exists()


def test_an_unknown_link_gets_404(client, db):
    assert client.get(_sign_url("nope")).status_code == 404


def test_when_everyone_signed_the_coordinator_sees_it_active(world, as_user, sent):
    agreement, links = sent
    for token in links.values():
        signatory = signatory_for_token(token)
        sign(signatory, name=signatory.name, role="x", content_hash=signatory.version.content_hash)
    response = as_user(world.coordinator).get(reverse("agreement-detail", args=[agreement.public_id]))
    assert '<span class="flag ok" id="agreement-status">Active</span>' in response.text


def test_staff_start_a_draft_from_the_list_by_choosing_a_partnership(world, as_user):
    partnership = f.make_partnership(world.a, [world.org], [world.coord_person], title="Kies mij")
    f.make_partnership(world.b, [world.org], [world.outsider_person], title="Niet van ons")
    client = as_user(world.coordinator)
    assert 'id="draft-partnership"' in client.get(reverse("agreement-list")).text
    assert "Kies mij" not in client.get(reverse("agreement-list")).text  # searched for, not listed
    response = client.get(reverse("agreement-list"), {"partnership_q": "Kies"})
    assert f'<option value="{partnership.public_id}">Kies mij</option>' in response.text
    assert "Niet van ons" not in client.get(reverse("agreement-list"), {"partnership_q": "Niet"}).text
    chosen = client.get(reverse("agreement-list"), {"partnership": str(partnership.public_id)})
    assert chosen.status_code == 302
    assert chosen["Location"] == reverse("agreement-create") + f"?partnership={partnership.public_id}"
    assert 'id="draft-partnership"' not in as_user(world.partner).get(reverse("agreement-list")).text
