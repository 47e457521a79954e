"""Offer pages: what a course or programme can provide in a period, for its own institution's staff."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from accounts.access import get_for_user_or_404, require
from lib.errors import DomainError
from lib.pagination import paginate
from matching.models import Match, Offer
from matching.services import post_offer, update_offer
from web.forms.matching import OfferFilterForm, OfferForm
from web.forms.partnerships import add_domain_errors
from web.views.needs import suggestions_url


@login_required
def offer_list(request: HttpRequest) -> HttpResponse:
    visible = Offer.objects.for_user(request.user)
    filters = OfferFilterForm(request.GET or None)
    offers = filters.filter(visible).select_related("course", "campus")
    context = {
        "nav": "offers",
        "filters": filters,
        "page": paginate(request, offers),
        "can_add": request.user.has_perm("matching.add_offer") and request.user.institution_id,
    }
    return render(request, "web/matching/offer_list.html", context)


def _get_offer(request: HttpRequest, public_id: Any) -> Offer:
    queryset = Offer.objects.for_user(request.user).select_related("institution", "course", "campus")
    return get_for_user_or_404(queryset, public_id=public_id)


@login_required
def offer_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    user: Any = request.user
    offer = _get_offer(request, public_id)
    matches = Match.objects.for_user(user).filter(offer=offer).select_related("need__organisation")
    context = {
        "nav": "offers",
        "offer": offer,
        "themes": list(offer.themes.all()),
        "target_groups": list(offer.target_groups.all()),
        "matches": list(matches.order_by("-proposed_at")[:50]),
        "can_change": user.has_perm("matching.change_offer", offer),
        "suggestions_url": suggestions_url("offer-suggestions", offer.public_id),
    }
    return render(request, "web/matching/offer_detail.html", context)


def _render_form(request: HttpRequest, form: OfferForm, offer: Offer | None) -> HttpResponse:
    if not form.is_bound:
        status = 200
    elif form.has_error("__all__", "conflict"):
        status = 409
    else:
        status = 400
    return render(
        request, "web/matching/offer_form.html", {"nav": "offers", "form": form, "offer": offer}, status=status
    )


@login_required
def offer_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require(user, "matching.add_offer")
    if user.institution is None:
        raise Http404
    form = OfferForm(request.POST or None, institution=user.institution, initial={"language": user.language or "nl"})
    if request.method == "POST" and form.is_valid():
        try:
            offer = post_offer(by=user, institution=user.institution, **form.service_fields())
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Offer saved."))
            return redirect("offer-detail", offer.public_id)
    return _render_form(request, form, None)


@login_required
def offer_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    offer = _get_offer(request, public_id)
    require(request.user, "matching.change_offer", offer)
    form = OfferForm(
        request.POST or None, institution=offer.institution, editing=True, initial=OfferForm.initial_for(offer)
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_offer(offer, by=request.user, expected_version=form.cleaned_data["version"], **form.service_fields())
        except DomainError as error:
            add_domain_errors(form, error)
            offer.refresh_from_db()
        else:
            messages.success(request, _("Offer saved."))
            return redirect("offer-detail", offer.public_id)
    return _render_form(request, form, offer)


urlpatterns = [
    path("offers/", offer_list, name="offer-list"),
    path("offers/new/", offer_create, name="offer-create"),
    path("offers/<uuid:public_id>/", offer_detail, name="offer-detail"),
    path("offers/<uuid:public_id>/edit/", offer_edit, name="offer-edit"),
]
