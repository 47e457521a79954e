"""A coordinator finds an organisation, logs a contact moment without a page reload, and switches to English."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from network.models import Interaction
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_a_coordinator_logs_a_contact_moment_on_an_organisation_found_by_search(world, log_in):
    page = log_in("coordinator", PASSWORD)
    expect(page.locator("html")).to_have_attribute("lang", "nl")

    # Find the organisation through the list's search, not by typing its address.
    page.click(f"nav.main-nav a[href='{reverse('organisation-list')}']")
    search = page.locator("main input[name=q]")
    search.fill("Buurtwerk")
    with page.expect_navigation():
        search.press("Enter")
    detail_url = reverse("organisation-detail", kwargs={"public_id": world.org.public_id})
    other_url = reverse("organisation-detail", kwargs={"public_id": world.other_org.public_id})
    expect(page.locator(f"main a[href='{other_url}']")).to_have_count(0)
    with page.expect_navigation():
        page.locator(f"main a[href='{detail_url}']").first.click()
    expect(page.locator("h1")).to_contain_text("Buurtwerk De Brug")

    # A marker that only survives if the page is not reloaded or left.
    page.evaluate("window.brugJourneyMarker = 'same page'")
    page.click("#contact-panel details > summary")
    # The date picker starts at today (a date input only takes ISO dates, whatever the language).
    expect(page.locator("#id_occurred_on")).to_have_value(timezone.localdate().isoformat())
    page.fill("#id_occurred_on", (timezone.localdate() - dt.timedelta(days=2)).isoformat())
    page.select_option("#id_channel", Interaction.Channel.VISIT)
    page.fill("#id_summary", "Koffie met de buurtwerker over het najaarsproject")
    page.click("form.log-contact button[type=submit]")

    timeline = page.locator("#contact-panel .timeline")
    expect(timeline).to_contain_text("Koffie met de buurtwerker over het najaarsproject")
    # Focus moves to the confirmation, so a screen reader announces it.
    expect(page.locator("#contact-panel [role=status]")).to_be_focused()
    assert page.evaluate("window.brugJourneyMarker") == "same page"
    assert page.url.endswith(detail_url)
    saved = Interaction.objects.get(summary="Koffie met de buurtwerker over het najaarsproject")
    assert saved.channel == Interaction.Channel.VISIT
    assert saved.occurred_on == timezone.localdate() - dt.timedelta(days=2)
    assert saved.logged_by == world.coordinator

    # The language switch in the header turns the same page into English and remembers it.
    with page.expect_navigation():
        page.click("header button[name=language][value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith(detail_url)
    expect(page.locator("#contact-h")).to_have_text("Contact moments")
    expect(page.locator("header button[name=language][value=en]")).to_have_attribute("aria-pressed", "true")
    world.coordinator.refresh_from_db()
    assert world.coordinator.language == "en"


def test_a_contact_moment_without_a_summary_is_refused_in_place_with_a_message(world, log_in):
    page = log_in("coordinator", PASSWORD)
    page.goto(reverse("organisation-detail", kwargs={"public_id": world.org.public_id}))
    page.evaluate("window.brugJourneyMarker = 'same page'")
    page.click("#contact-panel details > summary")
    page.fill("#id_summary", "")
    page.click("form.log-contact button[type=submit]")

    expect(page.locator("#contact-panel .has-error #id_summary")).to_be_focused()
    expect(page.locator("#id_summary_error")).to_be_visible()
    assert page.evaluate("window.brugJourneyMarker") == "same page"
    assert not Interaction.objects.exists()
