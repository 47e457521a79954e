"""The API faces of reports and health: same figures, same permissions as the web pages."""

from __future__ import annotations

import csv
import io
import json

import pytest

from api.tests.support import ApiClient
from engagements.models import Engagement
from partnerships.models import ContinuumStage
from tests import factories as f


@pytest.fixture
def api_as():
    """``api_as(user)`` calls with ``user``'s token; ``api_as(None)`` anonymously."""
    return ApiClient


@pytest.fixture
def partnership(world):
    return f.make_partnership(world.a, [world.org], [world.coord_person], stage=ContinuumStage.COMMUNICATION)


def test_a_coordinator_reads_the_dashboard_figures_of_a_year(world, api_as):
    f.make_engagement(world.a, organisation=world.org, kind=Engagement.Kind.EVENT)
    response = api_as(world.coordinator).get("/reports/dashboard", year="2026-2027")
    assert response.status_code == 200
    payload = json.loads(response.content)
    assert payload["year"] == "2026-2027" and payload["headline"]["engagements"] == 1
    kinds = {
        row["label"]: row["value"] for row in next(c for c in payload["charts"] if c["key"] == "engagements")["rows"]
    }
    assert kinds["Event"] == 1


def test_a_malformed_year_is_refused_with_422(world, api_as):
    assert api_as(world.coordinator).get("/reports/dashboard", year="twenty").status_code == 422


def test_a_partner_may_not_read_the_reports_and_an_anonymous_caller_must_authenticate(world, api_as):
    assert api_as(world.partner).get("/reports/dashboard").status_code == 403
    assert api_as(world.partner).get("/reports/network").status_code == 403
    assert api_as(None).get("/reports/dashboard").status_code == 401


def test_the_network_answer_names_brokers_and_missing_pairs(world, api_as):
    f.make_relationship(world.a, world.faculty_person, world.student_person, owners=[world.faculty_person])
    payload = json.loads(api_as(world.coordinator).get("/reports/network").content)
    assert len(payload["missing_pairs"]) == 9
    assert payload["limits"]["max_nodes"] == 300


def test_an_export_through_the_api_keeps_the_list_filters_and_defuses_formulas(world, api_as):
    f.make_engagement(world.a, title="=cmd|' /C calc'!A0", kind=Engagement.Kind.EVENT)
    f.make_engagement(world.a, title="Huiswerk")
    response = api_as(world.coordinator).get("/reports/exports/engagements", format="csv", kind="event")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert [row[0] for row in rows[1:]] == ["'=cmd|' /C calc'!A0"]


def test_an_unknown_export_is_refused_by_the_schema(world, api_as):
    assert api_as(world.coordinator).get("/reports/exports/secrets").status_code == 422


def test_a_coordinator_reads_closeness_equity_and_the_continuum_suggestion(world, api_as, partnership):
    client = api_as(world.coordinator)
    base = f"/health/partnerships/{partnership.public_id}"
    closeness = json.loads(client.get(f"{base}/closeness").content)
    assert closeness["contacts"] == 0 and closeness["trend"] == "steady"
    assert json.loads(client.get(f"{base}/equity").content)["recorded"] is False
    continuum = json.loads(client.get(f"{base}/continuum").content)
    assert continuum["current_stage"] == 1 and len(continuum["steps"]) == 9


def test_a_period_ending_before_it_starts_is_a_400(world, api_as, partnership):
    response = api_as(world.coordinator).get(
        f"/health/partnerships/{partnership.public_id}/closeness", start="2026-05-01", end="2026-01-01"
    )
    assert response.status_code == 400
    assert "start" in json.loads(response.content)["errors"]


def test_confirming_another_step_than_suggested_needs_a_reason(world, api_as, partnership):
    client = api_as(world.coordinator)
    url = f"/health/partnerships/{partnership.public_id}/continuum"
    refused = client.post(url, {"stage": 7, "reason": "", "version": partnership.version})
    assert refused.status_code == 400 and "reason" in json.loads(refused.content)["errors"]
    partnership.refresh_from_db()
    assert partnership.stage == 1
    accepted = client.post(url, {"stage": 7, "reason": "Gedeelde lokalen", "version": partnership.version})
    assert accepted.status_code == 200 and json.loads(accepted.content)["current_stage"] == 7


def test_a_stale_version_is_a_conflict(world, api_as, partnership):
    url = f"/health/partnerships/{partnership.public_id}/continuum"
    response = api_as(world.coordinator).post(url, {"stage": 2, "reason": "x", "version": partnership.version + 5})
    assert response.status_code == 409


def test_an_outsider_and_another_partner_get_404(world, api_as, partnership):
    url = f"/health/partnerships/{partnership.public_id}/closeness"
    assert api_as(world.outsider).get(url).status_code == 404
    assert api_as(world.other_partner).get(url).status_code == 404


def test_a_student_may_not_confirm_a_step(world, api_as, partnership):
    url = f"/health/partnerships/{partnership.public_id}/continuum"
    response = api_as(world.student).post(url, {"stage": 2, "reason": "x", "version": partnership.version})
    assert response.status_code in {403, 404}


def test_the_annual_report_pdf_through_the_api_has_the_institutions_figures(world, api_as):
    import io

    from pypdf import PdfReader

    f.make_engagement(world.a, organisation=world.org, kind=Engagement.Kind.EVENT)
    response = api_as(world.coordinator).get("/reports/annual-report.pdf", year="2026-2027")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Universiteit Aan de Schelde" in " ".join(text.split())
    assert api_as(world.partner).get("/reports/annual-report.pdf").status_code == 403
    assert api_as(world.student).get("/reports/annual-report.pdf").status_code == 403
    assert api_as(None).get("/reports/annual-report.pdf").status_code == 401
    assert api_as(world.coordinator).get("/reports/annual-report.pdf", year="soon").status_code == 422
