"""The continuum suggestion, step by step, with hand-made evidence; confirming and overriding it."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation

from assessment.models import Answer, Instrument, Respondent, Round
from audit.models import AuditEntry
from engagements.models import Contribution, Engagement
from lib.errors import ConflictError, DomainError
from network.models import Interaction
from network.services import log_interaction
from partnerships.continuum import confirm_stage, suggest_stage
from partnerships.models import ContinuumStage, Goal, Partnership, PartnershipParty, StageChange
from tests import factories as f


@pytest.fixture(autouse=True)
def english():
    """Assertions read the English source strings, whatever catalogue exists."""
    with translation.override("en"):
        yield


A, B, BOTH = Interaction.Initiator.A, Interaction.Initiator.B, Interaction.Initiator.BOTH


def _partnership(world: SimpleNamespace) -> Partnership:
    return f.make_partnership(world.a, [world.org], [world.coord_person], title="Buurtmoestuin")


def _relationship(world: SimpleNamespace):
    # The faculty member is the first end (ours), the organisation the second end (theirs).
    return f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])


def _engagement(world: SimpleNamespace, partnership: Partnership, **kw) -> Engagement:
    return f.make_engagement(world.a, partnership=partnership, organisation=world.org, **kw)


def _contribution(engagement: Engagement, party: str, direction: str, **kw) -> Contribution:
    return Contribution.objects.create(
        engagement=engagement,
        party=party,
        direction=direction,
        kind=kw.pop("kind", Contribution.Kind.HOURS),
        description=kw.pop("description", "Inzet"),
        **kw,
    )


def _round(world: SimpleNamespace, partnership: Partnership, scores: dict[str, list[int]], **kw) -> Round:
    """A round of the built-in TRES instrument; each side's respondent answers the first items with ``scores``."""
    instrument = Instrument.objects.get(institution=None, slug="relationship-tres")
    items = list(instrument.items.order_by("order", "id"))
    round_ = Round.objects.create(
        institution=world.a,
        partnership=partnership,
        instrument=instrument,
        title=kw.pop("title", "Ronde"),
        closes_on=timezone.localdate() + dt.timedelta(days=14),
        **kw,
    )
    for side, values in scores.items():
        respondent = Respondent.objects.create(
            round=round_,
            side=side,
            name=f"Iemand {side}",
            email=f"{side}@example.org",
            token_hash=Respondent.hash_token(Respondent.new_token()),
            expires_at=timezone.now() + dt.timedelta(days=14),
            submitted_at=timezone.now(),
        )
        Answer.objects.bulk_create(
            [
                Answer(respondent=respondent, item=item, current=v, desired=5)
                for item, v in zip(items[: len(values)], values, strict=True)
            ]
        )
    return round_


def build(world: SimpleNamespace, up_to: int) -> Partnership:
    """A partnership whose evidence meets exactly the steps 1..``up_to`` (and not step ``up_to`` + 1)."""
    p = _partnership(world)
    if up_to >= 1:
        rel = _relationship(world)
        f.make_interaction(rel, days_ago=1, initiated_by=A)  # ours
    if up_to >= 2:
        f.make_interaction(rel, days_ago=2, initiated_by=B)  # theirs
    if up_to >= 3:
        first = _engagement(world, p, kind=Engagement.Kind.SERVICE_LEARNING, level=Engagement.Level.COURSE)
    if up_to >= 4:
        PartnershipParty.objects.filter(partnership=p).update(contact_person=world.staff_person)
        Partnership.objects.filter(pk=p.pk).update(next_evaluation_on=timezone.localdate() + dt.timedelta(days=30))
    if up_to >= 5:
        Goal.objects.create(partnership=p, title="Meer buurtbewoners in de moestuin")
    if up_to >= 6:
        _engagement(world, p, kind=Engagement.Kind.RESEARCH, level=Engagement.Level.COURSE)
    if up_to >= 7:
        _contribution(first, "institution", "gives", kind=Contribution.Kind.ROOMS, shared=True)
    if up_to >= 8:
        _engagement(world, p, kind=Engagement.Kind.EVENT, level=Engagement.Level.COURSE)
        _contribution(first, "students", "gets", kind=Contribution.Kind.LEARNING)
        _contribution(first, "partner", "gets", kind=Contribution.Kind.OUTCOME)
    if up_to >= 9:
        _round(world, p, {"campus": [4, 5], "community": [4, 4]})  # means 4.5 and 4.0
    p.refresh_from_db()
    return p


