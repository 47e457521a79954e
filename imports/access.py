"""Who sees which imports: the office of the institution that made them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.access import is_active_user, nothing
from accounts.models import OFFICE_ROLES


def import_scope(user: Any, prefix: str = "") -> Q:
    if not is_active_user(user):
        return nothing(prefix)
    if user.is_superuser:
        return Q()
    if user.role in OFFICE_ROLES and user.institution_id:
        return Q(**{f"{prefix}institution_id": user.institution_id})
    return nothing(prefix)
