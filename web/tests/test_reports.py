"""The reports dashboard, the annual report PDF and the partnership grid of the classification."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from accounts.models import User
from engagements.models import Contribution, Engagement
from engagements.services import set_participants
from network.models import Campus, SofarRole
from partnerships.models import ContinuumStage
from tests import factories as f

YEAR = "2026-2027"


@pytest.fixture(autouse=True)
def english(world) -> None:
    User.objects.update(language="en")


def _activity(world, n: int = 1) -> None:
    for i in range(n):
        partnership = f.make_partnership(
            world.a, [world.org], [world.coord_person], title=f"Samen {i}", stage=ContinuumStage.SHARED_GOALS
        )
        engagement = f.make_engagement(
            world.a,
            title=f"Huiswerkklas {i}",
            organisation=world.org,
            partnership=partnership,
            start_date=dt.date(2026, 10, 1),
            status=Engagement.Status.RUNNING,
            outcomes="Twintig kinderen geholpen",
        )
        set_participants(engagement, [(world.student_person, SofarRole.STUDENT, 12)])
        Contribution.objects.create(
            engagement=engagement, party="institution", direction="gives", kind="hours", amount=10, description="x"
        )
        Contribution.objects.create(
            engagement=engagement, party="partner", direction="gives", kind="hours", amount=8, description="y"
        )


def _table_values(html: str, label: str) -> str:
    start = html.index(f'<th scope="row">{label}</th>')
    return html[start : start + 200]


def test_the_dashboard_shows_each_chart_with_a_table_beside_it(world, as_user):
    _activity(world)
    response = as_user(world.coordinator).get(f"/reports/?year={YEAR}")
    html = response.content.decode()
    assert response.status_code == 200
    for title in (
        "Partners with activity, by kind",
        "Engagements, by type",
        "Hours, by SOFAR role",
        "Partnerships over the continuum",
        "Relationship health: flags",
        "Channel mix of new partnerships",
        "Load per partner",
        "Neighbourhood or elsewhere",
    ):
        assert f">{title}</h2>" in html, title
    assert html.count("<svg") == html.count("<table") == 8
    assert "<td>12</td>" in _table_values(html, "Student")
    assert "<td>1</td>" in _table_values(html, "5. Working on shared goals")
    assert "<td>1</td>" in _table_values(html, "Buurtwerk De Brug")


def test_an_engagement_of_another_year_is_not_counted(world, as_user):
    f.make_engagement(world.a, title="Oud", organisation=world.org, start_date=dt.date(2024, 10, 1),
                      end_date=dt.date(2024, 12, 1))  # fmt: skip
    html = as_user(world.coordinator).get(f"/reports/?year={YEAR}").content.decode()
    assert "Buurtwerk De Brug" not in html


def test_an_engagement_near_the_campus_counts_as_in_the_neighbourhood(world, as_user):
    Campus.objects.create(
        institution=world.a, name="Noord", slug="noord", latitude=51.05, longitude=3.72, neighbourhood_radius_m=1000
    )
    near = f.make_organisation("Naast de deur", latitude=51.051, longitude=3.721)
    far = f.make_organisation("Ver weg", latitude=50.85, longitude=4.35)
    f.make_engagement(world.a, organisation=near, start_date=dt.date(2026, 10, 1))
    f.make_engagement(world.a, organisation=far, start_date=dt.date(2026, 10, 1))
    html = as_user(world.coordinator).get(f"/reports/?year={YEAR}").content.decode()
    assert "<td>1</td>" in _table_values(html, "In a campus neighbourhood")
    assert "<td>1</td>" in _table_values(html, "Elsewhere")


def test_the_channel_mix_says_no_data_without_matches(world, as_user):
    html = as_user(world.coordinator).get(f"/reports/?year={YEAR}").content.decode()
    start = html.index(">Channel mix of new partnerships</h2>")
    assert "No data" in html[start : start + 400]


def test_a_malformed_year_falls_back_to_the_current_year(world, as_user):
    response = as_user(world.coordinator).get("/reports/?year=<script>")
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1].replace('src="', "")


def test_the_dashboard_runs_the_same_number_of_queries_for_one_or_ten_engagements(world, as_user):
    client = as_user(world.coordinator)

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(f"/reports/?year={YEAR}").status_code == 200
        return len(context.captured_queries)

    _activity(world, 1)
    few = count()
    _activity(world, 9)
    assert count() == few


def test_the_annual_report_pdf_has_bilingual_headings_and_the_figures(world, as_user):
    _activity(world)
    response = as_user(world.coordinator).get(f"/reports/annual-report.pdf?year={YEAR}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.content)).pages)
    for heading in ("Jaarverslag dienstverlenend leren", "Annual report on service-learning", "Kerncijfers",
                    "Key figures", "Belasting per partner", "Load per partner"):  # fmt: skip
        assert heading in text, heading
    assert "Universiteit Aan de Schelde" in text and "Buurtwerk De Brug" in text


def test_the_partnership_grid_has_purpose_length_people_reciprocity_and_outcomes(world, as_user):
    _activity(world)
    response = as_user(world.coordinator).get("/reports/partnership-grid.csv")
    assert response.status_code == 200
    text = response.content.decode()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header, row = rows[0], rows[1]
    assert header[:3] == ["Partnership", "Partner organisations", "Purpose"]
    record = dict(zip(header, row, strict=True))
    assert record["Partner organisations"] == "Buurtwerk De Brug"
    assert record["People involved: Student"] == "1"
    assert record["Reciprocity"].startswith("Balanced")
    assert record["Outcomes"] == "Twintig kinderen geholpen"


def test_the_partnership_grid_csv_uses_the_separator_excel_expects_in_the_users_language(world, as_user):
    _activity(world)
    world.coordinator.language = "nl"
    world.coordinator.save(update_fields=["language"])
    dutch = as_user(world.coordinator).get("/reports/partnership-grid.csv").content.decode()
    assert dutch.splitlines()[0].lstrip("\ufeff").startswith("Partnerschap;")
    asked = as_user(world.coordinator).get("/reports/partnership-grid.csv?sep=comma").content.decode()
    assert asked.splitlines()[0].lstrip("\ufeff").startswith("Partnerschap,")


def test_the_partnership_grid_in_xlsx_opens(world, as_user):
    from openpyxl import load_workbook

    _activity(world)
    response = as_user(world.coordinator).get("/reports/partnership-grid.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.cell(row=2, column=1).value == "Samen 0"


@pytest.mark.parametrize("url", ["/reports/", "/reports/annual-report.pdf", "/reports/partnership-grid.csv"])
def test_a_partner_or_student_may_not_read_the_reports(world, as_user, url):
    assert as_user(world.partner).get(url).status_code == 403
    assert as_user(world.student).get(url).status_code == 403


def test_an_outsider_sees_only_its_own_institutions_figures(world, as_user):
    _activity(world)
    html = as_user(world.outsider).get(f"/reports/?year={YEAR}").content.decode()
    assert "Hogeschool Buiten" in html and "Buurtwerk De Brug" not in html


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get("/reports/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_unknown_grid_format_is_not_found(world, as_user):
    assert as_user(world.coordinator).get("/reports/partnership-grid.pdf").status_code == 404


def test_the_headline_counts_each_student_once_and_adds_up_their_hours(world):
    from reports.dashboard import build_dashboard

    _activity(world, n=2)
    other = f.make_engagement(world.a, title="Zonder partner", start_date=dt.date(2026, 11, 1), hours=5)
    set_participants(
        other, [(world.student_person, SofarRole.STUDENT, 3), (world.faculty_person, SofarRole.FACULTY, 4)]
    )
    board = build_dashboard(world.coordinator, world.a, YEAR)
    assert board.headline["students"] == 1, "one student in three engagements"
    assert board.headline["student_hours"] == 12 + 12 + 3
    assert board.headline["engagements"] == 3 and board.headline["partners"] == 1
    hours = dict(board.chart("hours").rows)
    assert (hours["Student"], hours["Faculty"]) == (27, 4)
    where = dict(board.chart("neighbourhood").rows)
    assert where["Location unknown"] == 3, "no organisation, or one without coordinates"
