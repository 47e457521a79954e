"""The admin writes through the network services: derived fields (last contact, orphaned) stay true and
every change is audited, as on the web."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEntry
from network.models import Interaction, Relationship
from tests import factories as f
from tests.admin_forms import admin_form


@pytest.fixture
def superuser(world) -> User:
    return User.objects.create_superuser("root", "root@example.org", f.PASSWORD, language="en")


@pytest.fixture
def relationship(world) -> Relationship:
    rel = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    f.make_interaction(rel, days_ago=30, summary="Kennismaking")
    rel.refresh_from_db()
    return rel


def _days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def test_a_contact_moment_added_in_the_admin_moves_the_last_contact_date_and_is_audited(
    as_user, superuser, relationship
):
    client = as_user(superuser)
    url = reverse("admin:network_interaction_add")
    data = admin_form(client, url)
    data.update(relationship=relationship.pk, occurred_on=_days_ago(2).isoformat(), summary="Telefoon met Pia")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    interaction = Interaction.objects.get(summary="Telefoon met Pia")
    assert (interaction.institution_id, interaction.logged_by) == (relationship.institution_id, superuser)
    relationship.refresh_from_db()
    assert relationship.last_contact_on == _days_ago(2)
    assert AuditEntry.objects.filter(
        action="logged contact", target_id=str(relationship.public_id), actor=superuser
    ).exists()


def test_a_contact_moment_in_the_future_is_refused_next_to_the_field(as_user, superuser, relationship):
    client = as_user(superuser)
    url = reverse("admin:network_interaction_add")
    data = admin_form(client, url)
    data.update(relationship=relationship.pk, occurred_on=_days_ago(-3).isoformat(), summary="Later")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "A contact moment cannot be in the future." in response.content.decode()
    assert not Interaction.objects.filter(summary="Later").exists()


def test_moving_or_removing_the_newest_contact_moment_in_the_admin_recomputes_the_last_contact_date(
    as_user, superuser, relationship
):
    newest = f.make_interaction(relationship, days_ago=1, summary="Nieuwste")
    relationship.refresh_from_db()
    assert relationship.last_contact_on == _days_ago(1)
    client = as_user(superuser)

    url = reverse("admin:network_interaction_change", args=[newest.pk])
    data = admin_form(client, url)
    data.update(occurred_on=_days_ago(60).isoformat())
    assert client.post(url, data).status_code == 302
    relationship.refresh_from_db()
    assert relationship.last_contact_on == _days_ago(30), "the other contact moment is now the newest"
    assert AuditEntry.objects.filter(action="changed contact", target_id=str(relationship.public_id)).exists()

    older = Interaction.objects.get(summary="Kennismaking")
    delete = reverse("admin:network_interaction_delete", args=[older.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    relationship.refresh_from_db()
    assert relationship.last_contact_on == _days_ago(60)
    assert AuditEntry.objects.filter(action="removed contact", target_id=str(relationship.public_id)).exists()

    changelist = reverse("admin:network_interaction_changelist")
    response = client.post(changelist, {"action": "delete_selected", "_selected_action": [newest.pk], "post": "yes"})
    assert response.status_code == 302
    relationship.refresh_from_db()
    assert relationship.last_contact_on is None


def test_owners_changed_in_the_admin_go_through_the_service_and_none_is_refused(
    world, as_user, superuser, relationship
):
    client = as_user(superuser)
    url = reverse("admin:network_relationship_change", args=[relationship.pk])
    data = admin_form(client, url)
    assert data["owners"] == str(world.faculty_person.pk)

    data["owners"] = []
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Every relationship needs at least one owner inside the institution." in response.content.decode()
    relationship.refresh_from_db()
    assert list(relationship.owners.all()) == [world.faculty_person]

    data["owners"] = [world.coord_person.pk]
    assert client.post(url, data).status_code == 302
    relationship.refresh_from_db()
    assert (list(relationship.owners.all()), relationship.orphaned) == ([world.coord_person], False)
    entry = AuditEntry.objects.get(action="owners changed", target_id=str(relationship.public_id))
    assert entry.changes["owners"] == [str(world.coord_person)]


def test_an_orphaned_relationship_given_an_owner_in_the_admin_is_no_longer_orphaned(
    world, as_user, superuser, relationship
):
    Relationship.objects.filter(pk=relationship.pk).update(orphaned=True)
    client = as_user(superuser)
    url = reverse("admin:network_relationship_change", args=[relationship.pk])
    data = admin_form(client, url)
    data["owners"] = [world.faculty_person.pk, world.coord_person.pk]
    assert client.post(url, data).status_code == 302
    relationship.refresh_from_db()
    assert relationship.orphaned is False


def test_a_persons_active_flag_is_not_offered_and_people_are_not_deleted_in_the_admin(
    world, as_user, superuser, relationship
):
    client = as_user(superuser)
    person = world.faculty_person
    url = reverse("admin:network_person_change", args=[person.pk])
    data = admin_form(client, url)
    assert "is_active" not in data
    data["is_active"] = ""
    client.post(url, data)
    person.refresh_from_db()
    relationship.refresh_from_db()
    assert (person.is_active, relationship.orphaned) == (True, False)
    assert client.get(reverse("admin:network_person_delete", args=[person.pk])).status_code == 403