@pytest.mark.parametrize("up_to", range(0, 10))
def test_the_suggestion_is_the_highest_step_whose_evidence_and_all_lower_evidence_is_recorded(world, up_to):
    suggestion = suggest_stage(build(world, up_to))

    assert suggestion.stage == (up_to or None)
    assert [s.stage for s in suggestion.steps if s.met] == list(range(1, up_to + 1))
    if up_to < 9:
        assert suggestion.next_step.stage == up_to + 1
        assert suggestion.missing
    else:
        assert suggestion.next_step is None


def test_without_any_contact_nothing_is_suggested_and_the_first_step_says_what_to_do(world):
    suggestion = suggest_stage(_partnership(world))

    assert suggestion.stage is None
    assert suggestion.missing == "Log a contact moment with one of the partner organisations."


def test_a_higher_step_alone_does_not_count_when_a_lower_step_is_missing(world):
    p = _partnership(world)
    Goal.objects.create(partnership=p, title="Doel")  # step 5 evidence, but no contact at all

    suggestion = suggest_stage(p)

    assert suggestion.stage is None
    assert not suggestion.steps[4].met


def test_contacts_only_initiated_by_the_institution_stay_at_mutual_communication(world):
    p = _partnership(world)
    rel = _relationship(world)
    f.make_interaction(rel, days_ago=1, initiated_by=A)
    f.make_interaction(rel, days_ago=3, initiated_by=A)

    suggestion = suggest_stage(p)

    assert suggestion.stage == ContinuumStage.COMMUNICATION
    assert "Contacts initiated by the institution's side: 2; by the partner's side: 0." in suggestion.steps[1].found
    assert suggestion.steps[1].missing.startswith("No contact initiated by the partner yet")


def test_the_initiating_side_follows_the_roles_not_the_order_of_the_ends(world):
    p = _partnership(world)
    # Organisation first (a, theirs), faculty member second (b, ours): "b" is the institution here.
    rel = f.make_relationship(world.a, world.org, world.faculty_person, owners=[world.faculty_person])
    f.make_interaction(rel, days_ago=1, initiated_by=B)
    f.make_interaction(rel, days_ago=2, initiated_by=B)

    steps = suggest_stage(p).steps

    assert steps[1].found == ["Contacts initiated by the institution's side: 2; by the partner's side: 0."]
    assert not steps[1].met


def test_a_contact_taken_together_counts_for_both_sides(world):
    p = _partnership(world)
    f.make_interaction(_relationship(world), days_ago=1, initiated_by=BOTH)

    assert suggest_stage(p).stage == ContinuumStage.AWARENESS


def test_contacts_of_another_institution_do_not_count(world):
    p = _partnership(world)
    theirs = f.make_relationship(world.b, world.outsider_person, world.org, owners=[world.outsider_person])
    f.make_interaction(theirs, days_ago=1, initiated_by=BOTH)

    assert suggest_stage(p).stage is None


