"""A coordinator sends an assessment, the partner answers through the mailed link without an account,
and the coordinator reads both sides next to each other."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, expect

from assessment.builtin import install_builtin_instruments
from assessment.models import Instrument, Respondent, Round
from assessment.services import field_name
from assessment.tests.helpers import answer
from tests import factories as f
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

LINK = re.compile(r"https?://[^/\s]+(/answer/[A-Za-z0-9_-]+/)")


def test_a_partner_answers_through_the_mailed_link_and_the_coordinator_sees_both_sides(
    world, log_in, browser: Browser, live_server
):
    # The coordinator reads English (the assertions use the source strings); the partner gets Dutch.
    world.coordinator.language = "en"
    world.coordinator.save()
    world.coord_person.email = "cora@uas.example"
    world.coord_person.save()
    world.staff_person.email = "pia@brug.example"
    world.staff_person.save()
    partnership = f.make_partnership(world.a, [world.org], [world.coord_person], title="Buurtcampus Watersport")
    # Live-server tests empty every table when they end, the built-in instruments too.
    install_builtin_instruments()
    tres = Instrument.objects.get(institution=None, slug="relationship-tres")

    # The coordinator starts a round: herself on the campus side, Pia on the community side.
    page = log_in("coordinator", PASSWORD)
    page.goto(reverse("round-create", args=[partnership.public_id]))
    page.select_option("#id_instrument", str(tres.pk))
    page.fill("#id_closes_on", (timezone.localdate() + dt.timedelta(days=14)).isoformat())
    page.get_by_label(re.compile("Cora Coördinator")).check()
    page.get_by_label(re.compile("Pia Partner")).check()
    with page.expect_navigation():
        page.click("form.round-form button[type=submit]")
    round_ = Round.objects.get()
    assert page.url.endswith(reverse("round-detail", args=[round_.public_id]))
    expect(page.locator("h1")).to_contain_text("Buurtcampus Watersport")

    # The mail to the partner carries the link; she opens it in her own browser, without logging in.
    [to_partner] = [m for m in mail.outbox if m.to == ["pia@brug.example"]]
    link = LINK.search(to_partner.body).group(1)
    context = browser.new_context(base_url=live_server.url, locale="nl-BE")
    partner = context.new_page()
    try:
        partner.goto(link)
        expect(partner.locator("h1")).to_contain_text("Relatie in tien domeinen")
        expect(partner.locator("form.answer-sheet fieldset.answer-item")).to_have_count(10)
        items = list(tres.items.all())
        # The first choice is kept as a draft straight away (htmx), with the time it was saved.
        partner.check(f"#id_{field_name('current', items[0].pk)}_3")
        expect(partner.locator("#draft-status")).to_contain_text(re.compile(r"\d\d:\d\d"))
        respondent = Respondent.objects.get(email="pia@brug.example")
        assert respondent.draft[str(items[0].pk)]["current"] == 3
        for item in items:
            now, wished = (3, 4) if item.domain == "decision_making" else (3, 3)
            partner.check(f"#id_{field_name('current', item.pk)}_{now}")
            partner.check(f"#id_{field_name('desired', item.pk)}_{wished}")
        partner.fill(f"#id_{field_name('comment', items[1].pk)}", "We horen beslissingen vaak pas achteraf.")
        with partner.expect_navigation():
            partner.click("button[name=action][value=submit]")
        expect(partner.locator("h1")).to_have_text("Al beantwoord")
    finally:
        context.close()
    respondent.refresh_from_db()
    assert respondent.submitted_at is not None

    # The campus side answers too (through the service, as its own link would).
    answer(Respondent.objects.get(email="cora@uas.example"), {"decision_making": (5, 5)})

    page.reload()
    table = page.locator("table.domains")
    expect(table.locator("#domain-decision_making")).to_contain_text("Campus side")
    expect(table.locator("#domain-decision_making")).to_contain_text("Community side")
    expect(page.locator("main")).to_contain_text(
        "The partner rates decision-making as transactional (3.0) where you rate it transformational (5.0)."
    )
    expect(page.locator("main")).to_contain_text("We horen beslissingen vaak pas achteraf.")
    expect(page.locator("figure.chart svg circle").first).to_be_visible()
