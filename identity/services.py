"""Sign-in operations: the institution's sign-in policy, and invitations for partner staff."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from audit.services import record
from identity.models import OFFICE_ROLE_VALUES, IdentityProvider, Invitation, SignInPolicy, policy_for
from identity.saml import ALIASES
from lib.errors import DomainError
from lib.scoping import unscoped
from network.models import Institution, Organisation, Person, SofarRole
from network.services import RoleSpec, create_person


@transaction.atomic
def update_sign_in_policy(institution: Institution, *, by: Any, **values: Any) -> SignInPolicy:
    policy, _created = SignInPolicy.objects.get_or_create(institution=institution)
    for field, value in values.items():
        setattr(policy, field, value)
    policy.full_clean()
    policy.save()
    record(by, "changed sign-in settings", policy, institution_id=institution.pk, changes=_jsonable(values))
    return policy


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value if isinstance(value, str | int | bool | None) else str(value) for key, value in values.items()}


def invitation_url(key: str) -> str:
    return settings.BRUG_SITE_URL.rstrip("/") + reverse("invitation-accept", args=[key])


@transaction.atomic
def invite_partner(
    organisation: Organisation,
    *,
    institution: Institution,
    email: str,
    by: Any,
    first_name: str = "",
    last_name: str = "",
    language: str | None = None,
) -> tuple[Invitation, str]:
    """Invite a partner's staff member by e-mail; the mailed link sets up their account for ``organisation``."""
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email, is_active=True).exists():
        raise DomainError({"email": gettext_lazy("Someone with this address can already sign in.")})
    key = Invitation.new_key()
    invitation = Invitation.objects.create(
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        organisation=organisation,
        institution=institution,
        key_hash=Invitation.hash_key(key),
        invited_by=by if getattr(by, "is_authenticated", False) else None,
        expires_at=timezone.now() + timedelta(days=settings.BRUG_INVITATION_DAYS),
    )
    record(by, "invited", invitation, institution_id=institution.pk, changes={"email": email})
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(lambda: _send_invitation(invitation.pk, key, language))
    return invitation, key


def _send_invitation(invitation_id: int, key: str, language: str) -> None:
    invitation = Invitation.objects.select_related("organisation", "institution", "invited_by").get(pk=invitation_id)
    with translation.override(language):
        context = {"invitation": invitation, "url": invitation_url(key), "days": settings.BRUG_INVITATION_DAYS}
        subject = _("You are invited to Brug for %(organisation)s") % {"organisation": invitation.organisation.name}
        body = render_to_string("identity/invitation_mail.txt", context)
    send_mail(subject, body, None, [invitation.email])


NOT_VALID = gettext_lazy("This invitation link is not valid. Ask the person who invited you for a new one.")
USED = gettext_lazy("This invitation was used already. Sign in, or reset your password if you forgot it.")
EXPIRED = gettext_lazy("This invitation has expired. Ask the person who invited you for a new one.")


def find_invitation(key: str) -> Invitation:
    """The invitation of a mailed link, or a clear refusal when it is unknown, used already or expired."""
    invitation = (
        Invitation.objects.select_related("organisation", "institution")
        .filter(key_hash=Invitation.hash_key(key))
        .first()
    )
    if invitation is None or invitation.status == Invitation.Status.REVOKED:
        raise DomainError(
            gettext_lazy("This invitation link is not valid. Ask the person who invited you for a new one.")
        )
    if invitation.status == Invitation.Status.ACCEPTED:
        raise DomainError(USED)
    if invitation.is_expired:
        raise DomainError(EXPIRED)
    return invitation


