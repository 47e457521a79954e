"""Equity: sums per party, the one-sidedness rule on hand-made cases, and recording contributions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from audit.models import AuditEntry
from engagements.models import Contribution, Engagement
from health.equity import (
    ContributionSpec,
    equity_for_engagement,
    equity_for_partnership,
    one_sided_partnership_ids,
    set_contributions,
)
from lib.errors import ConflictError, DomainError
from tests import factories as f


def put(engagement: Engagement, party: str, kind: str, amount: str | None, direction: str = "gives", **kw) -> None:
    Contribution.objects.create(
        engagement=engagement,
        party=party,
        direction=direction,
        kind=kind,
        amount=Decimal(amount) if amount is not None else None,
        description=kw.pop("description", f"{party} {kind}"),
        **kw,
    )


@pytest.fixture(autouse=True)
def english():
    """Assert on the English source strings, whatever the Dutch catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture
def partnership(world):
    return f.make_partnership(world.a, [world.org], [world.coord_person])


@pytest.fixture
def engagement(world, partnership):
    return f.make_engagement(world.a, partnership=partnership, organisation=world.org)


def test_ninety_hours_by_the_institution_against_ten_by_the_partner_is_one_sided(world, engagement, partnership):
    put(engagement, "institution", "hours", "90")
    put(engagement, "partner", "hours", "10")
    figures = equity_for_partnership(partnership)
    assert figures.hours == {"campus": Decimal(90), "community": Decimal(10)}
    assert (figures.campus_hours_percent, figures.community_hours_percent) == (90, 10)
    assert figures.one_sided
    assert any("90% of the hours (90 of 100)" in reason for reason in figures.reasons)


def test_seventy_against_thirty_hours_with_benefits_on_both_sides_is_not_one_sided(world, engagement, partnership):
    put(engagement, "institution", "hours", "70")
    put(engagement, "partner", "hours", "30")
    put(engagement, "students", "learning", None, direction="gets", description="Interviewen leren")
    put(engagement, "partner", "outcome", None, direction="gets", description="Een buurtbevraging")
    figures = equity_for_partnership(partnership)
    assert not figures.one_sided
    assert figures.reasons == []
    assert figures.benefits == {"campus": 1, "community": 1}


def test_exactly_eighty_percent_counts_as_one_sided(world, engagement, partnership):
    # Students are on the campus side: 50 + 30 = 80 of 100 hours.
    put(engagement, "students", "hours", "50")
    put(engagement, "institution", "hours", "30")
    put(engagement, "residents", "hours", "20")
    assert equity_for_partnership(partnership).one_sided
    assert one_sided_partnership_ids([partnership.pk]) == {partnership.pk}


def test_seventy_nine_percent_does_not(world, engagement, partnership):
    put(engagement, "institution", "hours", "79")
    put(engagement, "partner", "hours", "21")
    assert not equity_for_partnership(partnership).one_sided


def test_money_is_weighed_on_its_own(world, engagement, partnership):
    put(engagement, "institution", "hours", "50")
    put(engagement, "partner", "hours", "50")
    put(engagement, "partner", "money", "900")
    put(engagement, "institution", "money", "100")
    figures = equity_for_partnership(partnership)
    assert figures.one_sided
    assert figures.reasons == ["The community side (partner and residents) puts in 90% of the money (€900 of €1000)."]


def test_benefits_named_for_one_side_only_are_one_sided(world, engagement, partnership):
    put(engagement, "institution", "hours", "10")
    put(engagement, "partner", "hours", "10")
    put(engagement, "students", "learning", None, direction="gets")
    put(engagement, "institution", "outcome", None, direction="gets")
    figures = equity_for_partnership(partnership)
    assert figures.one_sided
    assert figures.benefits == {"campus": 2, "community": 0}
    assert figures.reasons == [
        "Only the campus side (institution and students) names what it gets out; nothing is recorded for "
        "the community side (partner and residents)."
    ]


