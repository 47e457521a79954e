"""Engagement pages: list with filters, detail with the people and their hours, create and edit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from accounts.access import get_for_user_or_404, require
from engagements.models import Course, Engagement
from engagements.services import create_engagement, update_engagement
from lib.errors import DomainError
from lib.pagination import paginate
from network.models import Person
from partnerships.models import Partnership
from web.forms.engagements import EngagementFilterForm, EngagementForm, ParticipantFormSet, participant_initial
from web.forms.partnerships import add_domain_errors


@login_required
def engagement_list(request: HttpRequest) -> HttpResponse:
    visible = Engagement.objects.for_user(request.user)
    filters = EngagementFilterForm(request.GET or None, visible=visible, user=request.user)
    engagements = filters.filter(visible).select_related("organisation", "course", "partnership")
    context = {
        "nav": "engagements",
        "filters": filters,
        "page": paginate(request, engagements),
        "can_add": request.user.has_perm("engagements.add_engagement") and request.user.institution_id,
    }
    return render(request, "web/engagements/list.html", context)


def _get_engagement(request: HttpRequest, public_id: Any) -> Engagement:
    queryset = Engagement.objects.for_user(request.user).select_related(
        "institution", "organisation", "course", "partnership"
    )
    return get_for_user_or_404(queryset, public_id=public_id)


@login_required
def engagement_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    user: Any = request.user
    engagement = _get_engagement(request, public_id)
    participations = list(
        engagement.participations.select_related("person").order_by("role", "person__last_name", "person__first_name")
    )
    # Link only to what this viewer may open; a partner may not be a party to the partnership.
    visible_ids = {
        "course": engagement.course_id is not None
        and Course.objects.for_user(user).filter(pk=engagement.course_id).exists(),
        "partnership": engagement.partnership_id is not None
        and Partnership.objects.for_user(user).filter(pk=engagement.partnership_id).exists(),
    }
    context = {
        "nav": "engagements",
        "engagement": engagement,
        "participations": participations,
        "total_hours": sum(p.hours for p in participations),
        "course_visible": visible_ids["course"],
        "partnership_visible": visible_ids["partnership"],
        "can_change": user.has_perm("engagements.change_engagement", engagement),
        # Reverse relation of the matching app: the points of attention agreed when it started.
        "matches": list(engagement.matches.all()[:5]),
    }
    return render(request, "web/engagements/detail.html", context)


def _people(request: HttpRequest, institution: Any) -> Any:
    return (
        Person.objects.for_user(request.user)
        .filter(institution_id=institution.pk, is_active=True)
        .order_by("last_name", "first_name", "id")
    )


def _forms(
    request: HttpRequest, institution: Any, *, engagement: Engagement | None = None
) -> tuple[EngagementForm, Any]:
    data = request.POST if request.method == "POST" else None
    form = EngagementForm(
        data,
        institution=institution,
        user=request.user,
        editing=engagement is not None,
        initial=EngagementForm.initial_for(engagement) if engagement else None,
    )
    participants = ParticipantFormSet(
        data,
        prefix="people",
        people=_people(request, institution),
        initial=participant_initial(engagement) if engagement else None,
    )
    return form, participants


def _render_form(
    request: HttpRequest, form: EngagementForm, participants: Any, engagement: Engagement | None
) -> HttpResponse:
    if not form.is_bound:
        status = 200
    elif form.has_error("__all__", "conflict"):
        status = 409
    else:
        status = 400
    context = {"nav": "engagements", "form": form, "participants": participants, "engagement": engagement}
    return render(request, "web/engagements/form.html", context, status=status)


@login_required
def engagement_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require(user, "engagements.add_engagement")
    if user.institution is None:
        raise Http404
    form, participants = _forms(request, user.institution)
    if request.method == "POST" and form.is_valid() & participants.is_valid():
        try:
            engagement = create_engagement(
                by=user,
                institution=user.institution,
                participants=participants.participants(),
                **form.service_fields(),
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Engagement created."))
            return redirect("engagement-detail", engagement.public_id)
    return _render_form(request, form, participants, None)


@login_required
def engagement_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    engagement = _get_engagement(request, public_id)
    require(request.user, "engagements.change_engagement", engagement)
    form, participants = _forms(request, engagement.institution, engagement=engagement)
    if request.method == "POST" and form.is_valid() & participants.is_valid():
        try:
            update_engagement(
                engagement,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                participants=participants.participants(),
                **form.service_fields(),
            )
        except DomainError as error:
            add_domain_errors(form, error)
            engagement.refresh_from_db()
        else:
            messages.success(request, _("Engagement saved."))
            return redirect("engagement-detail", engagement.public_id)
    return _render_form(request, form, participants, engagement)


urlpatterns = [
    path("engagements/", engagement_list, name="engagement-list"),
    path("engagements/new/", engagement_create, name="engagement-create"),
    path("engagements/<uuid:public_id>/", engagement_detail, name="engagement-detail"),
    path("engagements/<uuid:public_id>/edit/", engagement_edit, name="engagement-edit"),
]
