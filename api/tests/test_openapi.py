"""The OpenAPI document is honest and the docs page needs no other host."""

import json
import re

import pytest

PATHS = {
    "/api/organisations": {"get", "post"},
    "/api/organisations/{public_id}": {"get", "patch"},
    "/api/people": {"get", "post"},
    "/api/people/{public_id}": {"get", "patch"},
    "/api/relationships": {"get", "post"},
    "/api/relationships/{public_id}": {"get"},
    "/api/relationships/{public_id}/interactions": {"get", "post"},
    "/api/partnerships": {"get", "post"},
    "/api/partnerships/{public_id}": {"get", "patch"},
    "/api/partnerships/{public_id}/coverage": {"get"},
    "/api/courses": {"get", "post"},
    "/api/courses/{public_id}": {"get"},
    "/api/courses/{public_id}/coverage": {"get"},
    "/api/engagements": {"get", "post"},
    "/api/engagements/{public_id}": {"get"},
    "/api/health/partnerships/{public_id}/closeness": {"get"},
    "/api/health/partnerships/{public_id}/equity": {"get"},
    "/api/health/partnerships/{public_id}/continuum": {"get", "post"},
    "/api/health/relationships/{public_id}/closeness": {"get"},
    "/api/health/relationships/{public_id}/equity": {"get"},
    "/api/reports/dashboard": {"get"},
    "/api/reports/network": {"get"},
    "/api/reports/exports/{name}": {"get"},
    "/api/reports/partnership-grid": {"get"},
    "/api/matching/needs/{public_id}/suggestions": {"get"},
    "/api/matching/offers/{public_id}/suggestions": {"get"},
    "/api/matching/batch": {"post"},
    "/api/assessments/instruments": {"get"},
    "/api/assessments/rounds": {"get", "post"},
    "/api/assessments/rounds/{public_id}": {"get"},
    "/api/assessments/rounds/{public_id}/results": {"get"},
    "/api/assessments/rounds/{public_id}/close": {"post"},
    "/api/assessments/rounds/{public_id}/actions": {"post"},
    "/api/assessments/rounds/{public_id}/actions/{number}": {"post"},
    "/api/agreements": {"get", "post"},
    "/api/agreements/templates": {"get"},
    "/api/agreements/calendar": {"get"},
    "/api/agreements/{public_id}": {"get", "patch"},
    "/api/agreements/{public_id}/versions/{number}": {"get"},
    "/api/agreements/{public_id}/diff": {"get"},
    "/api/agreements/{public_id}/calendar": {"get"},
    "/api/agreements/{public_id}/send": {"post"},
    "/api/strategic/partnerships/{public_id}/goals": {"get", "post"},
    "/api/strategic/partnerships/{public_id}/goals/{goal_id}/indicators": {"post"},
    "/api/strategic/partnerships/{public_id}/indicators/{indicator_id}/measurements": {"post"},
    "/api/strategic/partnerships/{public_id}/milestones": {"get", "post"},
    "/api/strategic/partnerships/{public_id}/parties": {"get", "post"},
    "/api/strategic/partnerships/{public_id}/report": {"get"},
    "/api/needs": {"get"},
    "/api/needs/{public_id}": {"get"},
    "/api/needs/{public_id}/matches": {"post"},
    "/api/offers": {"get", "post"},
    "/api/offers/{public_id}": {"get"},
    "/api/matches": {"get"},
    "/api/matches/{public_id}": {"get"},
    "/api/matches/{public_id}/override": {"post"},
    "/api/organisation-proposals": {"get", "post"},
    "/api/organisation-proposals/{public_id}": {"get"},
    "/api/organisation-proposals/{public_id}/decision": {"post"},
    "/api/places/campuses": {"get"},
    "/api/places/campuses/{institution}/{campus}/settings": {"get", "patch"},
    "/api/places/campuses/{institution}/{campus}/collaborations": {"get"},
    "/api/places/campuses/{institution}/{campus}/map": {"get"},
    "/api/places/campuses/{institution}/{campus}/facilities": {"get"},
    "/api/places/campuses/{institution}/{campus}/booking-requests": {"get"},
    "/api/places/campuses/{institution}/{campus}/events": {"get"},
    "/api/places/booking-requests/{public_id}": {"get"},
    "/api/places/booking-requests/{public_id}/decision": {"post"},
    "/api/reflection/workbooks": {"get"},
    "/api/reflection/workbooks/{public_id}": {"get", "patch"},
    "/api/reflection/courses/{public_id}/workbooks": {"post"},
    "/api/reflection/questions": {"get"},
    "/api/reflection/dilemmas": {"get"},
    "/api/reflection/cases": {"get"},
    "/api/reflection/cases/{slug}": {"get"},
}


