"""Running a strategic partnership: parties, forms and levels, goals, indicators, measurements,
milestones; and the demo content of the KU Leuven–TADA partnership."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest

from audit.models import AuditEntry
from engagements.models import Engagement
from lib.errors import ConflictError, DomainError
from network.models import Organisation
from partnerships import strategic
from partnerships.demo_strategic import GOAL_TITLE, load_demo_strategic
from partnerships.models import Goal, Indicator, Measurement, Milestone, Partnership, PartnershipParty
from tests import factories as f


@pytest.fixture
def partnership(world: SimpleNamespace) -> Partnership:
    return f.make_partnership(
        world.a, [world.org], [world.coord_person], title="Samen tegen ongelijkheid", start_date=dt.date(2022, 3, 15)
    )


def actions(partnership: Partnership) -> list[str]:
    return list(
        AuditEntry.objects.filter(target_id=str(partnership.public_id)).order_by("id").values_list("action", flat=True)
    )


# Parties.


def test_adding_an_organisation_widens_the_partnership_with_a_milestone(world, partnership):
    city = f.make_organisation("Stad Leuven", kind=Organisation.Kind.CITY_SERVICE)
    milestone = strategic.add_party(
        partnership, by=world.coordinator, organisation=city, role="Lokale overheid", joined_on=dt.date(2024, 5, 14)
    )
    party = partnership.parties.get(organisation=city)
    assert (party.role, party.joined_on) == ("Lokale overheid", dt.date(2024, 5, 14))
    assert milestone.kind == Milestone.Kind.WIDENED
    assert milestone.date == dt.date(2024, 5, 14)
    assert "Stad Leuven" in milestone.title
    assert actions(partnership)[-1] == "added party"


def test_adding_another_institution_is_a_widening_too(world, partnership):
    strategic.add_party(partnership, by=world.coordinator, institution=world.b, joined_on=dt.date(2025, 1, 1))
    assert list(partnership.other_institutions.all()) == [world.b]
    assert partnership.milestones.get().kind == Milestone.Kind.WIDENED


def test_a_party_cannot_be_added_twice_and_nothing_is_written(world, partnership):
    with pytest.raises(DomainError) as error:
        strategic.add_party(partnership, by=world.coordinator, organisation=world.org)
    assert "organisation" in error.value.error_dict
    assert partnership.milestones.count() == 0
    assert partnership.parties.count() == 1


def test_adding_needs_exactly_one_organisation_or_institution(world, partnership):
    with pytest.raises(DomainError):
        strategic.add_party(partnership, by=world.coordinator)
    with pytest.raises(DomainError):
        strategic.add_party(partnership, by=world.coordinator, organisation=world.other_org, institution=world.b)
    assert partnership.milestones.count() == 0


def test_the_lead_institution_cannot_be_added_as_a_party(world, partnership):
    with pytest.raises(DomainError):
        strategic.add_party(partnership, by=world.coordinator, institution=world.a)


def test_the_last_organisation_cannot_be_removed(world, partnership):
    with pytest.raises(DomainError):
        strategic.remove_party(partnership.parties.get(), by=world.coordinator)
    strategic.add_party(partnership, by=world.coordinator, organisation=world.other_org)
    strategic.remove_party(partnership.parties.get(organisation=world.org), by=world.coordinator)
    assert list(partnership.organisations.all()) == [world.other_org]
    assert actions(partnership)[-1] == "removed party"


def test_editing_a_party_someone_else_changed_is_refused(world, partnership):
    party = partnership.parties.get()
    seen = strategic.fingerprint(party, strategic.PARTY_FIELDS)
    PartnershipParty.objects.filter(pk=party.pk).update(role="Changed meanwhile")
    with pytest.raises(ConflictError):
        strategic.update_party(party, by=world.coordinator, expected=seen, role="Mine", joined_on=None)
    assert PartnershipParty.objects.get(pk=party.pk).role == "Changed meanwhile"


# Forms and levels.


def test_forms_and_levels_are_kept_in_the_order_of_the_choices(world, partnership):
    strategic.set_collaboration(
        partnership,
        by=world.coordinator,
        expected_version=partnership.version,
        forms=[Engagement.Kind.EVENT, Engagement.Kind.SERVICE_LEARNING],
        levels=[Engagement.Level.CITY, Engagement.Level.COURSE],
    )
    partnership.refresh_from_db()
    assert partnership.collaboration_forms == ["service_learning", "event"]
    assert partnership.levels == ["course", "city"]
    assert actions(partnership)[-1] == "changed collaboration"


def test_an_unknown_form_is_refused(world, partnership):
    with pytest.raises(DomainError):
        strategic.set_collaboration(partnership, by=None, expected_version=None, forms=["juggling"], levels=[])
    assert Partnership.objects.get(pk=partnership.pk).collaboration_forms == []


def test_forms_from_a_stale_version_are_refused(world, partnership):
    stale = partnership.version
    strategic.set_collaboration(partnership, by=None, expected_version=stale, forms=["event"], levels=[])
    with pytest.raises(ConflictError):
        strategic.set_collaboration(partnership, by=None, expected_version=stale, forms=["research"], levels=[])
    assert Partnership.objects.get(pk=partnership.pk).collaboration_forms == ["event"]


# Goals, indicators and measurements.


def test_goals_are_added_last_and_can_be_edited_and_removed(world, partnership):
    first = strategic.add_goal(partnership, by=world.coordinator, title="Minder onderwijsongelijkheid")
    second = strategic.add_goal(partnership, by=world.coordinator, title="Meer diversiteit")
    assert second.order > first.order
    strategic.update_goal(
        first,
        by=world.coordinator,
        expected=strategic.fingerprint(first, strategic.GOAL_FIELDS),
        title="Gelijke kansen",
    )
    assert Goal.objects.get(pk=first.pk).title == "Gelijke kansen"
    strategic.remove_goal(second, by=world.coordinator)
    assert list(partnership.goals.values_list("title", flat=True)) == ["Gelijke kansen"]
    assert actions(partnership)[-3:] == ["added goal", "changed goal", "removed goal"]


def test_editing_a_goal_someone_else_changed_is_refused(world, partnership):
    goal = strategic.add_goal(partnership, by=world.coordinator, title="Doel")
    seen = strategic.fingerprint(goal, strategic.GOAL_FIELDS)
    Goal.objects.filter(pk=goal.pk).update(title="Doel van iemand anders")
    with pytest.raises(ConflictError):
        strategic.update_goal(goal, by=world.coordinator, expected=seen, title="Mijn doel")
    assert Goal.objects.get(pk=goal.pk).title == "Doel van iemand anders"


def test_an_indicator_needs_a_target(world, partnership):
    goal = strategic.add_goal(partnership, by=world.coordinator, title="Doel")
    with pytest.raises(DomainError) as error:
        strategic.add_indicator(goal, by=world.coordinator, name="Jongeren bereikt", target=None)
    assert "target" in error.value.error_dict
    assert not Indicator.objects.exists()


def test_an_indicator_records_measurements_over_time(world, partnership):
    goal = strategic.add_goal(partnership, by=world.coordinator, title="Doel")
    indicator = strategic.add_indicator(
        goal, by=world.coordinator, name="Jongeren bereikt", target=Decimal(400), baseline=Decimal(120)
    )
    strategic.record_measurement(indicator, by=world.coordinator, measured_on=dt.date(2023, 6, 30), value=Decimal(190))
    strategic.record_measurement(indicator, by=world.coordinator, measured_on=dt.date(2022, 6, 30), value=Decimal(140))
    assert list(indicator.measurements.values_list("value", flat=True)) == [Decimal(140), Decimal(190)]
    assert indicator.measurements.first().by == world.coordinator
    assert actions(partnership)[-1] == "recorded measurement"


def test_a_measurement_without_value_or_date_is_refused_with_both_messages(world, partnership):
    goal = strategic.add_goal(partnership, by=world.coordinator, title="Doel")
    indicator = strategic.add_indicator(goal, by=world.coordinator, name="Vrijwilligers", target=Decimal(80))
    with pytest.raises(DomainError) as error:
        strategic.record_measurement(indicator, by=world.coordinator, measured_on=None, value=None)
    assert set(error.value.error_dict) == {"value", "measured_on"}
    assert not Measurement.objects.exists()


def test_a_measurement_in_the_future_is_refused(world, partnership):
    goal = strategic.add_goal(partnership, by=world.coordinator, title="Doel")
    indicator = strategic.add_indicator(goal, by=world.coordinator, name="Vrijwilligers", target=Decimal(80))
    with pytest.raises(DomainError):
        strategic.record_measurement(indicator, by=None, measured_on=dt.date(2999, 1, 1), value=Decimal(3))


def test_editing_an_indicator_cannot_remove_its_target(world, partnership):
    goal = strategic.add_goal(partnership, by=world.coordinator, title="Doel")
    indicator = strategic.add_indicator(goal, by=world.coordinator, name="Vrijwilligers", target=Decimal(80))
    with pytest.raises(DomainError):
        strategic.update_indicator(indicator, by=None, expected=None, target=None)
    assert Indicator.objects.get(pk=indicator.pk).target == Decimal(80)


def test_removing_a_goal_removes_its_indicators_and_measurements(world, partnership):
    goal = strategic.add_goal(partnership, by=world.coordinator, title="Doel")
    indicator = strategic.add_indicator(goal, by=world.coordinator, name="Vrijwilligers", target=Decimal(80))
    strategic.record_measurement(indicator, by=None, measured_on=dt.date(2024, 1, 1), value=Decimal(3))
    strategic.remove_goal(goal, by=world.coordinator)
    assert not Indicator.objects.exists() and not Measurement.objects.exists()


# Milestones.


def test_milestones_are_kept_in_date_order_and_editable(world, partnership):
    later = strategic.add_milestone(
        partnership, by=None, date=dt.date(2027, 3, 15), kind=Milestone.Kind.RENEWED, title="Hernieuwd"
    )
    strategic.add_milestone(
        partnership, by=None, date=dt.date(2022, 3, 15), kind=Milestone.Kind.SIGNED, title="Getekend"
    )
    assert [m.title for m in partnership.milestones.all()] == ["Getekend", "Hernieuwd"]
    strategic.update_milestone(
        later, by=None, expected=strategic.fingerprint(later, strategic.MILESTONE_FIELDS), title="Hernieuwd tot 2030"
    )
    assert Milestone.objects.get(pk=later.pk).title == "Hernieuwd tot 2030"


def test_a_milestone_of_an_unknown_kind_is_refused(world, partnership):
    with pytest.raises(DomainError):
        strategic.add_milestone(partnership, by=None, date=dt.date(2024, 1, 1), kind="party", title="Feest")
    assert not Milestone.objects.exists()


# The demo.


@pytest.fixture
def tada(world: SimpleNamespace) -> Partnership:
    organisation = f.make_organisation("TADA (ToekomstATELIERdelAvenir)")
    return f.make_partnership(
        world.a,
        [organisation],
        [world.coord_person],
        title="KU Leuven en TADA",
        start_date=dt.date(2022, 3, 15),
    )


def test_the_demo_makes_the_tada_partnership_strategic_with_its_widening_goals_and_measurements(world, tada):
    out = io.StringIO()
    load_demo_strategic(out)
    tada.refresh_from_db()
    assert (tada.kind, tada.basis) == (Partnership.Kind.STRATEGIC, Partnership.Basis.MISSION)
    assert {"service_learning", "staff_training", "volunteering", "open_building", "research", "event"} <= set(
        tada.collaboration_forms
    )
    assert "city" in tada.levels
    city = tada.parties.get(organisation__name="Stad Leuven")
    assert city.organisation.kind == Organisation.Kind.CITY_SERVICE
    assert city.joined_on.year == 2024
    kinds = {(m.kind, m.date.year) for m in tada.milestones.all()}
    assert (Milestone.Kind.SIGNED, 2022) in kinds and (Milestone.Kind.WIDENED, 2024) in kinds
    goal = tada.goals.get(title=GOAL_TITLE)
    assert 2 <= goal.indicators.count() <= 3
    for indicator in goal.indicators.all():
        years = [m.measured_on.year for m in indicator.measurements.all()]
        assert years[0] == 2022 and years == sorted(set(years))
    assert "measurements recorded" in out.getvalue()


def test_the_demo_can_run_twice_without_doubling_anything(world, tada):
    load_demo_strategic(io.StringIO())
    counts = (tada.parties.count(), tada.milestones.count(), Indicator.objects.count(), Measurement.objects.count())
    version = Partnership.objects.get(pk=tada.pk).version
    load_demo_strategic(io.StringIO())
    assert (tada.parties.count(), tada.milestones.count(), Indicator.objects.count(), Measurement.objects.count()) == (
        counts
    )
    assert Partnership.objects.get(pk=tada.pk).version == version


def test_the_demo_uses_local_partners_that_already_exist(world, tada):
    city = f.make_organisation("Stad Leuven", kind=Organisation.Kind.CITY_SERVICE)
    load_demo_strategic(io.StringIO())
    assert Organisation.objects.filter(name="Stad Leuven").count() == 1
    assert tada.parties.filter(organisation=city).exists()


def test_the_demo_says_so_when_there_is_no_tada_partnership(db):
    out = io.StringIO()
    assert load_demo_strategic(out) is None
    assert "No partnership with TADA" in out.getvalue()