def test_contacts_in_three_different_months_are_mutual_coordination_without_an_engagement(world):
    p = _partnership(world)
    rel = _relationship(world)
    today = timezone.localdate()
    for months_ago, side in ((0, A), (1, B), (2, A)):
        index = today.year * 12 + today.month - 1 - months_ago
        log_interaction(
            rel, by=None, occurred_on=dt.date(index // 12, index % 12 + 1, 1), summary="Overleg", initiated_by=side
        )

    suggestion = suggest_stage(p)

    assert suggestion.stage == ContinuumStage.COORDINATION
    assert "Contact moments in 3 or more different months." in suggestion.steps[2].found


def test_a_cancelled_engagement_is_no_coordination(world):
    p = build(world, 2)
    _engagement(world, p, status=Engagement.Status.CANCELLED)

    assert suggest_stage(p).stage == ContinuumStage.AWARENESS


def test_planning_needs_an_owner_on_each_side_and_a_planned_evaluation(world):
    p = build(world, 3)
    Partnership.objects.filter(pk=p.pk).update(next_evaluation_on=timezone.localdate() + dt.timedelta(days=30))
    p.refresh_from_db()
    step = suggest_stage(p).steps[3]
    assert not step.met
    assert step.missing == "Name a contact person at a partner organisation."

    PartnershipParty.objects.filter(partnership=p).update(contact_person=world.staff_person)
    Partnership.objects.filter(pk=p.pk).update(next_evaluation_on=timezone.localdate() - dt.timedelta(days=1))
    p.refresh_from_db()
    step = suggest_stage(p).steps[3]
    assert not step.met, "an evaluation date in the past is not a planned evaluation"
    assert step.missing == "Plan the next joint evaluation or start an assessment round."


def test_a_recent_assessment_round_counts_as_a_planned_evaluation_and_is_linked(world):
    p = build(world, 3)
    PartnershipParty.objects.filter(partnership=p).update(contact_person=world.staff_person)
    round_ = _round(world, p, {}, title="Voorjaarsronde")

    step = suggest_stage(p).steps[3]

    assert step.met
    assert [(r.kind, r.public_id) for r in step.records] == [("round", str(round_.public_id))]


def test_integration_needs_engagements_at_more_than_one_level_when_they_are_of_one_kind(world):
    p = build(world, 5)
    assert suggest_stage(p).stage == ContinuumStage.SHARED_GOALS

    _engagement(world, p, kind=Engagement.Kind.SERVICE_LEARNING, level=Engagement.Level.PROGRAMME)

    assert suggest_stage(p).stage == ContinuumStage.INTEGRATION


def test_shared_resources_also_met_when_both_institution_and_partner_put_something_in(world):
    p = build(world, 6)
    engagement = p.engagements.order_by("id").first()
    _contribution(engagement, "institution", "gives")
    assert suggest_stage(p).stage == ContinuumStage.INTEGRATION, "only the institution puts something in"

    _contribution(engagement, "partner", "gives", kind=Contribution.Kind.EXPERTISE)

    suggestion = suggest_stage(p)
    assert suggestion.stage == ContinuumStage.SHARED_RESOURCES
    assert "Put in by the institution: 1; by the community partner: 1." in suggestion.steps[6].found


def test_synergy_needs_benefits_named_by_both_sides(world):
    p = build(world, 7)
    first = p.engagements.order_by("id").first()
    _engagement(world, p, kind=Engagement.Kind.EVENT)
    _contribution(first, "students", "gets", kind=Contribution.Kind.LEARNING)

    step = suggest_stage(p).steps[7]

    assert not step.met
    assert step.missing == "Record what the partner or residents get out."


def test_transformative_needs_a_mean_of_four_on_both_sides_of_the_latest_answered_round(world):
    p = build(world, 8)
    # Campus (5 + 4) / 2 = 4.5, community (4 + 3) / 2 = 3.5: not both at 4.
    _round(world, p, {"campus": [5, 4], "community": [4, 3]}, title="Ronde 1")
    suggestion = suggest_stage(p)
    assert suggestion.stage == ContinuumStage.SYNERGY
    assert suggestion.steps[8].found == ["Mean current score in Ronde 1: campus side 4.5, community side 3.5."]

    # A later round answered by one side only does not replace it.
    _round(world, p, {"campus": [5, 5]}, title="Ronde 2")
    assert suggest_stage(p).stage == ContinuumStage.SYNERGY

    _round(world, p, {"campus": [4, 4], "community": [5, 3]}, title="Ronde 3")  # 4.0 and 4.0
    suggestion = suggest_stage(p)
    assert suggestion.stage == ContinuumStage.TRANSFORMATIVE
    assert suggestion.steps[8].records[0].label == "Ronde 3"


def test_unsubmitted_answers_do_not_count(world):
    p = build(world, 8)
    round_ = _round(world, p, {"campus": [5, 5], "community": [5, 5]})
    Respondent.objects.filter(round=round_, side="community").update(submitted_at=None)

    assert suggest_stage(p).stage == ContinuumStage.SYNERGY


def test_the_suggestion_takes_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    small = build(world, 9)
    with django_assert_max_num_queries(16) as captured:
        suggest_stage(small)
    rel = _relationship(world)
    for n in range(30):
        f.make_interaction(rel, days_ago=n + 1, initiated_by=A if n % 2 else B)
        _engagement(world, small, kind=Engagement.Kind.OTHER)
    with django_assert_max_num_queries(len(captured)):
        suggest_stage(small)


def test_confirming_the_suggestion_sets_the_stage_keeps_history_and_audits(world):
    p = build(world, 3)

    change = confirm_stage(p, stage=3, reason="", by=world.coordinator, expected_version=p.version)

    p.refresh_from_db()
    assert p.stage == 3
    assert (change.stage, change.suggested_stage, change.by) == (3, 3, world.coordinator)
    assert change.evidence["suggested_stage"] == 3
    assert [s["met"] for s in change.evidence["steps"]] == [True] * 3 + [False] * 6
    entry = AuditEntry.objects.filter(target_id=str(p.public_id), action="confirmed continuum step").get()
    assert entry.actor == world.coordinator
    assert entry.changes["stage"] == [1, 3]


def test_an_override_without_a_reason_is_refused_and_nothing_changes(world):
    p = build(world, 3)

    with pytest.raises(DomainError) as error:
        confirm_stage(p, stage=5, reason="   ", by=world.coordinator, expected_version=p.version)

    assert "reason" in error.value.error_dict
    p.refresh_from_db()
    assert p.stage == ContinuumStage.COMMUNICATION
    assert not StageChange.objects.exists()


def test_an_override_with_a_reason_is_kept_with_the_suggestion_it_departs_from(world):
    p = build(world, 3)

    confirm_stage(p, stage=5, reason="Doelen staan in het convenant", by=world.coordinator, expected_version=p.version)

    change = StageChange.objects.get()
    assert (change.stage, change.suggested_stage, change.reason) == (5, 3, "Doelen staan in het convenant")


def test_an_unknown_step_is_refused(world):
    p = build(world, 1)

    with pytest.raises(DomainError) as error:
        confirm_stage(p, stage=10, reason="x", by=world.coordinator)

    assert "stage" in error.value.error_dict


def test_a_stale_version_is_refused_as_a_conflict(world):
    p = build(world, 2)
    version = p.version
    confirm_stage(p, stage=2, reason="", by=world.coordinator, expected_version=version)

    with pytest.raises(ConflictError):
        confirm_stage(p, stage=4, reason="Wij weten beter", by=world.faculty, expected_version=version)

    p.refresh_from_db()
    assert p.stage == 2
    assert StageChange.objects.count() == 1


def test_the_history_lists_every_confirmation_newest_first(world):
    p = build(world, 2)
    confirm_stage(p, stage=2, reason="", by=world.coordinator, expected_version=p.version)
    confirm_stage(p, stage=3, reason="Project gestart", by=world.coordinator, expected_version=p.version)

    assert [(c.stage, c.suggested_stage) for c in p.stage_changes.all()] == [(3, 2), (2, 2)]
