"""The dashboard opens with the office's week: what needs attention, each with its count and one click to act."""

from __future__ import annotations

import re

from django.urls import reverse

from partnerships.services import deactivate_person
from tests import factories as f


def test_the_dashboard_opens_with_what_needs_attention_and_a_link_to_act(world, client):
    leaver = f.make_person(world.a, first_name="Vera", last_name="Vertrokken")
    orphan = f.make_relationship(world.a, leaver, world.org, owners=[leaver])
    f.make_interaction(orphan, days_ago=2)
    deactivate_person(leaver, by=world.coordinator, leave_orphaned=True)
    world.coordinator.language = "nl"
    world.coordinator.save(update_fields=["language"])
    client.force_login(world.coordinator)
    html = client.get(reverse("dashboard")).content.decode()
    block = re.search(r'<section class="attention"[^>]*>(.*?)</section>', html, re.S)
    assert block is not None and "Vraagt aandacht" in block.group(1)
    lines = re.findall(
        r'<li class="(\w+)"><span class="figure">(\d+)</span> <a href="([^"]+)">([^<]+)</a>', block.group(1)
    )
    assert (
        "bad",
        "1",
        f"{reverse('relationship-list')}?orphaned=1",
        "relaties zonder eigenaar: geef ze er een",
    ) in lines
    assert len(lines) == 5
    assert html.index('class="attention"') < html.index('class="cards"')  # the week before the figures
