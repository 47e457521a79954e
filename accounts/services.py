"""Issuing and revoking API tokens and calendar addresses, with an audit entry, for the tokens page, the API
and the management command."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.models import ApiToken, CalendarFeed, User
from audit.services import record


@transaction.atomic
def issue_token(user: User, *, name: str, by: Any) -> tuple[ApiToken, str]:
    """A new token for ``user``; the key is returned once and only its hash is kept."""
    token, key = ApiToken.issue(user, name.strip())
    record(by, "issued API token", token, institution_id=user.institution_id, changes={"user": user.username})
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
