from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from identity.adapters import second_factor_required

# Where someone who still has to set up a second factor may go: the set-up itself, signing out, static files.
OPEN_PREFIXES = ("/auth/", "/logout/", "/static/", "/language/", "/api/")
SESSION_KEY = "brug_second_factor_due"


def note_second_factor_due(
    sender: object, request: HttpRequest | None = None, user: Any = None, **kwargs: object
) -> None:
    """At sign-in, note whether this person must still set up a second factor, so pages need not ask each time."""
    if request is None or not hasattr(request, "session") or user is None:
        return
    if second_factor_required(user):
        from allauth.mfa.utils import is_mfa_enabled

        if not is_mfa_enabled(user):
            request.session[SESSION_KEY] = True
            return
    request.session.pop(SESSION_KEY, None)


class SecondFactorRequiredMiddleware:
    """A coordinator or administrator whose institution requires a second factor sets one up before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY) and not request.path.startswith(OPEN_PREFIXES):
            from allauth.mfa.utils import is_mfa_enabled

            user = request.user
            if user.is_authenticated and not is_mfa_enabled(user):
                messages.warning(request, _("Your institution requires a second factor: set up an authenticator app."))
                return redirect("mfa_activate_totp")
            session.pop(SESSION_KEY, None)
        return self.get_response(request)


class SignInAnswerMiddleware:
    """A SAML answer that belongs to no sign-in started in this browser (replayed, or its sign-in was used
    already) makes allauth refuse with a bare 403; the person gets the clear "did not succeed" page instead."""

    VIEWS = {"saml_finish_acs"}

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        match = getattr(request, "resolver_match", None)
        if not isinstance(exception, PermissionDenied) or match is None or match.url_name not in self.VIEWS:
            return None
        from identity.adapters import answer_refused

        return answer_refused(request)
