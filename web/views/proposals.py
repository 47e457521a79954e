"""Students propose a new partner organisation against their institution's criteria; the office
approves (the organisation joins the directory), asks for more, or declines with a reason."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import get_for_user_or_404, require
from lib.errors import DomainError
from lib.pagination import paginate
from matching.models import OrganisationProposal
from matching.services import criteria_for, decide_proposal, propose_organisation, resubmit_proposal
from web.forms.matching import DecideProposalForm, OrganisationProposalForm, ProposalFilterForm
from web.forms.partnerships import add_domain_errors


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    visible = OrganisationProposal.objects.for_user(request.user)
    filters = ProposalFilterForm(request.GET or None)
    proposals = filters.filter(visible).select_related("proposed_by", "organisation")
    context = {
        "nav": "proposals",
        "filters": filters,
        "page": paginate(request, proposals),
        "can_add": request.user.has_perm("matching.add_organisation_proposal") and request.user.institution_id,
    }
    return render(request, "web/matching/proposal_list.html", context)


def _get(request: HttpRequest, public_id: Any) -> OrganisationProposal:
    queryset = OrganisationProposal.objects.for_user(request.user).select_related(
        "proposed_by", "organisation", "decided_by", "institution"
    )
    return get_for_user_or_404(queryset, public_id=public_id)


def _detail(
    request: HttpRequest, proposal: OrganisationProposal, *, form: DecideProposalForm | None = None, status: int = 200
) -> HttpResponse:
    user: Any = request.user
    criteria = criteria_for(proposal.institution_id)
    answers = proposal.criteria or {}
    context: dict[str, Any] = {
        "nav": "proposals",
        "proposal": proposal,
        "criteria": [(c, answers.get(str(c.pk), {})) for c in criteria],
        "can_resubmit": proposal.status == OrganisationProposal.Status.MORE_INFO
        and user.has_perm("matching.change_organisation_proposal", proposal),
    }
    if user.has_perm("matching.decide_organisation_proposal", proposal) and proposal.status in (
        OrganisationProposal.Status.SUBMITTED,
        OrganisationProposal.Status.MORE_INFO,
    ):
        context["decide_form"] = form or DecideProposalForm(initial={"version": proposal.version})
    return render(request, "web/matching/proposal_detail.html", context, status=status)


@login_required
def proposal_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _detail(request, _get(request, public_id))


def _render_form(
    request: HttpRequest, form: OrganisationProposalForm, proposal: OrganisationProposal | None
) -> HttpResponse:
    if not form.is_bound:
        status = 200
    elif form.has_error("__all__", "conflict"):
        status = 409
    else:
        status = 400
    context = {"nav": "proposals", "form": form, "proposal": proposal}
    return render(request, "web/matching/proposal_form.html", context, status=status)


@login_required
def proposal_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require(user, "matching.add_organisation_proposal")
    if user.institution_id is None:
        raise Http404
    form = OrganisationProposalForm(request.POST or None, criteria=criteria_for(user.institution_id))
    if request.method == "POST" and form.is_valid():
        try:
            proposal = propose_organisation(by=user, **form.service_fields())
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Proposal sent. You will see the coordinator's answer here."))
            return redirect("proposal-detail", proposal.public_id)
    return _render_form(request, form, None)


@login_required
def proposal_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    """The student answers a request for more information."""
    proposal = _get(request, public_id)
    require(request.user, "matching.change_organisation_proposal", proposal)
    form = OrganisationProposalForm(
        request.POST or None,
        criteria=criteria_for(proposal.institution_id),
        editing=True,
        initial=OrganisationProposalForm.initial_for(proposal),
    )
    if request.method == "POST" and form.is_valid():
        try:
            resubmit_proposal(
                proposal, by=request.user, expected_version=form.cleaned_data["version"], **form.service_fields()
            )
        except DomainError as error:
            add_domain_errors(form, error)
            proposal.refresh_from_db()
        else:
            messages.success(request, _("Proposal sent again."))
            return redirect("proposal-detail", proposal.public_id)
    return _render_form(request, form, proposal)


@login_required
@require_POST
def proposal_decide(request: HttpRequest, public_id: Any) -> HttpResponse:
    proposal = _get(request, public_id)
    require(request.user, "matching.decide_organisation_proposal", proposal)
    form = DecideProposalForm(request.POST)
    if form.is_valid():
        try:
            decide_proposal(
                proposal,
                by=request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
            proposal.refresh_from_db()
        else:
            messages.success(request, _("Decision saved. The student sees it on the proposal."))
            return redirect("proposal-detail", proposal.public_id)
    status = 409 if form.has_error("__all__", "conflict") else 400
    return _detail(request, proposal, form=form, status=status)


urlpatterns = [
    path("organisation-proposals/", proposal_list, name="proposal-list"),
    path("organisation-proposals/new/", proposal_create, name="proposal-create"),
    path("organisation-proposals/<uuid:public_id>/", proposal_detail, name="proposal-detail"),
    path("organisation-proposals/<uuid:public_id>/edit/", proposal_edit, name="proposal-edit"),
    path("organisation-proposals/<uuid:public_id>/decide/", proposal_decide, name="proposal-decide"),
]
