"""Closeness figures from hand-made contact moments and engagements, with the expected values worked out here."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from engagements.models import Engagement
from health.closeness import (
    OURS,
    THEIRS,
    closeness_for_partnership,
    closeness_for_relationships,
    default_period,
    describe_initiative,
    least_squares_slope,
    month_starts,
    relationship_interactions,
    side_filter,
    side_of,
)
from network.models import Interaction, SofarRole
from network.services import log_interaction
from tests import factories as f

JAN, MAR_END = dt.date(2025, 1, 1), dt.date(2025, 3, 31)


def contact(relationship, on: dt.date, **kw) -> Interaction:
    return log_interaction(relationship, by=None, occurred_on=on, summary=kw.pop("summary", "Overleg"), **kw)


@pytest.fixture(autouse=True)
def english():
    """Assert on the English source strings, whatever the Dutch catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture
def rel(world):
    # Faculty (our side) is the first end, the organisation the second.
    return f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])


def test_the_default_period_is_the_last_twelve_calendar_months_up_to_today():
    start, end = default_period(dt.date(2026, 11, 28))
    assert (start, end) == (dt.date(2025, 12, 1), dt.date(2026, 11, 28))
    assert len(month_starts(start, end)) == 12
    assert default_period(dt.date(2026, 1, 15))[0] == dt.date(2025, 2, 1)


def test_the_slope_is_the_least_squares_fit():
    assert least_squares_slope([1, 2, 3]) == pytest.approx(1.0)
    # Points (0,0) (1,0) (2,3): mean x 1, mean y 1; sum (x-1)(y-1) = 1 + 0 + 2 = 3; sum (x-1)^2 = 2.
    assert least_squares_slope([0, 0, 3]) == pytest.approx(1.5)
    assert least_squares_slope([4]) == 0.0


def test_six_contacts_in_three_months_make_two_per_month(world, rel):
    for on in (dt.date(2025, 1, 5), dt.date(2025, 1, 20), dt.date(2025, 2, 3), dt.date(2025, 2, 4)):
        contact(rel, on)
    contact(rel, dt.date(2025, 3, 1))
    contact(rel, dt.date(2025, 3, 20))
    # Outside the period: not counted as contacts.
    contact(rel, dt.date(2024, 12, 31))
    contact(rel, dt.date(2025, 4, 1))
    figures = closeness_for_relationships([rel.pk], start=JAN, end=MAR_END)
    assert [(m.month, m.count) for m in figures.months] == [
        (dt.date(2025, 1, 1), 2),
        (dt.date(2025, 2, 1), 2),
        (dt.date(2025, 3, 1), 2),
    ]
    assert figures.contacts == 6
    assert figures.per_month == pytest.approx(2.0)
    assert figures.trend == "steady"
    # The last contact up to the end of the period: 20 March, 11 days before 31 March.
    assert figures.last_contact_on == dt.date(2025, 3, 20)
    assert figures.days_since_last_contact == 11


def test_more_contacts_each_month_read_as_rising_and_fewer_as_falling(world, rel):
    for month, times in ((1, 1), (2, 2), (3, 3)):
        for day in range(times):
            contact(rel, dt.date(2025, month, day + 1))
    rising = closeness_for_relationships([rel.pk], start=JAN, end=MAR_END)
    assert [m.count for m in rising.months] == [1, 2, 3]
    assert rising.slope == pytest.approx(1.0)
    assert rising.trend == "rising"
    falling = closeness_for_relationships([rel.pk], start=dt.date(2025, 3, 1), end=dt.date(2025, 5, 31))
    assert [m.count for m in falling.months] == [3, 0, 0]
    assert falling.trend == "falling"


def test_a_contact_before_the_period_still_counts_for_days_since_the_last_contact(world, rel):
    contact(rel, dt.date(2024, 12, 1))
    figures = closeness_for_relationships([rel.pk], start=JAN, end=dt.date(2025, 1, 31))
    assert figures.contacts == 0
    assert figures.days_since_last_contact == 61  # 1 December to 31 January


def test_initiative_three_ours_one_theirs_is_seventy_five_to_twenty_five(world, rel):
    for day in (1, 2, 3):
        contact(rel, dt.date(2025, 1, day), initiated_by="a")
    contact(rel, dt.date(2025, 1, 4), initiated_by="b")
    shares = closeness_for_relationships([rel.pk], start=JAN, end=MAR_END).initiative
    assert (shares.ours, shares.theirs, shares.both) == (3, 1, 0)
    assert (shares.ours_percent, shares.theirs_percent) == (75, 25)
    # 1 − |3 − 1| / 4 = 0.5
    assert shares.balance == pytest.approx(0.5)
    assert shares.balance_word == "leaning"
    assert "75%" in describe_initiative(shares) and "25%" in describe_initiative(shares)


def test_our_side_is_found_whichever_end_the_institution_is(world):
    # The organisation is the first end here, so "b" is the institution's side.
    rel = f.make_relationship(world.a, world.org, world.faculty_person, owners=[world.faculty_person])
    contact(rel, dt.date(2025, 1, 1), initiated_by="b", decision="a")
    contact(rel, dt.date(2025, 1, 2), initiated_by="b", decision="both")
    figures = closeness_for_relationships([rel.pk], start=JAN, end=MAR_END)
    assert (figures.initiative.ours, figures.initiative.theirs) == (2, 0)
    assert (figures.decisions.ours, figures.decisions.theirs, figures.decisions.both) == (0, 1, 1)
    # 1 − |0 − 1| / 2 = 0.5
    assert figures.decisions.balance == pytest.approx(0.5)


