"""A partner's decline teaches the next ranking for that organisation, and the digest says why an offer fits,
in the partner's language."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from matching import loaders
from matching.engine import Context, NeedRecord, OfferRecord, rank
from matching.models import Match
from matching.services import propose_match
from matching.tasks import send_digests
from matching.tests.helpers import make_need, make_offer
from tests import factories as f

RESPOND = re.compile(r"https?://[^/\s]+(/respond/[A-Za-z0-9_-]+/)")


@pytest.fixture(autouse=True)
def mail_at_once(monkeypatch):
    monkeypatch.setattr("django.db.transaction.on_commit", lambda func, using=None, robust=False: func())


def decline(world, need, offer, kind: str) -> Match:
    match = propose_match(need, offer, by=world.coordinator)
    f.make_verified_contact(world.org, "info@debrug.example")
    send_digests()
    link = RESPOND.search(mail.outbox[-1].body).group(1)
    response = Client().post(link, {"decision": "decline", "name": "Pia", "decline_kind": kind})
    assert response.status_code == 200
    match.refresh_from_db()
    return match


def suggested(client, need) -> list[str]:
    html = client.get(reverse("need-suggestions", args=[need.public_id])).content.decode()
    return re.findall(r'name="offer" value="([^"]+)"', html)


def test_an_offer_declined_as_not_our_field_is_not_suggested_to_that_organisation_again(world, as_user):
    offer = make_offer(world.a, by=world.coordinator)
    other = make_offer(world.a, by=world.coordinator, title="Huiswerkklas voor kinderen")
    match = decline(world, make_need(world.org, by=world.coordinator), offer, "not_our_field")
    assert match.decline_kind == "not_our_field"
    loaders.clear_cache()
    client = as_user(world.coordinator)
    again = make_need(world.org, by=world.coordinator)
    assert str(offer.public_id) not in suggested(client, again)
    assert str(other.public_id) in suggested(client, again)
    # Another organisation's needs still get it.
    elsewhere = make_need(world.other_org, by=world.coordinator)
    assert str(offer.public_id) in suggested(client, elsewhere)


def test_no_capacity_counts_the_organisation_as_full_this_academic_year(world):
    offer = make_offer(world.a, by=world.coordinator)
    before = loaders.context_for([world.a], [world.org.pk]).loads.get(str(world.org.pk))
    decline(world, make_need(world.org, by=world.coordinator), offer, "no_capacity")
    taken, capacity = loaders.context_for([world.a], [world.org.pk]).loads[str(world.org.pk)]
    assert taken >= capacity and (before is None or before[0] < before[1] or before[1] == 0)
    ranked = loaders.explain_pair(make_need(world.org, by=world.coordinator), offer)
    load = next(r for r in ranked.reasons if r.code == "load")
    assert load.points < 0


def test_a_declined_pair_is_left_out_both_ways_in_the_engine():
    need = NeedRecord(id="n", organisation="org", title="Huiswerk", language="nl")
    offers = [OfferRecord(id=i, institution="uas", title="Huiswerk", language="nl") for i in ("a", "b")]
    from matching.engine import Collection

    context = Context(declined=frozenset({("org", "a")}))
    assert [r.item.id for r in rank(need, Collection(offers), context=context)] == ["b"]
    needs = Collection([need, NeedRecord(id="m", organisation="other", title="Huiswerk", language="nl")])
    assert [r.item.id for r in rank(offers[0], needs, context=context)] == ["m"]


def test_the_digest_says_why_the_offer_fits_in_the_partners_language(world):
    User.objects.update(language="nl")
    need = make_need(world.org, by=world.coordinator)
    offer = make_offer(world.a, by=world.coordinator, title="Huiswerkbegeleiding", description="Kinderen helpen.")
    with_english_coordinator = User.objects.filter(pk=world.coordinator.pk)
    with_english_coordinator.update(language="en")
    propose_match(need, offer, by=world.coordinator)
    f.make_verified_contact(world.org, "info@debrug.example")
    send_digests()
    body = mail.outbox[-1].body
    assert "Waarom we denken dat het past:" in body
    assert "- Tekstuele relevantie: gedeelde stammen:" in body
    assert "Text relevance" not in body
