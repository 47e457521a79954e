from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from identity.adapters import second_factor_required

# Where someone who still has to set up a second factor may go: the set-up itself, signing out, static files.
OPEN_PREFIXES = ("/auth/", "/logout/", "/static/", "/i18n/", "/language/")


class SecondFactorRequiredMiddleware:
    """A coordinator or administrator whose institution requires a second factor sets one up before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and not request.path.startswith("/api/")
            and second_factor_required(user)
        ):
            from allauth.mfa.utils import is_mfa_enabled

            if not is_mfa_enabled(user):
                messages.warning(request, _("Your institution requires a second factor: set up an authenticator app."))
                return redirect("mfa_activate_totp")
        return self.get_response(request)
