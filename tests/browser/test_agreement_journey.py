"""A coordinator drafts an agreement and sends it; the partner signs through the mailed link without
an account; the coordinator sees it active and downloads the PDF."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, expect

from agreements.models import Agreement, Signature
from tests import factories as f
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

LINK = re.compile(r"https?://[^/\s]+(/sign/[A-Za-z0-9_-]+/)")


@pytest.fixture(autouse=True, scope="module")
def builtins_back_afterwards(django_db_blocker):
    """The live server's transactional test empties every table when it ends, the rows that
    migrations install included; put the built-in ones back for the tests that follow."""
    yield
    from agreements.builtin import install_builtin_templates
    from assessment.builtin import install_builtin_instruments

    with django_db_blocker.unblock():
        install_builtin_templates()
        install_builtin_instruments()


def _sign_through_link(browser: Browser, base_url: str, link: str, name: str, role: str) -> None:
    context = browser.new_context(base_url=base_url, locale="nl-BE")
    tab = context.new_page()
    try:
        tab.goto(link)
        expect(tab.locator("#content-hash")).to_have_text(Agreement.objects.get().versions.get().content_hash)
        expect(tab.locator("main")).to_contain_text("Samen de huiswerkklas dragen")
        tab.fill("#id_name", name)
        tab.fill("#id_role", role)
        tab.check("#id_agree")
        with tab.expect_navigation():
            tab.click("form.sign-form button[type=submit]")
        expect(tab.locator("main")).to_contain_text(name)
        # Opening the link again shows it was used, and offers no form.
        tab.goto(link)
        expect(tab.locator("form.sign-form")).to_have_count(0)
    finally:
        context.close()


def test_a_coordinator_drafts_sends_the_partner_signs_and_the_agreement_is_active(world, log_in, browser, live_server):
    world.coordinator.language = "en"
    world.coordinator.email = "cora@uas.example"
    world.coordinator.save()
    partnership = f.make_partnership(world.a, [world.org], [world.coord_person], title="Huiswerkklas De Brug")
    start = timezone.localdate()

    page = log_in("coordinator", PASSWORD)
    page.goto(reverse("agreement-create") + f"?partnership={partnership.public_id}")
    page.fill("#id_title", "Afspraken huiswerkklas 2026")
    page.fill("#id_valid_from", start.isoformat())
    page.fill("#id_valid_until", (start + dt.timedelta(days=365)).isoformat())
    page.fill("#id_common_goal", "Samen de huiswerkklas dragen, zodat minder kinderen uitvallen.")
    page.fill("#id_balance_partner_gets", "Extra handen op woensdag")
    page.fill("#id_evaluation_date_0", (start + dt.timedelta(days=60)).isoformat())
    page.fill("#id_evaluation_title_0", "Tussentijdse evaluatie")
    with page.expect_navigation():
        page.click("form.agreement-form button[type=submit]")
    agreement = Agreement.objects.get()
    assert page.url.endswith(reverse("agreement-detail", args=[agreement.public_id]))
    expect(page.locator("#agreement-status")).to_have_text("Draft")

    page.get_by_role("link", name="Send version 1 for signing").click()
    expect(page.locator("h1")).to_contain_text("Send version 1")
    page.fill("#id_institution_name", "Cora Coördinator")
    page.fill("#id_institution_email", "cora@uas.example")
    page.fill("#id_organisation_name", "Pia Partner")
    page.fill("#id_organisation_email", "pia@brug.example")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    expect(page.locator("#agreement-status")).to_have_text("Sent for signing")

    links = {m.to[0]: LINK.search(m.body).group(1) for m in mail.outbox}
    assert set(links) == {"cora@uas.example", "pia@brug.example"}
    _sign_through_link(browser, live_server.url, links["pia@brug.example"], "Pia Partner", "Directeur")
    page.reload()
    expect(page.locator("#agreement-status")).to_have_text("Signed by some parties")
    _sign_through_link(browser, live_server.url, links["cora@uas.example"], "Cora Coördinator", "Coördinator")

    page.reload()
    expect(page.locator("#agreement-status")).to_have_text("Active")
    expect(page.locator("main")).to_contain_text("Pia Partner, Directeur")
    assert Signature.objects.count() == 2

    pdf_link = page.get_by_role("link", name="PDF of version 1")
    response = page.request.get(live_server.url + pdf_link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
