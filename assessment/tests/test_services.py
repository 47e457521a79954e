"""Starting a round, personal links by mail, drafts, submitting, actions, and adapting an instrument."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone, translation

from assessment.models import AgreedAction, Answer, Instrument, Respondent, Round
from assessment.services import (
    LinkState,
    add_action,
    copy_instrument,
    field_name,
    item_fingerprint,
    link_state,
    respondent_for_token,
    save_draft,
    submit_answers,
    submit_or_keep_draft,
    update_item,
)
from assessment.tests.helpers import answer, campus, community, link_for, make_round, raw_answers
from audit.models import AuditEntry
from lib.errors import ConflictError, DomainError

LINK = re.compile(r"https?://\S+/answer/([A-Za-z0-9_-]+)/")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_starting_a_round_mails_each_person_a_working_link_in_their_own_language(
    world, partnership, tres, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        round_ = make_round(
            world,
            partnership,
            tres,
            [campus(language="en"), community(language="nl")],
            base_url="https://brug.example/",
        )
    assert len(mail.outbox) == 2
    by_address = {m.to[0]: m for m in mail.outbox}
    english, dutch = by_address["cora@uas.example"], by_address["pia@brug.example"]
    assert "Relationship in ten domains" in english.body
    assert english.extra_headers["Content-Language"] == "en"
    assert "Relatie in tien domeinen" in dutch.body
    assert dutch.extra_headers["Content-Language"] == "nl"
    for message in mail.outbox:
        token = LINK.search(message.body).group(1)
        assert f"https://brug.example/answer/{token}/" in message.body
        respondent = respondent_for_token(token)
        assert respondent is not None and respondent.round == round_ and respondent.email == message.to[0]
        assert respondent.invited_at is not None
        # Only the hash is kept.
        assert respondent.token_hash == Respondent.hash_token(token)
        assert not Respondent.objects.filter(token_hash=token).exists()
    assert AuditEntry.objects.filter(action="started assessment", target_id=str(round_.public_id)).exists()


def test_nothing_is_mailed_when_the_round_is_not_committed(world, partnership, tres):
    make_round(world, partnership, tres)
    assert mail.outbox == []


def test_a_link_expires_at_the_end_of_the_deadline_day(world, partnership, tres):
    deadline = timezone.localdate() + dt.timedelta(days=3)
    round_ = make_round(world, partnership, tres, closes_on=deadline)
    respondent = round_.respondents.first()
    expires = timezone.localtime(respondent.expires_at)
    assert (expires.date(), expires.hour, expires.minute) == (deadline + dt.timedelta(days=1), 0, 0)


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        ([campus()], "Ask at least one person on the community side"),
        ([community()], "Ask at least one person on the campus side"),
        ([campus(), community(), community("Pia twee", "PIA@brug.example")], "is asked twice"),
        ([campus(), community(email="not-an-address")], "has no valid e-mail address"),
    ],
)
def test_a_round_without_both_sides_or_with_bad_addresses_is_refused(world, partnership, tres, specs, message):
    with pytest.raises(DomainError) as error:
        make_round(world, partnership, tres, specs)
    assert message in " ".join(error.value.message_dict["respondents"])
    assert not Round.objects.exists()


def test_a_deadline_in_the_past_is_refused(world, partnership, tres):
    with pytest.raises(DomainError) as error:
        make_round(world, partnership, tres, closes_on=timezone.localdate() - dt.timedelta(days=1))
    assert "closes_on" in error.value.message_dict
    assert not Round.objects.exists()


def test_another_institutions_own_instrument_cannot_be_used(world, partnership, tres):
    theirs = copy_instrument(tres, by=world.outsider, institution=world.b)
    with pytest.raises(DomainError) as error:
        make_round(world, partnership, theirs)
    assert "instrument" in error.value.message_dict


def test_a_draft_is_kept_and_can_be_completed_later(world, partnership, tres):
    respondent = make_round(world, partnership, tres).respondents.get(side="community")
    goals = tres.items.get(domain="goals")
    save_draft(respondent, {field_name("current", goals.pk): "2", field_name("comment", goals.pk): "Half af"})
    respondent.refresh_from_db()
    assert respondent.draft[str(goals.pk)] == {"current": 2, "desired": None, "comment": "Half af"}
    assert respondent.draft_saved_at is not None
    assert respondent.submitted_at is None
    assert not Answer.objects.exists()


def test_submitting_with_missing_items_names_each_missing_answer_and_keeps_the_draft(world, partnership, tres):
    respondent = make_round(world, partnership, tres).respondents.get(side="community")
    raw = raw_answers(tres, {"goals": (None, 4), "power": (2, None)})
    raw[field_name("current", tres.items.get(domain="conflict").pk)] = "9"
    with pytest.raises(DomainError) as error:
        submit_or_keep_draft(respondent, raw)
    errors = error.value.message_dict
    goals, power, conflict = (tres.items.get(domain=d).pk for d in ("goals", "power", "conflict"))
    assert errors == {
        field_name("current", goals): ["Choose how it is now, from 1 to 5."],
        field_name("desired", power): ["Choose how you would like it to be, from 1 to 5."],
        field_name("current", conflict): ["Choose a value from 1 to 5."],
    }
    respondent.refresh_from_db()
    assert respondent.submitted_at is None
    assert respondent.draft[str(goals)]["desired"] == 4
    assert not Answer.objects.exists()


def test_a_link_answers_once_and_later_posts_change_nothing(world, partnership, tres):
    respondent = make_round(world, partnership, tres).respondents.get(side="community")
    answer(respondent, {}, default=(2, 4))
    assert link_state(respondent) == LinkState.ANSWERED
    with pytest.raises(DomainError):
        submit_answers(respondent, raw_answers(tres, {}, default=(5, 5)))
    with pytest.raises(DomainError):
        save_draft(respondent, raw_answers(tres, {}, default=(5, 5)))
    assert set(Answer.objects.values_list("current", flat=True)) == {2}


def test_an_expired_or_closed_link_takes_no_answers(world, partnership, tres):
    round_ = make_round(world, partnership, tres)
    late = round_.respondents.get(side="community")
    Respondent.objects.filter(pk=late.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    late.refresh_from_db()
    assert link_state(late) == LinkState.EXPIRED
    with pytest.raises(DomainError):
        answer(late, {})
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.CLOSED)
    on_time = round_.respondents.get(side="campus")
    on_time.refresh_from_db()
    assert link_state(on_time) == LinkState.EXPIRED
    assert not Answer.objects.exists()


def test_a_new_link_replaces_the_old_one(world, partnership, tres):
    respondent = make_round(world, partnership, tres).respondents.get(side="community")
    old = link_for(respondent)
    new = link_for(respondent)
    assert respondent_for_token(old) is None
    assert respondent_for_token(new) == respondent
    assert respondent_for_token("") is None


def test_an_agreed_action_needs_what_and_who(world, partnership, tres):
    round_ = make_round(world, partnership, tres)
    with pytest.raises(DomainError):
        add_action(round_, by=world.coordinator, what=" ", who="Pia")
    action = add_action(
        round_, by=world.coordinator, what="Samen de doelen herschrijven", who="Cora en Pia", step="examine"
    )
    assert list(AgreedAction.objects.all()) == [action]


def test_a_copied_instrument_can_be_adapted_and_the_original_stays(world, tres):
    copy = copy_instrument(tres, by=world.coordinator, institution=world.a)
    assert copy.institution == world.a and copy.slug != tres.slug
    assert copy.items.count() == tres.items.count() == 10
    item = copy.items.get(domain="goals")
    fingerprint = item_fingerprint(item)
    update_item(item, by=world.coordinator, expected_fingerprint=fingerprint, label_en="Shared goals")
    assert copy.items.get(domain="goals").label_en == "Shared goals"
    assert tres.items.get(domain="goals").label_en == "Goals"
    # Someone who opened the form before that edit is refused, not silently overwritten.
    with pytest.raises(ConflictError):
        update_item(item, by=world.coordinator, expected_fingerprint=fingerprint, label_en="Goals again")
    assert copy.items.get(domain="goals").label_en == "Shared goals"
    # A second copy gets a slug of its own.
    assert copy_instrument(tres, by=world.coordinator, institution=world.a).slug not in (tres.slug, copy.slug)


def test_a_built_in_instrument_cannot_be_changed(world, tres):
    item = tres.items.get(domain="goals")
    with pytest.raises(DomainError):
        update_item(item, by=world.coordinator, expected_fingerprint=None, label_en="Changed")
    assert Instrument.objects.get(pk=tres.pk).items.get(domain="goals").label_en == "Goals"
