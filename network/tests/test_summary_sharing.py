"""Contact moments say whether their summary is shared with the partner: partners read the date, channel and
people of the others, never their text, on any page or through the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from api.tests.support import ApiClient
from network.models import Institution, Interaction
from tests import factories as f

pytestmark = pytest.mark.django_db

SECRET = "Intern: twijfels over de begeleiding"
SHARED = "Samen de planning van het voorjaar gemaakt"


@pytest.fixture
def contacts(world):
    relationship = f.make_relationship(world.a, world.coord_person, world.org, owners=[world.coord_person])
    f.make_interaction(relationship, days_ago=2, summary=SECRET)
    f.make_interaction(relationship, days_ago=1, summary=SHARED, summary_shared=True)
    return relationship


def test_a_summary_not_shared_never_reaches_the_partner_on_a_page(world, contacts, as_user):
    client = as_user(world.partner)
    for url in (
        reverse("relationship-detail", args=[contacts.public_id]),
        reverse("organisation-detail", args=[world.org.public_id]),
    ):
        html = client.get(url).content.decode()
        assert SHARED in html, url
        assert SECRET not in html, url
        assert html.count('class="when"') >= 2, url  # both moments are there, with their dates
    # The institution's own people read both.
    html = as_user(world.coordinator).get(reverse("relationship-detail", args=[contacts.public_id])).content.decode()
    assert SECRET in html and SHARED in html


def test_a_summary_not_shared_never_reaches_the_partner_through_the_api(world, contacts):
    rows = ApiClient(world.partner).get(f"/relationships/{contacts.public_id}/interactions").json()["items"]
    assert sorted(row["summary"] for row in rows) == ["", SHARED]
    assert {row["channel"] for row in rows} and all(row["occurred_on"] for row in rows)
    rows = ApiClient(world.partner).get(f"/organisations/{world.org.public_id}/interactions").json()["items"]
    assert SECRET not in str(rows)
    rows = ApiClient(world.coordinator).get(f"/relationships/{contacts.public_id}/interactions").json()["items"]
    assert sorted(row["summary"] for row in rows) == sorted([SHARED, SECRET])


def test_the_checkbox_takes_the_institutions_default_and_is_kept(world, contacts, as_user):
    client = as_user(world.coordinator)
    url = reverse("relationship-detail", args=[contacts.public_id])
    assert 'name="summary_shared"' in client.get(url).content.decode()
    assert "checked" not in client.get(url).content.decode().split('name="summary_shared"')[1].split(">")[0]
    Institution.objects.filter(pk=world.a.pk).update(share_contact_summaries=True)
    after = client.get(url).content.decode().split('name="summary_shared"')[1].split(">")[0]
    assert "checked" in after
    assert f.make_interaction(contacts, summary="Met standaard").summary_shared is True


def test_a_contact_the_partner_logs_itself_is_shared(world, contacts, as_user):
    response = as_user(world.partner).post(
        reverse("relationship-log-contact", args=[contacts.public_id]),
        {
            "occurred_on": "2026-11-02",
            "channel": "phone",
            "mode": "direct",
            "initiated_by": "ours",
            "summary": "Gebeld",
        },
    )
    assert response.status_code in (200, 302)
    assert Interaction.objects.get(summary="Gebeld").summary_shared is True
