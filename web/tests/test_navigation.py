"""The header: seven sections instead of a row of twenty links, the current section's pages in a second
row, and only what the user may open."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("english")


def _links(html: str, nav_class: str) -> list[tuple[str, str, str | None]]:
    block = re.search(rf'<nav [^>]*class="{nav_class}"[^>]*>(.*?)</nav>', html, re.S)
    if block is None:
        return []
    return [
        (href, text.strip(), current or None)
        for href, current, text in re.findall(
            r'<a href="([^"]+)"(?: aria-current="([a-z]+)")?>([^<]+)</a>', block.group(1)
        )
    ]


def test_a_coordinator_sees_seven_sections_and_the_pages_of_the_current_one(world, as_user):
    html = as_user(world.coordinator).get(reverse("person-list")).content.decode()
    sections = _links(html, "main-nav")
    assert [text for _href, text, _current in sections] == [
        "Dashboard",
        "Network",
        "Partnerships",
        "Education",
        "Matchmaking",
        "Neighbourhood campus",
        "Reports",
    ]
    # The section of the page is marked (it is not the page itself), and its pages are one click away.
    assert ("/organisations/", "Network", "true") in sections
    pages = _links(html, "sub-nav")
    assert [text for _href, text, _current in pages] == [
        "Organisations",
        "People",
        "Relationships",
        "Network at a glance",
    ]
    assert (reverse("person-list"), "People", "page") in pages


def test_the_first_page_of_a_section_is_the_current_page_when_it_is_open(world, as_user):
    html = as_user(world.coordinator).get(reverse("organisation-list")).content.decode()
    assert (reverse("organisation-list"), "Network", "page") in _links(html, "main-nav")


def test_a_partner_sees_only_what_a_partner_may_open(world, as_user):
    html = as_user(world.partner).get(reverse("need-list")).content.decode()
    sections = [text for _href, text, _current in _links(html, "main-nav")]
    assert "Dashboard" not in sections and "Reports" not in sections and "Neighbourhood campus" not in sections
    pages = [text for _href, text, _current in _links(html, "sub-nav")]
    assert pages == ["Needs", "Matches", "Quiet periods"]


def test_a_visitor_sees_no_navigation(client):
    html = client.get(reverse("login")).content.decode()
    assert 'class="main-nav"' not in html and 'class="sub-nav"' not in html
