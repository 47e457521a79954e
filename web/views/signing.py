"""The public signing page: a personal link opens one version of one agreement, without an account.

The token in the address is the only key. It shows the exact version it was sent for, with its
content hash, and signs that version once. A used link says so; a link to a version that has
since been replaced says that a newer version was sent. Pages are never cached.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import translation
from django.views.decorators.cache import never_cache

from agreements.models import Signatory
from agreements.sections import BALANCE_PARTIES, BALANCE_SIDES, TEXT_SECTIONS, normalise
from agreements.services import LinkState, link_state, sign, signatory_for_token
from lib.errors import DomainError
from lib.scoping import unscoped
from web.forms.agreements import SignForm
from web.forms.partnerships import add_domain_errors


def _speak_their_language(request: HttpRequest, signatory: Signatory) -> None:
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and not request.user.is_authenticated:
        translation.activate(signatory.language)
        request.LANGUAGE_CODE = signatory.language


def _closed(request: HttpRequest, signatory: Signatory, state: str, *, status: int) -> HttpResponse:
    context = {"signatory": signatory, "agreement": signatory.agreement, "state": state}
    return render(request, "web/agreements/sign_closed.html", context, status=status)


def _page(request: HttpRequest, signatory: Signatory, form: SignForm, *, status: int = 200) -> HttpResponse:
    version = signatory.version
    content = normalise(version.content)
    agreement = signatory.agreement
    context: dict[str, Any] = {
        "signatory": signatory,
        "agreement": agreement,
        "version": version,
        "content": content,
        "institution": agreement.institution,
        "sections": [{"label": s.label, "text": content[s.key]} for s in TEXT_SECTIONS],
        "balance": [
            {
                "label": party.label,
                "sides": [
                    {"label": label, "text": content["balance"][party.key][side]} for side, label, *_r in BALANCE_SIDES
                ],
            }
            for party in BALANCE_PARTIES
        ],
        "others": list(
            Signatory.objects.filter(version=version)
            .exclude(pk=signatory.pk)
            .select_related("signature")
            .order_by("party", "id")
        ),
        "form": form,
    }
    return render(request, "web/agreements/sign.html", context, status=status)


@never_cache
@unscoped("a personal link: the token names the signatory")
def agreement_sign(request: HttpRequest, token: str) -> HttpResponse:
    signatory = signatory_for_token(token)
    if signatory is None:
        return render(request, "web/agreements/sign_invalid.html", status=404)
    _speak_their_language(request, signatory)
    state = link_state(signatory)
    if state != LinkState.OPEN:
        return _closed(request, signatory, state, status=409 if request.method == "POST" else 200)
    if request.method != "POST":
        form = SignForm(
            initial={"content_hash": signatory.version.content_hash, "name": signatory.name, "role": signatory.role}
        )
        return _page(request, signatory, form)
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            sign(
                signatory,
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                content_hash=form.cleaned_data["content_hash"],
            )
        except DomainError as error:
            code = getattr(error, "code", None)
            if code in (LinkState.SIGNED, LinkState.SUPERSEDED, LinkState.CLOSED):
                signatory.refresh_from_db()
                return _closed(request, signatory, code, status=409)
            if code == "wrong_version":
                # Show the page again with the version this link is for, and say why.
                data = request.POST.copy()
                data["content_hash"] = signatory.version.content_hash
                form = SignForm(data)
                form.is_valid()
                form.add_error(None, error)
                return _page(request, signatory, form, status=409)
            add_domain_errors(form, error)
        else:
            return redirect("agreement-sign", token)
    return _page(request, signatory, form, status=400)


urlpatterns = [path("sign/<str:token>/", agreement_sign, name="agreement-sign")]
