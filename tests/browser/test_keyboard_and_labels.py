"""Keyboard-only use, labelled fields and one h1 per page, checked in a real browser."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests import factories as f
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

# Every form control a person fills in, and the ones among them nobody has told a screen reader about.
UNLABELLED_CONTROLS = """() => Array.from(document.querySelectorAll(
    "input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]), select, textarea"
)).filter((el) => {
    const byFor = el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
    const wrapped = el.closest("label");
    const byAria = (el.getAttribute("aria-label") || "").trim() || el.getAttribute("aria-labelledby");
    return !(byFor || wrapped || byAria);
}).map((el) => el.outerHTML.slice(0, 120))"""


def focused(page: Page, expression: str) -> object:
    return page.evaluate(f"(() => {{ const el = document.activeElement; return {expression}; }})()")


def tab_until(page: Page, predicate: str, limit: int = 40) -> None:
    """Press Tab until the focused element satisfies the JS predicate (on `el`), as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page, predicate):
            return
    raise AssertionError(f"{limit} presses of Tab never reached an element where {predicate}")


def test_a_keyboard_user_logs_in_skips_to_the_content_and_reaches_the_main_navigation(world, page):
    page.goto("/login/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    for field in ("login", "password"):
        expect(page.locator(f"label[for=id_{field}]")).to_have_count(1)
    assert page.evaluate(UNLABELLED_CONTROLS) == []

    # The user name field has focus on arrival: type, Tab, type, Enter.
    expect(page.locator("#id_login")).to_be_focused()
    page.keyboard.type("coordinator")
    page.keyboard.press("Tab")
    expect(page.locator("#id_password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(reverse("dashboard"))

    # On the dashboard the skip link comes first, then Tab reaches the main navigation and Enter follows it.
    page.keyboard.press("Tab")
    assert focused(page, "el.classList.contains('skip-link')")
    tab_until(page, "el.closest('nav.main-nav') !== null")
    organisations = reverse("organisation-list")
    tab_until(page, f"el.getAttribute('href') === '{organisations}'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(organisations)

    # The skip link jumps past the header: after it, the next Tab is inside the main content.
    page.keyboard.press("Tab")
    assert focused(page, "el.classList.contains('skip-link')")
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")
    assert focused(page, "el.closest('main') !== null && el !== document.querySelector('main')")
    expect(page.locator(f"nav.main-nav a[href='{organisations}']")).to_have_attribute("aria-current", "page")


def test_every_field_on_the_main_pages_has_a_label_and_each_page_one_h1(world, log_in):
    relationship = f.make_relationship(world.a, world.coord_person, world.org, owners=[world.coord_person])
    f.make_interaction(relationship, summary="Kennismaking")
    engagement = f.make_engagement(world.a, participants=[(world.student_person, "S", 10)])
    page = log_in("coordinator", PASSWORD)
    pages = [
        reverse("dashboard"),
        reverse("organisation-list"),
        reverse("organisation-list") + "?q=Buurtwerk",
        reverse("organisation-detail", kwargs={"public_id": world.org.public_id}),
        # The forms whose choices are searched for (issue 22): a participant row's role and hours are named
        # by their column and the row's person.
        reverse("engagement-edit", kwargs={"public_id": engagement.public_id}),
        reverse("need-create"),
        reverse("agreement-list"),
    ]
    problems: dict[str, object] = {}
    for url in pages:
        response = page.goto(url)
        assert response is not None and response.ok, f"{url} answered {response and response.status}"
        unlabelled = page.evaluate(UNLABELLED_CONTROLS)
        h1_count = page.locator("h1").count()
        if unlabelled or h1_count != 1:
            problems[url] = {"unlabelled": unlabelled, "h1s": h1_count}
        assert page.locator("html").get_attribute("lang") in {"nl", "en"}
    assert problems == {}
