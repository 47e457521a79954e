"""Matching operations outside the web: confirmation links, answers after expiry, withdrawals and
the digest, the points of attention, and organisations from the public form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from lib.errors import DomainError
from matching.models import DigestItem, Match, Need
from matching.services import (
    confirm_need,
    issue_confirm_link,
    issue_response_link,
    post_need,
    propose_match,
    respond_to_match,
    save_attention_checklist,
    update_offer,
    withdraw_match,
)
from matching.tasks import send_digests
from matching.tests.helpers import ALL_YES, make_need, make_offer
from tests import factories as f


def _public_need(**over):
    return post_need(
        by=None,
        organisation_fields={"name": over.pop("name", "Buurtwerk De Brug"), "postcode": over.pop("postcode", "9000")},
        title="Vraag",
        description="Beschrijving",
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 12, 1),
        contact_email="pia@brug.example",
        **over,
    )


def test_a_public_need_in_the_name_of_a_known_organisation_is_only_a_claim_of_it(world):
    need = _public_need(name="buurtwerk de BRUG")
    assert need.organisation == world.org and need.claims_existing and need.status == Need.Status.UNCONFIRMED
    other = _public_need(name="Nieuw Initiatief")
    assert other.organisation.pk not in (world.org.pk, world.other_org.pk)
    assert other.organisation.is_active is False


def test_a_public_need_needs_a_contact_address(world):
    with pytest.raises(DomainError):
        post_need(
            by=None,
            organisation_fields={"name": "X", "postcode": "9000"},
            title="t",
            description="d",
            period_start=dt.date(2026, 10, 1),
            period_end=dt.date(2026, 12, 1),
        )
    assert not Need.objects.exists()


def test_a_newer_confirmation_link_replaces_the_older_one(world):
    need = _public_need()
    first = issue_confirm_link(need)
    second = issue_confirm_link(need)
    with pytest.raises(DomainError):
        confirm_need(first)
    assert confirm_need(second).status == Need.Status.PENDING
    with pytest.raises(DomainError) as used:
        confirm_need(second)
    assert used.value.code == "used"


def test_an_answer_after_the_link_expired_is_refused(world):
    need = make_need(world.org, by=world.coordinator)
    match = propose_match(need, make_offer(world.a, by=world.coordinator), by=world.coordinator)
    issue_response_link(match)
    Match.objects.filter(pk=match.pk).update(response_expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(DomainError) as expired:
        respond_to_match(match, accept=True, name="Pia", attention=ALL_YES)
    assert expired.value.code == "expired"
    assert Match.objects.get().status == Match.Status.PROPOSED


def test_a_withdrawn_proposal_leaves_the_digest(world):
    f.make_verified_contact(world.org, "info@debrug.example")
    need = make_need(world.org, by=world.coordinator)
    match = propose_match(need, make_offer(world.a, by=world.coordinator), by=world.coordinator)
    withdraw_match(match, by=world.coordinator, expected_version=match.version)
    assert not DigestItem.objects.exists()
    send_digests()
    assert not mail.outbox


def test_a_checklist_must_answer_every_point(world):
    need = make_need(world.org, by=world.coordinator)
    match = propose_match(need, make_offer(world.a, by=world.coordinator), by=world.coordinator)
    partial = dict(list(ALL_YES.items())[:3])
    with pytest.raises(DomainError) as missing:
        save_attention_checklist(match, side="institution", answers=partial, by=world.coordinator)
    assert "attention_expectations" in missing.value.error_dict
    with pytest.raises(DomainError):
        save_attention_checklist(
            match, side="institution", answers={**ALL_YES, "lasting": {"answer": "yes", "note": "x" * 1001}}
        )


def test_only_an_open_need_and_offer_can_be_proposed(world):
    need = make_need(world.org, by=world.coordinator)
    offer = make_offer(world.a, by=world.coordinator, status="closed")
    with pytest.raises(DomainError):
        propose_match(need, offer, by=world.coordinator)
    Need.objects.filter(pk=need.pk).update(status="closed")
    need.refresh_from_db()
    with pytest.raises(DomainError):
        propose_match(need, make_offer(world.a, by=world.coordinator), by=world.coordinator)
    assert not Match.objects.exists()


def test_changing_an_offer_returns_it_changed_with_a_new_version(world):
    offer = make_offer(world.a, by=world.coordinator)
    changed = update_offer(offer, by=world.coordinator, expected_version=offer.version, students=6)
    assert changed is not None and (changed.students, changed.version) == (6, 2)
    with pytest.raises(DomainError):
        update_offer(offer, by=world.coordinator, expected_version=offer.version, period_end=dt.date(2026, 1, 1))
