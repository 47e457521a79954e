"""Partnership pages: list, detail (with missing voices and contact moments), create and edit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import get_for_user_or_404, relationship_scope, require
from engagements.models import Engagement
from lib.errors import ConflictError, DomainError
from lib.pagination import paginate
from network.models import Interaction, Organisation, Person, Relationship
from network.services import contact_relationship
from partnerships.models import ContinuumStage, Partnership, PartnershipParty
from partnerships.selectors import partnership_coverage, partnership_timeline
from partnerships.services import create_partnership, update_partnership
from web.forms.interactions import InteractionForm
from web.forms.partnerships import PartnershipFilterForm, PartnershipForm, add_domain_errors
from web.views.contact import contact_form, handle_log_contact, timeline_rows

DETAIL_ENGAGEMENTS = 20


def _with_parties(queryset: QuerySet[Partnership]) -> QuerySet[Partnership]:
    return queryset.select_related("institution", "campus").prefetch_related(
        Prefetch(
            "parties",
            queryset=PartnershipParty.objects.select_related("organisation").order_by("id"),
        ),
        "owners",
    )


@login_required
def partnership_list(request: HttpRequest) -> HttpResponse:
    filters = PartnershipFilterForm(request.GET or None)
    partnerships = _with_parties(filters.filter(Partnership.objects.for_user(request.user)))
    context = {
        "nav": "partnerships",
        "filters": filters,
        "page": paginate(request, partnerships),
        "can_add": request.user.has_perm("partnerships.add_partnership") and request.user.institution_id,
    }
    return render(request, "web/partnerships/list.html", context)


def _get_partnership(request: HttpRequest, public_id: Any) -> Partnership:
    return get_for_user_or_404(_with_parties(Partnership.objects.for_user(request.user)), public_id=public_id)


def _contact_relationships(request: HttpRequest, partnership: Partnership) -> QuerySet[Relationship]:
    organisation_ids = [party.organisation_id for party in partnership.parties.all()]
    return (
        Relationship.objects.for_user(request.user)
        .involving_organisations(organisation_ids)
        .filter(status=Relationship.Status.ACTIVE)
    )


def _timeline(request: HttpRequest, partnership: Partnership) -> QuerySet[Interaction]:
    # The lead institution's contact moments, as far as this viewer may see them.
    return partnership_timeline(partnership).filter(relationship_scope(request.user, prefix="relationship__"))


def _render_detail(request: HttpRequest, partnership: Partnership, form: InteractionForm | None = None) -> HttpResponse:
    user: Any = request.user
    parties = list(partnership.parties.all())
    owners = list(partnership.owners.all())
    active_owners = [o for o in owners if o.is_active]
    engagements = (
        Engagement.objects.for_user(user)
        .filter(partnership=partnership)
        .select_related("organisation", "course")
        .order_by("-start_date", "-id")
    )
    can_log = bool(user.has_perm("network.add_relationship") and user.person_id and user.institution_id)
    if can_log and form is None:
        form = contact_form(request, relationships=_contact_relationships(request, partnership))
    context = {
        "nav": "partnerships",
        "partnership": partnership,
        "parties": parties,
        "other_institutions": list(partnership.other_institutions.all()),
        "owners": owners,
        "single_owner": len(active_owners) == 1,
        "no_active_owner": partnership.orphaned or not active_owners,
        "stages": ContinuumStage.choices,
        "engagements": engagements[:DETAIL_ENGAGEMENTS],
        "engagement_count": engagements.count(),
        "coverage": partnership_coverage(partnership),
        "can_change": user.has_perm("partnerships.change_partnership", partnership),
        "can_see_health": user.has_perm("partnerships.view_partnership_health", partnership),
        "can_assess": user.has_perm("assessment.add_round", partnership),
        "can_log": can_log,
        "contact_form": form,
        "timeline": timeline_rows(_timeline(request, partnership)),
        "contact_post_url": reverse("partnership-log-contact", args=[partnership.public_id]),
    }
    return render(request, "web/partnerships/detail.html", context)


@login_required
def partnership_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _render_detail(request, _get_partnership(request, public_id))


@login_required
@require_POST
def partnership_log_contact(request: HttpRequest, public_id: Any) -> HttpResponse:
    partnership = _get_partnership(request, public_id)
    # Logging may create the user's own relationship with the organisation.
    require(request.user, "network.add_relationship")
    parties = list(partnership.parties.all())

    def default_relationship() -> Relationship:
        if not parties:
            raise DomainError(_("This partnership has no partner organisation to be in contact with."))
        return contact_relationship(request.user, parties[0].organisation)

    return handle_log_contact(
        request,
        relationships=_contact_relationships(request, partnership),
        default_relationship=default_relationship,
        timeline=_timeline(request, partnership),
        post_url=reverse("partnership-log-contact", args=[partnership.public_id]),
        back_url=reverse("partnership-detail", args=[partnership.public_id]),
        render_full_page=lambda form: _render_detail(request, partnership, form),
    )


def _form(request: HttpRequest, institution: Any, *, editing: bool, **kwargs: Any) -> PartnershipForm:
    return PartnershipForm(
        request.POST if request.method == "POST" else None,
        institution=institution,
        organisations=Organisation.objects.for_user(request.user).filter(is_active=True),
        people=Person.objects.for_user(request.user),
        editing=editing,
        **kwargs,
    )


@login_required
def partnership_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require(user, "partnerships.add_partnership")
    if user.institution is None:
        raise Http404
    form = _form(request, user.institution, editing=False, initial={"owners": [user.person] if user.person else []})
    if request.method == "POST" and form.is_valid():
        try:
            partnership = create_partnership(by=user, institution=user.institution, **form.service_fields())
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Partnership created."))
            return redirect("partnership-detail", partnership.public_id)
    status = 400 if form.is_bound else 200
    return render(
        request, "web/partnerships/form.html", {"nav": "partnerships", "form": form, "partnership": None}, status=status
    )


@login_required
def partnership_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    partnership = _get_partnership(request, public_id)
    require(request.user, "partnerships.change_partnership", partnership)
    form = _form(request, partnership.institution, editing=True, initial=PartnershipForm.initial_for(partnership))
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            update_partnership(partnership, by=request.user, expected_version=form.cleaned_data["version"], **fields)
        except ConflictError as error:
            form.add_error(None, error)
            partnership.refresh_from_db()
        except DomainError as error:
            add_domain_errors(form, error)
            partnership.refresh_from_db()
        else:
            messages.success(request, _("Partnership saved."))
            return redirect("partnership-detail", partnership.public_id)
    status = (409 if form.has_error("__all__", "conflict") else 400) if form.is_bound else 200
    return render(
        request,
        "web/partnerships/form.html",
        {"nav": "partnerships", "form": form, "partnership": partnership},
        status=status,
    )


urlpatterns = [
    path("partnerships/", partnership_list, name="partnership-list"),
    path("partnerships/new/", partnership_create, name="partnership-create"),
    path("partnerships/<uuid:public_id>/", partnership_detail, name="partnership-detail"),
    path("partnerships/<uuid:public_id>/edit/", partnership_edit, name="partnership-edit"),
    path("partnerships/<uuid:public_id>/contact/", partnership_log_contact, name="partnership-log-contact"),
]
