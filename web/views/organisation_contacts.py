"""Who receives an organisation's mail: add or remove a mail contact (the organisation itself or the office),
and the link with which a new address confirms it reads its mail (no account needed)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.access import get_for_user_or_404
from lib.errors import DomainError
from network.contacts import (
    add_contact,
    authorise_contact_change,
    confirm_contact_address,
    contact_for_token,
    remove_contact,
)
from network.models import Organisation, OrganisationContact
from web.forms.network import ContactForm


def _organisation(request: HttpRequest, public_id: Any) -> Organisation:
    return get_for_user_or_404(Organisation.objects.for_user(request.user), public_id=public_id)


def _back(organisation: Organisation) -> HttpResponse:
    return redirect(reverse("organisation-detail", args=[organisation.public_id]) + "#mail-h")


@login_required
@require_POST
def organisation_contact_add(request: HttpRequest, public_id: Any) -> HttpResponse:
    organisation = _organisation(request, public_id)
    authorise_contact_change(request.user, organisation)
    form = ContactForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(organisation)
    try:
        add_contact(organisation, by=request.user, **form.cleaned_data)
    except DomainError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("A confirmation link went to %(email)s: the address receives the mail once it used the link.")
            % {"email": form.cleaned_data["email"]},
        )
    return _back(organisation)


@login_required
@require_POST
def organisation_contact_remove(request: HttpRequest, public_id: Any) -> HttpResponse:
    organisation = _organisation(request, public_id)
    email = (request.POST.get("email") or "").strip().lower()
    authorise_contact_change(request.user, organisation)
    contact = get_for_user_or_404(OrganisationContact.objects.filter(organisation=organisation), email=email)
    remove_contact(contact, by=request.user)
    messages.success(request, _("%(email)s no longer receives the organisation's mail.") % {"email": email})
    return _back(organisation)


@never_cache
def contact_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners open links); POST confirms. A used or old link says so."""
    contact = contact_for_token(token)
    if contact is None:
        return render(request, "web/matching/link_invalid.html", status=404)
    context: dict[str, Any] = {"contact": contact, "organisation": contact.organisation}
    if request.method == "POST":
        try:
            contact = confirm_contact_address(token)
        except DomainError as error:
            status = 409 if getattr(error, "code", None) == "used" else 410
            return render(
                request,
                "web/organisations/contact_confirm.html",
                {**context, "error": error.messages[0]},
                status=status,
            )
        return render(request, "web/organisations/contact_confirm.html", {**context, "done": True})
    if contact.address_confirmed_at is not None:
        context["error"] = _("This address was already confirmed.")
    return render(request, "web/organisations/contact_confirm.html", context)


urlpatterns = [
    path("organisations/<uuid:public_id>/mail-contacts/", organisation_contact_add, name="organisation-contact-add"),
    path(
        "organisations/<uuid:public_id>/mail-contacts/remove/",
        organisation_contact_remove,
        name="organisation-contact-remove",
    ),
    path("contacts/confirm/<str:token>/", contact_confirm, name="contact-confirm"),
]