def test_the_sums_per_party_and_kind_are_listed(world, engagement, partnership):
    second = f.make_engagement(world.a, partnership=partnership)
    put(engagement, "students", "hours", "40")
    put(second, "students", "hours", "25.5")
    put(engagement, "partner", "rooms", None, description="De zaal op woensdag", shared=True)
    figures = equity_for_partnership(partnership)
    students = next(p for p in figures.parties if p.party == "students")
    partner = next(p for p in figures.parties if p.party == "partner")
    assert students.hours == Decimal("65.5")
    assert students.gives == [("Hours of work", Decimal("65.5"), 2)]
    assert partner.gives == [("Rooms or infrastructure", None, 1)]
    assert [line.description for line in partner.gives_lines] == ["De zaal op woensdag"]
    assert figures.rows == 3


def test_cancelled_engagements_are_left_out(world, engagement, partnership):
    cancelled = f.make_engagement(world.a, partnership=partnership, status="cancelled")
    put(cancelled, "institution", "hours", "100")
    put(engagement, "partner", "hours", "10")
    put(engagement, "institution", "hours", "10")
    assert not equity_for_partnership(partnership).one_sided
    assert one_sided_partnership_ids([partnership.pk]) == set()


def test_nothing_recorded_is_not_flagged(world, partnership):
    figures = equity_for_partnership(partnership)
    assert not figures.recorded
    assert not figures.one_sided


def test_the_bulk_check_finds_the_one_sided_partnerships_in_one_query(world, django_assert_num_queries):
    def make(hours_ours: str, hours_theirs: str):
        p = f.make_partnership(world.a, [world.org], [world.coord_person])
        e = f.make_engagement(world.a, partnership=p)
        put(e, "institution", "hours", hours_ours)
        put(e, "partner", "hours", hours_theirs)
        return p

    lopsided = [make("90", "10") for _ in range(3)]
    balanced = [make("50", "50") for _ in range(3)]
    empty = f.make_partnership(world.a, [world.org], [world.coord_person])
    ids = [p.pk for p in [*lopsided, *balanced, empty]]
    with django_assert_num_queries(1):
        found = one_sided_partnership_ids(ids)
    assert found == {p.pk for p in lopsided}


# Recording contributions.


def specs() -> list[ContributionSpec]:
    return [
        ContributionSpec("institution", "gives", "hours", "Begeleiding", Decimal(20)),
        ContributionSpec("partner", "gets", "outcome", "Een vernieuwde website"),
    ]


def test_set_contributions_replaces_the_rows_and_bumps_the_version(world, engagement):
    put(engagement, "residents", "hours", "5")
    set_contributions(engagement, by=world.coordinator, expected_version=engagement.version, rows=specs())
    engagement.refresh_from_db()
    assert engagement.version == 2
    assert sorted(engagement.contributions.values_list("description", flat=True)) == [
        "Begeleiding",
        "Een vernieuwde website",
    ]
    assert AuditEntry.objects.filter(action="contributions changed", target_id=str(engagement.public_id)).exists()
    assert equity_for_engagement(engagement).hours["campus"] == Decimal(20)


def test_a_stale_version_is_refused_and_nothing_changes(world, engagement):
    put(engagement, "residents", "hours", "5")
    with pytest.raises(ConflictError):
        set_contributions(engagement, by=world.coordinator, expected_version=engagement.version - 1 or 99, rows=specs())
    assert list(engagement.contributions.values_list("description", flat=True)) == ["residents hours"]


def test_hours_put_in_without_an_amount_are_refused(world, engagement):
    rows = [ContributionSpec("institution", "gives", "hours", "Begeleiding", None)]
    with pytest.raises(DomainError) as error:
        set_contributions(engagement, by=world.coordinator, expected_version=engagement.version, rows=rows)
    assert "Row 1: hours or money put in need an amount." in error.value.messages
    engagement.refresh_from_db()
    assert engagement.version == 1
    assert not engagement.contributions.exists()
