"""The shared organisation directory: list, profile, contact panel, internal notes, create and edit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import get_for_user_or_404, require
from lib.errors import ConflictError, DomainError
from lib.pagination import paginate
from network.contacts import may_change_contacts, organisation_recipients
from network.filters import filter_organisations, organisation_cities
from network.models import Organisation, OrganisationNote, Relationship
from network.queries import last_contact_on, organisation_relationships, organisation_timeline
from network.services import (
    add_organisation_note,
    confirm_organisation_profile,
    contact_relationship,
    create_organisation,
    update_organisation,
)
from partnerships.models import Partnership
from reports.partner_overview import institutions_working_with
from web.forms.interactions import InteractionForm
from web.forms.network import ContactForm, NoteForm, OrganisationFilterForm, OrganisationForm, add_service_errors
from web.views.contact import contact_form, handle_log_contact, timeline_rows

DETAIL_ROWS = 50
NOTE_ROWS = 20


def _organisations(user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.for_user(user)


def _attach_our_last_contact(institution_id: int, organisations: Any) -> None:
    """What our own institution has with each organisation of the page: the newest contact date.

    Read for the page's rows only, one indexed lookup per end of the relationship;
    a correlated subquery over both ends made SQLite scan the institution's
    relationships for every row of the directory.
    """
    rows = list(organisations)
    ids = [o.pk for o in rows]
    ours = Relationship.objects.filter(institution_id=institution_id).exclude(last_contact_on=None).order_by()
    latest: dict[int, Any] = {}
    for end in ("a_organisation", "b_organisation"):
        for org_id, day in ours.filter(**{f"{end}__in": ids}).values_list(end).annotate(m=Max("last_contact_on")):
            if org_id not in latest or day > latest[org_id]:
                latest[org_id] = day
    for organisation in rows:
        organisation.our_last_contact = latest.get(organisation.pk)


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require(user, "network.use_network")
    visible = _organisations(user)
    filters = OrganisationFilterForm(request.GET or None, cities=organisation_cities(visible))
    data = filters.cleaned_data if filters.is_valid() else {}
    page = paginate(request, filter_organisations(visible.prefetch_related("themes"), data))
    if user.institution_id:
        _attach_our_last_contact(user.institution_id, page.object_list)
    context = {
        "nav": "organisations",
        "filters": filters,
        "page": page,
        "can_add": user.has_perm("network.add_organisation"),
        "show_contact": bool(user.institution_id),
    }
    return render(request, "web/organisations/list.html", context)


def _detail_context(request: HttpRequest, organisation: Organisation, **overrides: Any) -> dict[str, Any]:
    user: Any = request.user
    relationships = organisation_relationships(user, organisation)
    can_view_notes = user.has_perm("network.view_organisationnote")
    notes: list[OrganisationNote] = []
    if can_view_notes:
        notes = list(
            OrganisationNote.objects.filter(organisation=organisation, institution_id=user.institution_id)
            .select_related("author")
            .order_by("-created_at", "-id")[:NOTE_ROWS]
        )
    shown = list(relationships[:DETAIL_ROWS])
    can_log = bool(user.person_id and user.institution_id) or bool(shown and user.has_perm("network.use_network"))
    across, load, period = institutions_working_with(organisation)
    context = {
        "nav": "organisations",
        "organisation": organisation,
        "across": across,
        "across_load": load,
        "across_period": period,
        "relationships": shown,
        "relationship_count": len(shown) if len(shown) < DETAIL_ROWS else relationships.count(),
        "last_contact_on": last_contact_on(relationships),
        "partnerships": list(
            Partnership.objects.for_user(user)
            .filter(parties__organisation=organisation)
            .select_related("institution")
            .order_by("title", "id")[:DETAIL_ROWS]
        ),
        "can_edit": user.has_perm("network.change_organisation", organisation),
        "can_confirm": user.has_perm("network.confirm_organisation_profile", organisation),
        "can_view_notes": can_view_notes,
        "can_add_note": user.has_perm("network.add_organisationnote"),
        "notes": notes,
        "note_form": NoteForm(),
        "can_log": can_log,
        "contact_post_url": reverse("organisation-log-contact", args=[organisation.public_id]),
        "timeline": timeline_rows(organisation_timeline(user, organisation)),
        "can_add_relationship": user.has_perm("network.add_relationship") and user.institution_id,
        "recipients": organisation_recipients(organisation.pk),
        "can_change_contacts": may_change_contacts(user, organisation),
        "mail_contact_form": ContactForm(),
    }
    if can_log and "contact_form" not in overrides:
        context["contact_form"] = contact_form(request, relationships=relationships)
    context.update(overrides)
    return context


@login_required
def organisation_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    organisation = get_for_user_or_404(
        _organisations(request.user).prefetch_related("themes", "target_groups"), public_id=public_id
    )
    return render(request, "web/organisations/detail.html", _detail_context(request, organisation))


@login_required
@require_POST
def organisation_confirm(request: HttpRequest, public_id: str) -> HttpResponse:
    """The organisation's own partner user confirms that its profile is right."""
    organisation = get_for_user_or_404(_organisations(request.user), public_id=public_id)
    require(request.user, "network.confirm_organisation_profile", organisation)
    confirm_organisation_profile(organisation, by=request.user)
    messages.success(request, _("Thank you: every institution now sees that your profile was confirmed today."))
    return redirect("organisation-detail", organisation.public_id)


