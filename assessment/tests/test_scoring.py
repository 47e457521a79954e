"""Reading a round: means per side, the gaps, the place on the scale, words, and the previous round.

Every expected value is worked out by hand in the test.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from assessment.models import Respondent, Round
from assessment.scoring import latest_perception_gaps, round_result, scale_label
from assessment.services import save_draft
from assessment.tests.helpers import answer, campus, community, make_round, raw_answers
from tests import factories as f


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _respondent(round_: Round, side: str, n: int = 0) -> Respondent:
    return round_.respondents.filter(side=side).order_by("id")[n]


def _domain(result, slug: str):
    return next(d for d in result.domains if d.domain == slug)


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (1.0, "exploitative"),
        (2.49, "exploitative"),
        (2.5, "transactional"),
        (3.49, "transactional"),
        (3.5, "transformational"),
        (5.0, "transformational"),
    ],
)
def test_a_mean_is_placed_on_the_scale_with_the_stated_cut_offs(value, label):
    assert scale_label(value) == label


def test_campus_five_and_partner_three_on_decision_making_give_a_gap_of_two_named_in_words(world, partnership, tres):
    round_ = make_round(world, partnership, tres)
    answer(_respondent(round_, "campus"), {"decision_making": (5, 5)})
    answer(_respondent(round_, "community"), {"decision_making": (3, 4)})

    result = round_result(round_)
    decisions = _domain(result, "decision_making")
    assert decisions.sides["campus"].current == 5.0
    assert decisions.sides["campus"].gap == 0.0
    assert decisions.sides["community"].current == 3.0
    assert decisions.sides["community"].desired == 4.0
    assert decisions.sides["community"].gap == 1.0  # 4 wished − 3 now
    assert decisions.side_gap == 2.0  # 5 campus − 3 community
    assert decisions.sentence == (
        "The partner rates decision-making as transactional (3.0) where you rate it transformational (5.0)."
    )
    # Every other domain: 3 on both sides, so no gap and one shared label.
    goals = _domain(result, "goals")
    assert goals.side_gap == 0.0
    assert goals.sentence == "Both sides rate goals as transactional (you 3.0, the partner 3.0)."
    # The largest gap leads the summary.
    assert decisions.sentence in result.summary


def test_the_overall_place_is_the_mean_of_every_current_answer(world, partnership, tres):
    round_ = make_round(world, partnership, tres)
    # Campus: 5 on two domains, 4 on the other eight → (10 + 32) / 10 = 4.2.
    answer(_respondent(round_, "campus"), {"goals": (5, 5), "power": (5, 5)}, default=(4, 5))
    # Community: 2 on every domain → 2.0.
    answer(_respondent(round_, "community"), {}, default=(2, 4))

    result = round_result(round_)
    assert result.overall_by_side == {"campus": 4.2, "community": 2.0}
    assert result.overall_current == 3.1  # (42 + 20) / 20
    assert result.overall_label == "transactional"
    assert "The partner places it as exploitative (2.0), you as transformational (4.2)." in result.summary
    assert "The partner wants goals to move from 2.0 to 4.0 (transformational)." in result.summary


def test_several_people_on_one_side_are_averaged_and_counted(world, partnership, tres):
    round_ = make_round(world, partnership, tres, [campus(), campus("Fien Docent", "fien@uas.example"), community()])
    answer(_respondent(round_, "campus", 0), {"outcomes": (4, 5)})
    answer(_respondent(round_, "campus", 1), {"outcomes": (5, 5)})

    result = round_result(round_)
    outcomes = _domain(result, "outcomes")
    assert outcomes.sides["campus"].current == 4.5
    assert outcomes.sides["campus"].answered == 2
    assert outcomes.side_gap is None
    assert outcomes.sentence == "Only your side answered on outcomes: transformational (4.5)."
    counts = {c.side: (c.invited, c.answered) for c in result.counts}
    assert counts["campus"] == (2, 2)
    assert counts["community"] == (1, 0)
    assert [c.side for c in result.silent_sides] == ["community"]
    assert "No answers yet from the community side." in result.summary


def test_a_draft_is_not_counted_as_an_answer(world, partnership, tres):
    round_ = make_round(world, partnership, tres)
    save_draft(_respondent(round_, "community"), raw_answers(tres, {}, default=(1, 1)))
    result = round_result(round_)
    assert not result.has_answers
    assert result.summary == ["Nobody has answered yet."]


def test_comments_are_listed_with_their_side_and_domain(world, partnership, tres):
    round_ = make_round(world, partnership, tres)
    answer(_respondent(round_, "community"), {}, conflict="We hoorden pas achteraf van de wijziging.")
    [comment] = round_result(round_).comments
    assert (comment.side, comment.item_label, comment.text) == (
        "community",
        "Conflict",
        "We hoorden pas achteraf van de wijziging.",
    )


def test_the_change_since_the_previous_round_of_the_same_partnership_is_given_per_domain_and_side(
    world, partnership, tres
):
    first = make_round(world, partnership, tres)
    answer(_respondent(first, "campus"), {"resources": (2, 4)})
    answer(_respondent(first, "community"), {"resources": (1, 4)})
    Round.objects.filter(pk=first.pk).update(created_at=first.created_at - dt.timedelta(days=200))
    other = f.make_partnership(world.a, [world.other_org], [world.coord_person])
    answer(_respondent(make_round(world, other, tres), "campus"), {}, default=(1, 1))  # another partnership
    second = make_round(world, partnership, tres)
    answer(_respondent(second, "campus"), {"resources": (4, 4)})
    answer(_respondent(second, "community"), {"resources": (2, 4)})

    result = round_result(second)
    assert result.previous == first
    resources = _domain(result, "resources")
    assert resources.change == {"campus": 2.0, "community": 1.0}  # 4 − 2 and 2 − 1
    assert _domain(result, "goals").change == {"campus": 0.0, "community": 0.0}
    assert round_result(first).previous is None


def test_a_direct_instrument_is_read_as_scores_without_scale_labels(world, partnership, direct):
    round_ = make_round(world, partnership, direct)
    answer(_respondent(round_, "campus"), {"trust": (5, None)}, default=(4, None))
    answer(_respondent(round_, "community"), {"trust": (3, None)}, default=(4, None))
    result = round_result(round_)
    trust = _domain(result, "trust")
    assert trust.side_gap == 2.0
    assert trust.sides["campus"].desired is None
    assert trust.sentence == "The partner scores trust 3.0 where you score it 5.0."
    assert result.overall_label == ""


def _count_queries(round_: Round) -> int:
    with CaptureQueriesContext(connection) as ctx:
        round_result(Round.objects.select_related("instrument").get(pk=round_.pk))
    return len(ctx)


def test_reading_a_round_takes_the_same_number_of_queries_for_few_or_many_answers(world, partnership, tres):
    small = make_round(world, partnership, tres)
    answer(_respondent(small, "campus"), {})
    answer(_respondent(small, "community"), {})
    people = [campus(f"Campus {n}", f"c{n}@uas.example") for n in range(6)]
    people += [community(f"Partner {n}", f"p{n}@brug.example") for n in range(6)]
    # Another partnership, so neither round has a previous one to compare with.
    other = f.make_partnership(world.a, [world.other_org], [world.coord_person])
    big = make_round(world, other, tres, people)
    for respondent in big.respondents.all():
        answer(respondent, {}, default=(2, 5), goals="opmerking")
    assert _count_queries(big) == _count_queries(small)
    assert _count_queries(big) <= 7


def test_the_latest_perception_gap_uses_the_latest_round_with_answers_from_both_sides(world, partnership, tres):
    # An older round: campus 5, community 1 on every domain → gap 4.0 (not the latest).
    old = make_round(world, partnership, tres)
    answer(_respondent(old, "campus"), {}, default=(5, 5))
    answer(_respondent(old, "community"), {}, default=(1, 5))
    Round.objects.filter(pk=old.pk).update(created_at=old.created_at - dt.timedelta(days=100))
    # The latest round with both sides: gaps |4−2| on goals and |3−3| on the other nine → 2 / 10 = 0.2.
    latest = make_round(world, partnership, tres)
    answer(_respondent(latest, "campus"), {"goals": (4, 4)})
    answer(_respondent(latest, "community"), {"goals": (2, 4)})
    # A newer round where only the campus answered does not count.
    newest = make_round(world, partnership, tres)
    answer(_respondent(newest, "campus"), {}, default=(1, 1))
    # A partnership with no two-sided round is left out.
    quiet = f.make_partnership(world.a, [world.other_org], [world.coord_person])
    make_round(world, quiet, tres)

    with CaptureQueriesContext(connection) as ctx:
        gaps = latest_perception_gaps([partnership.pk, quiet.pk])
    assert gaps == {partnership.pk: 0.2}
    assert len(ctx) == 2
    assert latest_perception_gaps([]) == {}
