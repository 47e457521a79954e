"""What sign-in keeps about a person: verified addresses, second factors, links to an institution's
identity provider, and invitations sent to them."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.privacy import user_of
from identity.models import Invitation
from lib import privacy


def _invitations(person: Any) -> Any:
    """Invitations sent to one of the person's addresses (current or earlier), compared without case."""
    condition = Q(pk__in=[])
    for address in privacy.emails_of(person):
        condition |= Q(email__iexact=address)
    return Invitation.objects.filter(condition)


def export_sign_in(person: Any) -> dict[str, Any]:
    user = user_of(person)
    invitations = [
        {
            "email": invitation.email,
            "organisation": invitation.organisation.name,
            "status": invitation.get_status_display(),
            "sent": invitation.created_at.isoformat(),
            "expires": invitation.expires_at.isoformat(),
        }
        for invitation in _invitations(person).select_related("organisation").order_by("created_at", "id")
    ]
    data: dict[str, Any] = {}
    if invitations:
        data["invitations"] = invitations
    if user is not None:
        data["sign_in"] = {
            "addresses": list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)),
            "second_factors": [a.get_type_display() for a in Authenticator.objects.filter(user=user)],
            "identity_providers": [
                {"provider": account.provider, "since": account.date_joined.isoformat()}
                for account in SocialAccount.objects.filter(user=user)
            ],
        }
    return data


def erase_sign_in(erasure: privacy.Erasure) -> None:
    """The erased login cannot sign in any more: its addresses, second factors and provider links go."""
    user = user_of(erasure.person)
    if user is not None:
        erasure.count("account.emailaddress", EmailAddress.objects.filter(user=user).delete()[0])
        erasure.count("mfa.authenticator", Authenticator.objects.filter(user=user).delete()[0])
        erasure.count("socialaccount.socialaccount", SocialAccount.objects.filter(user=user).delete()[0])
    erasure.count("identity.invitation", _invitations(erasure.person).delete()[0])


def register_personal_data() -> None:
    privacy.register(
        privacy.PersonalData(
            key="identity.sign-in",
            order=21,
            models=(
                "account.emailaddress",
                "account.emailconfirmation",
                "mfa.authenticator",
                "socialaccount.socialaccount",
                "socialaccount.socialtoken",
                "identity.invitation",
            ),
            what=_(
                "Sign-in: verified addresses, second factors (never shown), the link to the institution's "
                "identity provider, and invitations sent to partner staff."
            ),
            whose=_("Everyone who signs in, and partner staff who are invited."),
            why=_("To let the right person sign in, and nobody else."),
            kept=_("As long as the account is used; an invitation until it is used or expires."),
            exporter=export_sign_in,
            eraser=erase_sign_in,
            titles={"invitations": _("Invitations"), "sign_in": _("Sign-in")},
        )
    )
    privacy.declare_no_personal_data(
        "socialaccount.socialapp",
        "identity.signinpolicy",
        "identity.identityprovider",
        reason="An institution's sign-in rules and its identity providers: addresses of servers, no people.",
    )
