import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from lib.errors import ConflictError, DomainError
from network.models import Interaction, Organisation, Relationship, SofarRole
from network.services import (
    contact_relationship,
    initiator_code,
    log_interaction,
    update_organisation,
)
from tests import factories as f


def test_logging_a_contact_moves_the_last_contact_date_forward_only(world):
    rel = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    f.make_interaction(rel, days_ago=3)
    f.make_interaction(rel, days_ago=30)
    rel.refresh_from_db()
    assert rel.last_contact_on == timezone.localdate() - dt.timedelta(days=3)


def test_a_contact_in_the_future_or_without_summary_is_refused_and_nothing_is_saved(world):
    rel = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    with pytest.raises(DomainError) as caught:
        log_interaction(rel, by=world.faculty, occurred_on=timezone.localdate() + dt.timedelta(days=1), summary=" ")
    assert set(caught.value.error_dict) == {"occurred_on", "summary"}
    assert not Interaction.objects.exists()


def test_an_indirect_contact_needs_an_intermediary(world):
    rel = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    with pytest.raises(DomainError) as caught:
        log_interaction(
            rel, by=world.faculty, occurred_on=timezone.localdate(), summary="Via de buurtwerker", mode="intermediary"
        )
    assert "intermediary" in caught.value.error_dict


def test_a_contact_relationship_is_created_once_and_owned_by_the_user(world):
    first = contact_relationship(world.faculty, world.org)
    second = contact_relationship(world.faculty, world.org)
    assert first == second
    assert list(first.owners.all()) == [world.faculty_person]
    assert first.a_role == SofarRole.FACULTY and first.b_role == SofarRole.ORGANISATION


def test_the_initiative_of_the_partner_side_is_the_organisation_end(world):
    rel = f.make_relationship(world.a, world.org, world.faculty_person, owners=[world.faculty_person])
    assert initiator_code(rel, "theirs") == Interaction.Initiator.A
    assert initiator_code(rel, "ours") == Interaction.Initiator.B
    assert initiator_code(rel, "both") == Interaction.Initiator.BOTH


def test_a_relationship_needs_an_owner_of_the_institution(world):
    with pytest.raises(DomainError):
        f.make_relationship(world.a, world.faculty_person, world.org, owners=[])
    with pytest.raises(DomainError):
        f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.outsider_person])
    assert not Relationship.objects.exists()


def test_an_organisation_cannot_take_a_student_role(world):
    with pytest.raises(DomainError):
        f.make_relationship(world.a, world.student_person, world.org, owners=[world.coord_person], b_role="S")


def test_a_second_editor_with_an_old_version_is_refused_not_overwritten(world):
    org = world.org
    version = org.version
    update_organisation(org, by=world.coordinator, expected_version=version, mission="Eerste versie")
    stale = Organisation.objects.get(pk=org.pk)
    stale.version = version
    with pytest.raises(ConflictError):
        update_organisation(stale, by=world.faculty, expected_version=version, mission="Tweede versie")
    org.refresh_from_db()
    assert org.mission == "Eerste versie"
    assert org.version == version + 1


def test_every_change_leaves_an_audit_entry_with_who_did_it(world):
    update_organisation(world.org, by=world.coordinator, expected_version=world.org.version, city="Gentbrugge")
    entry = AuditEntry.objects.filter(target_id=str(world.org.public_id), action="changed").get()
    assert entry.actor == world.coordinator
    assert entry.changes == {"city": "Gentbrugge"}


def test_history_keeps_every_version_of_an_organisation(world):
    update_organisation(world.org, by=world.coordinator, expected_version=world.org.version, city="Gentbrugge")
    cities = list(world.org.history.order_by("history_date").values_list("city", flat=True))
    assert cities == ["Gent", "Gentbrugge"]
