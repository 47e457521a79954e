"""Brug's rules on top of django-allauth: no open sign-up, one throttle per account, local passwords that an
institution can switch off, and a second factor that an institution can require of its office."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.signin import account_throttle_key
from audit.services import record
from identity.models import IdentityProvider, policy_for
from identity.saml import saml_claims


def second_factor_required(user: Any) -> bool:
    """Coordinators and administrators of an institution that requires it must have a second factor."""
    return bool(
        user.is_authenticated
        and getattr(user, "is_office", False)
        and policy_for(user.institution_id).second_factor_for_office
    )


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts come from an invitation or an institution's identity provider, never from a public form.
        return False

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        return account_throttle_key(credentials.get("email", credentials.get("username", "")))

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        user = super().authenticate(request, **credentials)
        if user is not None and not user.is_superuser and not policy_for(user.institution_id).local_passwords:
            raise self.validation_error("local_passwords_off")
        return user

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "local_passwords_off": _(
            "Your institution signs you in with its own account: choose your institution below instead."
        ),
    }


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        return not second_factor_required(authenticator.user)


def claims_of(sociallogin: SocialLogin) -> dict[str, Any]:
    """What the provider said about the person: OpenID Connect's ID token and userinfo, or SAML's attributes."""
    data = dict(sociallogin.account.extra_data or {})
    if "userinfo" in data or "id_token" in data:
        return {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}
    return saml_claims(data)


def refuse(request: HttpRequest, reason: str, *, status: int = 403) -> ImmediateHttpResponse:
    response = render(request, "identity/sign_in_refused.html", {"reason": reason}, status=status)
    return ImmediateHttpResponse(response)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """A first sign-in through an institution's provider makes the account, inside that institution only."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return True

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        from identity.services import ProviderSignInRefused, admit

        provider = (
            IdentityProvider.objects.select_related("institution").filter(slug=sociallogin.account.provider).first()
        )
        if provider is None:
            raise refuse(request, _("This sign-in service is not known to Brug."), status=404)
        try:
            admit(provider, sociallogin, claims_of(sociallogin), request)
        except ProviderSignInRefused as error:
            raise refuse(request, error.messages[0]) from error

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Any:
        from identity.services import unique_username

        user = sociallogin.user
        user.username = unique_username(user.email or sociallogin.account.uid)
        user = super().save_user(request, sociallogin, form)
        record(user, "signed up through identity provider", user, changes={"provider": sociallogin.account.provider})
        return user

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        raise ImmediateHttpResponse(answer_refused(request))


def answer_refused(request: HttpRequest) -> HttpResponse:
    """The page for a provider's error, a cancelled sign-in, or an answer that belongs to no sign-in of this
    browser (a wrong, used or replayed state): nothing was saved."""
    reason = _(
        "Signing in at your institution did not succeed (the sign-in service answered with an error, "
        "or the answer did not belong to this sign-in). Nothing was saved: try again from the start."
    )
    return render(request, "identity/sign_in_refused.html", {"reason": reason}, status=400)
