"""The health overview's flags and order, on hand-made partnerships whose flags are worked out here."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation

from assessment.models import Answer, Instrument, Respondent, Round
from engagements.models import Contribution, Engagement
from health.overview import (
    NO_OWNER,
    ONE_OWNER,
    ONE_SIDED,
    OVERDUE,
    PERCEPTION_GAP,
    STALE,
    filter_flag,
    health_rows,
    overview_base,
    with_health,
)
from network.models import SofarRole
from partnerships.models import Partnership
from tests import factories as f


@pytest.fixture(autouse=True)
def english():
    """Assertions read the English source strings, whatever catalogue exists."""
    with translation.override("en"):
        yield


@pytest.fixture
def make(world: SimpleNamespace):
    """A partnership with its own organisation; by default healthy: two owners, a contact ten days ago,
    and an assessment round started today."""
    world.colleague = f.make_person(world.a, SofarRole.FACULTY, first_name="Kim", last_name="Collega")

    def build(
        title: str,
        *,
        owners: list | None = None,
        contact_days_ago: int | None = 10,
        assessed: bool = True,
        **fields,
    ) -> Partnership:
        organisation = f.make_organisation(f"Vzw {title}")
        p = f.make_partnership(
            world.a,
            [organisation],
            owners if owners is not None else [world.coord_person, world.colleague],
            title=title,
            **fields,
        )
        if contact_days_ago is not None:
            rel = f.make_relationship(world.a, world.faculty_person, organisation, owners=[world.faculty_person])
            f.make_interaction(rel, days_ago=contact_days_ago)
        if assessed:
            _round(world, p, {})
        p.organisation = organisation
        return p

    return build


def _round(world: SimpleNamespace, partnership: Partnership, scores: dict[str, list[int]], **kw) -> Round:
    instrument = Instrument.objects.get(institution=None, slug="relationship-tres")
    items = list(instrument.items.order_by("order", "id"))
    round_ = Round.objects.create(
        institution=world.a,
        partnership=partnership,
        instrument=instrument,
        title=kw.pop("title", "Ronde"),
        closes_on=timezone.localdate() + dt.timedelta(days=14),
    )
    for side, values in scores.items():
        respondent = Respondent.objects.create(
            round=round_,
            side=side,
            name=side,
            email=f"{side}@example.org",
            token_hash=Respondent.hash_token(Respondent.new_token()),
            expires_at=timezone.now() + dt.timedelta(days=14),
            submitted_at=timezone.now(),
        )
        Answer.objects.bulk_create(
            [
                Answer(respondent=respondent, item=item, current=v)
                for item, v in zip(items[: len(values)], values, strict=True)
            ]
        )
    return round_


def _hours(engagement: Engagement, party: str, amount: int) -> None:
    Contribution.objects.create(
        engagement=engagement,
        party=party,
        direction=Contribution.Direction.GIVES,
        kind=Contribution.Kind.HOURS,
        amount=amount,
        description="Uren",
    )


def _listing(world: SimpleNamespace):
    return with_health(overview_base(world.coordinator, world.a), world.a)


def _rows(world: SimpleNamespace) -> dict[str, list]:
    listing = _listing(world)
    rows = health_rows(list(listing.queryset), world.a, gaps=listing.gaps)
    return {row.partnership.title: row.flags for row in rows}


def _codes(world: SimpleNamespace) -> dict[str, list[str]]:
    return {title: [flag.code for flag in flags] for title, flags in _rows(world).items()}


def test_a_partnership_with_recent_contact_two_owners_and_a_recent_round_has_no_flags(world, make):
    make("Gezond")

    assert _codes(world) == {"Gezond": []}


def test_no_contact_for_longer_than_the_institutions_threshold_is_flagged_with_the_last_date(world, make):
    world.a.stale_after_months = 6
    world.a.save()
    make("Vijf maanden", contact_days_ago=150)  # within 6 months
    make("Acht maanden", contact_days_ago=240)
    make("Nooit", contact_days_ago=None)

    rows = _rows(world)

    assert [flag.code for flag in rows["Vijf maanden"]] == []
    eight = rows["Acht maanden"][0]
    expected = timezone.localdate() - dt.timedelta(days=240)
    assert (eight.code, eight.level) == (STALE, "bad")
    assert eight.text == f"No contact for 6 months (last contact on {expected})."
    assert rows["Nooit"][0].text == "No contact for 6 months (no contact moment recorded)."
    assert rows["Nooit"][0].records[0].kind == "timeline"


def test_only_the_lead_institutions_contacts_count(world, make):
    p = make("Elders gezien", contact_days_ago=None)
    theirs = f.make_relationship(world.b, world.outsider_person, p.organisation, owners=[world.outsider_person])
    f.make_interaction(theirs, days_ago=1)

    assert _codes(world) == {"Elders gezien": [STALE]}


def test_a_contact_on_either_end_of_the_relationship_counts(world, make):
    p = make("Omgekeerd", contact_days_ago=None)
    rel = f.make_relationship(world.a, p.organisation, world.faculty_person, owners=[world.faculty_person])
    f.make_interaction(rel, days_ago=3)

    assert _codes(world) == {"Omgekeerd": []}


def test_no_active_owner_is_bad_and_one_owner_is_a_warning(world, make):
    make("Eén eigenaar", owners=[world.coord_person])
    orphan = make("Wees", owners=[world.colleague])
    Partnership.objects.filter(pk=orphan.pk).update(orphaned=True)
    make("Vertrokken", owners=[world.faculty_person])
    type(world.faculty_person).objects.filter(pk=world.faculty_person.pk).update(is_active=False)

    rows = _rows(world)

    assert [(flag.code, flag.level) for flag in rows["Eén eigenaar"]] == [(ONE_OWNER, "warn")]
    assert [(flag.code, flag.level) for flag in rows["Wees"]] == [(NO_OWNER, "bad")]
    assert [flag.code for flag in rows["Vertrokken"]] == [NO_OWNER]


def test_an_assessment_is_overdue_without_a_round_in_twelve_months_or_after_the_planned_date(world, make):
    make("Nooit beoordeeld", assessed=False)
    old = make("Lang geleden", assessed=False)
    old_round = _round(world, old, {})
    Round.objects.filter(pk=old_round.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    planned = timezone.localdate() - dt.timedelta(days=1)
    late = make("Datum voorbij")
    Partnership.objects.filter(pk=late.pk).update(next_evaluation_on=planned)

    rows = _rows(world)

    assert rows["Nooit beoordeeld"][0].text == "Assessment overdue: no assessment round in the last twelve months."
    assert [flag.code for flag in rows["Lang geleden"]] == [OVERDUE]
    assert rows["Datum voorbij"][0].text == (
        f"Assessment overdue: the joint evaluation planned on {planned} has passed."
    )
    assert rows["Datum voorbij"][0].level == "warn"


def test_one_sided_effort_comes_from_the_equity_rule(world, make):
    lopsided = make("Scheef")
    engagement = f.make_engagement(world.a, partnership=lopsided, organisation=lopsided.organisation)
    _hours(engagement, "institution", 90)  # 90 of 100 hours: at least 80% on one side
    _hours(engagement, "partner", 10)
    even = make("Evenwicht")
    engagement = f.make_engagement(world.a, partnership=even, organisation=even.organisation)
    _hours(engagement, "institution", 60)
    _hours(engagement, "partner", 40)

    codes = _codes(world)

    assert codes["Scheef"] == [ONE_SIDED]
    assert codes["Evenwicht"] == []


def test_a_perception_gap_of_one_and_a_half_points_or_more_is_flagged(world, make):
    wide = make("Ver uiteen", assessed=False)
    _round(world, wide, {"campus": [5, 5], "community": [3, 3]})  # gaps 2 and 2: mean 2.0
    edge = make("Net genoeg", assessed=False)
    _round(world, edge, {"campus": [5, 4], "community": [3, 3]})  # gaps 2 and 1: mean 1.5
    close = make("Dichtbij", assessed=False)
    _round(world, close, {"campus": [5, 4], "community": [4, 3]})  # gaps 1 and 1: mean 1.0

    rows = _rows(world)

    wide_flag = rows["Ver uiteen"][0]
    assert wide_flag.code == PERCEPTION_GAP
    assert wide_flag.text == (
        "Large perception gap: the campus side and the community side differ by 2.0 points on average "
        "(flagged from 1.5)."
    )
    assert wide_flag.records[0].kind == "round"
    assert [flag.code for flag in rows["Net genoeg"]] == [PERCEPTION_GAP]
    assert rows["Dichtbij"] == []


def test_the_worst_partnerships_come_first(world, make):
    make("A gezond")
    make("B stil", contact_days_ago=400)
    orphan = make("C wees en stil", contact_days_ago=None, owners=[world.colleague])
    Partnership.objects.filter(pk=orphan.pk).update(orphaned=True)
    make("D één eigenaar", owners=[world.coord_person])
    apart = make("E ver uiteen", assessed=False)
    _round(world, apart, {"campus": [5], "community": [2]})

    titles = list(_listing(world).queryset.values_list("title", flat=True))

    # No owner and stale 8 + 4; stale 4; perception gap 4; one owner 1; nothing 0 (ties by title).
    assert titles == ["C wees en stil", "B stil", "E ver uiteen", "D één eigenaar", "A gezond"]


def test_ended_partnerships_and_other_institutions_partnerships_are_left_out(world, make):
    make("Lopend")
    make("Afgelopen", status=Partnership.Status.ENDED)
    f.make_partnership(world.b, [world.org], [world.outsider_person], title="Van B")

    assert list(_codes(world)) == ["Lopend"]


def test_filtering_on_a_flag_keeps_only_the_partnerships_that_carry_it(world, make):
    make("Gezond")
    make("Stil", contact_days_ago=400)
    lopsided = make("Scheef")
    engagement = f.make_engagement(world.a, partnership=lopsided, organisation=lopsided.organisation)
    _hours(engagement, "institution", 100)
    wide = make("Ver uiteen", assessed=False)
    _round(world, wide, {"campus": [5], "community": [2]})
    queryset = _listing(world).queryset

    def titles(flag: str) -> list[str]:
        return sorted(filter_flag(queryset, flag).values_list("title", flat=True))

    assert titles(STALE) == ["Stil"]
    assert titles(ONE_SIDED) == ["Scheef"]
    assert titles(PERCEPTION_GAP) == ["Ver uiteen"]
    assert titles(OVERDUE) == []
    assert titles(NO_OWNER) == []


def test_the_flags_of_a_page_take_the_same_number_of_queries_for_3_or_30_partnerships(
    world, make, django_assert_max_num_queries
):
    def add(count: int) -> None:
        for _ in range(count):
            i = Partnership.objects.count()
            p = make(f"P{i:02d}", contact_days_ago=None if i % 3 else 400, assessed=bool(i % 2))
            engagement = f.make_engagement(world.a, partnership=p, organisation=p.organisation)
            _hours(engagement, "institution", 100)
            _round(world, p, {"campus": [5], "community": [2]})

    def count_queries(expected_rows: int) -> int:
        with django_assert_max_num_queries(20) as captured:
            listing = _listing(world)
            rows = health_rows(list(listing.queryset), world.a, gaps=listing.gaps)
        assert len(rows) == expected_rows
        assert all({STALE, ONE_SIDED, PERCEPTION_GAP} <= {flag.code for flag in row.flags} for row in rows)
        return len(captured)

    add(3)
    small = count_queries(3)
    add(27)
    assert count_queries(30) == small
