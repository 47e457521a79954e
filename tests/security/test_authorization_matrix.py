"""The generated authorization test (issue 13, "How we will know").

Every URL pattern of the web app and every operation of ``/api/openapi.json`` is requested as seven
personas: anonymous, a student, a lecturer and the coordinator of the owning institution A, the
coordinator of institution B, a partner of B's organisation, and the superuser; with real ids of A's
records (built through the services in ``matrix_data``). It asserts

- the status class: anonymous is sent to the login page (401 on the API) except on the public pages
  listed below; whoever cannot see a record the URL names gets 404 (an outsider) or 403/404 (a too-low
  role of A); A's coordinator and the superuser are let in; nobody ever gets a 5xx;
- that no private text (``MARKER-...`` in contact summaries, internal notes, reflection answers and
  partnership titles) of a record a persona may not see appears in what it is sent;
- for writes (POST, PATCH, PUT, DELETE): anonymous and whoever cannot see the record are refused, and
  nothing changes.

A route whose URL has a part the matrix cannot fill fails (see ``FILL``): add how to get a real id.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import models, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from api.api import api
from audit.models import AuditEntry
from lib.scoping import unscoped
from matching.models import Need
from tests.security.matrix_data import build

PERSONAS = ("anonymous", "student", "lecturer", "coordinator", "other_coordinator", "other_partner", "admin")
OUTSIDERS = ("other_coordinator", "other_partner")
LET_IN = ("coordinator", "admin")

# Pages anyone may open: a personal link, a join code, the public forms and the public practice examples.
PUBLIC_WEB = {
    "login",
    "logout",
    "set-language",
    "answer",
    "answer-draft",
    "agreement-calendar-user",
    "agreement-calendar-partnership",
    "agreement-sign",
    "workshop-join",
    "workshop-participate",
    "workshop-participant-group",
    "workshop-participant-spread",
    "case-list",
    "case-detail",
    "case-photo",
    "public-facility",
    "public-booking-request",
    "public-booking-sent",
    "public-campus",
    "need-post",
    "need-posted",
    "need-confirm",
    "match-respond",
    "contact-confirm",
    "privacy",
    "partner-overview-link",
    "partner-link-step",
    "healthz",
    "readyz",
}
PUBLIC_API: set[str] = set()

# Sign-in pages (django-allauth's own under /auth/, and Brug's institution and invitation pages): they
# answer every persona in their own way (a signed-in visitor is sent on, an unknown key is told so), so
# only what holds for every page is checked: never a 5xx, no private text, and an empty post writes nothing.
SIGN_IN_EXTRA = {"institution-sign-in", "invitation-accept"}


def is_sign_in(name: str, template: str) -> bool:
    return template.startswith("auth/") or name in SIGN_IN_EXTRA


def sign_in_url(template: str) -> str:
    """A sign-in route with made-up keys (a regular expression's groups or a converter's part)."""
    url = re.sub(r"\(\?P<\w+>[^)]*\)", "unknown", template).replace("^", "").replace("$", "")
    return "/" + re.sub(r"<(?:\w+:)?\w+>", "unknown", url)


# Pages that A's coordinator and the superuser may see every record of, yet are not for them, and why.
NOT_LET_IN: dict[str, str] = {
    "my-quiet-periods": "a partner's own quiet periods; the office enters them on the organisation's page",
    "need-note-add": "the form posts from the need's page; there is nothing to GET",
    "proposal-create": "students propose organisations; the office decides",
    "proposal-edit": "only the student who proposed it edits a proposal",
    "partner-home": "a partner's own page of what is asked of its organisation; staff have the dashboard",
}

# Pages that name their subject in the query string: route name -> (query, record).
QUERY: dict[str, Callable[[Any], tuple[str, Any]]] = {
    "agreement-create": lambda m: (f"?partnership={m.a.ns.partnership.public_id}", m.a.ns.partnership),
    "case-create": lambda m: (f"?partnership={m.a.ns.partnership.public_id}", m.a.ns.partnership),
}

# API operations that compare or choose by query parameters: template -> query.
API_QUERY = {"/api/agreements/{public_id}/diff": "?old=1&new=1"}

# Personal links whose POST is the permission itself: the token holder may write.
TOKEN_WRITES = {
    "need-confirm": "posting the mailed link confirms the need",
    "contact-confirm": "posting the mailed link confirms the organisation's mail address",
}

# A personal feed link is read as its owner: check what it shows against what the owner may see.
TOKEN_HOLDER = {"agreement-calendar-user": "coordinator", "agreement-calendar-partnership": "coordinator"}
# The digest's overview link is read as the organisation's own partner.
TOKEN_HOLDER.update({"partner-overview-link": "own_partner", "partner-link-step": "own_partner"})


# How to fill each part of a URL: (the path segment before it, its name) -> the record of A it names.
# ``"*"`` as segment: whatever comes before.
def _ns(name: str) -> Callable[[Any], Any]:
    return lambda m: getattr(m.a.ns, name)


PUBLIC_ID_OF = {
    "imports": "import_job",
    "organisations": "org",
    "people": "faculty_person",
    "relationships": "relationship",
    "partnerships": "partnership",
    "courses": "course",
    "engagements": "engagement",
    "assessments": "round",
    "rounds": "round",
    "agreements": "agreement",
    "workbooks": "workbook",
    "questions": "question",
    "dilemmas": "dilemma",
    "workshops": "workshop",
    "cases": "case",
    "facilities": "facility",
    "booking-requests": "booking",
    "neighbourhood-events": "event",
    "events": "event",
    "needs": "need",
    "offers": "offer",
    "matches": "match",
    "mail": "mail",
    "waiting-needs": "waiting_need",
    "organisation-proposals": "proposal",
}

FILL: dict[tuple[str, str], Callable[[Any], Any]] = {
    **{(segment, "public_id"): _ns(name) for segment, name in PUBLIC_ID_OF.items()},
    ("start", "course_id"): _ns("course"),
    ("providers", "slug"): lambda m: (m.a.ns.identity_provider.slug, m.a.ns.identity_provider),
    ("parties", "party_id"): _ns("party"),
    ("goals", "goal_id"): _ns("goal"),
    ("indicators", "indicator_id"): _ns("indicator"),
    ("measurements", "measurement_id"): _ns("measurement"),
    ("milestones", "milestone_id"): _ns("milestone"),
    ("institutions", "institution_id"): lambda m: m.b.ns.institution.pk,
    ("institutions", "slug"): lambda m: m.b.ns.institution.slug,
    ("consents", "organisation_id"): _ns("org"),
    ("photos", "photo_id"): _ns("photo"),
    ("quiet-periods", "pk"): _ns("quiet_period"),
    ("quiet-periods", "period_id"): _ns("quiet_period"),
    ("criteria", "pk"): _ns("criterion"),
    ("criteria", "criterion_id"): _ns("criterion"),
    ("instruments", "slug"): lambda m: (m.a.ns.instrument.slug, m.a.ns.instrument),
    ("items", "domain"): lambda m: m.a.ns.instrument.items.order_by("pk").first().domain,
    ("cases", "slug"): lambda m: m.a.ns.case.slug,
    ("versions", "number"): lambda m: 1,
    ("actions", "number"): lambda m: 1,
    ("respondents", "number"): lambda m: 1,
    ("campuses", "institution"): lambda m: m.a.ns.institution.slug,
    ("open-campus", "institution"): lambda m: m.a.ns.institution.slug,
    ("*", "campus"): lambda m: m.a.ns.campus.slug,
    ("tokens", "prefix"): lambda m: m.a.ns.token.prefix,
    ("lookup", "model"): lambda m: "partnership",
    ("export", "name"): lambda m: "partnerships",
    ("exports", "name"): lambda m: "partnerships",
    ("*", "fmt"): lambda m: "csv",
    ("answer", "token"): lambda m: m.a.ns.answer_token,
    ("sign", "token"): lambda m: m.a.ns.sign_token,
    ("agreements", "token"): lambda m: m.a.ns.calendar_token,
    ("partnership", "token"): lambda m: m.a.ns.partnership_calendar_token,
    ("confirm", "token"): lambda m: m.a.ns.confirm_token,
    ("respond", "token"): lambda m: m.a.ns.respond_token,
    ("join", "code"): lambda m: m.a.ns.workshop.code,
}

# A part that the segment before it does not tell apart: route name -> {part: how to fill it}.
FILL_ROUTE: dict[str, dict[str, Callable[[Any], Any]]] = {
    "contact-confirm": {"token": lambda m: m.a.ns.contact_token},
    "need-accept": {"public_id": _ns("waiting_need")},
    "partner-step": {"action": lambda m: "respond", "ref": lambda m: (m.a.ns.match.pk, m.a.ns.match)},
    "partner-link-step": {
        "token": _ns("overview_token"),
        "action": lambda m: "respond",
        "ref": lambda m: (m.a.ns.match.pk, m.a.ns.match),
    },
    "partner-overview-link": {"token": _ns("overview_token")},
    "need-reject": {"public_id": _ns("waiting_need")},
}

# The probes answer before the URLconf (``brug.probes.ProbesMiddleware``): requested like its routes.
PROBES = [("healthz", "healthz"), ("readyz", "readyz")]

PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\{(\w+)\}")


# The routes --------------------------------------------------------------------------------------


def _web_routes() -> Iterator[tuple[str, str]]:
    def walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if route.startswith(("admin/", "api/")):
                    continue  # the admin is Django's; the API is read from its OpenAPI document
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield pattern.name or route, route

    yield from walk(get_resolver().url_patterns, "")


def _api_operations() -> Iterator[tuple[str, str, str]]:
    for path, item in api.get_openapi_schema()["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation.get("operationId", path)


WEB = sorted([*_web_routes(), *PROBES])
API = sorted(_api_operations())


def _value(template: str, before: str, name: str, matrix: Any, records: list[Any], route: str = "") -> str:
    getter = FILL_ROUTE.get(route, {}).get(name) or FILL.get((before, name)) or FILL.get(("*", name))
    if getter is None:
        pytest.fail(f"{template}: the matrix cannot fill <{name}> after {before!r}; add it to FILL")
    value = getter(matrix)
    if isinstance(value, tuple):
        value, record = value
        records.append(record)
    elif isinstance(value, models.Model):
        records.append(value)
        value = getattr(value, "public_id", value.pk)
    return str(value)


def fill(template: str, matrix: Any, name: str = "") -> tuple[str, list[Any]]:
    """The URL with A's real ids, and the records it names."""
    if is_sign_in(name, template):
        return sign_in_url(template), []
    records: list[Any] = []
    query = ""
    if name in QUERY:
        query, record = QUERY[name](matrix)
        records.append(record)
    segments = template.strip("/").split("/")
    out: list[str] = []
    for index, segment in enumerate(segments):
        # "<token>.ics" is named by the segment before it; "partnership-grid.<fmt>" by its own start.
        own_start = PARAM.split(segment)[0].rstrip(".")
        before = own_start or (segments[index - 1] if index else "")
        out.append(
            PARAM.sub(
                lambda m, before=before: _value(template, before, m.group(1) or m.group(2), matrix, records, name),
                segment,
            )
        )
    path = "/" + "/".join(out)
    return (path + "/" if template.endswith("/") else path) + query, records


