import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from lib.scoping import user_scope


class UserLanguageMiddleware:
    """A logged-in user's chosen language (set by the language switch) wins over the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class ScopeMiddleware:
    """Every query of an institution-owned model in a request sees only what the request's user
    may see (``lib.scoping``): a view that forgets ``for_user`` fails closed. The user is read
    when a query is built, so the API's token user (set by ``api.auth``) counts too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with user_scope(lambda: getattr(request, "user", None)):
            return self.get_response(request)


class SessionIdleTimeoutMiddleware:
    """Sign out a session left unused for ``BRUG_SESSION_IDLE_MINUTES``.

    The last activity is written to the session at most once a minute, so that
    a page with many requests does not write the session on each of them.
    """

    KEY = "brug_last_seen"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        idle_minutes = settings.BRUG_SESSION_IDLE_MINUTES
        if user is not None and user.is_authenticated and idle_minutes and hasattr(request, "session"):
            now = int(time.time())
            last_seen = request.session.get(self.KEY)
            if last_seen is not None and now - last_seen > idle_minutes * 60:
                logout(request)
                messages.info(request, _("You were signed out after a while without activity. Sign in again."))
            elif last_seen is None or now - last_seen >= 60:
                request.session[self.KEY] = now
        return self.get_response(request)


def note_sign_in_time(sender: object, request: HttpRequest | None = None, **kwargs: object) -> None:
    """Start the idle clock with the sign-in itself, so that the first page after it writes no session."""
    if request is not None and hasattr(request, "session"):
        request.session[SessionIdleTimeoutMiddleware.KEY] = int(time.time())
