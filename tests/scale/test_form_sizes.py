"""No page of the web app renders a region-sized choice list (issue 22, point 1).

Institution A of the authorization matrix gets a few hundred rows of every kind a form can choose
(organisations, people, courses, partnerships, engagements, offers, needs, and the participants of
the region's largest engagement); then every page of the web app is opened as A's coordinator. A ``<select>`` with more
than ``MAX_OPTIONS`` options, or a form page over ``MAX_BYTES``, fails: it would be megabytes at the
region's 20,000 organisations and 100,000 people.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections, transaction
from django.test import Client

from engagements.models import Course, Engagement, Participation
from lib.scoping import unscoped
from matching.models import Need, Offer
from network.models import Affiliation, Organisation, Person, SofarRole
from partnerships.models import Partnership
from tests.security.matrix_data import build
from tests.security.test_authorization_matrix import NOT_LET_IN, WEB, fill, is_sign_in

MAX_OPTIONS = 200
MAX_BYTES = 200_000
ROWS = MAX_OPTIONS + 30  # more than a chooser may list, so that a full list fails
# The participants of one engagement are rows of that record, not a choice list: as many as the region's
# largest engagement has (196 measured in issue 22; the bench's heaviest has 200).
PARTICIPANTS = 200

SELECT = re.compile(r"<select\b[^>]*>(.*?)</select>", re.S)
NAME = re.compile(r'name="([^"]*)"')


def _grow(matrix: Any) -> None:
    """``ROWS`` more of every choosable kind, visible to A's coordinator."""
    a = matrix.a.ns
    inst = a.institution
    with unscoped("the test fills institution A in bulk"):
        orgs = Organisation.objects.bulk_create(
            Organisation(name=f"Vzw Regio {i}", city="Gent", postcode="9000") for i in range(ROWS)
        )
        people = Person.objects.bulk_create(
            Person(institution=inst, first_name=f"Regio{i}", last_name="Persoon", email=f"regio{i}@a.example")
            for i in range(ROWS)
        )
        Affiliation.objects.bulk_create(Affiliation(person=p, role=SofarRole.STUDENT, institution=inst) for p in people)
        courses = Course.objects.bulk_create(
            Course(institution=inst, title=f"Vak regio {i}", code=f"R{i}", academic_year="2026-2027")
            for i in range(ROWS)
        )
        Partnership.objects.bulk_create(
            Partnership(institution=inst, title=f"Samenwerking regio {i}") for i in range(ROWS)
        )
        Engagement.objects.bulk_create(
            Engagement(institution=inst, title=f"Project regio {i}", start_date=dt.date(2026, 10, 1), course=courses[i])
            for i in range(ROWS)
        )
        Participation.objects.bulk_create(
            Participation(engagement=a.engagement, person=p, role=SofarRole.STUDENT, hours=4)
            for p in people[:PARTICIPANTS]
        )
        Offer.objects.bulk_create(
            Offer(
                institution=inst,
                title=f"Aanbod regio {i}",
                period_start=dt.date(2026, 9, 15),
                period_end=dt.date(2027, 1, 31),
            )
            for i in range(ROWS)
        )
        Need.objects.bulk_create(
            Need(
                organisation=orgs[i],
                title=f"Vraag regio {i}",
                description="Een vraag.",
                period_start=dt.date(2026, 10, 1),
                period_end=dt.date(2027, 3, 31),
            )
            for i in range(ROWS)
        )


@pytest.fixture(scope="module")
def region(django_db_setup: None, django_db_blocker: Any) -> Iterator[Any]:
    with django_db_blocker.unblock(), transaction.atomic():
        data = build()
        _grow(data)
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(data.personas["coordinator"])
        data.client = client
        yield data
        transaction.set_rollback(True)


def _close(response: Any) -> None:
    """Close a file response (a case's photo holds its file open until closed) the way the test client closes
    the others: without ``close_old_connections``, which would close the test's connection in the middle of its
    transaction (on PostgreSQL; SQLite's in-memory database ignores it)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


PAGES = [(name, template) for name, template in WEB if not is_sign_in(name, template) and name not in NOT_LET_IN]


def largest_selects(html: str) -> list[tuple[str, int]]:
    found = []
    for match in SELECT.finditer(html):
        count = match.group(1).count("<option")
        if count > MAX_OPTIONS:
            head = html[max(0, match.start() - 0) : match.start() + 200]
            name = NAME.search(head)
            found.append((name.group(1) if name else "?", count))
    return found


@pytest.mark.django_db
def test_no_page_renders_a_region_sized_choice_list(region: Any) -> None:
    problems: list[str] = []
    opened = 0
    for name, template in PAGES:
        url, _records = fill(template, region, name)
        response = region.client.get(url)
        _close(response)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        if getattr(response, "streaming", False):
            continue
        opened += 1
        html = response.content.decode("utf-8", "replace")
        for field, count in largest_selects(html):
            problem = f"{name} ({url}): <select name={re.sub(r'-[0-9]+-', '-N-', field)}> has {count} options"
            if problem not in problems:  # a formset's rows count once
                problems.append(problem)
        if "<form" in html and len(response.content) > MAX_BYTES:
            problems.append(f"{name} ({url}): {len(response.content):,} bytes")
    assert opened > 100, f"only {opened} pages opened: the test lost its reach"
    assert not problems, "\n".join(problems)
