"""Who sees the outbox: the office of the institution a mail belongs to, and superusers."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.access import is_office, is_superuser
from accounts.visibility import nothing


def outbox_scope(user: Any) -> Q:
    if is_superuser(user):
        return Q()
    if is_office(user):
        return Q(institution_id=user.institution_id)
    return nothing()
