"""A partner organisation's staff member finds everything asked of it on one page and acts from there:
answers a proposal of one institution, signs another institution's agreement and answers an assessment.
A partner without an account does the same from the overview link in its digest mail."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from agreements.tests.helpers import make_agreement, send
from assessment.models import Instrument, Respondent
from assessment.services import close_round, field_name
from assessment.tests.helpers import answer, campus, community, make_round
from matching import attention
from matching.models import Match
from matching.services import propose_match
from matching.tests.helpers import make_need, make_offer
from reports.partner_overview import overview_link
from tests import factories as f
from tests.browser_support import reinstall_builtin_data
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

SIGN = re.compile(r"https?://[^/\s]+(/sign/[A-Za-z0-9_-]+/)")


def _ask(world, capture):
    """Institution B proposes a match for world.org's need; institution A asks a signature and an answer."""
    reinstall_builtin_data()
    world.partner.email = "pia@brug.example"
    world.partner.save(update_fields=["email"])
    need = make_need(world.org, by=world.coordinator, title="Huiswerkklas")
    offer = make_offer(world.b, by=world.outsider, title="Bachelorproject pedagogie")
    match = propose_match(need, offer, by=world.outsider)
    agreement = make_agreement(world)
    send(agreement, world.coordinator, capture)
    tres = Instrument.objects.get(institution=None, slug="relationship-tres")
    partnership = f.make_partnership(world.a, [world.org], [world.coord_person], title="Buurtcampus")
    with capture(execute=True):
        round_ = make_round(world, partnership, tres, [campus(), community()], title="Bevraging 2026")
    mail.outbox.clear()
    return match, agreement, round_


def _respond(page: Page) -> None:
    page.fill("#id_name", "Pia Partner")
    page.check("#id_decision_0")
    for code in attention.CODES:
        page.check(f"#id_attention_{code}_0")
    with page.expect_navigation():
        page.click("form.respond-form button[type=submit]")


def _sign(page: Page) -> None:
    page.fill("#id_name", "Pia Partner")
    page.fill("#id_role", "Directeur")
    page.check("#id_agree")
    with page.expect_navigation():
        page.click("form.sign-form button[type=submit]")


def _answer(page: Page, tres: Instrument) -> None:
    for item in tres.items.all():
        page.check(f"#id_{field_name('current', item.pk)}_3")
        page.check(f"#id_{field_name('desired', item.pk)}_4")
    with page.expect_navigation():
        page.click("button[name=action][value=submit]")


def test_a_partner_acts_on_a_proposal_an_agreement_and_an_assessment_from_its_one_page(
    world, log_in, django_capture_on_commit_callbacks
):
    cache.clear()
    match, agreement, round_ = _ask(world, django_capture_on_commit_callbacks)
    signatory = agreement.signatories.get(email="pia@brug.example")
    respondent = Respondent.objects.get(round=round_, email="pia@brug.example")

    page = log_in("partner", PASSWORD)
    page.goto("/")
    assert page.url.endswith(reverse("partner-home"))
    expect(page.locator("#todo-h")).to_contain_text("3")
    expect(page.locator(f"#step-proposal-{match.pk}")).to_contain_text("Hogeschool Buiten")
    expect(page.locator(f"#step-agreement-{signatory.pk}")).to_contain_text("Universiteit Aan de Schelde")

    with page.expect_navigation():
        page.locator(f"#step-proposal-{match.pk} button").click()
    expect(page.locator("main")).to_contain_text("Bachelorproject pedagogie")
    _respond(page)
    match.refresh_from_db()
    assert match.status == Match.Status.ACCEPTED

    page.goto(reverse("partner-home"))
    with page.expect_navigation():
        page.locator(f"#step-agreement-{signatory.pk} button").click()
    _sign(page)
    assert hasattr(agreement.signatories.get(pk=signatory.pk), "signature")

    page.goto(reverse("partner-home"))
    with page.expect_navigation():
        page.locator(f"#step-assessment-{respondent.pk} button").click()
    _answer(page, round_.instrument)
    respondent.refresh_from_db()
    assert respondent.submitted_at is not None

    page.goto(reverse("partner-home"))
    expect(page.locator("#todo-h")).to_contain_text("0")

    # The campus answers too and the office closes the round: the partner reads the same results.
    answer(Respondent.objects.get(round=round_, side="campus"), {"decision_making": (2, 5)})
    close_round(round_, by=world.coordinator)
    page.goto(reverse("partner-home"))
    with page.expect_navigation():
        page.get_by_role("link", name="Bevraging 2026").click()
    expect(page.locator("#chart-h")).to_be_visible()
    expect(page.locator("#respondents-h")).to_have_count(0)
    page.goto(reverse("partner-home"))
    # Its own profile opens from the same page.
    with page.expect_navigation():
        page.get_by_role("link", name="Ons profiel").click()
    expect(page.locator("h1")).to_contain_text(world.org.name)


def test_a_partner_without_an_account_acts_from_the_digests_overview_link(
    world, browser: Browser, live_server, django_capture_on_commit_callbacks
):
    cache.clear()
    match, agreement, _round = _ask(world, django_capture_on_commit_callbacks)
    signatory = agreement.signatories.get(email="pia@brug.example")
    context = browser.new_context(base_url=live_server.url, locale="nl-BE")
    page = context.new_page()
    try:
        page.goto(overview_link(world.org))
        expect(page.locator("h1")).to_contain_text(world.org.name)
        with page.expect_navigation():
            page.locator(f"#step-proposal-{match.pk} button").click()
        _respond(page)
        match.refresh_from_db()
        assert match.status == Match.Status.ACCEPTED

        # A signature is personal: the shared link mails the signatory her own link, which she then opens.
        page.goto(overview_link(world.org))
        with page.expect_navigation():
            page.locator(f"#step-agreement-{signatory.pk} button").click()
        expect(page.locator("main")).to_contain_text("Pia Partner")
        [to_pia] = [m for m in mail.outbox if m.to == ["pia@brug.example"]]
        page.goto(SIGN.search(to_pia.body).group(1))
        _sign(page)
        assert hasattr(agreement.signatories.get(pk=signatory.pk), "signature")
    finally:
        context.close()
