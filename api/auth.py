"""Who is calling: an API token (``Authorization: Bearer <key>``) or a logged-in browser session.

The session counts only for a user who is logged in, and then with Django's
CSRF check on unsafe methods, so that the interactive docs can call the API
but another site cannot make a visitor's browser do so.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from accounts.models import ApiToken, User


def use_language(request: HttpRequest, user: User) -> None:
    """Answer in the language the client asks for in ``Accept-Language``, else in the user's own."""
    if request.headers.get("Accept-Language"):
        language = translation.get_language_from_request(request)
    else:
        language = user.language or translation.get_language()
    translation.activate(language)
    request.LANGUAGE_CODE = language


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ReadOnlyToken(PermissionDenied):
    """A token with the read scope was sent on a request that changes something."""


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = ApiToken.find(token.strip())
        if found is None:
            return None
        user = found.user
        # Services, history and audit read the acting user from the request.
        request.user = user
        use_language(request, user)
        if request.method not in SAFE_METHODS and not found.can_write:
            raise ReadOnlyToken(_("This token may only read. Make a token that may read and write for changes."))
        return user


class SessionAuth(NinjaSessionAuth):
    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            # Nobody logged in: answer 401, not a CSRF refusal.
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        # The language middleware already chose the user's language for a session.
        return user if user.is_authenticated and user.is_active else None  # type: ignore[return-value]


def acting_user(request: HttpRequest) -> User:
    """The authenticated user of an API request."""
    return request.auth  # type: ignore[attr-defined,no-any-return]
