"""Users, their role in one institution (or one organisation), and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    FACULTY = "faculty", _("Faculty")
    STUDENT = "student", _("Student")
    PARTNER = "partner", _("Partner")
    ADMINISTRATOR = "administrator", _("Administrator")


STAFF_ROLES = frozenset({Role.COORDINATOR, Role.FACULTY, Role.ADMINISTRATOR})
OFFICE_ROLES = frozenset({Role.COORDINATOR, Role.ADMINISTRATOR})


class User(AbstractUser):
    """A login. Everyone but a partner works inside one institution; a partner for one organisation."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.FACULTY)
    institution = models.ForeignKey(
        "network.Institution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("institution"),
    )
    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("organisation"),
    )
    person = models.OneToOneField(
        "network.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="user",
        verbose_name=_("person record"),
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="nl")
    # Part of every session's signature: a new value signs out every session of the user at once.
    session_generation = models.CharField(max_length=32, blank=True, default="", editable=False)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_superuser=True)
                | Q(role="partner", organisation__isnull=False)
                | (~Q(role="partner") & Q(institution__isnull=False)),
                name="user_scoped_to_institution_or_organisation",
            )
        ]

    def get_session_auth_hash(self) -> str:
        # Django's own hash, with the session generation added (empty: the same value as Django's).
        return salted_hmac(
            "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
            self.password + self.session_generation,
            algorithm="sha256",
        ).hexdigest()

    @property
    def is_partner(self) -> bool:
        return self.role == Role.PARTNER

    @property
    def is_institution_staff(self) -> bool:
        return self.role in STAFF_ROLES and self.institution_id is not None

    @property
    def is_office(self) -> bool:
        return self.role in OFFICE_ROLES and self.institution_id is not None


# A token's last use is written at most this often: an API call should not write to the database each time.
TOKEN_LAST_USED_PRECISION = timedelta(hours=1)


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only a hash is stored; the key is shown once."""

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        READ_WRITE = "read_write", _("Read and write")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices, default=Scope.READ_WRITE)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.READ_WRITE

    @classmethod
    def issue(
        cls,
        user: User,
        name: str,
        *,
        scope: str = Scope.READ_WRITE,
        expires_at: datetime | None = None,
    ) -> tuple[ApiToken, str]:
        key = "brug_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=key[5:13],
            key_hash=cls.hash_key(key),
            scope=scope,
            expires_at=expires_at,
        )
        return token, key

    @classmethod
    def find(cls, key: str) -> ApiToken | None:
        """The live token with this key (its user active, not expired), noting its use at most once an hour."""
        token = cls.objects.select_related("user").filter(key_hash=cls.hash_key(key), user__is_active=True).first()
        now = timezone.now()
        if token is None or (token.expires_at and token.expires_at <= now):
            return None
        if token.last_used_at is None or token.last_used_at <= now - TOKEN_LAST_USED_PRECISION:
            token.last_used_at = now
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token

    @classmethod
    def authenticate(cls, key: str) -> User | None:
        token = cls.find(key)
        return token.user if token is not None else None


class CalendarFeed(models.Model):
    """A user's calendar address: a random secret, renewed or switched off by its owner.

    Feeds are read by calendar programs without a session, so the address is the only credential.
    It is random rather than derived from the server's secret key: knowing the key (or guessing a
    user id) gives no feed, and renewing one user's address leaves everyone else's alone.
    No secret (``None``): the owner switched their feeds off.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    secret = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar address")
        verbose_name_plural = _("calendar addresses")

    def __str__(self) -> str:
        return str(_("calendar address of %(user)s") % {"user": self.user_id})

    @staticmethod
    def new_secret() -> str:
        return secrets.token_urlsafe(32)
