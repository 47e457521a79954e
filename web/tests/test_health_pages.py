"""Health pages of a relationship and a partnership, the records behind their figures, and the contributions editor."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from engagements.models import Contribution
from network.services import log_interaction
from tests import factories as f


@pytest.fixture(autouse=True)
def english(world):
    User.objects.update(language="en")


@pytest.fixture
def rel(world):
    return f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])


@pytest.fixture
def partnership(world):
    return f.make_partnership(world.a, [world.org], [world.coord_person])


def contact(relationship, on: dt.date, **kw):
    return log_interaction(relationship, by=None, occurred_on=on, summary=kw.pop("summary", "Overleg"), **kw)


def url(name: str, obj, **query: str) -> str:
    base = reverse(name, args=[obj.public_id])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


PERIOD = {"from": "2025-01-01", "to": "2025-03-31"}


def escaped(address: str) -> str:
    return address.replace("&", "&amp;")


def page(response) -> str:
    return response.content.decode()


def _count(client, address: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


# The relationship health page


def test_the_coordinator_sees_the_relationships_closeness_computed_from_its_contacts(world, as_user, rel):
    for day in (5, 20):
        contact(rel, dt.date(2025, 1, day), initiated_by="a", channel="phone")
        contact(rel, dt.date(2025, 2, day), initiated_by="a", channel="phone")
    contact(rel, dt.date(2025, 3, 1), initiated_by="a", channel="visit")
    contact(rel, dt.date(2025, 3, 20), initiated_by="b", channel="visit", decision="b")
    response = as_user(world.coordinator).get(url("relationship-health", rel, **PERIOD))
    assert response.status_code == 200
    html = page(response)
    assert "Health of Fien Docent ↔ Buurtwerk De Brug" in html
    # 6 contacts over 3 months: 2.0 per month; initiative 5 ours, 1 theirs.
    assert ">6</a>" in html
    assert ">2.0<" in html
    assert "took the initiative for 83% of the contacts, the partner&#x27;s side for 17%" in html
    assert "11</a>" in html  # days from 20 March to 31 March
    assert "2 different kinds of activity shared" in html
    # The chart: one bar per month, with the table as text alternative.
    assert html.count('<rect class="bar"') == 3
    assert "<caption>Contacts per month</caption>" in html
    assert "January 2025" in html


def test_every_figure_links_to_the_contacts_it_was_computed_from(world, as_user, rel):
    contact(rel, dt.date(2025, 1, 5), initiated_by="a", summary="Kennismaking")
    contact(rel, dt.date(2025, 2, 5), initiated_by="b", summary="Tegenbezoek")
    contact(rel, dt.date(2025, 2, 6), initiated_by="b", summary="Planning", decision="a")
    client = as_user(world.coordinator)
    html = page(client.get(url("relationship-health", rel, **PERIOD)))
    assert escaped(url("relationship-health-contacts", rel, **PERIOD, initiative="theirs")) in html
    listed = page(client.get(url("relationship-health-contacts", rel, **PERIOD, initiative="theirs")))
    assert "Tegenbezoek" in listed and "Planning" in listed
    assert "Kennismaking" not in listed
    february = page(client.get(url("relationship-health-contacts", rel, **{"from": "2025-02-01", "to": "2025-02-28"})))
    assert "Tegenbezoek" in february and "Kennismaking" not in february
    decisions = page(client.get(url("relationship-health-contacts", rel, **PERIOD, decision="ours")))
    assert "Planning" in decisions and "Tegenbezoek" not in decisions


def test_the_engagements_behind_diversity_are_listed_by_kind(world, as_user, rel):
    f.make_engagement(
        world.a, organisation=world.org, kind="research", title="Buurtonderzoek", start_date=dt.date(2025, 2, 1)
    )
    f.make_engagement(world.a, organisation=world.org, kind="event", title="Buurtfeest", start_date=dt.date(2025, 3, 1))
    f.make_engagement(
        world.a, organisation=world.org, kind="event", title="Later feest", start_date=dt.date(2025, 9, 1)
    )
    client = as_user(world.faculty)
    html = page(client.get(url("relationship-health", rel, **PERIOD)))
    assert escaped(url("relationship-health-engagements", rel, **PERIOD, kind="research")) in html
    listed = page(client.get(url("relationship-health-engagements", rel, **PERIOD, kind="event")))
    assert "Buurtfeest" in listed
    assert "Buurtonderzoek" not in listed and "Later feest" not in listed


def test_a_bad_period_is_explained_and_the_default_period_shown(world, as_user, rel):
    client = as_user(world.coordinator)
    response = client.get(url("relationship-health", rel, **{"from": "2025-13-01"}))
    assert response.status_code == 400
    assert "Enter a valid date." in page(response)
    assert "Contact frequency" in page(response)
    backwards = client.get(url("relationship-health", rel, **{"from": "2025-03-01", "to": "2025-01-01"}))
    assert backwards.status_code == 400
    assert "The end of the period cannot be before its start." in page(backwards)
    too_long = client.get(url("relationship-health", rel, **{"from": "2010-01-01", "to": "2025-01-01"}))
    assert too_long.status_code == 400
    assert "Choose a period of at most five years." in page(too_long)
    listed = client.get(url("relationship-health-contacts", rel, **{"to": "nope"}))
    assert listed.status_code == 400


def test_faculty_of_the_institution_may_read_a_relationships_health(world, as_user, rel):
    assert as_user(world.faculty).get(url("relationship-health", rel)).status_code == 200


@pytest.mark.parametrize("persona", ["outsider", "other_partner"])
def test_outsiders_get_404_for_a_relationships_health(world, as_user, rel, persona):
    client = as_user(getattr(world, persona))
    assert client.get(url("relationship-health", rel)).status_code == 404
    assert client.get(url("relationship-health-contacts", rel)).status_code == 404
    assert client.get(url("relationship-health-engagements", rel)).status_code == 404


def test_the_partner_at_the_other_end_may_not_read_the_institutions_health_figures(world, as_user, rel):
    # The partner sees the relationship itself, so the refusal is a 403 rather than a 404.
    client = as_user(world.partner)
    assert client.get(url("relationship-health", rel)).status_code == 403
    assert client.get(url("relationship-health-contacts", rel)).status_code == 403


def test_a_student_at_one_end_may_not_read_the_health_figures(world, as_user):
    mine = f.make_relationship(world.a, world.student_person, world.org, owners=[world.faculty_person])
    assert as_user(world.student).get(url("relationship-health", mine)).status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login_page(world, as_user, rel, partnership):
    for address in (url("relationship-health", rel), url("partnership-health", partnership)):
        response = as_user(None).get(address)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


def test_the_relationship_health_page_runs_the_same_queries_for_3_or_30_records(world, as_user, rel):
    def add(n: int) -> None:
        for i in range(n):
            contact(rel, dt.date(2025, 1 + i % 3, 1 + i % 28), channel=("phone", "visit", "email")[i % 3])
            e = f.make_engagement(world.a, organisation=world.org, kind="research", start_date=dt.date(2025, 1, 1))
            Contribution.objects.create(
                engagement=e, party="institution", direction="gives", kind="hours", amount=3, description="Uren"
            )

    client = as_user(world.coordinator)
    addresses = [
        url("relationship-health", rel, **PERIOD),
        url("relationship-health-contacts", rel, **PERIOD, channel="phone"),
        url("relationship-health-engagements", rel, **PERIOD),
    ]
    add(3)
    few = [_count(client, address) for address in addresses]
    add(27)
    assert [_count(client, address) for address in addresses] == few


# The partnership health page


def test_the_partnership_health_page_shows_closeness_equity_and_integrity(world, as_user, partnership):
    world.org.mission = "Wij werken aan gelijkheid en onderwijs in de buurt."
    world.org.save()
    world.a.mission = "De universiteit staat voor goed onderwijs en gelijke kansen."
    world.a.save()
    rel = f.make_relationship(world.a, world.coord_person, world.org, owners=[world.coord_person])
    contact(rel, dt.date(2025, 2, 1))
    engagement = f.make_engagement(world.a, partnership=partnership, start_date=dt.date(2025, 2, 1))
    Contribution.objects.create(
        engagement=engagement,
        party="institution",
        direction="gives",
        kind="hours",
        amount=Decimal(90),
        description="Begeleiding",
    )
    Contribution.objects.create(
        engagement=engagement,
        party="partner",
        direction="gives",
        kind="hours",
        amount=Decimal(10),
        description="Onthaal",
    )
    response = as_user(world.coordinator).get(url("partnership-health", partnership, **PERIOD))
    assert response.status_code == 200
    html = page(response)
    assert "one-sided" in html
    assert "puts in 90% of the hours (90 of 100)" in html
    assert "at least 80% of the recorded hours" in html  # the rule is stated
    assert "Begeleiding" in html and reverse("engagement-contributions", args=[engagement.public_id]) in html
    assert "word-overlap signal" in html
    assert '<span class="tag">gelijkheid</span>' in html
    assert "25%" in html  # 2 of 8 stems shared


@pytest.mark.parametrize("persona", ["outsider", "other_partner"])
def test_outsiders_get_404_for_a_partnerships_health(world, as_user, partnership, persona):
    client = as_user(getattr(world, persona))
    assert client.get(url("partnership-health", partnership)).status_code == 404
    assert client.get(url("partnership-health-contacts", partnership)).status_code == 404


def test_the_partner_organisations_staff_may_not_read_the_partnerships_health(world, as_user, partnership):
    assert as_user(world.partner).get(url("partnership-health", partnership)).status_code == 403


def test_staff_of_a_joined_institution_may_not_read_the_lead_institutions_health_figures(world, as_user, partnership):
    partnership.other_institutions.add(world.b)
    assert as_user(world.outsider).get(url("partnership-health", partnership)).status_code == 403


def test_faculty_of_the_lead_institution_may_read_the_partnerships_health(world, as_user, partnership):
    assert as_user(world.faculty).get(url("partnership-health", partnership)).status_code == 200


def test_the_partnership_health_page_runs_the_same_queries_for_3_or_30_records(world, as_user, partnership):
    rel = f.make_relationship(world.a, world.coord_person, world.org, owners=[world.coord_person])
    partnership.parties.create(organisation=world.other_org)

    def add(n: int) -> None:
        for i in range(n):
            contact(rel, dt.date(2025, 1 + i % 3, 1 + i % 28), decision="a" if i % 2 else "")
            e = f.make_engagement(
                world.a, partnership=partnership, kind=("research", "event")[i % 2], start_date=dt.date(2025, 1, 1)
            )
            Contribution.objects.create(
                engagement=e, party="partner", direction="gets", kind="outcome", description="Verslag"
            )

    client = as_user(world.coordinator)
    addresses = [
        url("partnership-health", partnership, **PERIOD),
        url("partnership-health-contacts", partnership, **PERIOD, decision="any"),
        url("partnership-health-engagements", partnership, **PERIOD, kind="event"),
    ]
    add(3)
    few = [_count(client, address) for address in addresses]
    add(27)
    assert [_count(client, address) for address in addresses] == few


# The contributions editor


def rows_data(version: int, rows: list[dict[str, str]], extra: int = 1) -> dict[str, str]:
    data = {"version": str(version), "rows-TOTAL_FORMS": str(len(rows) + extra), "rows-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"rows-{i}-{key}"] = value
    for i in range(len(rows), len(rows) + extra):
        data.update({f"rows-{i}-party": "institution", f"rows-{i}-direction": "gives", f"rows-{i}-kind": "hours"})
    return data


HOURS_90 = {"party": "institution", "direction": "gives", "kind": "hours", "amount": "90", "description": "Begeleiding"}
HOURS_10 = {"party": "partner", "direction": "gives", "kind": "hours", "amount": "10", "description": "Onthaal"}


@pytest.fixture
def engagement(world, partnership):
    return f.make_engagement(world.a, partnership=partnership, organisation=world.org)


def test_faculty_records_contributions_and_sees_the_one_sided_flag(world, as_user, engagement):
    client = as_user(world.faculty)
    address = url("engagement-contributions", engagement)
    assert client.get(address).status_code == 200
    response = client.post(address, rows_data(engagement.version, [HOURS_90, HOURS_10]))
    assert response.status_code == 302
    assert sorted(engagement.contributions.values_list("description", flat=True)) == ["Begeleiding", "Onthaal"]
    html = page(client.get(address))
    assert "Contributions saved." in html
    assert "puts in 90% of the hours" in html


def test_a_row_marked_for_removal_is_removed(world, as_user, engagement):
    client = as_user(world.coordinator)
    address = url("engagement-contributions", engagement)
    client.post(address, rows_data(engagement.version, [HOURS_90, HOURS_10]))
    engagement.refresh_from_db()
    response = client.post(address, rows_data(engagement.version, [HOURS_90, {**HOURS_10, "DELETE": "on"}]))
    assert response.status_code == 302
    assert list(engagement.contributions.values_list("description", flat=True)) == ["Begeleiding"]


def test_hours_without_an_amount_are_refused_with_a_message_and_nothing_is_saved(world, as_user, engagement):
    response = as_user(world.faculty).post(
        url("engagement-contributions", engagement), rows_data(engagement.version, [{**HOURS_90, "amount": ""}])
    )
    assert response.status_code == 400
    assert "Row 1: hours or money put in need an amount." in page(response)
    assert not engagement.contributions.exists()


def test_a_negative_amount_is_refused(world, as_user, engagement):
    response = as_user(world.faculty).post(
        url("engagement-contributions", engagement), rows_data(engagement.version, [{**HOURS_90, "amount": "-5"}])
    )
    assert response.status_code == 400
    assert not engagement.contributions.exists()


def test_a_stale_form_is_refused_with_409_and_nothing_is_overwritten(world, as_user, engagement):
    client = as_user(world.faculty)
    address = url("engagement-contributions", engagement)
    opened_at = engagement.version
    client.post(address, rows_data(opened_at, [HOURS_10]))
    response = client.post(address, rows_data(opened_at, [HOURS_90]))
    assert response.status_code == 409
    assert "Someone else changed this record" in page(response)
    assert list(engagement.contributions.values_list("description", flat=True)) == ["Onthaal"]


def test_the_partner_of_the_engagement_may_not_edit_its_contributions(world, as_user, engagement):
    client = as_user(world.partner)
    address = url("engagement-contributions", engagement)
    assert client.get(address).status_code == 403
    assert client.post(address, rows_data(engagement.version, [HOURS_90])).status_code == 403
    assert not engagement.contributions.exists()


@pytest.mark.parametrize("persona", ["outsider", "other_partner", "student"])
def test_others_get_404_for_the_contributions_editor(world, as_user, engagement, persona):
    assert as_user(getattr(world, persona)).get(url("engagement-contributions", engagement)).status_code == 404


def test_an_anonymous_visitor_cannot_open_the_contributions_editor(world, as_user, engagement):
    response = as_user(None).get(url("engagement-contributions", engagement))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
