"""The capacity guard: an organisation's load counts across all institutions, and a proposal past
its capacity or in its quiet period is held until a coordinator overrides it with a reason."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from lib.errors import ConflictError, DomainError
from matching.load import academic_period, capacity_left, organisation_load, period_from_label
from matching.models import DigestItem, Match, QuietPeriod
from matching.services import override_hold, propose_match
from matching.tests.helpers import make_need, make_offer
from tests import factories as f

# These tests read English messages; Dutch is the default (tests/test_i18n_switch.py).
pytestmark = pytest.mark.usefixtures("english")

PERIOD = period_from_label("2026-2027")


def _full(org, capacity: int) -> None:
    org.capacity_per_period = capacity
    org.save(update_fields=["capacity_per_period"])


def test_an_academic_period_runs_from_september_to_august():
    assert academic_period(dt.date(2026, 9, 1)).label == "2026-2027"
    assert academic_period(dt.date(2027, 8, 31)).label == "2026-2027"
    assert academic_period(dt.date(2026, 8, 31)).label == "2025-2026"
    assert period_from_label("2026-2028") is None
    assert period_from_label("nonsense") is None


def test_the_load_counts_requests_proposals_and_engagements_of_every_institution(world):
    make_need(world.org, by=world.coordinator, title="Open vraag")
    answered = make_need(world.org, by=world.outsider, title="Beantwoorde vraag")
    offer_b = make_offer(world.b, by=world.outsider)
    propose_match(answered, offer_b, by=world.outsider)
    f.make_engagement(world.a, organisation=world.org, start_date=dt.date(2026, 11, 1))
    # Outside the period or cancelled: not counted.
    f.make_engagement(world.a, organisation=world.org, start_date=dt.date(2025, 11, 1))
    f.make_engagement(world.b, organisation=world.org, start_date=dt.date(2026, 11, 1), status="cancelled")

    load = organisation_load([world.org.pk, world.other_org.pk], PERIOD)

    assert (load[world.org.pk].requests, load[world.org.pk].proposals, load[world.org.pk].engagements) == (1, 1, 1)
    assert load[world.other_org.pk].total == 0
    assert capacity_left(world.org, PERIOD) == world.org.capacity_per_period - 3


def test_the_load_takes_the_same_number_of_queries_for_3_or_30_organisations(world, django_assert_num_queries):
    orgs = [f.make_organisation() for _ in range(30)]
    with django_assert_num_queries(4):
        organisation_load([o.pk for o in orgs[:3]], PERIOD)
    with django_assert_num_queries(4):
        organisation_load([o.pk for o in orgs], PERIOD)


def test_a_proposal_within_capacity_goes_out_and_joins_the_organisations_digest(world):
    need = make_need(world.org, by=world.coordinator)
    match = propose_match(need, make_offer(world.a, by=world.coordinator), by=world.coordinator)
    assert match.status == Match.Status.PROPOSED
    assert match.channel == Match.Channel.CONTACT
    assert DigestItem.objects.filter(organisation=world.org, match=match, sent_at__isnull=True).count() == 1


def test_a_proposal_past_the_capacity_of_all_institutions_together_is_held(world):
    _full(world.org, 2)
    f.make_engagement(world.b, organisation=world.org, start_date=dt.date(2026, 10, 1))
    first = make_need(world.org, by=world.coordinator, title="Eerste")
    second = make_need(world.org, by=world.coordinator, title="Tweede")
    # Load: two open requests + one engagement = 3 > 2 already; proposing for one swaps a request for a proposal.
    match = propose_match(first, make_offer(world.a, by=world.coordinator), by=world.faculty)
    assert match.status == Match.Status.HELD
    assert "capacity is 2" in match.held_reason
    assert match.channel == Match.Channel.FACULTY
    assert not DigestItem.objects.filter(match=match).exists()
    assert second.status == "open"


def test_a_need_that_is_its_organisations_only_load_can_take_its_first_proposal(world):
    _full(world.org, 1)
    need = make_need(world.org, by=world.coordinator)
    match = propose_match(need, make_offer(world.a, by=world.coordinator), by=world.coordinator)
    assert match.status == Match.Status.PROPOSED
    second = propose_match(need, make_offer(world.a, by=world.coordinator, title="Ander vak"), by=world.coordinator)
    assert second.status == Match.Status.HELD


def test_a_proposal_in_a_quiet_period_is_held_with_the_organisations_reason(world):
    today = timezone.localdate()
    QuietPeriod.objects.create(
        organisation=world.org, start=today - dt.timedelta(days=1), end=today + dt.timedelta(days=30), reason="Verhuis"
    )
    need = make_need(world.org, by=world.coordinator)
    match = propose_match(need, make_offer(world.a, by=world.coordinator), by=world.coordinator)
    assert match.status == Match.Status.HELD
    assert "Verhuis" in match.held_reason


def test_an_override_needs_a_reason_and_then_sends_the_proposal(world):
    _full(world.org, 0)
    match = propose_match(
        make_need(world.org, by=world.coordinator), make_offer(world.a, by=world.coordinator), by=world.coordinator
    )
    with pytest.raises(DomainError):
        override_hold(match, by=world.coordinator, reason="  ", expected_version=match.version)
    with pytest.raises(ConflictError):
        override_hold(match, by=world.coordinator, reason="Afgesproken", expected_version=match.version + 5)
    match.refresh_from_db()
    override_hold(match, by=world.coordinator, reason="Afgesproken met de directeur", expected_version=match.version)
    match.refresh_from_db()
    assert match.status == Match.Status.PROPOSED
    assert match.override_reason == "Afgesproken met de directeur"
    assert DigestItem.objects.filter(match=match).count() == 1


def test_the_same_offer_cannot_be_proposed_twice_for_one_need(world):
    need = make_need(world.org, by=world.coordinator)
    offer = make_offer(world.a, by=world.coordinator)
    propose_match(need, offer, by=world.coordinator)
    with pytest.raises(DomainError):
        propose_match(need, offer, by=world.coordinator)
    assert Match.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_racing_for_the_last_free_slot_cannot_both_get_it(world):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks (select_for_update) are tested on PostgreSQL; SQLite serialises writers anyway.")
    _full(world.org, 2)
    # One slot taken by another institution's engagement, two needs from which proposals race.
    f.make_engagement(world.b, organisation=world.org, start_date=dt.date(2026, 10, 1), status="running")
    need = make_need(world.org, by=world.coordinator)
    offers = [make_offer(world.a, by=world.coordinator, title=f"Vak {i}") for i in range(2)]
    other_need = make_need(world.org, by=world.outsider, title="Tweede vraag")
    # Close the second need as a request so that only one slot is free: engagement + 1 = 2.
    other_need.status = "closed"
    other_need.save(update_fields=["status"])
    barrier = threading.Barrier(2)
    results: list[str] = []

    def propose(offer) -> None:
        try:
            barrier.wait()
            results.append(propose_match(need, offer, by=world.coordinator).status)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=propose, args=(o,)) for o in offers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["held", "proposed"]
