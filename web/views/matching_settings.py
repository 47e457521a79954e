"""The institution's matching weights: tune them and watch a chosen need's ranking change.

With htmx the preview is drawn again on every change; without JavaScript the "Preview" button does the
same with a full page. Saving is for the coordinator's office; every staff member may look and try.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from accounts.access import get_for_user_or_404, require
from lib.errors import DomainError
from matching.engine import DEFAULT_WEIGHTS
from matching.learning import MIN_DECISIONS, propose_for_institution
from matching.models import Need
from matching.weights import current_weights, save_weights, trial_ranking
from web.forms.matching_settings import WeightsForm
from web.forms.partnerships import add_domain_errors

NEED_CHOICES = 50
TOP = 10


def _need_choices(user: Any, chosen: str) -> list[tuple[str, str]]:
    """The most recent open needs, and the chosen one when it is older."""
    needs = (
        Need.objects.for_user(user)
        .filter(status=Need.Status.OPEN)
        .order_by("-created_at", "-id")
        .values_list("public_id", "title", "organisation__name")[:NEED_CHOICES]
    )
    choices = [(str(pk), f"{title} · {organisation}") for pk, title, organisation in needs]
    if chosen and chosen not in {c[0] for c in choices} and _as_uuid(chosen):
        extra = (
            Need.objects.for_user(user).filter(public_id=chosen).values_list("public_id", "title", "organisation__name")
        )
        choices += [(str(pk), f"{title} · {organisation}") for pk, title, organisation in extra]
    return choices


def _as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (TypeError, ValueError):
        return None


def _preview(user: Any, chosen: str, weights: dict[str, float] | None, saved: dict[str, float]) -> dict[str, Any]:
    """The chosen need's top offers with the weights on the form, and how each moved from the saved ones."""
    public_id = _as_uuid(chosen)
    if public_id is None:
        return {}
    try:
        need = get_for_user_or_404(Need.objects.for_user(user).select_related("organisation"), public_id=public_id)
    except Http404:
        return {}
    rows = []
    for row in trial_ranking(need, user.institution, weights or saved, limit=TOP):
        number, was = row.position, row.saved_position
        moved = (was - number) if was else 0
        rows.append({"number": number, "ranked": row.ranked, "was": was, "up": max(moved, 0), "down": max(-moved, 0)})
    return {"preview_need": need, "preview_rows": rows, "preview_changed": weights is not None and weights != saved}


def _page(
    request: HttpRequest, form: WeightsForm, saved: dict[str, float], *, status: int = 200, proposal: Any = None
) -> HttpResponse:
    user: Any = request.user
    chosen = (form.data.get("need") if form.is_bound else form.initial.get("need")) or ""
    context = {
        "nav": "needs",
        "form": form,
        "can_change": user.has_perm("matching.change_matching_weights"),
        "defaults": DEFAULT_WEIGHTS,
        "proposal": proposal,
        "proposal_rows": _proposal_rows(proposal, form),
        "min_decisions": MIN_DECISIONS,
        **_preview(user, chosen, form.valid_weights(), saved),
    }
    return render(request, "web/suggestions/settings.html", context, status=status)


def _proposal_rows(proposal: Any, form: WeightsForm) -> list[dict[str, Any]]:
    if proposal is None or proposal.proposed is None:
        return []
    return [
        {
            "label": form.fields[code].label,
            "current": proposal.current[code],
            "proposed": proposal.proposed[code],
            "changed": proposal.current[code] != proposal.proposed[code],
        }
        for code in DEFAULT_WEIGHTS
    ]


def _propose(request: HttpRequest, saved: dict[str, float], stamp: str, chosen: str, needs: Any) -> HttpResponse:
    """Weights fitted on the institution's decisions, put on the form beside the saved ones: nothing is saved
    until the coordinator saves them."""
    proposal = propose_for_institution(request.user.institution)  # type: ignore[union-attr]
    if proposal.proposed is None:
        form = WeightsForm(initial={**saved, "stamp": stamp, "need": chosen}, needs=needs)
    else:
        form = WeightsForm({**proposal.proposed, "stamp": stamp, "need": chosen}, needs=needs)
    return _page(request, form, saved, proposal=proposal)


@login_required
def matching_settings(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require(user, "matching.view_matching_weights")
    saved, stamp = current_weights(user.institution)
    chosen = request.POST.get("need", "") if request.method == "POST" else request.GET.get("need", "")
    needs = _need_choices(user, chosen)
    if request.method != "POST":
        form = WeightsForm(initial={**saved, "stamp": stamp, "need": chosen}, needs=needs)
        return _page(request, form, saved)
    if request.POST.get("action") == "propose":
        if user.institution is None:
            raise Http404
        return _propose(request, saved, stamp, chosen, needs)
    form = WeightsForm(request.POST, needs=needs)
    if request.POST.get("action") != "save":
        return _page(request, form, saved, status=200 if form.is_valid() else 400)
    require(user, "matching.change_matching_weights")
    if form.is_valid():
        try:
            save_weights(user.institution, by=user, weights=form.weights(), expected_stamp=form.cleaned_data["stamp"])
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Weights saved. Every ranking of your institution now uses them."))
            target = reverse("matching-settings")
            return redirect(f"{target}?need={form.cleaned_data['need']}" if form.cleaned_data["need"] else target)
    status = 409 if form.has_error("__all__", "conflict") else 400
    return _page(request, form, saved, status=status)


@login_required
def matching_settings_preview(request: HttpRequest) -> HttpResponse:
    """Only the preview, for htmx: the weights and the need as the form has them now, nothing saved."""
    user: Any = request.user
    require(user, "matching.view_matching_weights")
    saved, _stamp = current_weights(user.institution)
    data = request.POST if request.method == "POST" else request.GET
    form = WeightsForm(data, needs=_need_choices(user, data.get("need", "")))
    context = {"form": form, **_preview(user, data.get("need", ""), form.valid_weights(), saved)}
    return render(request, "web/suggestions/_preview.html", context)


urlpatterns = [
    path("matching/settings/", matching_settings, name="matching-settings"),
    path("matching/settings/preview/", matching_settings_preview, name="matching-settings-preview"),
]
