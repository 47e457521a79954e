"""Health is set-based: the same flags as the per-row rule, SQL that never runs a subquery per partnership,
and pages whose number of queries does not grow with the number of partnerships."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from api.tests.support import ApiClient
from assessment.models import Instrument, Round
from health.overview import FLAG_CHOICES, health_rows, overview_base, with_health
from network.models import Relationship, SofarRole
from network.selectors import stale_cutoff
from partnerships.continuum import ASSESSMENT_VALID_DAYS
from partnerships.models import Partnership, PartnershipParty
from tests import factories as f

FLAGS = ["stale", "no_owner", "one_owner", "overdue"]


@pytest.fixture(autouse=True)
def english(world) -> None:
    User.objects.update(language="en")


def _round(world, partnership: Partnership, *, days_ago: int = 0) -> Round:
    instrument = Instrument.objects.get(institution=None, slug="relationship-tres")
    round_ = Round.objects.create(
        institution=world.a,
        partnership=partnership,
        instrument=instrument,
        title="Ronde",
        closes_on=timezone.localdate() + dt.timedelta(days=14),
    )
    if days_ago:
        Round.objects.filter(pk=round_.pk).update(created_at=timezone.now() - dt.timedelta(days=days_ago))
    return round_


def _varied(world, count: int, start: int = 0) -> None:
    """Partnerships covering every combination the flags read: contact recent, old or never, on either end,
    by the lead or by another institution; zero, one or two active owners, a departed owner; rounds recent,
    old or none; a planned evaluation past or future; two organisations."""
    leaver = f.make_person(world.a, SofarRole.FACULTY, first_name="Lou", last_name=f"Vertrokken{start}")
    colleague = f.make_person(world.a, SofarRole.FACULTY, first_name="Kim", last_name=f"Collega{start}")
    owner_sets = [[leaver], [world.coord_person], [world.coord_person, colleague], [leaver, colleague], [colleague]]
    today = timezone.localdate()
    for i in range(start, start + count):
        organisations = [f.make_organisation(f"Vzw Set {i}")]
        if i % 4 == 3:
            organisations.append(f.make_organisation(f"Vzw Set {i} bis"))
        p = f.make_partnership(
            world.a,
            organisations,
            owner_sets[i % len(owner_sets)],
            title=f"Set {i:02d}",
            next_evaluation_on=[None, today - dt.timedelta(days=3), today + dt.timedelta(days=30)][i % 3],
        )
        contact = [None, 10, 400, 40][i % 4]
        if contact is not None:
            organisation = organisations[-1]
            institution = world.b if i % 7 == 5 else world.a
            person = world.outsider_person if institution == world.b else world.faculty_person
            ends = (organisation, person) if i % 2 else (person, organisation)
            rel = f.make_relationship(institution, *ends, owners=[person])
            f.make_interaction(rel, days_ago=contact)
        if i % 3 == 1:
            _round(world, p)
        elif i % 3 == 2:
            _round(world, p, days_ago=ASSESSMENT_VALID_DAYS + 20)
    # The leaver departs without handing over (as the bulk data has it, not through the services).
    type(leaver).objects.filter(pk=leaver.pk).update(is_active=False)
    Partnership.objects.filter(title="Set 02").update(orphaned=True)


def _per_row_reference(world) -> dict[str, tuple]:
    """The rule as it was written before it became set-based: a correlated subquery per partnership."""
    institution, today = world.a, timezone.localdate()
    cutoff = stale_cutoff(institution, today)
    since = timezone.now() - dt.timedelta(days=ASSESSMENT_VALID_DAYS)

    def last_contact(side: str) -> Subquery:
        parties = PartnershipParty.objects.filter(partnership_id=OuterRef(OuterRef("pk"))).values("organisation_id")
        return Subquery(
            Relationship.objects.filter(
                institution_id=OuterRef("institution_id"), **{f"{side}_organisation_id__in": parties}
            )
            .order_by()
            .values("institution_id")
            .annotate(newest=Max("last_contact_on"))
            .values("newest")
        )

    owners = (
        Partnership.owners.through.objects.filter(partnership_id=OuterRef("pk"), person__is_active=True)
        .order_by()
        .values("partnership_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    rows = overview_base(world.coordinator, institution).annotate(
        contact_a=last_contact("a"),
        contact_b=last_contact("b"),
        owners_n=Coalesce(Subquery(owners), Value(0)),
        recent=Exists(Round.objects.filter(partnership_id=OuterRef("pk"), created_at__gte=since)),
    )
    expected = {}
    for p in rows:
        last = max((d for d in (p.contact_a, p.contact_b) if d is not None), default=None)
        flags = (
            int(last is None or last < cutoff),
            int(p.orphaned or p.owners_n == 0),
            int(not p.orphaned and p.owners_n == 1),
            int(not p.recent or bool(p.next_evaluation_on and p.next_evaluation_on < today)),
        )
        expected[p.title] = (flags, last)
    return expected


def test_the_set_based_flags_and_last_contacts_equal_the_per_row_rule(world):
    _varied(world, 40)
    listing = with_health(overview_base(world.coordinator, world.a), world.a)
    partnerships = list(listing.queryset)
    rows = health_rows(partnerships, world.a, gaps=listing.gaps)
    got = {
        row.partnership.title: (
            tuple(getattr(row.partnership, f"flag_{code}") for code in FLAGS),
            row.partnership.last_contact,
        )
        for row in rows
    }
    expected = _per_row_reference(world)
    assert got == expected
    # Every flag occurs and is absent somewhere: the comparison is not trivially true.
    for position, code in enumerate(FLAGS):
        values = {flags[position] for flags, _last in expected.values()}
        assert values == {0, 1}, code
    assert any(last is None for _flags, last in expected.values())


def _subqueries(sql: str) -> list[str]:
    """The text of every parenthesised SELECT in the statement."""
    found = []
    for match in re.finditer(r"\(\s*SELECT", sql):
        depth = 0
        for end in range(match.start(), len(sql)):
            depth += {"(": 1, ")": -1}.get(sql[end], 0)
            if depth == 0:
                found.append(sql[match.start() : end + 1])
                break
    return found


def test_no_subquery_of_the_health_list_refers_to_the_partnership_of_the_row(world):
    _varied(world, 6)
    listing = with_health(overview_base(world.coordinator, world.a), world.a)
    sql = str(listing.queryset.query)
    outer = Partnership._meta.db_table
    subqueries = _subqueries(sql)
    assert subqueries  # the flags are membership tests against sets
    assert [s for s in subqueries if f'"{outer}".' in s] == []


def test_the_dashboard_sums_the_same_flags_as_the_list(world, as_user):
    _varied(world, 12)
    listing = with_health(overview_base(world.coordinator, world.a), world.a)
    rows = list(listing.queryset)
    response = as_user(world.coordinator).get(reverse("reports"))
    assert response.status_code == 200
    chart = response.context["board"].chart("health")
    expected = [(str(label), sum(getattr(p, f"flag_{code}") for p in rows)) for code, label in FLAG_CHOICES]
    assert chart.rows[: len(FLAG_CHOICES)] == expected


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url.removeprefix("/api")) if isinstance(client, ApiClient) else client.get(url)
        assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "page",
    ["health-overview", "reports", "partnership-detail", "partnership-health", "api-health-overview"],
)
def test_health_pages_run_as_many_queries_for_3_as_for_30_partnerships(world, as_user, page):
    client = ApiClient(world.coordinator) if page.startswith("api") else as_user(world.coordinator)
    _varied(world, 3)
    first = Partnership.objects.order_by("id").first()
    urls = {
        "health-overview": "/health/",
        "reports": reverse("reports"),
        "partnership-detail": reverse("partnership-detail", args=[first.public_id]),
        "partnership-health": reverse("partnership-health", args=[first.public_id]),
        "api-health-overview": "/api/health/overview",
    }
    small = _count(client, urls[page])
    _varied(world, 27, start=3)
    assert Partnership.objects.count() == 30
    assert _count(client, urls[page]) == small
