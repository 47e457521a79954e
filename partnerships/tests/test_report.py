"""The board report of a strategic partnership: its figures, and the PDF read back as text."""

from __future__ import annotations

import datetime as dt
import io
import sys
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from pypdf import PdfReader

from engagements.models import Engagement
from network.models import Organisation, SofarRole
from partnerships import strategic
from partnerships.models import Partnership
from partnerships.report import build_report, progress_chart, with_strategic
from partnerships.report_pdf import HEADINGS, bilingual, report_html, report_pdf
from tests import factories as f

# A 1×1 transparent PNG: a logo that needs no file on disk.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


def fetch(partnership: Partnership) -> Partnership:
    return with_strategic(Partnership.objects.all()).get(pk=partnership.pk)


@pytest.fixture
def partnership(world: SimpleNamespace) -> Partnership:
    p = f.make_partnership(
        world.a,
        [world.org],
        [world.coord_person],
        title="Samen tegen onderwijsongelijkheid",
        kind=Partnership.Kind.STRATEGIC,
        start_date=dt.date(2022, 3, 15),
    )
    city = f.make_organisation(
        "Stad Leuven", kind=Organisation.Kind.CITY_SERVICE, mission="Gelijke kansen voor elke jongere."
    )
    strategic.add_party(p, by=None, organisation=city, role="Lokale overheid", joined_on=dt.date(2024, 5, 14))
    strategic.set_collaboration(
        p, by=None, expected_version=None, forms=["service_learning", "staff_training"], levels=["course", "city"]
    )
    goal = strategic.add_goal(p, by=None, title="Onderwijsongelijkheid verminderen")
    pupils = strategic.add_indicator(
        goal, by=None, name="Jongeren bereikt", target=Decimal(400), baseline=Decimal(100), measured_by="TADA"
    )
    for year, value in ((2022, 140), (2023, 250)):
        strategic.record_measurement(pupils, by=None, measured_on=dt.date(year, 6, 30), value=Decimal(value))
    strategic.add_indicator(goal, by=None, name="Docenten getraind", target=Decimal(120))
    strategic.add_milestone(p, by=None, date=dt.date(2022, 3, 15), kind="signed", title="Overeenkomst getekend")
    stu2 = f.make_person(world.a, SofarRole.STUDENT)
    f.make_engagement(
        world.a,
        partnership=p,
        kind=Engagement.Kind.SERVICE_LEARNING,
        start_date=dt.date(2023, 10, 1),
        participants=[(world.student_person, SofarRole.STUDENT, 30), (world.faculty_person, SofarRole.FACULTY, 5)],
    )
    f.make_engagement(
        world.a,
        partnership=p,
        kind=Engagement.Kind.SERVICE_LEARNING,
        start_date=dt.date(2024, 10, 1),
        participants=[(world.student_person, SofarRole.STUDENT, 20), (stu2, SofarRole.STUDENT, 10)],
    )
    f.make_engagement(world.a, partnership=p, kind=Engagement.Kind.STAFF_TRAINING, start_date=dt.date(2024, 2, 1))
    f.make_engagement(
        world.a,
        partnership=p,
        kind=Engagement.Kind.EVENT,
        start_date=dt.date(2024, 3, 1),
        status=Engagement.Status.CANCELLED,
        participants=[(world.coord_person, SofarRole.ADMINISTRATOR, 8)],
    )
    return p


def test_the_report_lists_the_lead_institution_and_the_parties_with_their_roles(world, partnership):
    with translation.override("en"):
        report = build_report(fetch(partnership), with_health=False)
    rows = [(r.name, r.role, r.joined_on) for r in report.parties]
    assert rows[0] == (world.a.name, "Lead institution", dt.date(2022, 3, 15))
    assert ("Stad Leuven", "Lokale overheid", dt.date(2024, 5, 14)) in rows
    assert next(r for r in report.parties if r.name == "Stad Leuven").kind == "Public body"


def test_activities_per_year_count_engagements_by_kind_without_cancelled_ones(world, partnership):
    activities = build_report(fetch(partnership), with_health=False).activities
    assert [code for code, _label in activities.kinds] == ["service_learning", "staff_training"]
    assert [(row.year, row.counts) for row in activities.years] == [(2023, [1, 0]), (2024, [1, 1])]
    assert activities.totals == [2, 1] and activities.total == 3


