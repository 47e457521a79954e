"""Issuing and revoking API tokens and calendar addresses, with an audit entry, for the tokens page, the API
and the management command."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken, CalendarFeed, User
from audit.services import record
from lib.errors import DomainError


@transaction.atomic
def issue_token(
    user: User,
    *,
    name: str,
    by: Any,
    scope: str = ApiToken.Scope.READ_WRITE,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token for ``user``; the key is returned once and only its hash is kept."""
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError({"expires_at": _("Choose an expiry date in the future.")})
    token, key = ApiToken.issue(user, name.strip(), scope=scope, expires_at=expires_at)
    record(
        by,
        "issued API token",
        token,
        institution_id=user.institution_id,
        changes={"user": user.username, "scope": scope, "expires_at": expires_at.isoformat() if expires_at else None},
    )
    return token, key


@transaction.atomic
def revoke_token(token: ApiToken, *, by: Any) -> None:
    record(
        by, "revoked API token", token, institution_id=token.user.institution_id, changes={"user": token.user.username}
    )
    token.delete()


def calendar_secret(user: User) -> str | None:
    """The secret of the user's calendar address, made on first use; None when they switched feeds off."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user, defaults={"secret": CalendarFeed.new_secret()})
    return feed.secret


@transaction.atomic
def renew_calendar_secret(user: User, *, by: Any) -> str:
    """A new calendar address for ``user`` (feeds on again): every earlier address stops working."""
    feed, _created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
    feed.secret = CalendarFeed.new_secret()
    feed.save(update_fields=["secret", "changed_at"])
    record(by, "renewed calendar address", feed, institution_id=user.institution_id, changes={"user": user.username})
    return feed.secret


@transaction.atomic
def switch_off_calendar(user: User, *, by: Any) -> None:
    """No calendar address for ``user`` until they renew it: every earlier address stops working."""
    feed, _created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
    feed.secret = None
    feed.save(update_fields=["secret", "changed_at"])
    record(
        by, "switched off calendar address", feed, institution_id=user.institution_id, changes={"user": user.username}
    )


def user_for_calendar_secret(secret: str) -> User | None:
    """The active user whose calendar address has this secret."""
    if not secret:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(secret=secret, user__is_active=True).first()
    return feed.user if feed else None


def unlock_sign_in(user: User, *, by: Any, request: HttpRequest | None = None) -> None:
    """Let ``user`` try to sign in again at once after too many failed attempts (the office's unlock)."""
    from accounts.signin import clear_failed_sign_ins

    clear_failed_sign_ins(request or HttpRequest(), user)
    record(by, "lifted the sign-in throttle", user, institution_id=user.institution_id)


@transaction.atomic
def sign_out_everywhere(user: User, *, by: Any) -> None:
    """End every session of ``user``, on every device, the one making the request included."""
    import secrets

    user.session_generation = secrets.token_hex(16)
    User.objects.filter(pk=user.pk).update(session_generation=user.session_generation)
    record(by, "signed out everywhere", user, institution_id=user.institution_id)
