"""On an organisation's page, staff of every institution see which institutions work with it now, and its
load against its capacity, without another institution's notes, people or contact summaries."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from engagements.models import Engagement
from matching.services import propose_match
from matching.tests.helpers import make_need, make_offer
from network.services import add_organisation_note
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def a_works_with_org(world):
    partnership = f.make_partnership(world.a, [world.org], [world.coord_person], title="Geheim partnerschap A")
    f.make_engagement(world.a, title="Geheime activiteit A", organisation=world.org, status=Engagement.Status.RUNNING)
    need = make_need(world.org, by=world.coordinator)
    propose_match(need, make_offer(world.a, by=world.coordinator, title="Geheim aanbod A"), by=world.coordinator)
    relationship = f.make_relationship(world.a, world.coord_person, world.org, owners=[world.coord_person])
    f.make_interaction(relationship, summary="Geheime samenvatting A")
    add_organisation_note(world.org, by=world.coordinator, text="Geheime notitie A")
    return partnership


def test_staff_of_b_see_that_a_works_with_the_organisation_and_nothing_of_as_records(
    world, a_works_with_org, as_user, english
):
    page = as_user(world.outsider).get(reverse("organisation-detail", args=[world.org.public_id]))
    html = page.content.decode()
    across = html[html.index('id="across"') : html.index("</section>", html.index('id="across"'))]
    assert "Universiteit Aan de Schelde" in across
    assert re.findall(r"<td>(\d+)</td>", across) == ["1", "1", "1"]  # a partnership, an engagement, a proposal
    assert "Load this academic year: 2 of" in html
    for private in ("Geheim partnerschap A", "Geheime activiteit A", "Geheim aanbod A", "Geheime samenvatting A"):
        assert private not in html
    assert "Geheime notitie A" not in html
    assert world.coord_person.last_name not in html and world.faculty_person.last_name not in html


def test_an_organisation_nobody_works_with_says_so(world, as_user, english):
    html = as_user(world.outsider).get(reverse("organisation-detail", args=[world.other_org.public_id])).content
    assert b"No institution works with this organisation now." in html
