"""Whether a person or an organisation's page opens for a user, without a query per name on a page.

The rules mirror ``person_scope`` and ``organisation_scope`` of ``accounts/access.py`` (a test compares them
for every persona): a page shows a name as a link only to someone its page will not answer 404.
"""

from __future__ import annotations

from typing import Any

from accounts.visibility import Visibility, is_active_user
from lib.scoping import unscoped
from network.models import Affiliation, Organisation, Person


def _colleague_ids(user: Any) -> frozenset[int]:
    cached = getattr(user, "_brug_colleague_ids", None)
    if cached is None:
        with unscoped("a partner's colleagues, to decide which names are links"):
            ids = Affiliation.objects.filter(organisation_id=user.organisation_id).values_list("person_id", flat=True)
            cached = frozenset(ids)
        user._brug_colleague_ids = cached
    return cached


def may_open(user: Any, obj: Any) -> bool:
    if obj is None or not is_active_user(user):
        return False
    if user.is_superuser:
        return True
    rung = Visibility.rung_of(user)
    if rung is None:
        return False
    if isinstance(obj, Organisation):
        return rung != "partner" or obj.pk == user.organisation_id
    if isinstance(obj, Person):
        if rung in ("office", "faculty"):
            return obj.institution_id == user.institution_id
        if rung == "student":
            return obj.pk == user.person_id
        return obj.pk in _colleague_ids(user)
    return True