@pytest.fixture
def document(client) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content)


def operations(document: dict):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


@pytest.mark.django_db
def test_the_openapi_document_lists_every_path_and_method(document):
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Brug API"
    assert {path: set(methods) for path, methods in document["paths"].items()} == PATHS


@pytest.mark.django_db
def test_every_operation_declares_its_errors_with_the_error_schema(document):
    for path, method, operation in operations(document):
        declared = set(operation["responses"])
        assert {"401", "422"} <= declared, (method, path)
        if "{public_id}" in path:
            assert "404" in declared, (method, path)
        if method in {"post", "patch"}:
            assert {"400", "403"} <= declared, (method, path)
        if method == "patch":
            assert "409" in declared, (method, path)
        for status, answer in operation["responses"].items():
            if status.startswith("4"):
                schema = answer["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, status)


@pytest.mark.django_db
def test_every_operation_has_a_tag_and_a_summary_and_needs_authentication(document):
    schemes = document["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"} in schemes.values()
    for path, method, operation in operations(document):
        assert operation["tags"] and operation["summary"], (method, path)
        assert operation["security"], (method, path)


@pytest.mark.django_db
def test_request_bodies_carry_an_example(document):
    schemas = document["components"]["schemas"]
    for name in (
        "OrganisationIn",
        "PersonIn",
        "RelationshipIn",
        "InteractionIn",
        "PartnershipIn",
        "CourseIn",
        "RoundIn",
        "RoundActionIn",
        "RoundActionDoneIn",
        "AgreementIn",
        "AgreementPatch",
        "AgreementSendIn",
        "GoalIn",
        "IndicatorIn",
        "MeasurementIn",
        "MilestoneIn",
        "PartyIn",
        "OfferIn",
        "ProposeIn",
        "OverrideIn",
        "ProposalIn",
        "ProposalDecisionIn",
        "BookingDecisionIn",
        "WorkbookStartIn",
        "WorkbookPatch",
    ):
        assert schemas[name]["examples"], name


@pytest.mark.django_db
def test_public_ids_are_uuids_and_no_database_id_is_exposed(document):
    schemas = document["components"]["schemas"]
    assert schemas["OrganisationOut"]["properties"]["id"]["format"] == "uuid"
    assert not any("pk" in schema.get("properties", {}) for schema in schemas.values())


@pytest.mark.django_db
def test_the_docs_page_loads_only_files_of_this_site_and_keeps_the_strict_csp(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", html)
    assert "cdn" not in html.lower()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    # Settings travel as JSON data; no script runs inline.
    assert re.findall(r"<script(?![^>]*\b(?:src|type=\"application/json\"))", html) == []
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


@pytest.mark.django_db
def test_the_vendored_swagger_files_and_licence_are_served(client):
    for url in [
        f"/static/vendor/swagger-ui/{name}" for name in ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE")
    ] + ["/static/api/swagger-init.js"]:
        response = client.get(url)
        content = b"".join(response.streaming_content)  # read to the end, which closes it
        assert response.status_code == 200 and content, url
