"""The public answer pages: a personal link opens one respondent's questionnaire, without an account.

The token in the address is the only key. It opens this respondent's sheet and nothing else:
no other round, no results, no names. After the answers are sent the link shows that it was
used; after the deadline it says whom to ask. Pages are never cached, so a shared computer
does not keep a copy.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from assessment.models import Instrument, Respondent
from assessment.services import (
    LinkState,
    contact_line,
    link_state,
    respondent_for_token,
    save_draft,
    submit_or_keep_draft,
)
from lib.errors import DomainError
from lib.scoping import unscoped
from web.forms.assessments import answer_sheet, draft_values


def _speak_their_language(request: HttpRequest, respondent: Respondent) -> None:
    # The respondent's mail language, unless they chose another with the language switch.
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and not request.user.is_authenticated:
        translation.activate(respondent.language)
        request.LANGUAGE_CODE = respondent.language


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "web/answer/invalid.html", status=404)


def _closed_page(
    request: HttpRequest, respondent: Respondent, state: str, *, status: int | None = None
) -> HttpResponse:
    round_ = respondent.round
    context = {
        "respondent": respondent,
        "round": round_,
        "contact": contact_line(round_),
        "institution": round_.institution,
    }
    if state == LinkState.ANSWERED:
        return render(request, "web/answer/answered.html", context, status=status or 200)
    return render(request, "web/answer/expired.html", context, status=status or 410)


def _sheet(
    request: HttpRequest,
    respondent: Respondent,
    token: str,
    values: dict[str, Any],
    errors: dict[str, Any] | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    instrument = respondent.round.instrument
    asks_desired = instrument.kind == Instrument.Kind.CURRENT_DESIRED
    rows = answer_sheet(list(instrument.items.all()), asks_desired=asks_desired, values=values, errors=errors)
    context = {
        "respondent": respondent,
        "round": respondent.round,
        "instrument": instrument,
        "asks_desired": asks_desired,
        "rows": rows,
        "token": token,
        "error_count": sum(1 for row in rows if row.has_errors),
        "contact": contact_line(respondent.round),
    }
    return render(request, "web/answer/sheet.html", context, status=status)


@never_cache
@unscoped("a personal link: the token names the respondent")
def answer(request: HttpRequest, token: str) -> HttpResponse:
    respondent = respondent_for_token(token)
    if respondent is None:
        return _not_found(request)
    _speak_their_language(request, respondent)
    state = link_state(respondent)
    if state != LinkState.OPEN:
        # A second post changes nothing; it is told why.
        return _closed_page(
            request, respondent, state, status=409 if request.method == "POST" and state == LinkState.ANSWERED else None
        )
    if request.method != "POST":
        return _sheet(request, respondent, token, draft_values(respondent.draft))
    values = request.POST.dict()
    try:
        if request.POST.get("action") == "draft":
            save_draft(respondent, request.POST)
            return _sheet(request, respondent, token, values)
        submit_or_keep_draft(respondent, request.POST)
    except DomainError as error:
        if getattr(error, "code", None) in ("answered", "expired"):
            respondent.refresh_from_db()
            return _closed_page(request, respondent, link_state(respondent), status=409)
        errors = error.error_dict if hasattr(error, "error_dict") else {}
        flat = {field: [m for e in errs for m in getattr(e, "messages", [str(e)])] for field, errs in errors.items()}
        return _sheet(request, respondent, token, values, flat, status=400)
    return redirect("answer", token)


@never_cache
@require_POST
@unscoped("a personal link: the token names the respondent")
def answer_draft(request: HttpRequest, token: str) -> HttpResponse:
    """Autosave from the sheet (htmx, on every change): answers with the line that says when."""
    respondent = respondent_for_token(token)
    if respondent is None:
        return _not_found(request)
    _speak_their_language(request, respondent)
    try:
        save_draft(respondent, request.POST)
    except DomainError:
        return render(request, "web/answer/_draft_status.html", {"closed": True})
    return render(request, "web/answer/_draft_status.html", {"respondent": respondent})


urlpatterns = [
    path("answer/<str:token>/", answer, name="answer"),
    path("answer/<str:token>/draft/", answer_draft, name="answer-draft"),
]
