"""The continuum page of a partnership: Brug's suggestion with its evidence, confirming it, the history."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.access import get_for_user_or_404, require
from lib.errors import ConflictError, DomainError
from lib.pagination import paginate
from partnerships.continuum import EvidenceRecord, confirm_stage, suggest_stage
from partnerships.models import Partnership
from web.forms.continuum import ConfirmStageForm
from web.forms.partnerships import add_domain_errors

HISTORY_PAGE = 20

# Where a kind of evidence record is shown: (URL name, query with the id, anchor).
RECORD_PAGES: dict[str, tuple[str, bool, str]] = {
    "partnership": ("partnership-detail", False, ""),
    "timeline": ("partnership-detail", False, "#contact-panel"),
    "owners": ("partnership-detail", False, "#owners-h"),
    "relationship": ("relationship-detail", False, ""),
    "engagement": ("engagement-detail", False, ""),
    "round": ("round-detail", False, ""),
    "rounds": ("round-list", True, ""),
    "equity": ("partnership-health", False, ""),
}


def record_url(record: EvidenceRecord) -> str:
    """The page showing an evidence record, or '' for a kind without a page."""
    if record.kind not in RECORD_PAGES:
        return ""
    name, as_query, anchor = RECORD_PAGES[record.kind]
    if as_query:
        return reverse(name) + "?" + urlencode({"partnership": record.public_id})
    return reverse(name, kwargs={"public_id": record.public_id}) + anchor


def linked(records: list[EvidenceRecord]) -> list[dict[str, str]]:
    return [{"label": r.label, "url": record_url(r)} for r in records]


def _get_partnership(request: HttpRequest, public_id: Any) -> Partnership:
    partnership = get_for_user_or_404(
        Partnership.objects.for_user(request.user).select_related("institution"), public_id=public_id
    )
    require(request.user, "partnerships.view_partnership_health", partnership)
    return partnership


@login_required
def partnership_continuum(request: HttpRequest, public_id: Any) -> HttpResponse:
    user: Any = request.user
    partnership = _get_partnership(request, public_id)
    can_confirm = user.has_perm("partnerships.change_partnership", partnership)
    form = ConfirmStageForm(
        request.POST if request.method == "POST" else None,
        initial={"version": partnership.version},
    )
    status = 200
    if request.method == "POST":
        require(user, "partnerships.change_partnership", partnership)
        if form.is_valid():
            try:
                confirm_stage(
                    partnership,
                    stage=form.cleaned_data["stage"],
                    reason=form.cleaned_data["reason"],
                    by=user,
                    expected_version=form.cleaned_data["version"],
                )
            except ConflictError as error:
                form.add_error(None, error)
                partnership.refresh_from_db()
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, _("Continuum step confirmed."))
                return redirect("partnership-continuum", partnership.public_id)
        status = 409 if form.has_error("__all__", "conflict") else 400
    suggestion = suggest_stage(partnership)
    if not form.is_bound:
        form.initial["stage"] = suggestion.stage or partnership.stage
    steps = [
        {
            "stage": step.stage,
            "label": step.label,
            "rule": step.rule,
            "met": step.met,
            "found": step.found,
            "missing": step.missing,
            "records": linked(step.records),
            "current": step.stage == partnership.stage,
            "suggested": step.stage == suggestion.stage,
        }
        for step in suggestion.steps
    ]
    history = paginate(
        request, partnership.stage_changes.select_related("by").order_by("-at", "-id"), per_page=HISTORY_PAGE
    )
    context = {
        "nav": "partnerships",
        "partnership": partnership,
        "suggestion": suggestion,
        "next_step": suggestion.next_step,
        "steps": steps,
        "form": form,
        "can_confirm": can_confirm,
        "page": history,
    }
    return render(request, "web/continuum/partnership.html", context, status=status)


urlpatterns = [
    path("partnerships/<uuid:public_id>/continuum/", partnership_continuum, name="partnership-continuum"),
]
