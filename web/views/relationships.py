"""Relationships between two actors: list with health filters, detail with contacts and history, create, owners."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import get_for_user_or_404, require
from lib.errors import ConflictError
from lib.pagination import paginate
from network.filters import filter_relationships, relationship_organisation_choices, relationship_owner_choices
from network.models import Interaction, Organisation, Person, Relationship, SofarRole
from network.queries import owner_history, owners_fingerprint, relationship_audit
from network.selectors import is_stale, stale_cutoff
from network.services import create_relationship, set_relationship_owners
from web.forms.interactions import InteractionForm
from web.forms.network import OwnersForm, RelationshipFilterForm, RelationshipForm, add_service_errors
from web.views.contact import contact_form, handle_log_contact, timeline_rows

INSTITUTION_SIDE = (SofarRole.STUDENT, SofarRole.FACULTY, SofarRole.ADMINISTRATOR)


def _owners_ordered() -> Prefetch:
    return Prefetch("owners", queryset=Person.objects.order_by("last_name", "first_name"))


def _relationships(user: Any) -> QuerySet[Relationship]:
    return Relationship.objects.for_user(user).with_actors()


def _active_people(institution_id: int | None) -> QuerySet[Person]:
    return Person.objects.filter(institution_id=institution_id, is_active=True).prefetch_related("affiliations")


def _owner_candidates(institution_id: int | None) -> QuerySet[Person]:
    """Owners are active people on the institution's side (students, faculty, administrators)."""
    return (
        Person.objects.filter(institution_id=institution_id, is_active=True, affiliations__role__in=INSTITUTION_SIDE)
        .distinct()
        .order_by("last_name", "first_name", "id")
    )


@login_required
def relationship_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require(user, "network.use_network")
    visible = Relationship.objects.for_user(user)
    filters = RelationshipFilterForm(
        request.GET or None,
        organisations=relationship_organisation_choices(visible),
        owners=relationship_owner_choices(visible),
    )
    institution = user.institution if user.institution_id else None
    cutoff = stale_cutoff(institution) if institution else None
    data = filters.cleaned_data if filters.is_valid() else {}
    queryset = visible.with_actors().prefetch_related(_owners_ordered())
    context = {
        "nav": "relationships",
        "filters": filters,
        "page": paginate(request, filter_relationships(queryset, data, institution=institution)),
        "cutoff": cutoff,
        "can_add": user.has_perm("network.add_relationship") and user.institution_id,
    }
    return render(request, "web/relationships/list.html", context)


def _detail_context(request: HttpRequest, relationship: Relationship, **overrides: Any) -> dict[str, Any]:
    user: Any = request.user
    can_log = user.has_perm("network.log_interaction", relationship)
    cutoff = stale_cutoff(relationship.institution)
    context = {
        "nav": "relationships",
        "relationship": relationship,
        "owners": list(relationship.owners.all()),
        "stale": is_stale(relationship, cutoff),
        "cutoff": cutoff,
        "can_change_owners": user.has_perm("network.change_relationship", relationship),
        "can_see_health": user.has_perm("network.view_relationship_health", relationship),
        "can_see_history": user.has_perm("network.change_relationship", relationship),
        "can_log": can_log,
        "contact_post_url": reverse("relationship-log-contact", args=[relationship.public_id]),
        "timeline": timeline_rows(_timeline(user, relationship)),
    }
    if context["can_see_history"]:
        context["owner_history"] = owner_history(relationship)
        context["audit_entries"] = list(relationship_audit(relationship))
    if can_log and "contact_form" not in overrides:
        context["contact_form"] = contact_form(request, relationships=None)
    context.update(overrides)
    return context


def _timeline(user: Any, relationship: Relationship) -> QuerySet[Interaction]:
    return Interaction.objects.for_user(user).filter(relationship=relationship)


def _get(request: HttpRequest, public_id: str) -> Relationship:
    queryset = _relationships(request.user).select_related("institution").prefetch_related(_owners_ordered())
    return get_for_user_or_404(queryset, public_id=public_id)


@login_required
def relationship_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    relationship = _get(request, public_id)
    return render(request, "web/relationships/detail.html", _detail_context(request, relationship))