@transaction.atomic
@unscoped("accepting an invitation: no one is signed in yet; the invitation's key names the person")
def accept_invitation(key: str, *, username: str, password: str | None) -> User:
    """Create the partner's account from an invitation, once. Without a password, the account signs in only by
    one-time links and codes mailed to the invited address."""
    invitation = find_invitation(key)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise DomainError(USED)
    username = username.strip()
    if not username:
        raise DomainError({"username": gettext_lazy("Choose a user name.")})
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError({"username": gettext_lazy("This user name is taken. Choose another one.")})
    user = User(
        username=username,
        email=invitation.email,
        first_name=invitation.first_name,
        last_name=invitation.last_name,
        role=Role.PARTNER,
        organisation=invitation.organisation,
    )
    if password:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise DomainError({"password1": error.messages}) from error
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.person = _person_for(invitation)
    user.save()
    invitation.status = Invitation.Status.ACCEPTED
    invitation.accepted_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["status", "accepted_at", "user"])
    record(user, "accepted invitation", invitation, institution_id=invitation.institution_id)
    return user


def _person_for(invitation: Invitation) -> Person:
    """The existing person with the invited address in the inviting institution, or a new one."""
    existing = (
        Person.objects.filter(institution_id=invitation.institution_id, email__iexact=invitation.email, user=None)
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing
    return create_person(
        by=invitation.invited_by,
        institution=invitation.institution,
        first_name=invitation.first_name or invitation.email.split("@")[0],
        last_name=invitation.last_name,
        email=invitation.email,
        roles=[RoleSpec(role=SofarRole.ORGANISATION, organisation=invitation.organisation)],
    )


class ProviderSignInRefused(DomainError):
    """An institution's provider signed someone in whom Brug does not let in; nothing is created."""


def unique_username(seed: str) -> str:
    base = (seed or "user").strip().lower()[:140] or "user"
    candidate, number = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}-{number}"
    return candidate


@unscoped("signing in: no one is signed in yet; the provider's assertion names the person")
def admit(provider: IdentityProvider, sociallogin: Any, claims: dict[str, Any], request: Any = None) -> None:
    """Decide whether the person the provider vouches for may come in, and as whom.

    A returning account follows the provider's affiliation (deactivated when there is none); a first sign-in
    links to the account or person with the same address in the provider's institution, never in another one.
    Coordinator and administrator are never taken away or given by the mapping unless the office allowed it."""
    institution = provider.institution
    role = provider.mapped_role(claims, policy_for(institution.pk).domains)
    if sociallogin.is_existing:
        user = sociallogin.user
        if user.institution_id != institution.pk:
            raise ProviderSignInRefused(gettext_lazy("This account belongs to another institution."))
        if role is None:
            deactivate_account(user, reason="the identity provider reports no affiliation")
            raise ProviderSignInRefused(NOT_AFFILIATED)
        _follow_role(user, role)
        return
    claimed = claims.get("email") or ""
    if isinstance(claimed, list):
        claimed = claimed[0] if claimed else ""
    email = str(sociallogin.user.email or claimed).strip().lower()
    if "@" not in email:
        raise ProviderSignInRefused(gettext_lazy("Your institution's sign-in service sent no e-mail address."))
    domain = email.rsplit("@", 1)[1]
    domains = policy_for(institution.pk).domains
    if domains and domain not in domains:
        raise ProviderSignInRefused(
            gettext_lazy("Addresses of %(domain)s do not sign in with %(institution)s.")
            % {"domain": domain, "institution": institution.name}
        )
    if role is None:
        raise ProviderSignInRefused(NOT_AFFILIATED)
    same_address = User.objects.filter(email__iexact=email)
    existing = same_address.filter(institution=institution).order_by("pk").first()
    if existing is None and same_address.exists():
        raise ProviderSignInRefused(
            gettext_lazy("An account with this address belongs to someone outside %(institution)s. Ask your office.")
            % {"institution": institution.name}
        )
    if existing is not None:
        if not existing.is_active:
            raise ProviderSignInRefused(gettext_lazy("This account is deactivated. Ask your office."))
        _follow_role(existing, role)
        sociallogin.connect(request, existing)
        record(existing, "linked to identity provider", existing, changes={"provider": provider.slug})
        return
    user = sociallogin.user
    user.email = email
    user.role = role
    user.institution = institution
    user.organisation = None
    user.person = (
        Person.objects.filter(institution=institution, email__iexact=email, user=None, is_active=True)
        .order_by("pk")
        .first()
    )


