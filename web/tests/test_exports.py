"""Exports of every list as CSV and XLSX: the same rows and filters as the page, no formula in any cell."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accounts.models import User
from engagements.models import Engagement
from network.models import SofarRole
from reports.exports import LISTS, defuse
from tests import factories as f

LIST_PAGES = {
    "organisations": "/organisations/",
    "people": "/people/",
    "relationships": "/relationships/",
    "partnerships": "/partnerships/",
    "courses": "/courses/",
    "engagements": "/engagements/",
    "health": "/health/",
}


@pytest.fixture(autouse=True)
def english(world) -> None:
    User.objects.update(language="en")


def body(response) -> bytes:
    # Reading a streamed response to its end closes it (the test client's wrapper); closing it
    # again would send request_finished and close the test's database connection.
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response) -> list[list[str]]:
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the byte-order mark to read UTF-8"
    return list(csv.reader(io.StringIO(text[1:])))


def xlsx_rows(response) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(body(response))).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_defuse_prefixes_every_formula_start_and_leaves_other_text_alone():
    for dangerous in ("=1+2", "+32 9 123", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert defuse(dangerous) == "'" + dangerous
    assert defuse("Buurtwerk = goed") == "Buurtwerk = goed"
    assert defuse("") == ""


@pytest.mark.parametrize("name", sorted(LIST_PAGES))
def test_every_list_page_links_to_its_csv_and_xlsx_export_keeping_the_filters(world, as_user, name):
    page = as_user(world.coordinator).get(LIST_PAGES[name] + "?q=brug")
    html = page.content.decode()
    assert page.status_code == 200
    assert f"/export/{name}.csv?q=brug" in html
    assert f"/export/{name}.xlsx?q=brug" in html


def test_an_organisation_export_in_csv_has_english_headers_iso_dates_and_a_defused_formula(world, as_user):
    f.make_organisation('=HYPERLINK("http://evil")', city="Gent")
    f.make_organisation("@SUM(1)", city="Gent")
    rows = csv_rows(as_user(world.coordinator).get("/export/organisations.csv"))
    headers, data = rows[0], rows[1:]
    assert headers[:3] == ["Name", "Kind", "Themes"]
    names = [row[0] for row in data]
    assert '\'=HYPERLINK("http://evil")' in names and "'@SUM(1)" in names
    assert "Buurtwerk De Brug" in names
    changed = data[names.index("Buurtwerk De Brug")][headers.index("Last changed")]
    assert dt.datetime.fromisoformat(changed)


def test_an_xlsx_export_writes_a_formula_as_a_plain_string_cell(world, as_user):
    f.make_organisation("=1+2", city="Gent")
    response = as_user(world.coordinator).get("/export/organisations.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(body(response))).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    dangerous = next(cell for cell in cells if str(cell.value).endswith("1+2"))
    assert dangerous.data_type == "s"
    assert dangerous.value == "=1+2"
    assert dangerous.quotePrefix


def test_the_headers_follow_the_users_language(world, as_user):
    User.objects.filter(pk=world.coordinator.pk).update(language="nl")
    world.coordinator.refresh_from_db()
    headers = csv_rows(as_user(world.coordinator).get("/export/engagements.csv"))[0]
    assert headers[0] == "Titel" and "Begindatum" in headers
    assert len(headers) == len(LISTS["engagements"].columns)


def test_an_engagement_export_applies_the_list_filters_and_writes_dates_as_dates(world, as_user):
    f.make_engagement(world.a, title="Huiswerkklas", organisation=world.org, start_date=dt.date(2026, 10, 1))
    f.make_engagement(world.a, title="Sportdag", kind=Engagement.Kind.EVENT, start_date=dt.date(2026, 11, 2))
    client = as_user(world.coordinator)
    rows = xlsx_rows(client.get("/export/engagements.xlsx?kind=event"))
    assert [row[0] for row in rows[1:]] == ["Sportdag"]
    start = rows[1][rows[0].index("Start date")]
    assert start.date() == dt.date(2026, 11, 2)
    every = csv_rows(client.get("/export/engagements.csv"))
    assert sorted(row[0] for row in every[1:]) == ["Huiswerkklas", "Sportdag"]
    assert every[1][every[0].index("Start date")] in {"2026-10-01", "2026-11-02"}


def test_a_partner_exports_only_its_own_organisation(world, as_user):
    rows = csv_rows(as_user(world.partner).get("/export/organisations.csv"))
    assert [row[0] for row in rows[1:]] == ["Buurtwerk De Brug"]


def test_an_outsider_gets_none_of_another_institutions_people_or_engagements(world, as_user):
    f.make_engagement(world.a, title="Huiswerkklas")
    client = as_user(world.outsider)
    people = csv_rows(client.get("/export/people.csv"))
    assert [row[1] for row in people[1:]] == ["Buiten"]
    assert csv_rows(client.get("/export/engagements.csv"))[1:] == []


def test_a_partner_of_another_organisation_sees_none_of_the_relationships(world, as_user):
    f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    assert csv_rows(as_user(world.other_partner).get("/export/relationships.csv"))[1:] == []
    mine = csv_rows(as_user(world.coordinator).get("/export/relationships.csv"))
    assert len(mine) == 2 and "Buurtwerk De Brug" in mine[1]


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get("/export/organisations.csv")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_partner_may_not_export_the_health_overview(world, as_user):
    assert as_user(world.partner).get("/export/health.csv").status_code == 403


def test_an_unknown_list_or_format_is_not_found(world, as_user):
    client = as_user(world.coordinator)
    assert client.get("/export/secrets.csv").status_code == 404
    assert client.get("/export/organisations.pdf").status_code == 404


def test_an_invalid_filter_value_is_ignored_and_the_export_still_answers(world, as_user):
    response = as_user(world.coordinator).get("/export/partnerships.csv?stage=banana&kind=nope")
    assert response.status_code == 200
    assert csv_rows(response)[0][0] == "Title"


def test_the_health_export_lists_each_partnership_with_its_flags(world, as_user):
    f.make_partnership(world.a, [world.org], [world.coord_person], title="Huiswerk")
    rows = csv_rows(as_user(world.coordinator).get("/export/health.csv"))
    row = rows[1]
    assert row[0] == "Huiswerk"
    assert "No recent contact" in row[rows[0].index("Flags")]


def _people(world, n: int) -> None:
    for _ in range(n):
        person = f.make_person(world.a, SofarRole.STUDENT)
        f.make_relationship(world.a, world.faculty_person, person, owners=[world.faculty_person])


@pytest.mark.parametrize("name", ["people", "relationships"])
def test_an_export_runs_the_same_number_of_queries_for_3_or_30_rows(world, as_user, name):
    client = as_user(world.coordinator)

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            response = client.get(f"/export/{name}.csv")
            body(response)
        assert response.status_code == 200
        return len(context.captured_queries)

    _people(world, 3)
    few = count()
    _people(world, 27)
    assert count() == few
