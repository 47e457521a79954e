"""The OpenAPI document is honest and the docs page needs no other host."""

import json
import re

import pytest

PATHS = {
    "/api/organisations": {"get", "post"},
    "/api/organisations/{public_id}": {"get", "patch"},
    "/api/organisations/{public_id}/notes": {"get", "post"},
    "/api/organisations/{public_id}/mail-contacts": {"post", "delete"},
    "/api/organisations/{public_id}/interactions": {"get", "post"},
    "/api/people": {"get", "post"},
    "/api/people/{public_id}": {"get", "patch"},
    "/api/people/{public_id}/owned": {"get"},
    "/api/people/{public_id}/hand-overs": {"get"},
    "/api/people/{public_id}/deactivate": {"post"},
    "/api/people/{public_id}/personal-data": {"get"},
    "/api/people/{public_id}/erase": {"post"},
    "/api/relationships": {"get", "post"},
    "/api/relationships/{public_id}": {"get"},
    "/api/relationships/{public_id}/interactions": {"get", "post"},
    "/api/relationships/{public_id}/owners": {"get", "put"},
    "/api/partnerships": {"get", "post"},
    "/api/partnerships/{public_id}": {"get", "patch"},
    "/api/partnerships/{public_id}/coverage": {"get"},
    "/api/partnerships/{public_id}/interactions": {"get", "post"},
    "/api/courses": {"get", "post"},
    "/api/courses/{public_id}": {"get", "patch"},
    "/api/courses/{public_id}/coverage": {"get"},
    "/api/engagements": {"get", "post"},
    "/api/engagements/{public_id}": {"get", "patch"},
    "/api/engagements/{public_id}/contributions": {"get", "put"},
    "/api/health/partnerships/{public_id}/closeness": {"get"},
    "/api/health/partnerships/{public_id}/equity": {"get"},
    "/api/health/partnerships/{public_id}/continuum": {"get", "post"},
    "/api/health/relationships/{public_id}/closeness": {"get"},
    "/api/health/relationships/{public_id}/equity": {"get"},
    "/api/health/overview": {"get"},
    "/api/institution/settings": {"get", "patch"},
    "/api/institution/audit": {"get"},
    "/api/reports/dashboard": {"get"},
    "/api/reports/network": {"get"},
    "/api/reports/exports/{name}": {"get"},
    "/api/reports/partnership-grid": {"get"},
    "/api/reports/annual-report.pdf": {"get"},
    "/api/matching/needs/{public_id}/suggestions": {"get"},
    "/api/matching/offers/{public_id}/suggestions": {"get"},
    "/api/matching/batch": {"post"},
    "/api/matching/channels": {"get"},
    "/api/matching/weights": {"get", "put"},
    "/api/matching/weights/trial": {"post"},
    "/api/matching/organisations/{public_id}/quiet-periods": {"get", "post"},
    "/api/matching/organisations/{public_id}/quiet-periods/{period_id}": {"patch", "delete"},
    "/api/matching/criteria": {"get", "post"},
    "/api/matching/criteria/{criterion_id}": {"patch", "delete"},
    "/api/assessments/instruments": {"get"},
    "/api/assessments/instruments/{slug}": {"get"},
    "/api/assessments/instruments/{slug}/copy": {"post"},
    "/api/assessments/instruments/{slug}/items/{domain}": {"patch"},
    "/api/assessments/rounds/{public_id}/respondents/{number}/resend": {"post"},
    "/api/assessments/rounds": {"get", "post"},
    "/api/assessments/rounds/{public_id}": {"get"},
    "/api/assessments/rounds/{public_id}/results": {"get"},
    "/api/assessments/rounds/{public_id}/close": {"post"},
    "/api/assessments/rounds/{public_id}/actions": {"post"},
    "/api/assessments/rounds/{public_id}/actions/{number}": {"post"},
    "/api/agreements": {"get", "post"},
    "/api/agreements/templates": {"get"},
    "/api/agreements/calendar": {"get", "delete"},
    "/api/agreements/calendar/renew": {"post"},
    "/api/agreements/{public_id}": {"get", "patch"},
    "/api/agreements/{public_id}/versions/{number}": {"get"},
    "/api/agreements/{public_id}/versions/{number}/pdf": {"get"},
    "/api/agreements/{public_id}/diff": {"get"},
    "/api/agreements/{public_id}/calendar": {"get"},
    "/api/agreements/{public_id}/send": {"post"},
    "/api/strategic/partnerships/{public_id}/collaboration": {"get", "patch"},
    "/api/strategic/partnerships/{public_id}/goals": {"get", "post"},
    "/api/strategic/partnerships/{public_id}/goals/{goal_id}": {"get", "patch", "delete"},
    "/api/strategic/partnerships/{public_id}/goals/{goal_id}/indicators": {"post"},
    "/api/strategic/partnerships/{public_id}/indicators/{indicator_id}": {"get", "patch", "delete"},
    "/api/strategic/partnerships/{public_id}/indicators/{indicator_id}/measurements": {"post"},
    "/api/strategic/partnerships/{public_id}/measurements/{measurement_id}": {"delete"},
    "/api/strategic/partnerships/{public_id}/milestones": {"get", "post"},
    "/api/strategic/partnerships/{public_id}/milestones/{milestone_id}": {"get", "patch", "delete"},
    "/api/strategic/partnerships/{public_id}/parties": {"get", "post"},
    "/api/strategic/partnerships/{public_id}/parties/{party_id}": {"patch", "delete"},
    "/api/strategic/partnerships/{public_id}/institutions/{slug}": {"delete"},
    "/api/strategic/partnerships/{public_id}/report": {"get"},
    "/api/strategic/partnerships/{public_id}/report.pdf": {"get"},
    "/api/needs": {"get", "post"},
    "/api/needs/{public_id}": {"get", "patch"},
    "/api/needs/{public_id}/notes": {"get", "post"},
    "/api/needs/{public_id}/matches": {"post"},
    "/api/offers": {"get", "post"},
    "/api/offers/{public_id}": {"get", "patch"},
    "/api/matches": {"get"},
    "/api/matches/{public_id}": {"get"},
    "/api/matches/{public_id}/override": {"post"},
    "/api/matches/{public_id}/withdraw": {"post"},
    "/api/matches/{public_id}/attention": {"get", "put"},
    "/api/organisation-proposals": {"get", "post"},
    "/api/organisation-proposals/{public_id}": {"get", "patch"},
    "/api/organisation-proposals/{public_id}/decision": {"post"},
    "/api/waiting-needs": {"get"},
    "/api/waiting-needs/{public_id}/accept": {"post"},
    "/api/waiting-needs/{public_id}/reject": {"post"},
    "/api/places/campuses": {"get"},
    "/api/places/campuses/{institution}/{campus}/settings": {"get", "patch"},
    "/api/places/campuses/{institution}/{campus}/neighbourhood": {"get"},
    "/api/places/campuses/{institution}/{campus}/collaborations": {"get"},
    "/api/places/campuses/{institution}/{campus}/map": {"get"},
    "/api/places/campuses/{institution}/{campus}/reflex": {"get"},
    "/api/places/campuses/{institution}/{campus}/facilities": {"get", "post"},
    "/api/places/campuses/{institution}/{campus}/booking-requests": {"get"},
    "/api/places/campuses/{institution}/{campus}/events": {"get", "post"},
    "/api/places/facilities/{public_id}": {"get", "patch"},
    "/api/places/facilities/{public_id}/calendar": {"get"},
    "/api/places/booking-requests/{public_id}": {"get", "patch"},
    "/api/places/booking-requests/{public_id}/decision": {"post"},
    "/api/places/events/{public_id}": {"get", "patch"},
    "/api/reflection/workbooks": {"get"},
    "/api/reflection/workbooks/{public_id}": {"get", "patch"},
    "/api/reflection/workbooks/{public_id}/compare": {"get"},
    "/api/reflection/courses/{public_id}/workbooks": {"post"},
    "/api/reflection/questions": {"get", "post"},
    "/api/reflection/questions/{public_id}": {"get", "patch"},
    "/api/reflection/questions/{public_id}/adapt": {"post"},
    "/api/reflection/dilemmas": {"get", "post"},
    "/api/reflection/dilemmas/{public_id}": {"get", "patch"},
    "/api/reflection/dilemmas/{public_id}/adapt": {"post"},
    "/api/reflection/workshops": {"get", "post"},
    "/api/reflection/workshops/{public_id}": {"get"},
    "/api/reflection/workshops/{public_id}/close": {"post"},
    "/api/reflection/cases": {"get"},
    "/api/reflection/cases/{slug}": {"get"},
    "/api/reflection/manage/cases": {"get"},
    "/api/reflection/manage/cases/{public_id}": {"get", "patch"},
    "/api/reflection/manage/cases/{public_id}/preview": {"get"},
    "/api/reflection/manage/cases/{public_id}/publish": {"post"},
    "/api/reflection/manage/cases/{public_id}/unpublish": {"post"},
    "/api/reflection/manage/cases/{public_id}/consents": {"post"},
    "/api/reflection/manage/cases/{public_id}/consents/{organisation_id}": {"delete"},
    "/api/reflection/manage/cases/{public_id}/photos": {"post"},
    "/api/reflection/manage/cases/{public_id}/photos/{photo_id}": {"delete"},
    "/api/reflection/partnerships/{public_id}/cases": {"post"},
    "/api/imports": {"get", "post"},
    "/api/imports/{public_id}": {"get"},
    "/api/imports/{public_id}/rows": {"get"},
    "/api/imports/{public_id}/mapping": {"post"},
    "/api/imports/{public_id}/values": {"get", "post"},
    "/api/imports/{public_id}/decisions": {"post"},
    "/api/imports/{public_id}/confirm": {"post"},
    "/api/imports/{public_id}/undo": {"post"},
    "/api/imports/{public_id}/retry": {"post"},
    "/api/imports/{public_id}/cancel": {"post"},
    "/api/operations/schedule": {"get"},
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
def test_operation_ids_are_unique_and_named_after_the_router_even_when_it_is_a_package(document):
    ids = [operation["operationId"] for _path, _method, operation in operations(document)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"api_routers_[a-z_]+", op_id) for op_id in ids)
    by_route = {(path, method): operation["operationId"] for path, method, operation in operations(document)}
    # Routers split into packages keep the ids they had as one module.
    assert by_route[("/api/needs", "get")] == "api_routers_needs_list_needs"
    assert by_route[("/api/reflection/cases", "get")] == "api_routers_reflection_list_cases"
    assert by_route[("/api/organisations", "get")] == "api_routers_organisations_list_organisations"


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
        "GoalPatch",
        "IndicatorPatch",
        "MilestonePatch",
        "PartyPatch",
        "CollaborationPatch",
        "OfferIn",
        "ProposeIn",
        "OverrideIn",
        "ProposalIn",
        "ProposalDecisionIn",
        "BookingDecisionIn",
        "BookingPatch",
        "FacilityIn",
        "FacilityPatch",
        "EventIn",
        "EventPatch",
        "WorkbookStartIn",
        "WorkbookPatch",
        "QuestionIn",
        "QuestionPatch",
        "DilemmaIn",
        "DilemmaPatch",
        "WorkshopIn",
        "CaseIn",
        "CasePatch",
        "CaseVersionIn",
        "ConsentIn",
        "MappingIn",
        "DecisionsIn",
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


def test_the_document_is_built_once_per_language_and_served_again_from_memory(client, monkeypatch):
    import ninja.main

    from api.api import api

    built: list[str] = []
    real = ninja.main.get_schema

    def counting(**kwargs):
        built.append(kwargs["path_prefix"])
        return real(**kwargs)

    monkeypatch.setattr(ninja.main, "get_schema", counting)
    monkeypatch.setattr(api, "_schemas", {})
    first = client.get("/api/openapi.json", HTTP_ACCEPT_LANGUAGE="nl").content
    again = client.get("/api/openapi.json", HTTP_ACCEPT_LANGUAGE="nl").content
    english = client.get("/api/openapi.json", HTTP_ACCEPT_LANGUAGE="en").content
    assert first == again and json.loads(english)["paths"].keys() == json.loads(first)["paths"].keys()
    assert built == ["/api/", "/api/"]  # Dutch once, English once
