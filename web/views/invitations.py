"""Invitations: the office invites a partner's staff member by e-mail, and the invited person accepts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from accounts.access import get_for_user_or_404, require
from identity.services import accept_invitation, find_invitation, invite_partner
from lib.errors import DomainError
from network.models import Organisation
from web.forms.errors import add_service_errors


class InvitationForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address"))
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150, required=False)


class AcceptForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("User name"), max_length=150)
    password1 = forms.CharField(
        label=gettext_lazy("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        required=False,
        help_text=gettext_lazy("Leave both password fields empty to sign in with one-time links sent by e-mail."),
    )
    password2 = forms.CharField(
        label=gettext_lazy("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1", "") != data.get("password2", ""):
            self.add_error("password2", gettext_lazy("The two passwords differ."))
        return data


@login_required
def invite(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    organisation = get_for_user_or_404(Organisation.objects.for_user(user), public_id=public_id)
    require(user, "identity.invite_partner")
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invite_partner(organisation, institution=user.institution, by=user, **form.cleaned_data)
        except DomainError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The invitation is on its way to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("organisation-detail", public_id=organisation.public_id)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "organisation": organisation, "nav": "organisations"}
    return render(request, "web/identity/invite.html", context, status=status)


@never_cache
def accept(request: HttpRequest, key: str) -> HttpResponse:
    try:
        invitation = find_invitation(key)
    except DomainError as error:
        return render(request, "web/identity/invitation_refused.html", {"reason": error.messages[0]}, status=410)
    form = AcceptForm(request.POST or None, initial={"username": invitation.email})
    if request.method == "POST" and form.is_valid():
        try:
            user = accept_invitation(
                key, username=form.cleaned_data["username"], password=form.cleaned_data["password1"] or None
            )
        except DomainError as error:
            add_service_errors(form, error)
        else:
            login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
            messages.success(request, _("Welcome to Brug. This is your organisation's page."))
            return redirect("organisation-detail", public_id=invitation.organisation.public_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "web/identity/accept.html", {"form": form, "invitation": invitation}, status=status)


urlpatterns = [
    path("organisations/<uuid:public_id>/invite/", invite, name="organisation-invite"),
    path("invitation/<str:key>/", accept, name="invitation-accept"),
]
