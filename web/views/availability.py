"""Two small settings pages behind matchmaking.

*Quiet periods*: a community partner tells every institution when it wants no new proposals (the capacity
guard holds them); the coordinator's office may enter one on the partner's behalf and every institution's
staff sees them on the organisation page. *Criteria for a good partner*: the office keeps its institution's
checklist that students answer when they propose a new organisation.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import get_for_user_or_404, require
from lib.errors import DomainError
from matching.availability import (
    add_criterion,
    add_quiet_period,
    change_criterion,
    change_quiet_period,
    move_criterion,
    quiet_periods_for,
    remove_criterion,
    remove_quiet_period,
)
from matching.models import PartnerCriterion, QuietPeriod
from network.models import Organisation
from web.forms.errors import add_service_errors
from web.forms.matching_availability import CriterionForm, MoveForm, QuietPeriodForm, RemoveForm


def _status(form: Any) -> int:
    if not form.is_bound:
        return 200
    return 409 if form.has_error("__all__", "conflict") else 400


# Quiet periods.


def _organisation(request: HttpRequest, public_id: Any) -> Organisation:
    organisation = get_for_user_or_404(Organisation.objects.for_user(request.user), public_id=public_id)
    require(request.user, "matching.view_quiet_periods")
    return organisation


def _period(request: HttpRequest, organisation: Organisation, pk: int) -> QuietPeriod:
    queryset = QuietPeriod.objects.for_user(request.user).filter(organisation=organisation).select_related("created_by")
    return get_for_user_or_404(queryset, pk=pk)


def _list_page(
    request: HttpRequest, organisation: Organisation, *, form: QuietPeriodForm | None = None, status: int = 200
) -> HttpResponse:
    user: Any = request.user
    can_add = user.has_perm("matching.add_quiet_period", organisation)
    context = {
        "nav": "quiet-periods" if user.is_partner else "organisations",
        "organisation": organisation,
        "can_add": can_add,
        "form": (form or QuietPeriodForm()) if can_add else None,
        "on_behalf": can_add and not user.is_partner,
        **quiet_periods_for(user, organisation),
    }
    return render(request, "web/matching/quiet_periods.html", context, status=status)


@login_required
def quiet_period_list(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _list_page(request, _organisation(request, public_id))


@login_required
def my_quiet_periods(request: HttpRequest) -> HttpResponse:
    """The partner's way in from the navigation: its own organisation's quiet periods."""
    user: Any = request.user
    if not user.is_partner:
        raise Http404
    return redirect("quiet-period-list", user.organisation.public_id)


@login_required
def quiet_period_create(request: HttpRequest, public_id: Any) -> HttpResponse:
    organisation = _organisation(request, public_id)
    require(request.user, "matching.add_quiet_period", organisation)
    if request.method != "POST":
        return _list_page(request, organisation)
    form = QuietPeriodForm(request.POST)
    if form.is_valid():
        try:
            period = add_quiet_period(organisation, by=request.user, **form.service_fields())
        except DomainError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Quiet period saved: no new proposals from %(start)s to %(end)s.")
                % {"start": date_format(period.start), "end": date_format(period.end)},
            )
            return redirect("quiet-period-list", organisation.public_id)
    return _list_page(request, organisation, form=form, status=_status(form))


@login_required
def quiet_period_edit(request: HttpRequest, public_id: Any, pk: int) -> HttpResponse:
    organisation = _organisation(request, public_id)
    period = _period(request, organisation, pk)
    require(request.user, "matching.change_quiet_period", period)
    form = QuietPeriodForm(request.POST or None, editing=True, initial=QuietPeriodForm.initial_for(period))
    if request.method == "POST" and form.is_valid():
        try:
            change_quiet_period(
                period, by=request.user, expected_version=form.cleaned_data["version"], **form.service_fields()
            )
        except DomainError as error:
            add_service_errors(form, error)
            period.refresh_from_db()
        else:
            messages.success(request, _("Quiet period saved."))
            return redirect("quiet-period-list", organisation.public_id)
    context = {"nav": "organisations", "organisation": organisation, "period": period, "form": form}
    return render(request, "web/matching/quiet_period_form.html", context, status=_status(form))


@login_required
@require_POST
def quiet_period_remove(request: HttpRequest, public_id: Any, pk: int) -> HttpResponse:
    organisation = _organisation(request, public_id)
    period = _period(request, organisation, pk)
    require(request.user, "matching.change_quiet_period", period)
    form = RemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the page and try again."))
        return redirect("quiet-period-list", organisation.public_id)
    try:
        remove_quiet_period(period, by=request.user, expected_version=form.cleaned_data["version"])
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Quiet period removed: proposals go out again."))
    return redirect("quiet-period-list", organisation.public_id)


# Criteria for a good partner.


def _criteria_allowed(request: HttpRequest) -> Any:
    user: Any = request.user
    require(user, "matching.change_partner_criteria")
    return user


def _criterion(request: HttpRequest, pk: int) -> PartnerCriterion:
    user = _criteria_allowed(request)
    criterion = get_for_user_or_404(PartnerCriterion.objects.for_user(user), pk=pk)
    require(user, "matching.change_partner_criteria", criterion)
    return criterion


def _criteria_page(request: HttpRequest, *, form: CriterionForm | None = None, status: int = 200) -> HttpResponse:
    user: Any = request.user
    criteria = list(PartnerCriterion.objects.for_user(user).filter(institution_id=user.institution_id))
    context = {"nav": "proposals", "criteria": criteria, "form": form or CriterionForm()}
    return render(request, "web/matching/criteria.html", context, status=status)


@login_required
def criteria_list(request: HttpRequest) -> HttpResponse:
    _criteria_allowed(request)
    return _criteria_page(request)


@login_required
def criterion_create(request: HttpRequest) -> HttpResponse:
    user = _criteria_allowed(request)
    if request.method != "POST":
        return _criteria_page(request)
    form = CriterionForm(request.POST)
    if form.is_valid():
        try:
            add_criterion(user.institution, by=user, **form.service_fields())
        except DomainError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Criterion added. Students see it when they propose an organisation."))
            return redirect("criteria-list")
    return _criteria_page(request, form=form, status=_status(form))


@login_required
def criterion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = _criterion(request, pk)
    form = CriterionForm(request.POST or None, editing=True, initial=CriterionForm.initial_for(criterion))
    if request.method == "POST" and form.is_valid():
        try:
            change_criterion(
                criterion, by=request.user, expected_version=form.cleaned_data["version"], **form.service_fields()
            )
        except DomainError as error:
            add_service_errors(form, error)
            criterion.refresh_from_db()
        else:
            messages.success(request, _("Criterion saved."))
            return redirect("criteria-list")
    context = {"nav": "proposals", "criterion": criterion, "form": form}
    return render(request, "web/matching/criterion_form.html", context, status=_status(form))


@login_required
@require_POST
def criterion_move(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = _criterion(request, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        move_criterion(criterion, by=request.user, direction=form.cleaned_data["direction"])
    return redirect("criteria-list")


@login_required
@require_POST
def criterion_remove(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = _criterion(request, pk)
    form = RemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the page and try again."))
        return redirect("criteria-list")
    try:
        remove_criterion(criterion, by=request.user, expected_version=form.cleaned_data["version"])
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Criterion removed."))
    return redirect("criteria-list")


urlpatterns = [
    path("quiet-periods/", my_quiet_periods, name="my-quiet-periods"),
    path("organisations/<uuid:public_id>/quiet-periods/", quiet_period_list, name="quiet-period-list"),
    path("organisations/<uuid:public_id>/quiet-periods/new/", quiet_period_create, name="quiet-period-create"),
    path("organisations/<uuid:public_id>/quiet-periods/<int:pk>/edit/", quiet_period_edit, name="quiet-period-edit"),
    path(
        "organisations/<uuid:public_id>/quiet-periods/<int:pk>/remove/",
        quiet_period_remove,
        name="quiet-period-remove",
    ),
    path("matching/criteria/", criteria_list, name="criteria-list"),
    path("matching/criteria/new/", criterion_create, name="criterion-create"),
    path("matching/criteria/<int:pk>/edit/", criterion_edit, name="criterion-edit"),
    path("matching/criteria/<int:pk>/move/", criterion_move, name="criterion-move"),
    path("matching/criteria/<int:pk>/remove/", criterion_remove, name="criterion-remove"),
]
