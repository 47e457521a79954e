"""The health overview page: flags with their records, filters, paging, access per role, bounded queries."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from assessment.models import Answer, Instrument, Respondent, Round
from engagements.models import Contribution
from network.models import Campus, SofarRole, Theme
from partnerships.models import Partnership
from tests import factories as f

URL = "/health/"


@pytest.fixture(autouse=True)
def english(world) -> None:
    """Assertions read the English source strings, whatever catalogue exists."""
    User.objects.update(language="en")


def _round(world, partnership: Partnership, scores: dict[str, list[int]]) -> Round:
    instrument = Instrument.objects.get(institution=None, slug="relationship-tres")
    items = list(instrument.items.order_by("order", "id"))
    round_ = Round.objects.create(
        institution=world.a,
        partnership=partnership,
        instrument=instrument,
        title="Ronde",
        closes_on=timezone.localdate() + dt.timedelta(days=14),
    )
    for side, values in scores.items():
        respondent = Respondent.objects.create(
            round=round_,
            side=side,
            name=side,
            email=f"{side}@example.org",
            token_hash=Respondent.hash_token(Respondent.new_token()),
            expires_at=timezone.now() + dt.timedelta(days=14),
            submitted_at=timezone.now(),
        )
        Answer.objects.bulk_create(
            [
                Answer(respondent=respondent, item=i, current=v)
                for i, v in zip(items[: len(values)], values, strict=True)
            ]
        )
    return round_


@pytest.fixture
def make(world):
    """A partnership with its own organisation, two owners, a contact ten days ago and a recent round."""
    colleague = f.make_person(world.a, SofarRole.FACULTY, first_name="Kim", last_name="Collega")

    def build(title: str, *, owners=None, contact_days_ago: int | None = 10, assessed: bool = True, **kw):
        organisation = f.make_organisation(f"Vzw {title}")
        p = f.make_partnership(
            world.a,
            [organisation],
            owners if owners is not None else [world.coord_person, colleague],
            title=title,
            **kw,
        )
        if contact_days_ago is not None:
            rel = f.make_relationship(world.a, world.faculty_person, organisation, owners=[world.faculty_person])
            f.make_interaction(rel, days_ago=contact_days_ago)
        if assessed:
            _round(world, p, {})
        p.organisation = organisation
        return p

    return build


def _page(client, query: str = "", status: int = 200) -> str:
    response = client.get(URL + query)
    assert response.status_code == status
    return html.unescape(response.content.decode())


def test_the_coordinator_sees_each_flag_explained_with_a_link_to_its_records(world, as_user, make):
    make("Gezond")
    quiet = make("Stil", contact_days_ago=None)
    lopsided = make("Scheef", owners=[world.coord_person])
    engagement = f.make_engagement(world.a, partnership=lopsided, organisation=lopsided.organisation)
    Contribution.objects.create(
        engagement=engagement, party="institution", direction="gives", kind="hours", amount=50, description="Uren"
    )
    apart = make("Ver uiteen", assessed=False)
    gap_round = _round(world, apart, {"campus": [5, 5], "community": [3, 3]})

    page = _page(as_user(world.coordinator))

    assert "No contact for 6 months (no contact moment recorded)." in page
    assert reverse("partnership-detail", args=[quiet.public_id]) + "#contact-panel" in page
    assert "One-sided effort: one side carries the cost, or only one side names benefits." in page
    assert reverse("partnership-health", args=[lopsided.public_id]) in page
    assert "One owner only" in page
    assert reverse("partnership-detail", args=[lopsided.public_id]) + "#owners-h" in page
    assert "differ by 2.0 points on average (flagged from 1.5)" in page
    assert reverse("round-detail", args=[gap_round.public_id]) in page
    assert "no flags" in page
    # Worst first: the partnership without contact is above the healthy one.
    assert page.index(">Stil<") < page.index(">Gezond<")
    assert page.index(">Ver uiteen<") < page.index(">Gezond<")


def test_an_overdue_assessment_links_to_the_partnerships_rounds(world, as_user, make):
    late = make("Te laat", assessed=False)

    page = _page(as_user(world.coordinator))

    assert "Assessment overdue: no assessment round in the last twelve months." in page
    assert reverse("round-list") + f"?partnership={late.public_id}" in page


def test_filters_by_campus_theme_faculty_member_stage_and_flag(world, as_user, make):
    campus = Campus.objects.create(institution=world.a, name="Campus Noord", slug="noord")
    theme = Theme.objects.create(slug="armoede", name_nl="Armoede", name_en="Poverty")
    make("Op de campus", campus=campus)
    themed = make("Met thema")
    themed.organisation.themes.add(theme)
    make("Van Fien", owners=[world.faculty_person, world.coord_person])
    course = f.make_course(world.a, [world.faculty_person])
    taught = make("Via het vak")
    f.make_engagement(world.a, partnership=taught, organisation=taught.organisation, course=course)
    make("Stap vijf", stage=5)
    make("Stil", contact_days_ago=400)
    client = as_user(world.coordinator)

    def titles(query: str) -> set[str]:
        page = _page(client, query)
        everything = {"Op de campus", "Met thema", "Van Fien", "Via het vak", "Stap vijf", "Stil"}
        return {t for t in everything if f">{t}<" in page}

    assert titles(f"?campus={campus.pk}") == {"Op de campus"}
    assert titles("?theme=armoede") == {"Met thema"}
    assert titles(f"?faculty={world.faculty_person.public_id}") == {"Van Fien", "Via het vak"}
    assert titles("?faculty=fien+docent") == {"Van Fien", "Via het vak"}
    assert titles("?faculty=Niemand") == set()
    assert titles("?stage=5") == {"Stap vijf"}
    assert titles("?flag=stale") == {"Stil"}


def test_an_invalid_filter_value_is_said_and_ignored(world, as_user, make):
    make("Gezond")

    page = _page(as_user(world.coordinator), "?stage=42&flag=nonsense")

    assert "Select a valid choice" in page
    assert ">Gezond<" in page


def test_the_list_is_paginated(world, as_user, make, settings):
    settings.BRUG_PAGE_SIZE = 2
    for i in range(3):
        make(f"Samenwerking {i}")

    first = _page(as_user(world.coordinator))
    second = _page(as_user(world.coordinator), "?page=2")

    assert "Page 1 of 2" in first
    assert "3 results" in first
    assert ">Samenwerking 2<" in second


def test_a_faculty_member_of_the_institution_may_read_it(world, as_user, make):
    make("Gezond")

    assert ">Gezond<" in _page(as_user(world.faculty))


def test_a_coordinator_of_another_institution_sees_none_of_ours(world, as_user, make):
    make("Gezond")

    page = _page(as_user(world.outsider))

    assert ">Gezond<" not in page
    assert "No partnerships match." in page


@pytest.mark.parametrize("persona", ["student", "partner", "other_partner"])
def test_students_and_partners_are_refused(world, as_user, persona):
    assert as_user(getattr(world, persona)).get(URL).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(world, as_user):
    response = as_user(None).get(URL)

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_page_takes_the_same_number_of_queries_for_3_or_30_partnerships(world, as_user, make):
    client = as_user(world.coordinator)

    def add(count: int) -> None:
        for _ in range(count):
            i = Partnership.objects.count()
            p = make(f"P{i:02d}", contact_days_ago=None if i % 2 else 400, assessed=bool(i % 3))
            engagement = f.make_engagement(world.a, partnership=p, organisation=p.organisation)
            Contribution.objects.create(
                engagement=engagement, party="partner", direction="gives", kind="hours", amount=9, description="Uren"
            )
            _round(world, p, {"campus": [5], "community": [1]})

    def count(query: str = "") -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL + query).status_code == 200
        return len(captured)

    add(3)
    small, small_gap = count(), count("?flag=perception_gap")
    add(27)
    assert count() == small
    assert count("?flag=perception_gap") == small_gap
