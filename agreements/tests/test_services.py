"""Drafting, versions, sending and signing: the rules that protect what was agreed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from agreements.models import Agreement, AgreementVersion, Reminder, Signatory, Signature
from agreements.sections import content_hash
from agreements.services import (
    LinkState,
    link_state,
    refresh_statuses,
    schedule_reminders,
    send_agreement,
    sign,
    signatory_for_token,
    update_agreement,
)
from agreements.tests.helpers import SPECS, content, make_agreement, send, today
from audit.models import AuditEntry
from lib.errors import ConflictError, DomainError


def _sign(token: str, name: str = "Pia Partner", role: str = "Directeur") -> Signature:
    signatory = signatory_for_token(token)
    assert signatory is not None
    return sign(signatory, name=name, role=role, content_hash=signatory.version.content_hash)


def test_a_draft_starts_as_version_one_with_the_hash_of_its_content(world):
    agreement = make_agreement(world)
    [version] = agreement.versions.all()
    assert agreement.status == Agreement.Status.DRAFT
    assert version.number == 1 and not version.is_frozen
    assert version.content_hash == content_hash(content())
    assert AuditEntry.objects.filter(action="created", target_id=str(agreement.public_id)).exists()


def test_an_agreement_that_ends_before_it_starts_is_refused_and_nothing_is_saved(world):
    with pytest.raises(DomainError) as error:
        make_agreement(world, valid_from="2026-05-01", valid_until="2026-04-01")
    assert "valid_until" in error.value.error_dict
    assert not Agreement.objects.exists()


def test_a_draft_changes_in_place_until_it_is_sent(world):
    agreement = make_agreement(world)
    version = update_agreement(
        agreement, by=world.coordinator, expected_version=agreement.version, content=content(activity="Nieuw")
    )
    assert version.number == 1 and version.content["activity"] == "Nieuw"
    assert agreement.versions.count() == 1


def test_a_stale_edit_is_refused_not_written_over(world):
    agreement = make_agreement(world)
    stale = agreement.version
    update_agreement(agreement, by=world.coordinator, expected_version=stale, content=content(activity="Eerste"))
    with pytest.raises(ConflictError):
        update_agreement(agreement, by=world.coordinator, expected_version=stale, content=content(activity="Tweede"))
    assert agreement.versions.get().content["activity"] == "Eerste"


def test_sending_without_a_common_goal_is_refused(world, django_capture_on_commit_callbacks):
    agreement = make_agreement(world, common_goal="   ")
    with pytest.raises(DomainError) as error:
        send(agreement, world.coordinator, django_capture_on_commit_callbacks)
    assert "common_goal" in error.value.error_dict
    assert not AgreementVersion.objects.get(agreement=agreement).is_frozen
    assert mail.outbox == []


def test_sending_needs_a_signatory_on_each_side(world):
    agreement = make_agreement(world)
    with pytest.raises(DomainError) as error:
        send_agreement(agreement, by=world.coordinator, expected_version=agreement.version, signatories=SPECS[:1])
    assert "signatories" in error.value.error_dict
    assert not Signatory.objects.exists()


def test_sending_freezes_the_version_and_mails_each_signatory_in_their_language(
    world, django_capture_on_commit_callbacks
):
    agreement = make_agreement(world)
    links = send(agreement, world.coordinator, django_capture_on_commit_callbacks)
    assert set(links) == {"cora@uas.example", "pia@brug.example"}
    assert agreement.status == Agreement.Status.SENT
    assert agreement.versions.get().is_frozen
    [to_pia] = [m for m in mail.outbox if m.to == ["pia@brug.example"]]
    [to_cora] = [m for m in mail.outbox if m.to == ["cora@uas.example"]]
    assert to_cora.subject.startswith("Please review and sign")
    assert to_pia.extra_headers["Content-Language"] == "nl"
    # Only the hash of the link is kept.
    assert not Signatory.objects.filter(token_hash=links["pia@brug.example"]).exists()


def test_a_sent_version_never_changes_a_change_makes_the_next_version(world, django_capture_on_commit_callbacks):
    agreement = make_agreement(world)
    send(agreement, world.coordinator, django_capture_on_commit_callbacks)
    sent = agreement.versions.get()
    new = update_agreement(
        agreement, by=world.coordinator, expected_version=agreement.version, content=content(activity="Gewijzigd")
    )
    sent.refresh_from_db()
    assert new.number == 2 and not new.is_frozen
    assert sent.content["activity"] == "Studenten begeleiden wekelijks de huiswerkklas."
    assert sent.content_hash == content_hash(sent.content)


def test_sending_the_same_version_twice_is_refused(world, django_capture_on_commit_callbacks):
    agreement = make_agreement(world)
    send(agreement, world.coordinator, django_capture_on_commit_callbacks)
    with pytest.raises(DomainError):
        send_agreement(agreement, by=world.coordinator, expected_version=agreement.version, signatories=SPECS)


def test_signing_records_name_role_version_and_hash_and_all_signatures_activate(
    world, django_capture_on_commit_callbacks
):
    agreement = make_agreement(world)
    links = send(agreement, world.coordinator, django_capture_on_commit_callbacks)
    first = _sign(links["pia@brug.example"])
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.PARTLY_SIGNED
    assert (first.name, first.role, first.version.number) == ("Pia Partner", "Directeur", 1)
    assert first.content_hash == agreement.versions.get().content_hash
    _sign(links["cora@uas.example"], name="Cora Coördinator", role="Coördinator")
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.ACTIVE
    # In force now: an expiry reminder joins the evaluation reminders.
    assert Reminder.objects.filter(agreement=agreement, kind=Reminder.Kind.EXPIRY).count() == 2


def test_a_link_signs_once(world, django_capture_on_commit_callbacks):
    agreement = make_agreement(world)
    links = send(agreement, world.coordinator, django_capture_on_commit_callbacks)
    _sign(links["pia@brug.example"])
    with pytest.raises(DomainError) as error:
        _sign(links["pia@brug.example"], name="Iemand anders")
    assert error.value.code == "signed"
    assert Signature.objects.count() == 1


def test_a_newer_version_supersedes_the_links_of_the_older_one(world, django_capture_on_commit_callbacks):
    agreement = make_agreement(world)
    old_links = send(agreement, world.coordinator, django_capture_on_commit_callbacks)
    _sign(old_links["cora@uas.example"])
    agreement.refresh_from_db()
    update_agreement(
        agreement, by=world.coordinator, expected_version=agreement.version, content=content(activity="Nieuw")
    )
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SENT
    old = signatory_for_token(old_links["pia@brug.example"])
    assert link_state(old) == LinkState.SUPERSEDED
    with pytest.raises(DomainError) as error:
        _sign(old_links["pia@brug.example"])
    assert error.value.code == "superseded"
    new_links = send(agreement, world.coordinator, django_capture_on_commit_callbacks)
    assert signatory_for_token(new_links["pia@brug.example"]).version.number == 2


def test_a_link_cannot_sign_content_it_was_not_sent_for(world, django_capture_on_commit_callbacks):
    agreement = make_agreement(world)
    links = send(agreement, world.coordinator, django_capture_on_commit_callbacks)
    signatory = signatory_for_token(links["pia@brug.example"])
    with pytest.raises(DomainError) as error:
        sign(signatory, name="Pia", role="Directeur", content_hash=content_hash(content(activity="Iets anders")))
    assert error.value.code == "wrong_version"
    assert not Signature.objects.exists()


def test_signing_needs_a_name_and_a_role(world, django_capture_on_commit_callbacks):
    agreement = make_agreement(world)
    links = send(agreement, world.coordinator, django_capture_on_commit_callbacks)
    with pytest.raises(DomainError) as error:
        _sign(links["pia@brug.example"], name=" ", role="")
    assert set(error.value.error_dict) == {"name", "role"}


def test_an_active_agreement_can_no_longer_be_edited(world, django_capture_on_commit_callbacks):
    agreement = make_agreement(world)
    links = send(agreement, world.coordinator, django_capture_on_commit_callbacks)
    for token in links.values():
        _sign(token)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.ACTIVE
    with pytest.raises(DomainError):
        update_agreement(
            agreement, by=world.coordinator, expected_version=agreement.version, content=content(activity="X")
        )
    assert agreement.versions.count() == 1


def test_an_agreement_comes_up_for_renewal_and_then_ends(world, django_capture_on_commit_callbacks):
    agreement = make_agreement(world)
    for token in send(agreement, world.coordinator, django_capture_on_commit_callbacks).values():
        _sign(token)
    agreement.refresh_from_db()
    end = agreement.valid_until
    refresh_statuses(end - dt.timedelta(days=agreement.renewal_notice_days + 1))
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.ACTIVE
    refresh_statuses(end - dt.timedelta(days=agreement.renewal_notice_days))
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.RENEWAL_DUE
    refresh_statuses(end + dt.timedelta(days=1))
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.ENDED


def test_reminders_are_planned_once_before_each_evaluation(world, django_capture_on_commit_callbacks):
    agreement = make_agreement(world)
    send(agreement, world.coordinator, django_capture_on_commit_callbacks)
    first = Reminder.objects.filter(agreement=agreement).count()
    schedule_reminders(agreement)
    schedule_reminders(agreement)
    assert Reminder.objects.filter(agreement=agreement).count() == first == 4
    late = Reminder.objects.filter(agreement=agreement, title="Slotevaluatie").first()
    assert late.send_on == late.due_on - dt.timedelta(days=14)
    soon = Reminder.objects.filter(agreement=agreement, title="Tussentijdse evaluatie").first()
    assert soon.send_on == today() + dt.timedelta(days=16)
    assert {r.language for r in Reminder.objects.filter(recipient="pia@brug.example")} == {"nl"}
