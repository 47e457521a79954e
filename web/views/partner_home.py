"""The partner's page: everything every institution asks of its organisation, with what to do.

A signed-in partner user finds it as its home; a partner without an account opens the same overview
through the personal link of its digest mail. Each step (answer a proposal, sign, answer an
assessment) opens the personal page it belongs to, or mails that person their own link again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lib.errors import DomainError
from lib.ratelimit import allow
from network.models import Organisation
from reports.partner_overview import NotOurs, open_step, organisation_for_link, partner_overview

STEPS = ("respond", "sign", "answer", "resend-sign", "resend-answer")
TRIES_PER_HOUR = 60


def _own_organisation(user: Any) -> Organisation:
    if not getattr(user, "is_partner", False) or not user.organisation_id:
        raise Http404
    return Organisation.objects.for_user(user).get(pk=user.organisation_id)


def _render(request: HttpRequest, organisation: Organisation, *, reader_email: str, token: str = "") -> HttpResponse:
    overview = partner_overview(organisation, reader_email=reader_email, links=not token)
    context = {"nav": "partner-home", "overview": overview, "token": token, "signed_in": not token}
    return render(request, "web/partner/home.html", context)


def _step(request: HttpRequest, organisation: Organisation, action: str, ref: int, *, reader_email: str, back: str):
    if action not in STEPS:
        raise Http404
    user = request.user if request.user.is_authenticated else None
    try:
        target = open_step(organisation, action=action, ref=ref, reader_email=reader_email, by=user)
    except NotOurs as missing:
        raise Http404 from missing
    except DomainError as error:
        messages.error(request, " ".join(str(m) for m in error.messages))
        return redirect(back)
    if target is None:
        messages.success(request, _("A new personal link is on its way to that person's own e-mail address."))
        return redirect(back)
    return redirect(target)


@login_required
def partner_home(request: HttpRequest) -> HttpResponse:
    organisation = _own_organisation(request.user)
    return _render(request, organisation, reader_email=request.user.email)


@login_required
@require_POST
def partner_step(request: HttpRequest, action: str, ref: int) -> HttpResponse:
    organisation = _own_organisation(request.user)
    return _step(request, organisation, action, ref, reader_email=request.user.email, back=reverse("partner-home"))


@never_cache
def partner_overview_link(request: HttpRequest, token: str) -> HttpResponse:
    if not allow(request, "partner-overview", limit=TRIES_PER_HOUR, window=3600):
        return render(request, "web/matching/too_many.html", status=429)
    organisation = organisation_for_link(token)
    if organisation is None:
        return render(request, "web/matching/link_invalid.html", status=404)
    return _render(request, organisation, reader_email="", token=token)


@never_cache
@require_POST
def partner_link_step(request: HttpRequest, token: str, action: str, ref: int) -> HttpResponse:
    if not allow(request, "partner-overview", limit=TRIES_PER_HOUR, window=3600):
        return render(request, "web/matching/too_many.html", status=429)
    organisation = organisation_for_link(token)
    if organisation is None:
        return render(request, "web/matching/link_invalid.html", status=404)
    # Through a shared link the reader is not known: personal steps are mailed to their own person.
    if action in ("sign", "answer"):
        action = f"resend-{action}"
    back = reverse("partner-overview-link", args=[token])
    return _step(request, organisation, action, ref, reader_email="", back=back)


urlpatterns = [
    path("partner/", partner_home, name="partner-home"),
    path("partner/steps/<slug:action>/<int:ref>/", partner_step, name="partner-step"),
    path("partner/link/<str:token>/", partner_overview_link, name="partner-overview-link"),
    path("partner/link/<str:token>/steps/<slug:action>/<int:ref>/", partner_link_step, name="partner-link-step"),
]
