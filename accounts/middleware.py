from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

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
