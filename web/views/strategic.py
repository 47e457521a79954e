"""The strategic partnership page (parties, forms and levels, shared goals with indicators,
milestones, missions side by side), its edit forms, and the board report as a page and a PDF.

Anyone who can see the partnership reads these pages; changing them needs
``partnerships.change_partnership``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import get_for_user_or_404, require
from lib.errors import ConflictError, DomainError
from network.models import Institution, Organisation
from partnerships import strategic
from partnerships.models import Goal, Indicator, Measurement, Milestone, Partnership, PartnershipParty
from partnerships.report import StrategicReport, build_report, goal_progress, labels, party_rows, with_strategic
from partnerships.report_pdf import HEADINGS, report_pdf
from web.forms.partnerships import add_domain_errors
from web.forms.strategic import (
    AddPartyForm,
    CollaborationForm,
    GoalForm,
    IndicatorForm,
    MeasurementForm,
    MilestoneForm,
    PartyForm,
)

CHANGE = "partnerships.change_partnership"


def _visible(request: HttpRequest) -> QuerySet[Partnership]:
    return Partnership.objects.for_user(request.user)


def _get(request: HttpRequest, public_id: Any, *, full: bool = False) -> Partnership:
    queryset = with_strategic(_visible(request)) if full else _visible(request).select_related("institution")
    return get_for_user_or_404(queryset, public_id=public_id)


def _get_for_change(request: HttpRequest, public_id: Any) -> Partnership:
    partnership = _get(request, public_id)
    require(request.user, CHANGE, partnership)
    return partnership


def _back(partnership: Partnership, anchor: str = "") -> str:
    return reverse("partnership-strategic", args=[partnership.public_id]) + (f"#{anchor}" if anchor else "")


def _child(queryset: QuerySet[Any], **lookup: Any) -> Any:
    # The partnership was found through the user's scope; its parts are looked up inside it only.
    return get_for_user_or_404(queryset, **lookup)


# The page.


@login_required
def partnership_strategic(request: HttpRequest, public_id: Any) -> HttpResponse:
    partnership = _get(request, public_id, full=True)
    parties = party_rows(partnership)
    context = {
        "nav": "partnerships",
        "partnership": partnership,
        "parties": parties,
        "missions": [p for p in parties if p.mission],
        "forms": labels(partnership.collaboration_forms, CollaborationForm.base_fields["collaboration_forms"].choices),
        "levels": labels(partnership.levels, CollaborationForm.base_fields["levels"].choices),
        "goals": goal_progress(partnership),
        "milestones": list(partnership.milestones.all()),
        "can_change": request.user.has_perm(CHANGE, partnership),
    }
    return render(request, "web/strategic/page.html", context)


# One form page for every edit: validate, call the operation, go back to the page.


def _form_page(
    request: HttpRequest,
    partnership: Partnership,
    form: Form,
    *,
    title: str,
    save: Callable[[], Any],
    done: str,
    anchor: str,
    intro: str = "",
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except ConflictError as error:
            form.add_error(None, error)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(_back(partnership, anchor))
    status = (409 if form.has_error("__all__", "conflict") else 400) if form.is_bound else 200
    context = {
        "nav": "partnerships",
        "partnership": partnership,
        "form": form,
        "title": title,
        "intro": intro,
        "back": _back(partnership, anchor),
    }
    return render(request, "web/strategic/form.html", context, status=status)


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _edit_page(
    request: HttpRequest,
    partnership: Partnership,
    form: Any,
    update: Callable[..., Any],
    record: Any,
    *,
    title: str,
    done: str,
    anchor: str,
) -> HttpResponse:
    """The edit form of a record locked by its fingerprint: ``update(record, by=..., expected=..., **values)``."""

    def save() -> None:
        update(record, by=request.user, expected=form.cleaned_data["fingerprint"], **form.service_values())

    return _form_page(request, partnership, form, title=title, save=save, done=done, anchor=anchor)


def _remove(
    request: HttpRequest, partnership: Partnership, remove: Callable[[], Any], *, done: str, anchor: str
) -> HttpResponse:
    """Run a removal (a POST) and go back to the page, with the refusal as a message if it is refused."""
    try:
        remove()
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(_back(partnership, anchor))


@login_required
def party_add(request: HttpRequest, public_id: Any) -> HttpResponse:
    partnership = _get_for_change(request, public_id)
    present = partnership.parties.values("organisation_id")
    form = AddPartyForm(
        _data(request),
        organisations=Organisation.objects.for_user(request.user).filter(is_active=True).exclude(pk__in=present),
        institutions=Institution.objects.exclude(pk=partnership.institution_id).exclude(
            pk__in=partnership.other_institutions.values("pk")
        ),
    )

    def save() -> None:
        strategic.add_party(partnership, by=request.user, **form.cleaned_data)

    return _form_page(
        request,
        partnership,
        form,
        title=_("Add a party"),
        intro=_("Widening the partnership puts a milestone on its timeline."),
        save=save,
        done=_("Party added; the widening is on the timeline."),
        anchor="parties",
    )


@login_required
def party_edit(request: HttpRequest, public_id: Any, party_id: int) -> HttpResponse:
    partnership = _get_for_change(request, public_id)
    party = _child(PartnershipParty.objects.filter(partnership=partnership).select_related("organisation"), pk=party_id)
    form = PartyForm(_data(request), party=party)

    def save() -> None:
        strategic.update_party(
            party,
            by=request.user,
            expected=form.cleaned_data["fingerprint"],
            contact_person=party.contact_person,
            **form.service_values(),
        )

    return _form_page(
        request,
        partnership,
        form,
        title=_("Edit the role of %(name)s") % {"name": party.organisation},
        save=save,
        done=_("Party saved."),
        anchor="parties",
    )


@login_required
@require_POST
def party_remove(request: HttpRequest, public_id: Any, party_id: int) -> HttpResponse:
    partnership = _get_for_change(request, public_id)
    party = _child(PartnershipParty.objects.filter(partnership=partnership).select_related("organisation"), pk=party_id)
    return _remove(
        request,
        partnership,
        lambda: strategic.remove_party(party, by=request.user),
        done=_("%(name)s is no longer a party.") % {"name": party.organisation},
        anchor="parties",
    )


@login_required
@require_POST
def institution_remove(request: HttpRequest, public_id: Any, institution_id: int) -> HttpResponse:
    partnership = _get_for_change(request, public_id)
    institution = _child(partnership.other_institutions.all(), pk=institution_id)
    return _remove(
        request,
        partnership,
        lambda: strategic.remove_institution(partnership, institution, by=request.user),
        done=_("%(name)s is no longer a party.") % {"name": institution},
        anchor="parties",
    )


@login_required
def collaboration_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    partnership = _get_for_change(request, public_id)
    form = CollaborationForm(_data(request), initial=CollaborationForm.initial_for(partnership))

    def save() -> None:
        try:
            strategic.set_collaboration(
                partnership,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                forms=form.cleaned_data["collaboration_forms"],
                levels=form.cleaned_data["levels"],
            )
        except DomainError:
            partnership.refresh_from_db()
            raise

    return _form_page(
        request,
        partnership,
        form,
        title=_("Forms of collaboration and levels"),
        save=save,
        done=_("Forms and levels saved."),
        anchor="forms",
    )


@login_required
def goal_add(request: HttpRequest, public_id: Any) -> HttpResponse:
    partnership = _get_for_change(request, public_id)
    form = GoalForm(_data(request))
    return _form_page(
        request,
        partnership,
        form,
        title=_("Add a shared goal"),
        save=lambda: strategic.add_goal(partnership, by=request.user, **form.service_values()),
        done=_("Goal added."),
        anchor="goals",
    )


def _goal(partnership: Partnership, goal_id: int) -> Goal:
    return _child(Goal.objects.filter(partnership=partnership), pk=goal_id)


@login_required
def goal_edit(request: HttpRequest, public_id: Any, goal_id: int) -> HttpResponse:
    partnership = _get_for_change(request, public_id)
    goal = _goal(partnership, goal_id)
    form = GoalForm(_data(request), goal=goal)
    return _edit_page(
        request,
        partnership,
        form,
        strategic.update_goal,
        goal,
        title=_("Edit the goal"),
        done=_("Goal saved."),
        anchor=f"goal-{goal.pk}",
    )


@login_required
@require_POST
def goal_remove(request: HttpRequest, public_id: Any, goal_id: int) -> HttpResponse:
    partnership = _get_for_change(request, public_id)
    goal = _goal(partnership, goal_id)
    return _remove(
        request,
        partnership,
        lambda: strategic.remove_goal(goal, by=request.user),
        done=_("Goal removed with its indicators."),
        anchor="goals",
    )


def _indicator(partnership: Partnership, indicator_id: int) -> Indicator:
    return _child(Indicator.objects.filter(goal__partnership=partnership).select_related("goal"), pk=indicator_id)


@login_required
def indicator_add(request: HttpRequest, public_id: Any, goal_id: int) -> HttpResponse:
    partnership = _get_for_change(request, public_id)
    goal = _goal(partnership, goal_id)
    form = IndicatorForm(_data(request))
    return _form_page(
        request,
        partnership,
        form,
        title=_("Add an indicator to “%(goal)s”") % {"goal": goal.title},
        save=lambda: strategic.add_indicator(goal, by=request.user, **form.service_values()),
        done=_("Indicator added."),
        anchor=f"goal-{goal.pk}",
    )


@login_required
def indicator_edit(request: HttpRequest, public_id: Any, indicator_id: int) -> HttpResponse:
    partnership = _get_for_change(request, public_id)
    indicator = _indicator(partnership, indicator_id)
    form = IndicatorForm(_data(request), indicator=indicator)
    return _edit_page(
        request,
        partnership,
        form,
        strategic.update_indicator,
        indicator,
        title=_("Edit the indicator"),
        done=_("Indicator saved."),
        anchor=f"indicator-{indicator.pk}",
    )


@login_required
@require_POST
def indicator_remove(request: HttpRequest, public_id: Any, indicator_id: int) -> HttpResponse:
    partnership = _get_for_change(request, public_id)
    indicator = _indicator(partnership, indicator_id)
    return _remove(
        request,
        partnership,
        lambda: strategic.remove_indicator(indicator, by=request.user),
        done=_("Indicator removed with its measurements."),
        anchor=f"goal-{indicator.goal_id}",
    )


@login_required
def measurement_add(request: HttpRequest, public_id: Any, indicator_id: int) -> HttpResponse:
    partnership = _get_for_change(request, public_id)
    indicator = _indicator(partnership, indicator_id)
    form = MeasurementForm(_data(request))
    return _form_page(
        request,
        partnership,
        form,
        title=_("Record a measurement of “%(indicator)s”") % {"indicator": indicator.name},
        save=lambda: strategic.record_measurement(indicator, by=request.user, **form.cleaned_data),
        done=_("Measurement recorded."),
        anchor=f"indicator-{indicator.pk}",
    )


@login_required
@require_POST
def measurement_remove(request: HttpRequest, public_id: Any, measurement_id: int) -> HttpResponse:
    partnership = _get_for_change(request, public_id)
    measurement = _child(
        Measurement.objects.filter(indicator__goal__partnership=partnership).select_related("indicator__goal"),
        pk=measurement_id,
    )
    return _remove(
        request,
        partnership,
        lambda: strategic.remove_measurement(measurement, by=request.user),
        done=_("Measurement removed."),
        anchor=f"indicator-{measurement.indicator_id}",
    )


@login_required
def milestone_add(request: HttpRequest, public_id: Any) -> HttpResponse:
    partnership = _get_for_change(request, public_id)
    form = MilestoneForm(_data(request))
    return _form_page(
        request,
        partnership,
        form,
        title=_("Add a milestone"),
        save=lambda: strategic.add_milestone(partnership, by=request.user, **form.service_values()),
        done=_("Milestone added."),
        anchor="milestones",
    )


def _milestone(partnership: Partnership, milestone_id: int) -> Milestone:
    return _child(Milestone.objects.filter(partnership=partnership), pk=milestone_id)


@login_required
def milestone_edit(request: HttpRequest, public_id: Any, milestone_id: int) -> HttpResponse:
    partnership = _get_for_change(request, public_id)
    milestone = _milestone(partnership, milestone_id)
    form = MilestoneForm(_data(request), milestone=milestone)
    return _edit_page(
        request,
        partnership,
        form,
        strategic.update_milestone,
        milestone,
        title=_("Edit the milestone"),
        done=_("Milestone saved."),
        anchor="milestones",
    )


@login_required
@require_POST
def milestone_remove(request: HttpRequest, public_id: Any, milestone_id: int) -> HttpResponse:
    partnership = _get_for_change(request, public_id)
    milestone = _milestone(partnership, milestone_id)
    return _remove(
        request,
        partnership,
        lambda: strategic.remove_milestone(milestone, by=request.user),
        done=_("Milestone removed."),
        anchor="milestones",
    )


# The report.


def report_for(user: Any, partnership: Partnership) -> StrategicReport:
    """The board report as ``user`` may read it (``partnership`` loaded ``with_strategic``)."""
    # The health figures read the lead institution's contact moments: only for those who may see them.
    with_health = user.has_perm("partnerships.view_partnership_health", partnership)
    return build_report(partnership, with_health=with_health)


def report_pdf_response(report: StrategicReport) -> HttpResponse:
    """The board report as a PDF to show in the browser (the web page and the API answer the same)."""
    response = HttpResponse(report_pdf(report), content_type="application/pdf")
    name = slugify(report.partnership.title)[:60] or "partnership"
    response["Content-Disposition"] = f'inline; filename="{name}-report-{report.generated_on:%Y-%m-%d}.pdf"'
    return response


def _report(request: HttpRequest, public_id: Any) -> StrategicReport:
    return report_for(request.user, _get(request, public_id, full=True))


@login_required
def partnership_report(request: HttpRequest, public_id: Any) -> HttpResponse:
    report = _report(request, public_id)
    context = {
        "nav": "partnerships",
        "report": report,
        "partnership": report.partnership,
        "headings": {key: str(text) for key, text in HEADINGS.items()},
    }
    return render(request, "web/strategic/report.html", context)


@login_required
def partnership_report_pdf(request: HttpRequest, public_id: Any) -> HttpResponse:
    return report_pdf_response(_report(request, public_id))


_base = "partnerships/<uuid:public_id>/strategic/"

urlpatterns = [
    path(_base, partnership_strategic, name="partnership-strategic"),
    path(f"{_base}parties/new/", party_add, name="strategic-party-add"),
    path(f"{_base}parties/<int:party_id>/edit/", party_edit, name="strategic-party-edit"),
    path(f"{_base}parties/<int:party_id>/remove/", party_remove, name="strategic-party-remove"),
    path(f"{_base}institutions/<int:institution_id>/remove/", institution_remove, name="strategic-institution-remove"),
    path(f"{_base}forms/", collaboration_edit, name="strategic-collaboration"),
    path(f"{_base}goals/new/", goal_add, name="strategic-goal-add"),
    path(f"{_base}goals/<int:goal_id>/edit/", goal_edit, name="strategic-goal-edit"),
    path(f"{_base}goals/<int:goal_id>/remove/", goal_remove, name="strategic-goal-remove"),
    path(f"{_base}goals/<int:goal_id>/indicators/new/", indicator_add, name="strategic-indicator-add"),
    path(f"{_base}indicators/<int:indicator_id>/edit/", indicator_edit, name="strategic-indicator-edit"),
    path(f"{_base}indicators/<int:indicator_id>/remove/", indicator_remove, name="strategic-indicator-remove"),
    path(f"{_base}indicators/<int:indicator_id>/measurements/new/", measurement_add, name="strategic-measurement-add"),
    path(f"{_base}measurements/<int:measurement_id>/remove/", measurement_remove, name="strategic-measurement-remove"),
    path(f"{_base}milestones/new/", milestone_add, name="strategic-milestone-add"),
    path(f"{_base}milestones/<int:milestone_id>/edit/", milestone_edit, name="strategic-milestone-edit"),
    path(f"{_base}milestones/<int:milestone_id>/remove/", milestone_remove, name="strategic-milestone-remove"),
    path("partnerships/<uuid:public_id>/report/", partnership_report, name="partnership-report"),
    path("partnerships/<uuid:public_id>/report.pdf", partnership_report_pdf, name="partnership-report-pdf"),
]
