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


def csv_rows(response, delimiter: str = ",") -> list[list[str]]:
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the byte-order mark to read UTF-8"
    return list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))


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
    # Dutch Excel splits on semicolons: a Dutch user's CSV is separated by them.
    headers = csv_rows(as_user(world.coordinator).get("/export/engagements.csv"), delimiter=";")[0]
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


# The CSV separator: Excel's own for the user's language, or the one asked for


@pytest.mark.parametrize(
    ("language", "sep", "delimiter"),
    [
        ("nl", None, ";"),
        ("en", None, ","),
        ("nl", "comma", ","),
        ("en", "semicolon", ";"),
        ("nl", "nonsense", ";"),
    ],
)
def test_the_csv_is_separated_as_excel_expects_in_the_users_language_unless_asked(
    world, as_user, language, sep, delimiter
):
    User.objects.filter(pk=world.coordinator.pk).update(language=language)
    f.make_organisation("Vzw Komma, Puntkomma; en zo", city="Gent")
    url = "/export/organisations.csv" + (f"?sep={sep}" if sep else "")
    response = as_user(world.coordinator).get(url)
    raw = body(response)
    assert raw.startswith("\ufeff".encode()), "a UTF-8 byte-order mark, so that Excel reads the accents"
    first_line = raw.decode("utf-8").splitlines()[0]
    assert first_line.count(delimiter) == len(LISTS["organisations"].columns) - 1
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8")[1:]), delimiter=delimiter))
    assert "Vzw Komma, Puntkomma; en zo" in [row[0] for row in rows[1:]], "a separator inside a cell is quoted"


def test_the_api_export_takes_the_separator_of_the_language_or_the_one_asked(world):
    from api.tests.support import ApiClient

    def first_line(client: ApiClient, **params: str) -> str:
        response = client.get("/reports/exports/people", **params)
        assert response.status_code == 200
        return body(response).decode("utf-8").lstrip("\ufeff").splitlines()[0]

    columns = len(LISTS["people"].columns)
    assert first_line(ApiClient(world.coordinator, accept_language="nl")).count(";") == columns - 1
    assert first_line(ApiClient(world.coordinator, accept_language="en")).count(",") == columns - 1
    assert first_line(ApiClient(world.coordinator, accept_language="nl"), sep="comma").count(",") == columns - 1
    assert first_line(ApiClient(world.coordinator), sep="semicolon").count(";") == columns - 1
    assert ApiClient(world.coordinator).get("/reports/exports/people", sep="tab").status_code == 422


# The export of a filtered list holds exactly the rows the list page shows (one filter code for both)


def _ids_on_page(client, page: str, query: str) -> list[str]:
    response = client.get(f"{page}?{query}")
    assert response.status_code == 200
    return [str(obj.public_id) for obj in response.context["page"].object_list]


def _ids_in_export(client, name: str, query: str) -> list[str]:
    rows = csv_rows(client.get(f"/export/{name}.csv?{query}"))
    return [row[rows[0].index("Id")] for row in rows[1:]]


@pytest.fixture
def network_lists(world):
    from network.models import Organisation, Relationship, Theme
    from partnerships.services import deactivate_person

    armoede = Theme.objects.create(slug="armoede", name_nl="Armoede", name_en="Poverty")
    school = f.make_organisation("Basisschool De Brug", kind=Organisation.Kind.SCHOOL, city="Gent", postcode="9000")
    school.themes.add(armoede)
    f.make_organisation("Sportclub Leuven", kind=Organisation.Kind.SPORTS_CLUB, city="Leuven", postcode="3000")
    student = f.make_person(world.a, SofarRole.STUDENT, first_name="Lotte", last_name="Brugman")
    gone = f.make_person(world.a, SofarRole.STUDENT, first_name="Lode", last_name="Weg")
    f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    f.make_relationship(world.a, world.faculty_person, school, owners=[world.faculty_person])
    ended = f.make_relationship(world.a, student, world.org, owners=[world.faculty_person])
    Relationship.objects.filter(pk=ended.pk).update(status=Relationship.Status.ENDED)
    f.make_relationship(world.a, gone, school, owners=[gone])
    deactivate_person(gone, by=world.coordinator, leave_orphaned=True)
    return {"school": school, "student": student}


@pytest.mark.parametrize(
    ("name", "page", "query"),
    [
        ("organisations", "/organisations/", ""),
        ("organisations", "/organisations/", "q=brug"),
        ("organisations", "/organisations/", "kind=school"),
        ("organisations", "/organisations/", "theme=armoede"),
        ("organisations", "/organisations/", "city=Leuven"),
        ("organisations", "/organisations/", "q=9000&kind=nonprofit"),
        ("organisations", "/organisations/", "kind=banana"),
        ("people", "/people/", ""),
        ("people", "/people/", "q=brug"),
        ("people", "/people/", "role=S"),
        ("people", "/people/", "status=inactive"),
        ("people", "/people/", "status=all&role=S"),
        ("relationships", "/relationships/", ""),
        ("relationships", "/relationships/", "status=ended"),
        ("relationships", "/relationships/", "orphaned=on"),
        ("relationships", "/relationships/", "stale=on"),
        ("relationships", "/relationships/", "pair=S-O"),
        ("relationships", "/relationships/", "organisation={school}"),
        ("relationships", "/relationships/", "owner={owner}"),
    ],
)
def test_the_export_of_a_filtered_list_holds_exactly_the_rows_the_list_shows(
    world, as_user, network_lists, name, page, query
):
    query = query.format(school=network_lists["school"].public_id, owner=world.faculty_person.public_id)
    client = as_user(world.coordinator)
    shown = _ids_on_page(client, page, query)
    assert _ids_in_export(client, name, query) == shown
    if query and "banana" not in query:
        assert shown != _ids_on_page(client, page, ""), f"the filter {query} filters something"
