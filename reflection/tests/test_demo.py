"""The reflection demo: two years of workbooks on a Leuven course and one published practice example."""

from __future__ import annotations

import io

import pytest

from network.models import SofarRole
from reflection.cases import public_partners, with_public_data
from reflection.demo import CASE_SLUG, load_demo_reflection
from reflection.models import DilemmaPosition, PlannedAction, PracticeCase, Workbook
from reflection.selectors import compare_workbooks, previous_workbook
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def leuven():
    institution = f.make_institution("KU Leuven", short_name="KU Leuven", slug="ku-leuven-demo")
    teacher = f.make_person(institution, SofarRole.FACULTY, first_name="Maarten", last_name="Van Schelpaert")
    tada = f.make_organisation("TADA (ToekomstATELIERdelAvenir)")
    city = f.make_organisation("Stad Leuven")
    course = f.make_course(
        institution, [teacher], code="P0X42A", title="Service-learning: onderwijskansen", academic_year="2026-2027"
    )
    f.make_engagement(institution, course=course, organisation=tada)
    f.make_partnership(
        institution, [tada, city], [teacher], title="KU Leuven en TADA: samen tegen onderwijsongelijkheid"
    )
    return course


def test_the_demo_makes_last_years_and_this_years_workbook_and_a_published_case_once(leuven):
    out = io.StringIO()
    load_demo_reflection(out)
    load_demo_reflection(out)
    workbooks = Workbook.objects.order_by("academic_year")
    assert [w.academic_year for w in workbooks] == ["2025-2026", "2026-2027"]
    assert DilemmaPosition.objects.filter(workbook=workbooks[1]).count() == 5
    assert PlannedAction.objects.filter(workbook=workbooks[0], done=True).count() == 2
    comparison = compare_workbooks(previous_workbook(workbooks[1], _superuser()), workbooks[1])
    assert any(m.shift for m in comparison.movements)
    case = with_public_data(PracticeCase.objects.filter(slug=CASE_SLUG)).get()
    assert case.published and PracticeCase.objects.count() == 1
    labels = [p.label for p in public_partners(case)]
    assert "TADA (ToekomstATELIERdelAvenir)" in labels and "Stad Leuven" not in labels
    assert "published practice example" in out.getvalue()


def test_the_demo_skips_quietly_without_the_demo_institutions(db):
    out = io.StringIO()
    load_demo_reflection(out)
    assert "skipped" in out.getvalue()
    assert not Workbook.objects.exists()


def _superuser():
    from accounts.models import User

    return User.objects.create_superuser("root", "root@example.org", "x")
