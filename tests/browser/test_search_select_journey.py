"""The search-and-pick multi-select in Chromium: a plain click adds an option to the choice (it does not replace
it), and a second search keeps what was chosen before."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories as f
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

SELECTED = "(select) => Array.from(select.selectedOptions).map((o) => o.textContent.trim())"


def test_choosing_owners_keeps_every_choice_across_clicks_and_searches(world, page, log_in):
    f.make_person(world.a, first_name="Wout", last_name="Wijkwerker")
    f.make_person(world.a, first_name="Nora", last_name="Netwerker")
    log_in(world.coordinator.username, PASSWORD)
    page.goto(reverse("partnership-create"))
    owners = page.locator("#id_owners")
    before = owners.evaluate(SELECTED)

    with page.expect_response(lambda r: "/lookup/" in r.url):
        page.fill("#id_owners_q", "Wijkwerker")
    page.locator("#id_owners option", has_text="Wijkwerker").click()
    after_click = owners.evaluate(SELECTED)
    assert len(after_click) == len(before) + 1 and set(before) <= set(after_click)

    with page.expect_response(lambda r: "/lookup/" in r.url):
        page.fill("#id_owners_q", "Netwerker")
    page.wait_for_function("() => document.querySelector('#id_owners').textContent.includes('Netwerker')")
    page.locator("#id_owners option", has_text="Netwerker").click()
    chosen = owners.evaluate(SELECTED)
    assert set(after_click) <= set(chosen) and len(chosen) == len(after_click) + 1
