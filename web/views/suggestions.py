"""Ranked suggestions: the institution's best offers for a need, and the best needs for an offer, each with
every reason and its points, and a button to propose the match."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from accounts.access import get_for_user_or_404, require
from lib.errors import DomainError
from matching.loaders import suggestions_for_need, suggestions_for_offer
from matching.models import Match, Need, Offer
from matching.services import default_channel

TOP = 10
LIVE = ("proposed", "held", "accepted")


def _rows(request: HttpRequest, ranked: list[Any], models: dict[str, Any], *, propose_perm_obj: Any) -> list[dict]:
    user: Any = request.user
    rows = []
    for number, one in enumerate(ranked, start=1):
        model = models.get(one.public_id)
        if model is None:  # changed since the index was read
            continue
        rows.append(
            {
                "number": number,
                "model": model,
                "score": one.score,
                "reasons": one.reasons,
                "can_propose": user.has_perm("matching.propose_match", propose_perm_obj(model)),
            }
        )
    return rows


@login_required
def need_suggestions(request: HttpRequest, public_id: Any) -> HttpResponse:
    user: Any = request.user
    need = get_for_user_or_404(Need.objects.for_user(user).select_related("organisation"), public_id=public_id)
    require(user, "matching.view_suggestions")
    is_open = need.status == Need.Status.OPEN
    refused = ""
    try:
        ranked = suggestions_for_need(need, user.institution, limit=TOP) if is_open else []
    except DomainError as error:
        ranked, refused = [], error.messages[0]
    offers = Offer.objects.for_user(user).filter(public_id__in=[r.public_id for r in ranked]).select_related("campus")
    rows = _rows(request, ranked, {str(o.public_id): o for o in offers}, propose_perm_obj=lambda offer: offer)
    proposed = set(
        Match.objects.filter(need=need, offer__in=[r["model"] for r in rows], status__in=LIVE).values_list(
            "offer__public_id", flat=True
        )
    )
    for row in rows:
        row["need"], row["offer"] = need, row["model"]
        row["proposed"] = row["model"].public_id in proposed
    context = {
        "nav": "needs",
        "need": need,
        "rows": rows,
        "is_open": is_open,
        "refused": refused,
        "channel": default_channel(user),
        "can_tune": user.has_perm("matching.view_matching_weights"),
    }
    return render(request, "web/suggestions/need.html", context)


@login_required
def offer_suggestions(request: HttpRequest, public_id: Any) -> HttpResponse:
    user: Any = request.user
    offer = get_for_user_or_404(
        Offer.objects.for_user(user).select_related("campus", "institution"), public_id=public_id
    )
    require(user, "matching.view_suggestions")
    is_open = offer.status == Offer.Status.OPEN
    ranked = suggestions_for_offer(offer, limit=TOP) if is_open else []
    needs = (
        Need.objects.for_user(user).filter(public_id__in=[r.public_id for r in ranked]).select_related("organisation")
    )
    rows = _rows(request, ranked, {str(n.public_id): n for n in needs}, propose_perm_obj=lambda _need: offer)
    proposed = set(
        Match.objects.filter(offer=offer, need__in=[r["model"] for r in rows], status__in=LIVE).values_list(
            "need__public_id", flat=True
        )
    )
    for row in rows:
        row["need"], row["offer"] = row["model"], offer
        row["proposed"] = row["model"].public_id in proposed
    context = {
        "nav": "offers",
        "offer": offer,
        "rows": rows,
        "is_open": is_open,
        "channel": default_channel(user),
        "can_tune": user.has_perm("matching.view_matching_weights"),
    }
    return render(request, "web/suggestions/offer.html", context)


urlpatterns = [
    path("needs/<uuid:public_id>/suggestions/", need_suggestions, name="need-suggestions"),
    path("offers/<uuid:public_id>/suggestions/", offer_suggestions, name="offer-suggestions"),
]