NOT_AFFILIATED = gettext_lazy(
    "Your institution's account gives no role in Brug (no affiliation that your office mapped). Ask your office."
)


def _follow_role(user: User, role: str) -> None:
    if user.role in OFFICE_ROLE_VALUES or user.role == role:
        return
    before = user.role
    User.objects.filter(pk=user.pk).update(role=role)
    user.role = role
    record(None, "changed role from identity provider", user, changes={"role": [before, role]})


@transaction.atomic
def deactivate_account(user: User, *, reason: str) -> None:
    """Deactivate someone the provider no longer vouches for, through the hand-over flow: what they own stays,
    flagged on the dashboard as without an owner until the office hands it over."""
    from partnerships.services import deactivate_person

    if user.person is not None and user.person.is_active:
        deactivate_person(user.person, by=None, leave_orphaned=True)
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    record(None, "deactivated account", user, institution_id=user.institution_id, changes={"reason": reason})


def deactivate_unseen_accounts(*, now: Any = None) -> int:
    """Deactivate accounts from identity providers not seen for the time their institution set."""
    from allauth.socialaccount.models import SocialAccount

    now = now or timezone.now()
    count = 0
    for policy in SignInPolicy.objects.filter(deactivate_after_days__isnull=False):
        cutoff = now - timedelta(days=policy.deactivate_after_days)
        from_provider = SocialAccount.objects.values("user_id")
        unseen = User.objects.filter(
            institution_id=policy.institution_id, is_active=True, pk__in=from_provider, last_login__lt=cutoff
        ).select_related("person")
        for user in unseen:
            deactivate_account(user, reason=f"not seen for {policy.deactivate_after_days} days")
            count += 1
    return count


@transaction.atomic
def save_identity_provider(
    institution: Institution, *, by: Any, provider: IdentityProvider | None = None, **values: Any
) -> IdentityProvider:
    """Add or change an institution's identity provider, and the allauth app that does its protocol."""
    from allauth.socialaccount.models import SocialApp

    provider = provider or IdentityProvider(institution=institution)
    if provider.pk and provider.institution_id != institution.pk:
        raise DomainError(gettext_lazy("This provider belongs to another institution."))
    for field, value in values.items():
        setattr(provider, field, value)
    if provider.kind == IdentityProvider.Kind.OIDC:
        missing = [f for f in ("issuer", "client_id", "client_secret") if not getattr(provider, f)]
        if missing:
            raise DomainError({f: gettext_lazy("OpenID Connect needs this.") for f in missing})
    elif not (provider.metadata_url or provider.metadata_xml):
        raise DomainError({"metadata_url": gettext_lazy("SAML needs the IdP's metadata URL or file.")})
    provider.full_clean(exclude=["app"])
    app = provider.app or SocialApp()
    stale = dict((app.settings or {}).get("idp") or {}) if app.pk else {}
    app.provider = provider.kind
    app.provider_id = provider.slug
    app.name = provider.name
    app.client_id = provider.client_id or provider.slug
    app.secret = provider.client_secret
    if provider.kind == IdentityProvider.Kind.OIDC:
        app.settings = {"server_url": provider.issuer, "scope": ["openid", "profile", "email"]}
    else:
        idp = _saml_idp_settings(provider)
        app.settings = {
            "idp": idp,
            "attribute_mapping": {
                "uid": ALIASES["eduPersonPrincipalName"] + ["uid"],
                "email": ALIASES["mail"],
                "first_name": ALIASES["givenName"],
                "last_name": ALIASES["sn"],
            },
        }
    app.save()
    for idp_settings in (stale, app.settings.get("idp") or {}):
        forget_saml_metadata(idp_settings)
    provider.app = app
    provider.save()
    record(by, "saved identity provider", provider, institution_id=institution.pk, changes={"slug": provider.slug})
    return provider


