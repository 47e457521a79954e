"""Property-based test of the whole API from its own OpenAPI document.

For every operation, hypothesis generates path parameters (ids of real records and random UUIDs), query
parameters and JSON bodies from the operation's schema (valid values, and now and then values of the wrong
type or out of range), and calls it as a coordinator and anonymously. Whatever it sends, the answer is never
a 5xx and its status code is one the operation declares. Bounded and deterministic: ``MAX_EXAMPLES`` per
operation and persona, ``derandomize=True``.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import ApiToken
from api.api import api
from tests import factories as f

MAX_EXAMPLES = 15
TEXTS = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


def _document() -> dict[str, Any]:
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api"), default=str))


DOCUMENT = _document()
OPERATIONS = [
    (method, path)
    for path, methods in sorted(DOCUMENT["paths"].items())
    for method in sorted(methods)
    if method in {"get", "post", "patch", "put", "delete"}
]


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = DOCUMENT["components"]["schemas"][name]
    return schema


def _wrong() -> st.SearchStrategy[Any]:
    """A value of some other type: the API must answer 422, not 500."""
    return st.one_of(st.none(), st.booleans(), st.integers(), TEXTS, st.lists(st.integers(), max_size=2))


def from_schema(schema: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values for a JSON schema: mostly valid ones (respecting enums and bounds), with a few wrong ones."""
    schema = _resolve(schema)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "const" in schema:
        return st.just(schema["const"])
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in schema:
            return st.one_of([from_schema(option, depth) for option in schema[combinator]])
    kind = schema.get("type")
    if kind == "integer":
        return st.integers(min_value=schema.get("minimum", -(2**31)), max_value=schema.get("maximum", 2**31))
    if kind == "number":
        return st.floats(
            min_value=schema.get("minimum"), max_value=schema.get("maximum"), allow_nan=False, allow_infinity=False
        )
    if kind == "boolean":
        return st.booleans()
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "uuid":
            return st.uuids().map(str)
        if fmt == "date":
            return st.dates().map(lambda d: d.isoformat())
        if fmt == "date-time":
            return st.datetimes().map(lambda d: d.isoformat() + "Z")
        return st.text(max_size=min(schema.get("maxLength", 40), 40))
    if kind == "array":
        if depth > 2:
            return st.just([])
        return st.lists(from_schema(schema.get("items", {}), depth + 1), max_size=3)
    if kind == "object" or "properties" in schema:
        if depth > 2:
            return st.just({})
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        return st.fixed_dictionaries(
            {name: from_schema(sub, depth + 1) for name, sub in properties.items() if name in required},
            optional={name: from_schema(sub, depth + 1) for name, sub in properties.items() if name not in required},
        )
    return _wrong()


def _maybe_wrong(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(strategy, strategy, strategy, _wrong())


def _query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)) or value is None:
        return json.dumps(value)
    return str(value)


@pytest.fixture
def records(world) -> dict[str, list[str]]:
    """Public ids of a record of each kind the coordinator may see (and of one it may not)."""
    relationship = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    f.make_interaction(relationship)
    partnership = f.make_partnership(world.a, [world.org], [world.coord_person])
    course = f.make_course(world.a, [world.faculty_person])
    engagement = f.make_engagement(world.a, organisation=world.org, course=course, partnership=partnership)
    foreign = f.make_partnership(world.b, [world.other_org], [world.outsider_person])
    return {
        "uuids": [
            str(x.public_id)
            for x in (relationship, partnership, course, engagement, world.org, world.faculty_person, foreign)
        ],
    }


def _call(client: Client, headers: dict[str, str], method: str, path: str, query: dict, body: Any) -> Any:
    if method == "get":
        return client.get(path, data=query, headers=headers)
    url = path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json", headers=headers)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
@pytest.mark.django_db
def test_no_operation_answers_a_5xx_or_an_undeclared_status(world, records, method, path):
    operation = DOCUMENT["paths"][path][method]
    declared = set(operation["responses"])
    parameters = operation.get("parameters", [])
    body_schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    _token, key = ApiToken.issue(world.coordinator, "property test")
    personas = {"coordinator": {"Authorization": f"Bearer {key}"}, "anonymous": {}}
    client = Client(raise_request_exception=False)

    path_values = {}
    query_values = {}
    for parameter in parameters:
        schema = parameter.get("schema", {})
        if parameter["in"] == "path":
            if _resolve(schema).get("format") == "uuid" or parameter["name"] == "public_id":
                path_values[parameter["name"]] = st.one_of(st.sampled_from(records["uuids"]), st.uuids().map(str))
            else:
                path_values[parameter["name"]] = _maybe_wrong(from_schema(schema)).map(str)
        elif parameter["in"] == "query":
            query_values[parameter["name"]] = _maybe_wrong(from_schema(schema)).map(_query_value)

    bodies = _maybe_wrong(from_schema(body_schema)) if body_schema else st.just(None)

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        persona=st.sampled_from(sorted(personas)),
        path_params=st.fixed_dictionaries(path_values),
        query=st.fixed_dictionaries({}, optional=query_values),
        body=bodies,
    )
    def check(persona: str, path_params: dict, query: dict, body: Any) -> None:
        url = path
        for name, value in path_params.items():
            url = url.replace("{" + name + "}", str(value).replace("/", "%2F").replace("?", "%3F") or "x")
        response = _call(client, personas[persona], method, url, query, body)
        status = response.status_code
        assert status < 500, (persona, method, url, query, body, response.content[:500])
        assert str(status) in declared, (persona, method, url, query, body, status, response.content[:300])
        if persona == "anonymous":
            assert status in {401, 404}, (method, url, status)

    check()


def test_the_generator_covers_every_operation_of_the_document():
    assert len(OPERATIONS) >= 20
    assert ("get", "/api/reports/network") in OPERATIONS
    assert all(DOCUMENT["paths"][p][m]["responses"] for m, p in OPERATIONS)
    assert str(uuid.UUID(int=0))