def test_people_reached_are_distinct_people_by_role_with_students_hours(world, partnership):
    people = build_report(fetch(partnership), with_health=False).people
    by_role = {r.role: (r.people, r.hours) for r in people.roles}
    assert by_role[SofarRole.STUDENT] == (2, 60)
    assert by_role[SofarRole.FACULTY] == (1, 5)
    # The coordinator only took part in the cancelled event.
    assert by_role[SofarRole.ADMINISTRATOR] == (0, 0)
    assert people.total == 3
    assert people.student_hours == 60


def test_indicators_show_the_latest_value_against_the_target(world, partnership):
    report = build_report(fetch(partnership), with_health=False)
    pupils, trained = report.indicators
    assert pupils.latest.value == Decimal(250)
    # From the baseline of 100 to the target of 400, 250 is half way.
    assert pupils.percent == 50
    assert trained.latest is None and trained.percent is None


def test_the_progress_chart_draws_the_target_above_lower_values(world, partnership):
    report = build_report(fetch(partnership), with_health=False)
    chart = report.indicators[0].chart
    assert len(chart.points) == 2
    assert chart.points[0].x < chart.points[1].x
    # SVG y grows downwards: the target line is above (smaller y than) both measured values.
    assert all(chart.target_y < p.y for p in chart.points)
    assert chart.baseline_y > chart.target_y


def test_a_chart_with_one_measurement_puts_it_in_the_middle(world, partnership):
    indicator = fetch(partnership).goals.all()[0].indicators.all()[0]
    chart = progress_chart(indicator, list(indicator.measurements.all())[:1])
    assert chart.points[0].x == (chart.left + chart.right) / 2
    assert chart.polyline.count(",") == 1


def test_health_figures_are_left_out_unless_the_reader_may_see_them(world, partnership):
    assert build_report(fetch(partnership), with_health=False).health is None
    health = build_report(fetch(partnership), with_health=True).health
    assert health is not None and health.any


def test_the_report_does_not_fail_when_the_health_modules_are_missing(world, partnership, monkeypatch):
    monkeypatch.setitem(sys.modules, "health.closeness", None)
    monkeypatch.setitem(sys.modules, "health.equity", None)
    health = build_report(fetch(partnership), with_health=True).health
    assert health is not None and not health.any


def test_the_report_is_read_in_the_same_number_of_queries_for_more_goals(world, partnership):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            build_report(fetch(partnership), with_health=True)
        return len(queries)

    small = count()
    for n in range(6):
        goal = strategic.add_goal(partnership, by=None, title=f"Doel {n}")
        for m in range(3):
            indicator = strategic.add_indicator(goal, by=None, name=f"Indicator {n}.{m}", target=Decimal(10))
            for year in (2022, 2023, 2024):
                strategic.record_measurement(
                    indicator, by=None, measured_on=dt.date(year, 1, 1), value=Decimal(year % 7)
                )
        f.make_engagement(world.a, partnership=partnership, start_date=dt.date(2020 + n, 1, 1))
    assert count() == small


# The PDF.


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_reads_as_a_board_report(world, partnership):
    with translation.override("en"):
        data = report_pdf(build_report(fetch(partnership), with_health=True))
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for expected in (
        world.a.name,
        "Samen tegen onderwijsongelijkheid",
        "Parties",
        "Stad Leuven",
        "Lokale overheid",
        "Activities per year",
        "Service-learning project",
        "People reached",
        "Indicators against targets",
        "Jongeren bereikt",
        "50%",
        "Overeenkomst getekend",
        "Relationship health",
    ):
        assert expected in text, expected


def test_pdf_headings_are_in_dutch_and_english():
    with translation.override("nl"):
        dutch = translation.gettext("Parties")
    heading = bilingual(HEADINGS["parties"])
    if dutch == "Parties":
        assert heading == "Parties"
    else:
        assert heading == f"{dutch} / Parties"


def test_the_pdf_carries_the_institutions_logo_embedded(world, partnership, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world.a.logo.save("logo.png", ContentFile(PNG))
    html = report_html(build_report(fetch(partnership), with_health=False))
    assert 'src="data:image/png;base64,' in html
    reader = PdfReader(io.BytesIO(report_pdf(build_report(fetch(partnership), with_health=False))))
    assert any(page.images for page in reader.pages)


def test_the_pdf_without_health_permission_has_no_health_section(world, partnership):
    text = pdf_text(report_pdf(build_report(fetch(partnership), with_health=False)))
    assert "Relationship health" not in text
