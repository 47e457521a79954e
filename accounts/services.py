"""Issuing and revoking API tokens, with an audit entry, for the tokens page and the management command."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.models import ApiToken, User
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