def test_contacts_without_a_decision_do_not_count_as_decisions(world, rel):
    contact(rel, dt.date(2025, 1, 1), decision="a")
    contact(rel, dt.date(2025, 1, 2), decision="b")
    contact(rel, dt.date(2025, 1, 3))
    figures = closeness_for_relationships([rel.pk], start=JAN, end=MAR_END)
    assert figures.decisions.total == 2
    assert figures.decisions.balance == pytest.approx(1.0)
    assert figures.decisions.balance_word == "balanced"


def test_the_sql_side_filter_agrees_with_the_figures(world, rel):
    reverse_rel = f.make_relationship(world.a, world.other_org, world.coord_person, owners=[world.coord_person])
    contact(rel, dt.date(2025, 1, 1), initiated_by="a")  # ours
    contact(rel, dt.date(2025, 1, 2), initiated_by="b")  # theirs
    contact(reverse_rel, dt.date(2025, 1, 3), initiated_by="b")  # ours: the coordinator is the second end
    contact(reverse_rel, dt.date(2025, 1, 4), initiated_by="both")
    interactions = relationship_interactions([rel.pk, reverse_rel.pk])
    ours = set(interactions.filter(side_filter("initiated_by", OURS)).values_list("occurred_on", flat=True))
    theirs = set(interactions.filter(side_filter("initiated_by", THEIRS)).values_list("occurred_on", flat=True))
    assert ours == {dt.date(2025, 1, 1), dt.date(2025, 1, 3)}
    assert theirs == {dt.date(2025, 1, 2)}
    assert side_of("b", SofarRole.ORGANISATION, SofarRole.ADMINISTRATOR) == OURS


def test_diversity_counts_distinct_channels_and_engagement_kinds(world, rel):
    contact(rel, dt.date(2025, 1, 1), channel="phone")
    contact(rel, dt.date(2025, 1, 2), channel="phone")
    contact(rel, dt.date(2025, 2, 1), channel="visit")
    f.make_engagement(world.a, organisation=world.org, kind="research", start_date=dt.date(2024, 9, 1))
    f.make_engagement(
        world.a,
        organisation=world.org,
        kind="event",
        start_date=dt.date(2025, 2, 1),
        end_date=dt.date(2025, 2, 1),
    )
    # Not counted: over before the period, cancelled, another organisation, another institution.
    f.make_engagement(
        world.a,
        organisation=world.org,
        kind="volunteering",
        start_date=dt.date(2024, 1, 1),
        end_date=dt.date(2024, 2, 1),
    )
    f.make_engagement(world.a, organisation=world.org, kind="staff_training", start_date=JAN, status="cancelled")
    f.make_engagement(world.a, organisation=world.other_org, kind="bachelor_project", start_date=JAN)
    f.make_engagement(world.b, organisation=world.org, kind="open_building", start_date=JAN)
    figures = closeness_for_relationships([rel.pk], start=JAN, end=MAR_END)
    assert [(c.code, c.count) for c in figures.channels] == [("phone", 2), ("visit", 1)]
    assert [(k.code, k.count) for k in figures.engagement_kinds] == [("event", 1), ("research", 1)]
    assert figures.diversity == 4
    assert figures.engagements == 2


def test_a_partnership_counts_the_lead_institutions_contacts_with_its_organisations_and_its_engagements(world):
    partnership = f.make_partnership(world.a, [world.org], [world.coord_person])
    ours = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    elsewhere = f.make_relationship(world.a, world.faculty_person, world.other_org, owners=[world.faculty_person])
    other_institution = f.make_relationship(world.b, world.outsider_person, world.org, owners=[world.outsider_person])
    contact(ours, dt.date(2025, 1, 10), initiated_by="b")
    contact(ours, dt.date(2025, 2, 10))
    contact(elsewhere, dt.date(2025, 1, 11))
    contact(other_institution, dt.date(2025, 1, 12))
    f.make_engagement(world.a, partnership=partnership, kind="service_learning", start_date=dt.date(2025, 2, 1))
    f.make_engagement(world.a, organisation=world.org, kind="research", start_date=dt.date(2025, 2, 1))
    figures = closeness_for_partnership(partnership, start=JAN, end=MAR_END)
    assert figures.contacts == 2
    assert (figures.initiative.ours, figures.initiative.theirs) == (1, 1)
    assert [k.code for k in figures.engagement_kinds] == ["service_learning"]


def test_closeness_takes_three_queries_however_many_records(world, rel, django_assert_num_queries):
    for day in range(1, 21):
        contact(rel, dt.date(2025, 1, day), channel="phone" if day % 2 else "email")
    with django_assert_num_queries(3):
        closeness_for_relationships([rel.pk], start=JAN, end=MAR_END)


def test_no_contacts_gives_zero_figures_and_no_balance(world, rel):
    figures = closeness_for_relationships([rel.pk], start=JAN, end=MAR_END)
    assert figures.contacts == 0
    assert figures.per_month == 0
    assert figures.days_since_last_contact is None
    assert figures.initiative.balance is None
    assert figures.diversity == 0
    assert Engagement.objects.count() == 0
