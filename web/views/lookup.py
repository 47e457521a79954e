"""Search-as-you-type options for the SearchSelect widget, through the same access scopes as the pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from engagements.models import Course
from matching.models import Offer
from network.models import Organisation, Person
from partnerships.models import Partnership
from web.forms.search_select import LIMIT, search


def _scoped(model: str, user: Any) -> QuerySet[Any]:
    if model == "organisation":
        return Organisation.objects.for_user(user).filter(is_active=True)
    if model == "person":
        return Person.objects.for_user(user).filter(is_active=True)
    if model == "course":
        return Course.objects.for_user(user)
    if model == "partnership":
        return Partnership.objects.for_user(user)
    if model == "offer":
        return Offer.objects.for_user(user).filter(status=Offer.Status.OPEN)
    raise Http404


@login_required
def lookup(request: HttpRequest, model: str) -> HttpResponse:
    queryset = _scoped(model, request.user)
    term = next((v for k, v in request.GET.items() if k == "q" or k.endswith("_q")), "").strip()[:100]
    chosen = [c for c in request.GET.get("chosen", "").split(",") if c]
    options: list[tuple[str, str, bool]] = []
    seen: set[str] = set()
    if chosen:
        try:
            for obj in queryset.filter(public_id__in=chosen[:LIMIT]):
                options.append((str(obj.public_id), str(obj), True))
                seen.add(str(obj.public_id))
        except (ValueError, ValidationError):  # a malformed id is simply not chosen
            options = []
    if term:
        for obj in search(queryset, term)[:LIMIT]:
            if str(obj.public_id) not in seen:
                options.append((str(obj.public_id), str(obj), False))
    return render(
        request,
        "web/widgets/lookup_options.html",
        {
            "options": options,
            "multiple": request.GET.get("multiple") == "1",
            "required": request.GET.get("required") == "1",
        },
    )


urlpatterns = [path("lookup/<str:model>/", lookup, name="lookup")]
