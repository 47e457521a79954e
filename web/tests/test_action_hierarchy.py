"""One primary action per page: the partnership page offers Edit as its action, the rarer ones in a menu that
works without script, and its other pages as tabs instead of a row of equal buttons."""

from __future__ import annotations

import re

from django.urls import reverse

from tests import factories as f


def test_the_partnership_page_has_one_primary_action_and_its_pages_as_tabs(world, client):
    partnership = f.make_partnership(world.a, [world.org], [world.coord_person, world.faculty_person])
    client.force_login(world.coordinator)
    html = client.get(reverse("partnership-detail", args=[partnership.public_id])).content.decode()
    assert len(re.findall(r'class="button primary"', html)) == 1
    menu = re.search(r'<details class="menu">(.*?)</details>', html, re.S)
    assert menu is not None
    assert reverse("round-create", args=[partnership.public_id]) in menu.group(1)
    tabs = re.search(r'<nav class="page-tabs"[^>]*>(.*?)</nav>', html, re.S)
    assert tabs is not None
    for name in ("partnership-strategic", "partnership-report", "partnership-health"):
        assert reverse(name, args=[partnership.public_id]) in tabs.group(1)


def test_the_partner_sees_no_menu_of_actions_they_may_not_take(world, client):
    partnership = f.make_partnership(world.a, [world.org], [world.coord_person, world.faculty_person])
    client.force_login(world.partner)
    response = client.get(reverse("partnership-detail", args=[partnership.public_id]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<details class="menu">' not in html and 'class="button primary"' not in html
