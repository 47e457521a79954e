"""The partner's answer to a proposal, through the link in its digest mail, without an account.

The link opens this one proposal and nothing else. Accepting walks the partner through the
points of attention first (DOMAIN.md §6); declining asks for a short reason, so the institution
can learn from it. A link works until it is answered, and not after it expires.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import translation
from django.views.decorators.cache import never_cache

from lib.errors import DomainError
from lib.ratelimit import allow
from lib.scoping import unscoped
from matching.models import Match
from matching.services import match_for_token, respond_to_match, response_link_open
from web.forms.matching import RespondForm
from web.forms.partnerships import add_domain_errors

TRIES_PER_HOUR = 60


def _speak_their_language(request: HttpRequest, match: Match) -> None:
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and not request.user.is_authenticated:
        translation.activate(match.need.language)
        request.LANGUAGE_CODE = match.need.language


@never_cache
@unscoped("a personal link: the token names the match")
def match_respond(request: HttpRequest, token: str) -> HttpResponse:
    if not allow(request, "match-respond", limit=TRIES_PER_HOUR, window=3600):
        return render(request, "web/matching/too_many.html", status=429)
    match = match_for_token(token)
    if match is None:
        return render(request, "web/matching/link_invalid.html", status=404)
    _speak_their_language(request, match)
    if not response_link_open(match):
        status = 409 if request.method == "POST" else 200
        if match.status == Match.Status.PROPOSED:
            status = 410
        return render(request, "web/matching/respond_closed.html", {"match": match}, status=status)
    form = RespondForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            match = respond_to_match(
                match,
                accept=accept,
                name=form.cleaned_data["name"],
                decline_reason=form.cleaned_data["decline_reason"],
                decline_kind=form.cleaned_data["decline_kind"],
                attention=form.answers() if accept else None,
            )
        except DomainError as error:
            if getattr(error, "code", None) in ("answered", "expired"):
                match.refresh_from_db()
                return render(request, "web/matching/respond_closed.html", {"match": match}, status=409)
            add_domain_errors(form, error)
        else:
            return render(request, "web/matching/respond_closed.html", {"match": match, "just_now": True})
    status = 400 if form.is_bound else 200
    return render(request, "web/matching/respond.html", {"match": match, "form": form, "token": token}, status=status)


urlpatterns = [path("respond/<str:token>/", match_respond, name="match-respond")]
