"""The partnership admin changes owners through ``update_partnership``: ``orphaned`` stays true, and audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEntry
from matching.models import Match
from partnerships.models import HandOver, Partnership
from tests import factories as f
from tests.admin_forms import admin_form


@pytest.fixture
def superuser(world) -> User:
    return User.objects.create_superuser("root", "root@example.org", f.PASSWORD, language="en")


@pytest.fixture
def partnership(world) -> Partnership:
    return f.make_partnership(world.a, [world.org], [world.coord_person], title="Partnerschap van UAS")


def test_an_orphaned_partnership_given_an_owner_in_the_admin_is_no_longer_orphaned(
    world, as_user, superuser, partnership
):
    Partnership.objects.filter(pk=partnership.pk).update(orphaned=True)
    client = as_user(superuser)
    url = reverse("admin:partnerships_partnership_change", args=[partnership.pk])
    data = admin_form(client, url)
    data["owners"] = [world.faculty_person.pk]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    partnership.refresh_from_db()
    assert (list(partnership.owners.all()), partnership.orphaned) == ([world.faculty_person], False)
    entry = AuditEntry.objects.get(action="changed", target_type="partnerships.partnership", actor=superuser)
    assert entry.changes["owners"] == [str(world.faculty_person)]


def test_removing_every_owner_of_a_partnership_in_the_admin_is_refused(world, as_user, superuser, partnership):
    client = as_user(superuser)
    url = reverse("admin:partnerships_partnership_change", args=[partnership.pk])
    data = admin_form(client, url)
    data["owners"] = [world.outsider_person.pk]
    response = client.post(url, data)
    assert response.status_code == 200
    assert "cannot own it: owners are active people of the institution." in response.content.decode()
    partnership.refresh_from_db()
    assert (list(partnership.owners.all()), partnership.orphaned) == ([world.coord_person], False)


def test_hand_overs_and_matches_are_read_only_in_the_admin(as_user, superuser):
    client = as_user(superuser)
    for model in (HandOver, Match):
        meta = model._meta
        assert client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add")).status_code == 403
        assert client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")).status_code == 200
