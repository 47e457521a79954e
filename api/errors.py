"""Errors as JSON, in the user's language, with the same shape everywhere (see ``ErrorOut``).

Services raise ``DomainError`` (400) and ``ConflictError`` (409); the access
helpers raise ``PermissionDenied`` (403) and ``Http404`` (404); ninja raises
its own validation error (422) when a request does not fit the schema.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

from api.schemas import ErrorOut
from lib.errors import ConflictError

# Where a request's parameters come from; dropped from the field names of 422 answers.
PARAMETER_SOURCES = {"query", "path", "header", "cookie", "form", "file"}


def messages_by_field(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
    return {NON_FIELD_ERRORS: [str(m) for m in error.messages]}


def _answer(api: NinjaAPI, request: HttpRequest, status: int, detail: str, errors: Any = None) -> HttpResponse:
    return api.create_response(request, {"detail": str(detail), "errors": errors or {}}, status=status)


def register_error_handlers(api: NinjaAPI) -> None:
    """Install the handlers on ``api``; the most specific exception class wins."""

    def domain_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        errors = messages_by_field(exc)
        detail = " ".join(message for messages in errors.values() for message in messages)
        return _answer(api, request, 400, detail, errors)

    def conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
        errors = messages_by_field(exc)
        detail = " ".join(message for messages in errors.values() for message in messages)
        return _answer(api, request, 409, detail, {"version": [detail]})

    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        from api.auth import ReadOnlyToken

        if isinstance(exc, ReadOnlyToken):
            return _answer(api, request, 403, str(exc))
        # A service that refuses says why (``network.contacts``); the access helpers say nothing more.
        return _answer(api, request, 403, str(exc.args[0]) if exc.args else _("Your role does not allow this."))

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _answer(api, request, 404, _("Not found."))

    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = _answer(
            api, request, 401, _("Log in, or send an API token in the header “Authorization: Bearer <token>”.")
        )
        response["WWW-Authenticate"] = 'Bearer realm="brug"'
        return response

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 403:
            # Ninja's own refusal: a logged-in browser session without a valid CSRF token.
            return _answer(api, request, 403, _("The CSRF token is missing or wrong: reload the page and try again."))
        if exc.status_code == 400:
            return _answer(api, request, 400, _("The request body is not valid JSON."))
        return _answer(api, request, exc.status_code, str(exc))

    def integrity(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        # A safety net: services validate first, but a rule only the database checks must not become a 500.
        return _answer(
            api,
            request,
            400,
            _(
                "This change breaks a rule of the data, for example an end date before the start date. "
                "Nothing was saved."
            ),
        )

    def invalid(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            loc = [str(part) for part in error.get("loc", ())]
            if loc and loc[0] == "body":
                loc = loc[2:] if len(loc) > 2 else loc[1:]
            elif loc and loc[0] in PARAMETER_SOURCES:
                loc = loc[1:]
            errors.setdefault(".".join(loc) or NON_FIELD_ERRORS, []).append(str(error.get("msg", "")))
        return _answer(api, request, 422, _("Some fields are missing or have the wrong type."), errors)

    api.add_exception_handler(DjangoValidationError, domain_error)
    api.add_exception_handler(ConflictError, conflict)
    api.add_exception_handler(PermissionDenied, forbidden)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(AuthenticationError, unauthorized)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(SchemaValidationError, invalid)
    api.add_exception_handler(IntegrityError, integrity)


def codes(ok: dict[int, Any], *errors: int) -> dict[int, Any]:
    """A ``response=`` mapping: the success schemas plus ``ErrorOut`` for each error status.

    Every endpoint may answer 401 (no or a bad token) and 422 (parameters or
    body do not fit the schema); the other error statuses are named per endpoint.
    """
    mapping = dict(ok)
    for status in sorted({401, 422, *errors}):
        mapping[status] = ErrorOut
    return mapping
