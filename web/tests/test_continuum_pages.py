"""The continuum page of a partnership: suggestion with evidence, confirming or overriding it, history."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role, User
from audit.models import AuditEntry
from engagements.models import Engagement
from network.models import Interaction, SofarRole
from partnerships.continuum import confirm_stage
from partnerships.models import ContinuumStage, Partnership, StageChange
from tests import factories as f


@pytest.fixture(autouse=True)
def english(world) -> None:
    """Assertions read the English source strings, whatever catalogue exists."""
    User.objects.update(language="en")


@pytest.fixture
def ship(world) -> Partnership:
    """Contacts both ways and one engagement: Brug suggests step 3, mutual coordination."""
    p = f.make_partnership(world.a, [world.org], [world.coord_person], title="Buurtcampus")
    rel = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    f.make_interaction(rel, days_ago=1, initiated_by=Interaction.Initiator.A)
    f.make_interaction(rel, days_ago=2, initiated_by=Interaction.Initiator.B)
    f.make_engagement(world.a, partnership=p, organisation=world.org, title="Huiswerkklas")
    p.rel = rel
    return p


def _url(p: Partnership) -> str:
    return reverse("partnership-continuum", args=[p.public_id])


def _post(client, p: Partnership, **data):
    return client.post(_url(p), {"version": p.version, "reason": "", **data})


def test_the_coordinator_sees_the_nine_steps_the_suggestion_its_evidence_and_what_is_missing(world, as_user, ship):
    response = as_user(world.coordinator).get(_url(ship))

    assert response.status_code == 200
    page = response.content.decode()
    for label in ContinuumStage.labels:
        assert str(label) in page
    assert "suggestion from the evidence" in page
    assert "3/9" in page  # the suggestion
    assert "1/9" in page  # the confirmed step, the default
    assert "At least one contact moment of the lead institution with a partner organisation." in page
    assert "2 contact moments, the last on" in page
    assert reverse("relationship-detail", args=[ship.rel.public_id]) in page
    assert reverse("engagement-detail", args=[ship.engagements.get().public_id]) in page
    assert "Name a contact person at a partner organisation; plan the next joint evaluation" in page
    assert 'name="reason"' in page


def test_confirming_the_suggestion_moves_the_partnership_and_shows_it_in_the_history(world, as_user, ship):
    client = as_user(world.coordinator)

    response = _post(client, ship, stage=3)

    assert response.status_code == 302
    ship.refresh_from_db()
    assert ship.stage == 3
    page = client.get(_url(ship)).content.decode()
    assert "Continuum step confirmed." in page
    assert "Cora Coördinator" in page
    assert AuditEntry.objects.filter(action="confirmed continuum step", target_id=str(ship.public_id)).exists()


def test_an_override_without_a_reason_is_refused_with_a_message_and_nothing_is_saved(world, as_user, ship):
    response = _post(as_user(world.coordinator), ship, stage=6)

    assert response.status_code == 400
    assert "Say why you choose another step than the one Brug suggests" in response.content.decode()
    ship.refresh_from_db()
    assert ship.stage == 1
    assert not StageChange.objects.exists()


def test_an_override_with_a_reason_is_kept_with_who_when_and_the_suggestion(world, as_user, ship):
    client = as_user(world.coordinator)

    response = _post(client, ship, stage=5, reason="Gedeelde doelen staan in het convenant")

    assert response.status_code == 302
    change = StageChange.objects.get()
    assert (change.stage, change.suggested_stage, change.by) == (5, 3, world.coordinator)
    page = client.get(_url(ship)).content.decode()
    assert "Gedeelde doelen staan in het convenant" in page
    assert "3. Mutual coordination" in page


def test_a_step_outside_the_nine_is_refused(world, as_user, ship):
    response = _post(as_user(world.coordinator), ship, stage=12, reason="x")

    assert response.status_code == 400
    assert not StageChange.objects.exists()


def test_a_stale_form_is_refused_as_a_conflict_without_overwriting(world, as_user, ship):
    stale_version = ship.version
    confirm_stage(ship, stage=2, reason="Nog geen project", by=world.coordinator, expected_version=stale_version)

    response = as_user(world.coordinator).post(_url(ship), {"version": stale_version, "stage": 3, "reason": ""})

    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    ship.refresh_from_db()
    assert ship.stage == 2
    assert StageChange.objects.count() == 1


def test_an_owner_on_the_faculty_may_confirm(world, as_user, ship):
    ship.owners.add(world.faculty_person)

    assert _post(as_user(world.faculty), ship, stage=3).status_code == 302


def test_a_faculty_member_who_does_not_own_it_reads_the_page_but_cannot_confirm(world, as_user, ship):
    client = as_user(world.faculty)

    page = client.get(_url(ship))

    assert page.status_code == 200
    assert 'name="reason"' not in page.content.decode()
    assert _post(client, ship, stage=3).status_code == 403
    assert not StageChange.objects.exists()


def test_a_partner_of_the_partnership_is_refused(world, as_user, ship):
    client = as_user(world.partner)

    assert client.get(_url(ship)).status_code == 403
    assert _post(client, ship, stage=3).status_code == 403


def test_a_student_taking_part_is_refused(world, as_user, ship):
    engagement = ship.engagements.get()
    engagement.participations.create(person=world.student_person, role=SofarRole.STUDENT)

    assert as_user(world.student).get(_url(ship)).status_code == 403


@pytest.mark.parametrize("persona", ["outsider", "other_partner"])
def test_another_institution_or_a_partner_of_another_organisation_gets_404(world, as_user, ship, persona):
    client = as_user(getattr(world, persona))

    assert client.get(_url(ship)).status_code == 404
    assert _post(client, ship, stage=3).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(world, as_user, ship):
    response = as_user(None).get(_url(ship))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_page_takes_the_same_number_of_queries_with_3_or_30_records_of_each_kind(world, as_user, ship):
    client = as_user(world.coordinator)

    def grow(n: int) -> None:
        for i in range(n):
            f.make_interaction(ship.rel, days_ago=i + 3)
            f.make_engagement(world.a, partnership=ship, organisation=world.org, kind=Engagement.Kind.EVENT)
            StageChange.objects.create(partnership=ship, stage=2, suggested_stage=2, by=world.coordinator)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url(ship)).status_code == 200
        return len(captured)

    grow(3)
    small = count()
    grow(27)
    assert count() == small


def test_another_coordinator_of_the_lead_institution_may_confirm_without_owning_it(world, as_user, ship):
    other = f.make_user(Role.COORDINATOR, institution=world.a, username="tweede")
    User.objects.filter(pk=other.pk).update(language="en")

    response = _post(as_user(other), ship, stage=3, reason="")

    assert response.status_code == 302
    assert StageChange.objects.get().by == other


def test_staff_of_a_joined_institution_may_not_read_the_lead_institutions_evidence(world, as_user, ship):
    ship.other_institutions.add(world.b)
    client = as_user(world.outsider)

    assert client.get(_url(ship)).status_code == 403
    assert _post(client, ship, stage=3).status_code == 403