@login_required
@require_POST
def relationship_log_contact(request: HttpRequest, public_id: str) -> HttpResponse:
    relationship = _get(request, public_id)
    require(request.user, "network.log_interaction", relationship)

    def full_page(form: InteractionForm) -> HttpResponse:
        return render(
            request, "web/relationships/detail.html", _detail_context(request, relationship, contact_form=form)
        )

    return handle_log_contact(
        request,
        relationships=None,
        default_relationship=lambda: relationship,
        timeline=_timeline(request.user, relationship),
        post_url=reverse("relationship-log-contact", args=[relationship.public_id]),
        back_url=reverse("relationship-detail", args=[relationship.public_id]),
        render_full_page=full_page,
    )


@login_required
def relationship_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require(user, "network.add_relationship")
    if user.institution is None:
        # Relationships are kept by an institution; an account without one has nowhere to keep it.
        raise PermissionDenied
    people = _active_people(user.institution_id).order_by("last_name", "first_name", "id")
    options = {
        "people": people,
        "owners": _owner_candidates(user.institution_id),
        "organisations": Organisation.objects.filter(is_active=True).order_by("name", "id"),
    }
    if request.method != "POST":
        initial: dict[str, Any] = {
            key: request.GET[key]
            for key in ("a_person", "a_organisation", "b_person", "b_organisation")
            if key in request.GET
        }
        if user.person_id and "a_person" not in initial and "a_organisation" not in initial:
            initial["a_person"] = user.person.public_id
        if user.person_id:
            initial["owners"] = [user.person.public_id]
        form = RelationshipForm(initial=initial, **options)
        return render(request, "web/relationships/form.html", {"nav": "relationships", "form": form})
    form = RelationshipForm(request.POST, **options)
    if form.is_valid():
        data = form.cleaned_data
        try:
            relationship = create_relationship(
                by=user,
                institution=user.institution,
                a=data["a"],
                a_role=data["a_role"],
                b=data["b"],
                b_role=data["b_role"],
                owners=list(data["owners"]),
                description=data["description"],
            )
        except ValidationError as error:
            add_service_errors(form, error, aliases={"b": "b_person", "a": "a_person"})
        else:
            messages.success(request, _("Relationship created."))
            return redirect("relationship-detail", relationship.public_id)
    response = render(request, "web/relationships/form.html", {"nav": "relationships", "form": form})
    response.status_code = 400
    return response


@login_required
def relationship_owners(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    relationship = _get(request, public_id)
    require(user, "network.change_relationship", relationship)
    candidates = _owner_candidates(relationship.institution_id)
    status = 200
    if request.method == "POST":
        form = OwnersForm(request.POST, candidates=candidates)
        if form.is_valid():
            try:
                if form.cleaned_data["current"] != owners_fingerprint(relationship):
                    raise ConflictError()
                set_relationship_owners(relationship, by=user, owners=list(form.cleaned_data["owners"]))
            except ConflictError as error:
                add_service_errors(form, error)
                status = 409
            except ValidationError as error:
                add_service_errors(form, error)
                status = 400
            else:
                messages.success(request, _("Owners saved."))
                return redirect("relationship-detail", relationship.public_id)
        else:
            status = 400
    else:
        form = OwnersForm(
            initial={
                "owners": [o.public_id for o in relationship.owners.all() if o.is_active],
                "current": owners_fingerprint(relationship),
            },
            candidates=candidates,
        )
    response = render(
        request,
        "web/relationships/owners.html",
        {"nav": "relationships", "form": form, "relationship": relationship, "owners": list(relationship.owners.all())},
    )
    response.status_code = status
    return response


urlpatterns = [
    path("relationships/", relationship_list, name="relationship-list"),
    path("relationships/new/", relationship_create, name="relationship-create"),
    path("relationships/<uuid:public_id>/", relationship_detail, name="relationship-detail"),
    path("relationships/<uuid:public_id>/contact/", relationship_log_contact, name="relationship-log-contact"),
    path("relationships/<uuid:public_id>/owners/", relationship_owners, name="relationship-owners"),
]