@login_required
@require_POST
def organisation_log_contact(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    organisation = get_for_user_or_404(_organisations(user), public_id=public_id)
    require(user, "network.use_network")
    relationships = organisation_relationships(user, organisation)

    def default_relationship() -> Relationship:
        if user.is_partner:
            raise DomainError({"relationship": _("Choose the relationship this contact belongs to.")})
        return contact_relationship(user, organisation)

    def full_page(form: InteractionForm) -> HttpResponse:
        organisation_with_terms = Organisation.objects.prefetch_related("themes", "target_groups").get(
            pk=organisation.pk
        )
        context = _detail_context(request, organisation_with_terms, contact_form=form)
        return render(request, "web/organisations/detail.html", context)

    url = reverse("organisation-detail", args=[organisation.public_id])
    return handle_log_contact(
        request,
        relationships=relationships,
        default_relationship=default_relationship,
        timeline=organisation_timeline(user, organisation),
        post_url=reverse("organisation-log-contact", args=[organisation.public_id]),
        back_url=url,
        render_full_page=full_page,
    )


@login_required
@require_POST
def organisation_add_note(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    organisation = get_for_user_or_404(
        _organisations(user).prefetch_related("themes", "target_groups"), public_id=public_id
    )
    require(user, "network.add_organisationnote")
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            add_organisation_note(organisation, by=user, text=form.cleaned_data["text"])
        except DomainError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Note saved."))
            return redirect(reverse("organisation-detail", args=[organisation.public_id]) + "#notes-h")
    response = render(request, "web/organisations/detail.html", _detail_context(request, organisation, note_form=form))
    response.status_code = 400
    return response


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "network.add_organisation")
    form = OrganisationForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                organisation = create_organisation(by=request.user, **form.service_fields())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Organisation added to the shared directory."))
                return redirect("organisation-detail", organisation.public_id)
        return _form_page(request, form, None, status=400)
    return _form_page(request, form, None)


@login_required
def organisation_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    organisation = get_for_user_or_404(
        _organisations(request.user).prefetch_related("themes", "target_groups"), public_id=public_id
    )
    require(request.user, "network.change_organisation", organisation)
    options = {
        "organisation": organisation,
        "by_partner": request.user.is_partner,
        "may_change_contacts": may_change_contacts(request.user, organisation),
    }
    if request.method != "POST":
        return _form_page(request, OrganisationForm(**options), organisation)
    form = OrganisationForm(request.POST, **options)
    status = 400
    if form.is_valid():
        try:
            update_organisation(
                organisation, by=request.user, expected_version=form.cleaned_data["version"], **form.service_fields()
            )
        except ConflictError as error:
            add_service_errors(form, error)
            status = 409
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error("email", str(error))
            status = 403
        else:
            messages.success(request, _("Changes saved."))
            return redirect("organisation-detail", organisation.public_id)
    return _form_page(request, form, organisation, status=status)


def _form_page(
    request: HttpRequest, form: OrganisationForm, organisation: Organisation | None, status: int = 200
) -> HttpResponse:
    response = render(
        request,
        "web/organisations/form.html",
        {"nav": "organisations", "form": form, "organisation": organisation},
    )
    response.status_code = status
    return response


urlpatterns = [
    path("organisations/", organisation_list, name="organisation-list"),
    path("organisations/new/", organisation_create, name="organisation-create"),
    path("organisations/<uuid:public_id>/", organisation_detail, name="organisation-detail"),
    path("organisations/<uuid:public_id>/edit/", organisation_edit, name="organisation-edit"),
    path("organisations/<uuid:public_id>/contact/", organisation_log_contact, name="organisation-log-contact"),
    path("organisations/<uuid:public_id>/notes/", organisation_add_note, name="organisation-add-note"),
    path("organisations/<uuid:public_id>/confirm/", organisation_confirm, name="organisation-confirm"),
]
