"""Signing in with an institution's account (the e-mail address chooses the institution), and the page where
an institution's office sets up how its people sign in."""

from __future__ import annotations

from typing import Any

from allauth.account import views as account_views
from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import get_for_user_or_404, require
from accounts.models import User
from accounts.services import sign_out_everywhere, unlock_sign_in
from identity.models import IdentityProvider, policy_for
from identity.services import provider_for_email, save_identity_provider, sign_in_origins, update_sign_in_policy
from lib.errors import DomainError
from web.forms.errors import add_service_errors


def login(request: HttpRequest) -> HttpResponse:
    """allauth's login page. The institution's e-mail form ends at the institution's provider, so the page's
    Content-Security-Policy lets forms lead there (browsers apply ``form-action`` to redirects too)."""
    response = account_views.login(request)
    origins = sign_in_origins()
    if origins:
        response._csp_update = {"form-action": origins}  # type: ignore[attr-defined]
    return response


def institution_sign_in(request: HttpRequest) -> HttpResponse:
    try:
        provider = provider_for_email(request.GET.get("email", ""))
    except DomainError as error:
        return render(request, "identity/sign_in_refused.html", {"reason": error.messages[0]}, status=400)
    query = {"process": "login"}
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        query["next"] = next_url
    return redirect(reverse(f"{provider.kind}_login", args=[provider.slug]) + "?" + urlencode(query))


class PolicyForm(forms.Form):
    local_passwords = forms.BooleanField(label=gettext_lazy("Allow local passwords"), required=False)
    second_factor_for_office = forms.BooleanField(
        label=gettext_lazy("Require a second factor for coordinators and administrators"), required=False
    )
    email_domains = forms.CharField(
        label=gettext_lazy("E-mail domains"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Comma-separated, for example ugent.be, student.ugent.be."),
    )
    deactivate_after_days = forms.IntegerField(
        label=gettext_lazy("Deactivate accounts not seen for (days)"), required=False, min_value=1
    )


class ProviderForm(forms.ModelForm):
    role_mapping_text = forms.CharField(
        label=gettext_lazy("Role mapping"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "One per line: the value the provider sends = the Brug role (student, faculty, coordinator, "
            "administrator). For example: staff = faculty"
        ),
    )

    class Meta:
        model = IdentityProvider
        fields = [
            "name",
            "slug",
            "kind",
            "issuer",
            "client_id",
            "client_secret",
            "metadata_url",
            "metadata_xml",
            "role_attribute",
            "office_roles_allowed",
        ]
        widgets = {"client_secret": forms.PasswordInput(render_value=True)}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not apps.is_installed("allauth.socialaccount.providers.saml"):
            self.fields["kind"].choices = [(IdentityProvider.Kind.OIDC, IdentityProvider.Kind.OIDC.label)]
        if self.instance.pk:
            self.fields["role_mapping_text"].initial = "\n".join(
                f"{key} = {value}" for key, value in self.instance.role_mapping.items()
            )

    def clean_role_mapping_text(self) -> dict[str, str]:
        roles = {"student", "faculty", "coordinator", "administrator"}
        mapping: dict[str, str] = {}
        for number, line in enumerate(self.cleaned_data["role_mapping_text"].splitlines(), start=1):
            if not line.strip():
                continue
            value, sep, role = line.partition("=")
            if not sep or not value.strip() or role.strip().lower() not in roles:
                raise forms.ValidationError(
                    gettext_lazy("Line %(number)d is not “value = role” with a Brug role.") % {"number": number}
                )
            mapping[value.strip()] = role.strip().lower()
        return mapping


def _settings_page(request: HttpRequest, policy_form: PolicyForm, provider_form: ProviderForm, status: int = 200):
    user: Any = request.user
    providers = IdentityProvider.objects.filter(institution_id=user.institution_id).order_by("name")
    rows = [
        {
            "provider": provider,
            "redirect_url": request.build_absolute_uri(reverse(f"{provider.kind}_callback", args=[provider.slug]))
            if provider.kind == IdentityProvider.Kind.OIDC
            else request.build_absolute_uri(reverse("saml_acs", args=[provider.slug])),
            "metadata_url": request.build_absolute_uri(reverse("saml_metadata", args=[provider.slug]))
            if provider.kind == IdentityProvider.Kind.SAML
            else "",
        }
        for provider in providers
    ]
    context = {"policy_form": policy_form, "provider_form": provider_form, "rows": rows, "nav": "sign-in-settings"}
    return render(request, "web/identity/settings.html", context, status=status)


@login_required
def sign_in_settings(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require(user, "identity.change_sign_in_policy")
    policy = policy_for(user.institution_id)
    initial = {
        "local_passwords": policy.local_passwords,
        "second_factor_for_office": policy.second_factor_for_office,
        "email_domains": policy.email_domains,
        "deactivate_after_days": policy.deactivate_after_days,
    }
    if request.method == "POST" and "unlock" in request.POST:
        login = request.POST.get("unlock", "").strip()
        target = (
            User.objects.filter(institution_id=user.institution_id)
            .filter(Q(username__iexact=login) | Q(email__iexact=login))
            .first()
            if login
            else None
        )
        if target is None:
            messages.error(request, _("Nobody of your institution signs in as “%(login)s”.") % {"login": login})
        else:
            unlock_sign_in(target, by=user, request=request)
            messages.success(request, _("%(name)s can sign in again at once.") % {"name": target.username})
        return redirect("sign-in-settings")
    if request.method == "POST" and "save_policy" in request.POST:
        form = PolicyForm(request.POST)
        if form.is_valid():
            try:
                update_sign_in_policy(user.institution, by=user, **form.cleaned_data)
            except DomainError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The sign-in settings are saved."))
                return redirect("sign-in-settings")
        return _settings_page(request, form, ProviderForm(), status=400)
    return _settings_page(request, PolicyForm(initial=initial), ProviderForm())


@login_required
def provider_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    user: Any = request.user
    require(user, "identity.change_sign_in_policy")
    provider = (
        get_for_user_or_404(IdentityProvider.objects.filter(institution_id=user.institution_id), slug=slug)
        if slug
        else None
    )
    form = ProviderForm(request.POST or None, instance=provider)
    if request.method == "POST" and form.is_valid():
        values = {field: form.cleaned_data[field] for field in ProviderForm.Meta.fields}
        values["role_mapping"] = form.cleaned_data["role_mapping_text"]
        try:
            save_identity_provider(user.institution, by=user, provider=provider, **values)
        except DomainError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The identity provider is saved."))
            return redirect("sign-in-settings")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "web/identity/provider.html",
        {"form": form, "provider": provider, "nav": "sign-in-settings"},
        status=status,
    )


@login_required
def account_security(request: HttpRequest) -> HttpResponse:
    """Your own sign-in: password, second factor, and signing out on every device."""
    if request.method == "POST":
        sign_out_everywhere(request.user, by=request.user)  # type: ignore[arg-type]
        logout(request)
        messages.success(request, _("You are signed out on every device. Sign in again here."))
        return redirect("login")
    return render(request, "web/identity/security.html", {"nav": "account-security"})


urlpatterns = [
    path("account/security/", account_security, name="account-security"),
    path("login/institution/", institution_sign_in, name="institution-sign-in"),
    path("settings/sign-in/", sign_in_settings, name="sign-in-settings"),
    path("settings/sign-in/providers/new/", provider_edit, name="identity-provider-new"),
    path("settings/sign-in/providers/<slug:slug>/", provider_edit, name="identity-provider-edit"),
]
