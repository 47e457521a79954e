"""People of the institution's network: list, detail, create, edit, and deactivation with hand-over."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from accounts.access import get_for_user_or_404, require
from engagements.models import Course, Engagement, Participation
from lib.errors import ConflictError, DomainError
from lib.pagination import paginate
from network.export_page import export_page
from network.filters import filter_people
from network.models import Affiliation, Person, SofarRole
from network.privacy import erase_person, export_personal_data
from network.queries import person_relationships
from network.services import create_person, update_person
from partnerships.models import HandOver
from partnerships.services import deactivate_person, owned_counts
from web.forms.network import HandOverForm, PersonFilterForm, PersonForm, add_service_errors

DETAIL_ROWS = 50
INSTITUTION_SIDE = (SofarRole.STUDENT, SofarRole.FACULTY, SofarRole.ADMINISTRATOR)


def _people(user: Any) -> QuerySet[Person]:
    return Person.objects.for_user(user)


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require(user, "network.use_network")
    filters = PersonFilterForm(request.GET or None)
    queryset = _people(user).select_related("user").prefetch_related("affiliations__organisation")
    data = filters.cleaned_data if filters.is_valid() else {}
    context = {
        "nav": "people",
        "filters": filters,
        "page": paginate(request, filter_people(queryset, data)),
        "can_add": user.has_perm("network.add_person") and user.institution_id,
    }
    return render(request, "web/people/list.html", context)


def _get(request: HttpRequest, public_id: str) -> Person:
    queryset = (
        _people(request.user)
        .select_related("institution", "user")
        .prefetch_related("affiliations__organisation", "affiliations__institution")
    )
    return get_for_user_or_404(queryset, public_id=public_id)


@login_required
def person_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    person = _get(request, public_id)
    relationships = person_relationships(user, person)
    shown = list(relationships[:DETAIL_ROWS])
    can_deactivate = person.is_active and user.has_perm("network.deactivate_person", person)
    hand_overs: list[HandOver] = []
    if user.has_perm("network.change_person", person):
        hand_overs = list(
            HandOver.objects.filter(Q(from_person=person) | Q(to_person=person))
            .select_related("from_person", "to_person", "by")
            .order_by("-at")[:DETAIL_ROWS]
        )
    context = {
        "nav": "people",
        "person": person,
        "affiliations": list(person.affiliations.all()),
        "relationships": shown,
        "relationship_count": len(shown) if len(shown) < DETAIL_ROWS else relationships.count(),
        "participations": list(
            Participation.objects.filter(person=person, engagement__in=Engagement.objects.for_user(user))
            .select_related("engagement__organisation")
            .order_by("-engagement__start_date", "-engagement_id")[:DETAIL_ROWS]
        ),
        "courses": list(
            Course.objects.for_user(user).filter(teachers=person).order_by("-academic_year", "title")[:DETAIL_ROWS]
        ),
        "hand_overs": hand_overs,
        "can_edit": user.has_perm("network.change_person", person),
        "can_deactivate": can_deactivate,
        "can_manage_personal_data": user.has_perm("network.manage_personal_data", person),
        "can_add_relationship": user.has_perm("network.add_relationship") and person.is_active and user.institution_id,
    }
    return render(request, "web/people/detail.html", context)


def _form_page(request: HttpRequest, form: PersonForm, person: Person | None, status: int = 200) -> HttpResponse:
    response = render(request, "web/people/form.html", {"nav": "people", "form": form, "person": person})
    response.status_code = status
    return response


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require(user, "network.add_person")
    if user.institution is None:
        # People are kept by an institution; an account without one has nowhere to keep them.
        raise PermissionDenied
    if request.method != "POST":
        return _form_page(request, PersonForm(), None)
    form = PersonForm(request.POST)
    if form.is_valid():
        try:
            person = create_person(
                by=user, institution=user.institution, roles=form.role_specs(), **form.person_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error, aliases={"organisation": "organisations"})
        else:
            messages.success(request, _("Person added."))
            return redirect("person-detail", person.public_id)
    return _form_page(request, form, None, status=400)


@login_required
def person_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    person = _get(request, public_id)
    require(user, "network.change_person", person)
    if request.method != "POST":
        return _form_page(request, PersonForm(person=person), person)
    form = PersonForm(request.POST, person=person)
    status = 400
    if form.is_valid():
        try:
            update_person(
                person,
                by=user,
                expected_version=form.cleaned_data["version"],
                roles=form.role_specs(),
                **form.person_fields(),
            )
        except ConflictError as error:
            add_service_errors(form, error)
            status = 409
        except ValidationError as error:
            add_service_errors(form, error, aliases={"organisation": "organisations"})
        else:
            messages.success(request, _("Changes saved."))
            return redirect("person-detail", person.public_id)
    return _form_page(request, form, person, status=status)


@login_required
def person_deactivate(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    person = _get(request, public_id)
    require(user, "network.deactivate_person", person)
    if not person.is_active:
        messages.info(request, _("%(name)s is already inactive.") % {"name": person})
        return redirect("person-detail", person.public_id)
    colleagues = (
        Person.objects.filter(institution_id=person.institution_id, is_active=True)
        .filter(Exists(Affiliation.objects.filter(person_id=OuterRef("pk"), role__in=INSTITUTION_SIDE)))
        .exclude(pk=person.pk)
        .order_by("last_name", "first_name", "id")
    )
    form = HandOverForm(request.POST or None, colleagues=colleagues)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                deactivate_person(person, by=user, hand_over_to=form.cleaned_data["to"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("%(name)s is now inactive.") % {"name": person})
                return redirect("person-detail", person.public_id)
    relationships, partnerships = owned_counts(person)
    response = render(
        request,
        "web/people/deactivate.html",
        {
            "nav": "people",
            "person": person,
            "form": form,
            "owned_relationships": relationships,
            "owned_partnerships": partnerships,
        },
    )
    response.status_code = status
    return response


@login_required
def person_personal_data(request: HttpRequest, public_id: str) -> HttpResponse:
    """Everything Brug keeps about the person, as a JSON file to hand to them (a GDPR access request)."""
    user: Any = request.user
    person = _get(request, public_id)
    require(user, "network.manage_personal_data", person)
    response = JsonResponse(
        export_personal_data(person, by=user), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = f'attachment; filename="personal-data-{person.public_id}.json"'
    return response


@login_required
def person_personal_data_page(request: HttpRequest, public_id: str) -> HttpResponse:
    """The same export as a readable page to print or save, in the person's own language."""
    user: Any = request.user
    person = _get(request, public_id)
    require(user, "network.manage_personal_data", person)
    return HttpResponse(export_page(person, export_personal_data(person, by=user)))