# The data ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def matrix(django_db_setup: None, django_db_blocker: Any) -> Iterator[Any]:
    """Built once per module inside a transaction that is rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        data = build()
        data.clients = {name: _client(user) for name, user in data.personas.items()}
        yield data
        transaction.set_rollback(True)


def _client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user.is_authenticated:
        client.force_login(user)
    return client


def sees(persona: Any, record: Any) -> bool:
    """Whether ``persona`` may see ``record``: its model's visibility, or its institution's if it has none.
    A child record without either (a goal, a party) is judged by the parent the same URL names."""
    if not persona.is_authenticated:
        return False
    if isinstance(record, Need) and record.status == Need.Status.PENDING:
        # A need from the public form that waits for acceptance has its own rule past the directory's
        # scope: every office, and the organisation it names (matching.access.waiting_need_scope).
        return Need.objects.waiting_for(persona).filter(pk=record.pk).exists()
    if persona.is_superuser:
        return True
    manager = type(record)._default_manager
    with unscoped("the matrix's own check of what a persona may see"):
        if hasattr(manager.get_queryset(), "for_user"):
            return manager.get_queryset().for_user(persona).filter(pk=record.pk).exists()
    if not hasattr(record, "institution_id"):
        return True
    return bool(persona.institution_id and persona.institution_id == record.institution_id)


def forbidden_markers(matrix: Any, persona: Any) -> list[str]:
    return [marker.text for marker in matrix.markers if not sees(persona, marker.owner)]


def fingerprint() -> tuple[int, ...]:
    """Row counts that any write would change (every write also leaves an audit entry)."""
    from django.apps import apps

    with unscoped("the matrix counts every row to see that nothing changed"):
        counted = [AuditEntry] + [
            model
            for model in apps.get_models()
            if model._meta.app_label
            in {"network", "partnerships", "engagements", "agreements", "assessment", "matching", "places"}
            or model._meta.app_label in {"reflection", "imports", "accounts"}
        ]
        return tuple(model._default_manager.count() for model in counted if not model._meta.proxy)


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def check_markers(matrix: Any, name: str, url: str, response: Any) -> None:
    body = _body(response)
    for text in forbidden_markers(matrix, matrix.personas[name]):
        assert text not in body, f"{name} sees {text} at {url}"


# The tests ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "template"), WEB, ids=[name for name, _t in WEB])
def test_every_web_page_answers_each_persona_as_its_role_and_visibility_say(matrix, db, name, template):
    url, records = fill(template, matrix, name)
    for persona in PERSONAS:
        user = matrix.personas[persona]
        response = matrix.clients[persona].get(url)
        status = response.status_code
        where = f"GET {url} ({name}) as {persona}: {status}"
        assert status < 500, where
        check_markers(matrix, TOKEN_HOLDER.get(name, persona), url, response)
        hidden = [r for r in records if not sees(user, r)]
        if status == 405 or name in PUBLIC_WEB or is_sign_in(name, template):
            continue  # a POST-only route refuses every GET alike; a public page answers everyone alike
        if persona == "anonymous":
            assert status == 302 and "/login/" in response["Location"], where
        elif hidden and persona == "other_coordinator":
            assert status == 404, where  # the same role elsewhere: it must not learn the record exists
        elif hidden:
            assert status in (403, 404), where  # a partner or a student is refused by role or by visibility
        elif persona in LET_IN and name not in NOT_LET_IN:
            assert status < 400, where


@pytest.mark.parametrize(("name", "template"), WEB, ids=[name for name, _t in WEB])
def test_no_web_post_from_anonymous_or_an_outsider_changes_anything(matrix, db, name, template):
    url, records = fill(template, matrix, name)
    for persona in ("anonymous", *OUTSIDERS):
        user = matrix.personas[persona]
        hidden = [r for r in records if not sees(user, r)]
        if persona != "anonymous" and not hidden and name not in PUBLIC_WEB and not is_sign_in(name, template):
            continue
        before = fingerprint()
        # A client of its own: a post to /logout/ or /language/ must not change the shared clients' sessions.
        response = _client(user).post(url, {})
        where = f"POST {url} ({name}) as {persona}: {response.status_code}"
        assert response.status_code < 500, where
        if name in PUBLIC_WEB or is_sign_in(name, template):
            pass  # a public form answers an empty post with its messages; it still must not write anything
        elif persona == "anonymous":
            assert response.status_code in (302, 405) and "/login/" in response.get("Location", "/login/"), where
        else:
            assert response.status_code in (403, 404, 405), where
        if name not in TOKEN_WRITES:
            assert fingerprint() == before, where
        check_markers(matrix, TOKEN_HOLDER.get(name, persona), url, response)


@pytest.mark.parametrize(("method", "template", "operation"), API, ids=[f"{m} {p}" for m, p, _o in API])
def test_every_api_operation_answers_each_persona_as_its_role_and_visibility_say(
    matrix, db, method, template, operation
):
    url, records = fill(template, matrix)
    url += API_QUERY.get(template, "")
    for persona in PERSONAS:
        user = matrix.personas[persona]
        hidden = [r for r in records if not sees(user, r)]
        before = fingerprint() if method != "GET" else None
        if method == "GET":
            response = matrix.clients[persona].get(url)
        elif persona == "anonymous" or hidden:
            response = matrix.clients[persona].generic(method, url, "{}", content_type="application/json")
        else:
            continue  # writes by who may see the record are the API tests' own business
        status = response.status_code
        where = f"{method} {url} as {persona}: {status}"
        assert status < 500, where
        check_markers(matrix, persona, url, response)
        if persona == "anonymous" and operation not in PUBLIC_API:
            assert status == 401, where
        elif hidden and persona == "other_coordinator":
            assert status in ((404,) if method == "GET" else (403, 404, 422)), where
        elif hidden:
            assert status in (403, 404, 422), where
        elif method == "GET" and persona in LET_IN and operation not in NOT_LET_IN:
            assert status < 400, where
        if before is not None:
            assert fingerprint() == before, where


def test_the_matrix_knows_how_to_fill_every_route(matrix, db):
    """A new route with a part the matrix cannot fill fails here, before any request is made."""
    for name, template in WEB:
        fill(template, matrix, name)
    for _method, template, _operation in API:
        fill(template, matrix)
