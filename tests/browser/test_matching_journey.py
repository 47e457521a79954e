"""A partner posts a need through the public form without an account and confirms it from the mail;
the office accepts it, and with it her address as a verified contact; a coordinator sees the suggestions
and proposes an offer; the partner accepts through the link in its digest, going through the points of
attention; the match becomes an engagement."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import Browser, expect

from matching import attention
from matching.models import Match, Need
from matching.tasks import send_digests
from matching.tests.helpers import make_offer
from tests import factories as f
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

CONFIRM = re.compile(r"https?://[^/\s]+(/needs/confirm/[A-Za-z0-9_-]+/)")
RESPOND = re.compile(r"https?://[^/\s]+(/respond/[A-Za-z0-9_-]+/)")


def _check_all_points(page, answer_index: int = 0) -> None:
    for code in attention.CODES:
        page.check(f"#id_attention_{code}_{answer_index}")


def test_a_partner_posts_a_need_a_coordinator_proposes_and_the_partner_accepts(
    world, log_in, browser: Browser, live_server, monkeypatch
):
    cache.clear()
    course = f.make_course(world.a, [world.faculty_person], title="Pedagogiek in de buurt")
    offer = make_offer(world.a, by=world.coordinator, title="Homework support for children", course=course)

    # The partner, without an account, posts a need through the public form.
    context = browser.new_context(base_url=live_server.url, locale="nl-BE")
    partner = context.new_page()
    try:
        partner.goto(reverse("need-post"))
        partner.fill("#id_organisation_name", "Buurthuis Het Anker")
        partner.fill("#id_organisation_postcode", "9000")
        partner.fill("#id_organisation_city", "Gent")
        partner.fill("#id_title", "Huiswerkbegeleiding voor kinderen")
        partner.fill("#id_description", "Kinderen uit de buurt helpen met hun huiswerk, twee avonden per week.")
        partner.fill("#id_period_start", "2026-10-01")
        partner.fill("#id_period_end", "2027-03-31")
        partner.fill("#id_contact_name", "An Anker")
        partner.fill("#id_contact_email", "an@anker.example")
        partner.check("#id_stance_students_0")
        with partner.expect_navigation():
            partner.click("form.need-form button[type=submit]")
        assert partner.url.endswith(reverse("need-posted"))
        need = Need.objects.get()
        assert need.status == "unconfirmed"

        # She confirms through the mailed link.
        [confirmation] = [m for m in mail.outbox if m.to == ["an@anker.example"]]
        partner.goto(CONFIRM.search(confirmation.body).group(1))
        with partner.expect_navigation():
            partner.click("main form button[type=submit]")
        need.refresh_from_db()
        assert need.status == "pending"
    finally:
        context.close()

    # Anyone can type an organisation's name: the office accepts the need, and with it her address.
    world.coordinator.language = "en"
    world.coordinator.save()
    page = log_in("coordinator", PASSWORD)
    page.goto(reverse("need-waiting"))
    row = page.locator(f"#waiting-{need.public_id}")
    expect(row).to_contain_text("an@anker.example")
    with page.expect_navigation():
        row.get_by_role("button", name="Accept").click()
    need.refresh_from_db()
    assert need.status == "open"

    # The coordinator sees the suggestions (when the ranking pages are there) and proposes the offer.
    try:
        suggestions = reverse("need-suggestions", args=[need.public_id])
    except NoReverseMatch:
        suggestions = ""
    if suggestions:
        page.goto(suggestions)
        expect(page.locator("main")).to_contain_text("Homework support for children")
    page.goto(reverse("need-detail", args=[need.public_id]) + f"?offer={offer.public_id}")
    expect(page.locator("h1")).to_have_text("Huiswerkbegeleiding voor kinderen")
    page.select_option("#id_channel", "contact")
    page.fill("#id_message", "Vier studenten pedagogie, vanaf oktober.")
    page.click("form.propose-form details summary")
    _check_all_points(page)
    with page.expect_navigation():
        page.click("form.propose-form button[type=submit]")
    match = Match.objects.get()
    assert page.url.endswith(reverse("match-detail", args=[match.public_id]))
    expect(page.locator("#match-status")).to_contain_text("Proposed")

    # The daily digest goes out; the partner accepts through its link, with her side of the checklist.
    mail.outbox.clear()
    send_digests()
    [digest] = [m for m in mail.outbox if "an@anker.example" in m.to]
    context = browser.new_context(base_url=live_server.url, locale="nl-BE")
    partner = context.new_page()
    try:
        partner.goto(RESPOND.search(digest.body).group(1))
        expect(partner.locator("main")).to_contain_text("Homework support for children")
        partner.fill("#id_name", "An Anker")
        partner.check("#id_decision_0")
        _check_all_points(partner)
        partner.fill("#id_attention_lasting_note", "Graag elk jaar opnieuw.")
        with partner.expect_navigation():
            partner.click("form.respond-form button[type=submit]")
        expect(partner.locator("h1")).to_be_visible()
    finally:
        context.close()

    match.refresh_from_db()
    assert match.status == "accepted"
    assert match.engagement is not None and match.engagement.organisation == need.organisation
    page.reload()
    expect(page.locator("#attention-lasting")).to_contain_text("Graag elk jaar opnieuw.")
    with page.expect_navigation():
        page.click("#engagement-link")
    expect(page.locator("h1")).to_have_text("Huiswerkbegeleiding voor kinderen")
