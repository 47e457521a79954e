"""Match pages for staff: propose an offer for a need (behind the capacity guard), see a match with
its reasons and both sides' points of attention, override a hold with a reason, withdraw, and the
report of how matches came about (the channel mix per academic year)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import get_for_user_or_404, require
from lib.errors import DomainError
from lib.pagination import paginate
from matching import attention
from matching.channels import channel_mix
from matching.models import Match, Need, Offer
from matching.services import override_hold, propose_match, save_attention_checklist, withdraw_match
from web.forms.matching import AttentionForm, MatchFilterForm, OverrideForm, ProposeMatchForm, VersionForm
from web.forms.partnerships import add_domain_errors


@login_required
@require_POST
def match_propose(request: HttpRequest, public_id: Any) -> HttpResponse:
    user: Any = request.user
    need = get_for_user_or_404(Need.objects.for_user(user).select_related("organisation"), public_id=public_id)
    offers = Offer.objects.for_user(user).filter(status=Offer.Status.OPEN)
    form = ProposeMatchForm(request.POST, offers=offers)
    if form.is_valid():
        offer = form.cleaned_data["offer"]
        require(user, "matching.propose_match", offer)
        try:
            match = propose_match(
                need,
                offer,
                by=user,
                channel=form.cleaned_data["channel"],
                message=form.cleaned_data["message"],
                attention=form.answers() if form.has_answers() else None,
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            if match.status == Match.Status.HELD:
                messages.warning(request, _("The proposal is held: %(reason)s") % {"reason": match.held_reason})
            else:
                messages.success(request, _("Proposed. The partner gets it in its next digest."))
            return redirect("match-detail", match.public_id)
    context = {"nav": "needs", "need": need, "propose_form": form}
    return render(request, "web/matching/match_propose.html", context, status=400)


@login_required
def match_list(request: HttpRequest) -> HttpResponse:
    visible = Match.objects.for_user(request.user)
    filters = MatchFilterForm(request.GET or None)
    matches = filters.filter(visible).select_related("need__organisation", "offer", "institution")
    context = {"nav": "matches", "filters": filters, "page": paginate(request, matches)}
    return render(request, "web/matching/match_list.html", context)


def _get_match(request: HttpRequest, public_id: Any) -> Match:
    queryset = Match.objects.for_user(request.user).select_related(
        "need__organisation", "offer__course", "institution", "engagement", "proposed_by", "overridden_by"
    )
    return get_for_user_or_404(queryset, public_id=public_id)


def _agreement_url(match: Match) -> str:
    if match.engagement_id is None:
        return ""
    try:
        return reverse("agreement-create") + f"?engagement={match.engagement.public_id}"
    except NoReverseMatch:
        return ""


def _detail(
    request: HttpRequest, match: Match, *, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    user: Any = request.user
    can_change = user.has_perm("matching.change_match", match)
    forms = forms or {}
    context = {
        "nav": "matches",
        "match": match,
        "rows": attention.rows(match.attention),
        "institution_done": attention.side_done(match.attention, "institution"),
        "partner_done": attention.side_done(match.attention, "partner"),
        "can_change": can_change,
        "can_override": match.status == Match.Status.HELD and user.has_perm("matching.override_hold", match),
        "agreement_url": _agreement_url(match) if can_change else "",
        "need_visible": Need.objects.for_user(user).filter(pk=match.need_id).exists(),
        "offer_visible": can_change,
    }
    if can_change and match.status not in (Match.Status.DECLINED, Match.Status.WITHDRAWN):
        initial = {}
        for code, item in (match.attention or {}).get("institution", {}).get("answers", {}).items():
            initial[f"attention_{code}"] = item.get("answer")
            initial[f"attention_{code}_note"] = item.get("note")
        context["attention_form"] = forms.get("attention") or AttentionForm(initial=initial)
    if context["can_override"]:
        context["override_form"] = forms.get("override") or OverrideForm(initial={"version": match.version})
    if can_change and match.status in (Match.Status.PROPOSED, Match.Status.HELD):
        context["withdraw_form"] = VersionForm(initial={"version": match.version})
    return render(request, "web/matching/match_detail.html", context, status=status)


@login_required
def match_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _detail(request, _get_match(request, public_id))


@login_required
@require_POST
def match_attention(request: HttpRequest, public_id: Any) -> HttpResponse:
    match = _get_match(request, public_id)
    require(request.user, "matching.change_match", match)
    form = AttentionForm(request.POST)
    if form.is_valid():
        try:
            match = save_attention_checklist(match, side="institution", answers=form.answers(), by=request.user)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            if match.engagement_id:
                messages.success(request, _("Saved. Both sides went through the checklist: the engagement is made."))
            else:
                messages.success(request, _("Your side of the checklist is saved."))
            return redirect("match-detail", match.public_id)
    return _detail(request, match, forms={"attention": form}, status=400)


@login_required
@require_POST
def match_override(request: HttpRequest, public_id: Any) -> HttpResponse:
    match = _get_match(request, public_id)
    require(request.user, "matching.override_hold", match)
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            override_hold(
                match,
                by=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
            match.refresh_from_db()
        else:
            messages.success(request, _("The hold is lifted; the proposal goes out in the partner's next digest."))
            return redirect("match-detail", match.public_id)
    status = 409 if form.has_error("__all__", "conflict") else 400
    return _detail(request, match, forms={"override": form}, status=status)


@login_required
@require_POST
def match_withdraw(request: HttpRequest, public_id: Any) -> HttpResponse:
    match = _get_match(request, public_id)
    require(request.user, "matching.change_match", match)
    form = VersionForm(request.POST)
    if form.is_valid():
        try:
            withdraw_match(match, by=request.user, expected_version=form.cleaned_data["version"])
        except DomainError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("match-detail", match.public_id)
        messages.success(request, _("Proposal withdrawn."))
    return redirect("match-detail", match.public_id)


@login_required
def channel_report(request: HttpRequest) -> HttpResponse:
    """How this institution's matches came about, per academic year: the three channels side by side."""
    require(request.user, "matching.view_channel_report")
    years = channel_mix(Match.objects.for_user(request.user))
    channels = Match.Channel.choices
    return render(request, "web/matching/channels.html", {"nav": "matches", "channels": channels, "years": years})


urlpatterns = [
    path("needs/<uuid:public_id>/propose/", match_propose, name="match-propose"),
    path("matches/", match_list, name="match-list"),
    path("matches/channels/", channel_report, name="matching-channels"),
    path("matches/<uuid:public_id>/", match_detail, name="match-detail"),
    path("matches/<uuid:public_id>/attention/", match_attention, name="match-attention"),
    path("matches/<uuid:public_id>/override/", match_override, name="match-override"),
    path("matches/<uuid:public_id>/withdraw/", match_withdraw, name="match-withdraw"),
]
