"""The partner's page: everything every institution asks of its organisation, and acting on it from there."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from agreements.tests.helpers import make_agreement, send
from assessment.models import Instrument, Respondent
from assessment.tests.helpers import campus, community, make_round
from matching.models import Match
from matching.services import propose_match
from matching.tests.helpers import make_need, make_offer
from reports.partner_overview import overview_link
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(world, django_capture_on_commit_callbacks):
    """Institution A asks world.org to sign an agreement and answer an assessment; institution B proposes a match."""
    world.partner.email = "pia@brug.example"
    world.partner.save(update_fields=["email"])
    need = make_need(world.org, by=world.coordinator, title="Huiswerkklas")
    offer = make_offer(world.b, by=world.outsider, title="Bachelorproject pedagogie")
    match = propose_match(need, offer, by=world.outsider)
    agreement = make_agreement(world)
    send(agreement, world.coordinator, django_capture_on_commit_callbacks)
    tres = Instrument.objects.get(institution=None, slug="relationship-tres")
    partnership = f.make_partnership(world.a, [world.org], [world.coord_person], title="Buurtcampus")
    with django_capture_on_commit_callbacks(execute=True):
        round_ = make_round(
            world,
            partnership,
            tres,
            [campus(), community(), community("Jo Collega", "jo@brug.example")],
            title="Bevraging 2026",
        )
    mail.outbox.clear()
    return {"match": match, "agreement": agreement, "round": round_}


def test_a_partner_starts_on_its_page_with_everything_every_institution_asks(world, asked, as_user, english):
    client = as_user(world.partner)
    assert client.get(reverse("dashboard"))["Location"] == reverse("partner-home")
    page = client.get(reverse("partner-home")).content.decode()
    assert "Bachelorproject pedagogie" in page and "Hogeschool Buiten" in page  # B's proposal
    assert asked["agreement"].title in page and "Universiteit Aan de Schelde" in page  # A's agreement
    assert "Bevraging 2026" in page  # A's assessment
    # Pia may sign and answer herself; Jo's answer is Jo's: the page offers to mail Jo's own link.
    assert "Mail Jo Collega the personal link again" in page
    assert "Mail Pia Partner the personal link again" not in page


def test_every_link_on_the_partner_page_opens_for_the_partner(world, asked, as_user):
    client = as_user(world.partner)
    page = client.get(reverse("partner-home")).content.decode()
    links = set(re.findall(r'href="(/[^"#]*)"', page)) - {"/"}
    assert links
    for link in links:
        if link.startswith(("/static/", "/auth/logout")):
            continue
        assert client.get(link.replace("&amp;", "&")).status_code in (200, 302), link


def test_a_partner_answers_a_proposal_from_its_page(world, asked, as_user):
    client = as_user(world.partner)
    response = client.post(reverse("partner-step", args=["respond", asked["match"].pk]))
    assert response.status_code == 302 and response["Location"].startswith("/respond/")
    form = client.get(response["Location"])
    assert form.status_code == 200 and "Bachelorproject pedagogie" in form.content.decode()


def test_a_partner_signs_and_answers_its_own_steps_directly(world, asked, as_user):
    client = as_user(world.partner)
    signatory = asked["agreement"].signatories.get(email="pia@brug.example")
    response = client.post(reverse("partner-step", args=["sign", signatory.pk]))
    assert response["Location"].startswith("/sign/")
    assert client.get(response["Location"]).status_code == 200
    respondent = Respondent.objects.get(round=asked["round"], email="pia@brug.example")
    response = client.post(reverse("partner-step", args=["answer", respondent.pk]))
    assert response["Location"].startswith("/answer/")
    assert client.get(response["Location"]).status_code == 200


def test_a_colleagues_step_is_mailed_to_the_colleague_not_opened(
    world, asked, as_user, django_capture_on_commit_callbacks
):
    client = as_user(world.partner)
    jo = Respondent.objects.get(round=asked["round"], email="jo@brug.example")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("partner-step", args=["answer", jo.pk]))
    assert response["Location"] == reverse("partner-home")
    assert [m.to for m in mail.outbox] == [["jo@brug.example"]]


def test_another_organisations_partner_sees_and_acts_on_nothing_of_ours(world, asked, as_user):
    client = as_user(world.other_partner)
    page = client.get(reverse("partner-home")).content.decode()
    assert "Bachelorproject pedagogie" not in page and asked["agreement"].title not in page
    assert client.post(reverse("partner-step", args=["respond", asked["match"].pk])).status_code == 404
    signatory = asked["agreement"].signatories.get(email="pia@brug.example")
    assert client.post(reverse("partner-step", args=["sign", signatory.pk])).status_code == 404
    assert Match.objects.get(pk=asked["match"].pk).response_token_hash == asked["match"].response_token_hash


def test_staff_have_no_partner_page(world, as_user):
    assert as_user(world.coordinator).get(reverse("partner-home")).status_code == 404
    assert as_user(world.outsider).post(reverse("partner-step", args=["respond", 1])).status_code == 404


def test_a_partner_without_an_account_uses_the_digest_link(world, asked, client, django_capture_on_commit_callbacks):
    url = overview_link(world.org)
    page = client.get(url)
    assert page.status_code == 200 and "Bachelorproject pedagogie" in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]
    # No pages of the institutions behind the overview: only the steps.
    assert reverse("agreement-detail", args=[asked["agreement"].public_id]) not in page.content.decode()
    response = client.post(url + f"steps/respond/{asked['match'].pk}/")
    assert response["Location"].startswith("/respond/")
    # Signing through a shared link mails the signatory's own link, never opens it.
    signatory = asked["agreement"].signatories.get(email="pia@brug.example")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url + f"steps/sign/{signatory.pk}/")
    assert response["Location"] == url
    assert [m.to for m in mail.outbox] == [["pia@brug.example"]]


def test_a_forged_or_foreign_digest_link_opens_nothing(world, asked, client):
    assert client.get(reverse("partner-overview-link", args=["not-a-token"])).status_code == 404
    other = overview_link(world.other_org)
    assert client.post(other + f"steps/respond/{asked['match'].pk}/").status_code == 404
    assert Match.objects.get(pk=asked["match"].pk).response_token_hash == asked["match"].response_token_hash


def test_the_digest_carries_the_overview_link(world, asked, django_capture_on_commit_callbacks):
    from matching.tasks import send_digest
    from network.models import Organisation

    Organisation.objects.filter(pk=world.org.pk).update(email="info@debrug.example")
    world.partner.email = "pia@brug.example"
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_digest.enqueue(world.org.pk).return_value
    if not sent:
        pytest.skip("no verified recipient in this world")
    body = mail.outbox[-1].body
    assert "/partner/link/" in body


def test_a_step_answered_meanwhile_says_so_and_changes_nothing(world, asked, as_user, english):
    client = as_user(world.partner)
    Match.objects.filter(pk=asked["match"].pk).update(status=Match.Status.WITHDRAWN)
    response = client.post(reverse("partner-step", args=["respond", asked["match"].pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("partner-home")
    assert "no longer open" in response.content.decode()