@login_required
def person_erase(request: HttpRequest, public_id: str) -> HttpResponse:
    """Erase a person's personal data, after a confirmation that says what goes and what stays."""
    user: Any = request.user
    person = _get(request, public_id)
    require(user, "network.manage_personal_data", person)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            erase_person(person, by=user)
        except DomainError as error:
            errors = list(error.messages)
            status = 400
        else:
            messages.success(request, _("The personal data are erased."))
            return redirect("person-detail", person.public_id)
    relationships, partnerships = owned_counts(person)
    context = {
        "nav": "people",
        "person": person,
        "errors": errors,
        "owned_relationships": relationships,
        "owned_partnerships": partnerships,
        "can_deactivate": person.is_active and user.has_perm("network.deactivate_person", person),
    }
    return render(request, "web/people/erase.html", context, status=status)


urlpatterns = [
    path("people/", person_list, name="person-list"),
    path("people/new/", person_create, name="person-create"),
    path("people/<uuid:public_id>/", person_detail, name="person-detail"),
    path("people/<uuid:public_id>/edit/", person_edit, name="person-edit"),
    path("people/<uuid:public_id>/deactivate/", person_deactivate, name="person-deactivate"),
    path("people/<uuid:public_id>/personal-data/", person_personal_data, name="person-personal-data"),
    path("people/<uuid:public_id>/personal-data/page/", person_personal_data_page, name="person-personal-data-page"),
    path("people/<uuid:public_id>/erase/", person_erase, name="person-erase"),
]
