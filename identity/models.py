"""How the people of an institution sign in: its policy, its identity providers and the role mapping, and
invitations for partner staff who have no identity provider."""

from __future__ import annotations

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role


class SignInPolicy(models.Model):
    """An institution's rules for signing in. Without a row, the defaults below hold."""

    institution = models.OneToOneField(
        "network.Institution", on_delete=models.CASCADE, related_name="sign_in_policy", verbose_name=_("institution")
    )
    local_passwords = models.BooleanField(
        _("allow local passwords"),
        default=True,
        help_text=_("Switch off once single sign-on works: the institution's people then sign in only there."),
    )
    second_factor_for_office = models.BooleanField(
        _("require a second factor for coordinators and administrators"), default=False
    )
    email_domains = models.CharField(
        _("e-mail domains"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated, for example ugent.be, student.ugent.be: these addresses sign in here."),
    )
    deactivate_after_days = models.PositiveIntegerField(
        _("deactivate accounts not seen for (days)"),
        null=True,
        blank=True,
        help_text=_("Empty: never. Accounts from the identity provider not seen for this long are deactivated."),
    )

    class Meta:
        verbose_name = _("sign-in policy")
        verbose_name_plural = _("sign-in policies")

    def __str__(self) -> str:
        return str(self.institution)

    @property
    def domains(self) -> list[str]:
        return [d.strip().lower().lstrip("@") for d in self.email_domains.split(",") if d.strip()]


def policy_for(institution_id: int | None) -> SignInPolicy:
    """The policy of an institution, or the defaults (not saved) when it has none."""
    if institution_id is not None:
        policy = SignInPolicy.objects.filter(institution_id=institution_id).first()
        if policy is not None:
            return policy
    return SignInPolicy(institution_id=institution_id)


class Invitation(models.Model):
    """A coordinator invites a partner's staff member by e-mail; the link is used once, before it expires."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")
        REVOKED = "revoked", _("revoked")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail address"))
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.CASCADE, related_name="invitations", verbose_name=_("organisation")
    )
    institution = models.ForeignKey(
        "network.Institution", on_delete=models.CASCADE, related_name="invitations", verbose_name=_("institution")
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTNER)
    key_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    accepted_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return self.email

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(32)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


# The Brug roles a provider's affiliation can map to, from the most to the least access.
ROLE_ORDER = [Role.ADMINISTRATOR, Role.COORDINATOR, Role.FACULTY, Role.STUDENT]
OFFICE_ROLE_VALUES = {Role.ADMINISTRATOR, Role.COORDINATOR}


class IdentityProvider(models.Model):
    """An institution's own sign-in service (OpenID Connect or SAML 2.0), shown as a button on the login page.

    django-allauth does the protocol: each provider has one allauth ``SocialApp`` kept in step by the
    ``save_identity_provider`` service."""

    class Kind(models.TextChoices):
        OIDC = "openid_connect", _("OpenID Connect")
        SAML = "saml", _("SAML 2.0")

    institution = models.ForeignKey(
        "network.Institution",
        on_delete=models.CASCADE,
        related_name="identity_providers",
        verbose_name=_("institution"),
    )
    name = models.CharField(_("button label"), max_length=100, help_text=_("For example: Sign in with UGent"))
    slug = models.SlugField(_("short name in addresses"), unique=True, max_length=50)
    kind = models.CharField(_("protocol"), max_length=20, choices=Kind.choices, default=Kind.OIDC)
    issuer = models.URLField(_("issuer"), blank=True, help_text=_("OpenID Connect: the provider's issuer URL."))
    client_id = models.CharField(_("client id"), max_length=200, blank=True)
    client_secret = models.CharField(_("client secret"), max_length=500, blank=True)
    metadata_url = models.URLField(_("IdP metadata URL"), blank=True, help_text=_("SAML: where the IdP's metadata is."))
    metadata_xml = models.TextField(_("IdP metadata"), blank=True, help_text=_("SAML: or paste the metadata file."))
    role_attribute = models.CharField(
        _("claim or attribute with the affiliation"), max_length=200, default="eduperson_affiliation"
    )
    role_mapping = models.JSONField(_("role mapping"), default=dict, blank=True)
    office_roles_allowed = models.BooleanField(
        _("the mapping may make coordinators and administrators"),
        default=False,
        help_text=_("Off: those roles are only ever given by the office itself, whatever the provider says."),
    )
    app = models.OneToOneField(
        "socialaccount.SocialApp", on_delete=models.SET_NULL, null=True, blank=True, related_name="brug_provider"
    )

    class Meta:
        ordering = ["institution__name", "name"]
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")

    def __str__(self) -> str:
        return self.name

    def mapped_role(self, claims: dict, scopes: list[str] | None = None) -> str | None:
        """The Brug role the provider's claims give, or None when they give none (not affiliated).

        A scoped value (``staff@ugent.be``, as in eduPersonScopedAffiliation) counts as its value before the
        ``@`` when the mapping does not name it whole, and only when its scope is one of ``scopes`` (the
        institution's e-mail domains, or their parent domain) if any are given."""
        from identity.saml import lookup

        values = lookup(claims, self.role_attribute)
        if values is None:
            return None
        if isinstance(values, str):
            values = [values]
        mapping = {str(key).strip().lower(): role for key, role in self.role_mapping.items()}
        roles = set()
        for value in values:
            value = str(value).strip().lower()
            role = mapping.get(value)
            if role is None and "@" in value:
                unscoped, scope = value.rsplit("@", 1)
                if _scope_allowed(scope, scopes):
                    role = mapping.get(unscoped)
            roles.add(role)
        roles -= {None}
        if not self.office_roles_allowed:
            roles -= OFFICE_ROLE_VALUES
        for role in ROLE_ORDER:
            if role in roles:
                return role
        return None


def _scope_allowed(scope: str, scopes: list[str] | None) -> bool:
    if not scopes:
        return True
    return any(scope == domain or domain.endswith("." + scope) or scope.endswith("." + domain) for domain in scopes)