def forget_saml_metadata(idp_settings: dict[str, Any]) -> None:
    """Drop allauth's cached copy of an IdP's metadata (kept four hours), so that saving the provider reads it
    again at once: after the IdP changed its signing certificate, or when another IdP now answers at that URL."""
    if idp_settings.get("metadata_url"):
        cache.delete(f"saml.metadata.{idp_settings['metadata_url']}.{idp_settings.get('entity_id')}")


def sign_in_origins() -> list[str]:
    """Where the login page's forms may lead (CSP form-action: browsers apply it to the redirects after the
    institution's e-mail form too): each provider's issuer, and for SAML its single sign-on address as read from
    a pasted metadata file or from allauth's cached metadata, besides the metadata URL and entity id."""
    origins: set[str] = set()
    for provider in IdentityProvider.objects.filter(app__isnull=False).select_related("app"):
        idp = (provider.app.settings or {}).get("idp") or {}
        urls = [provider.issuer, provider.metadata_url, idp.get("sso_url", "")]
        if idp.get("metadata_url"):
            cached = cache.get(f"saml.metadata.{idp['metadata_url']}.{idp.get('entity_id')}") or {}
            urls.append(((cached.get("idp") or {}).get("singleSignOnService") or {}).get("url", ""))
        origins.update(_origin(url) for url in urls if url)
    return sorted(origins - {""})


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in {"http", "https"} and parts.netloc else ""


def _saml_idp_settings(provider: IdentityProvider) -> dict[str, Any]:
    """allauth's settings for the IdP: its metadata URL (read and cached by allauth), or what Brug reads from a
    pasted metadata file (entity id, single sign-on address, signing certificate). The entity id, when the office
    gives it as issuer, picks the IdP out of a federation's metadata with many entities; else the metadata's
    first (only) IdP counts."""
    if provider.metadata_url:
        return {"metadata_url": provider.metadata_url, "entity_id": provider.issuer or None}
    from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

    try:
        parsed = OneLogin_Saml2_IdPMetadataParser.parse(provider.metadata_xml, entity_id=provider.issuer or None)
    except Exception:  # noqa: BLE001 (not XML at all: lxml and defusedxml raise several kinds)
        parsed = {}
    idp = parsed.get("idp", {})
    certificate = idp.get("x509cert") or next(iter(idp.get("x509certMulti", {}).get("signing", [])), "")
    sso_url = idp.get("singleSignOnService", {}).get("url", "")
    if not (idp.get("entityId") and sso_url and certificate):
        raise DomainError(
            {
                "metadata_xml": gettext_lazy(
                    "This is not an IdP's SAML metadata: Brug needs its entity id, its single sign-on address "
                    "(HTTP-Redirect) and its signing certificate."
                )
            }
        )
    return {"entity_id": idp["entityId"], "sso_url": sso_url, "x509cert": certificate}


def provider_for_email(email: str) -> IdentityProvider:
    """The identity provider of the institution whose e-mail domains include this address's domain."""
    email = (email or "").strip().lower()
    if "@" not in email:
        raise DomainError({"email": gettext_lazy("Enter your full e-mail address, for example name@ugent.be.")})
    domain = email.rsplit("@", 1)[1]
    for policy in SignInPolicy.objects.exclude(email_domains="").select_related("institution"):
        if domain in policy.domains:
            provider = (
                IdentityProvider.objects.filter(institution_id=policy.institution_id, app__isnull=False)
                .order_by("pk")
                .first()
            )
            if provider is not None:
                return provider
    raise DomainError(
        {
            "email": gettext_lazy(
                "No institution signs in with addresses of %(domain)s here. Sign in with your Brug password instead."
            )
            % {"domain": domain}
        }
    )
