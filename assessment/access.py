from typing import Any

from django.db.models import Q

from accounts.access import is_active_user, nothing
from accounts.models import STAFF_ROLES, Role


def round_scope(user: Any, prefix: str = "") -> Q:
    """Staff see their institution's rounds. A partner sees the rounds about its partnerships'
    results only through what the institution shares; answering goes through the personal link."""
    if not is_active_user(user):
        return nothing(prefix)
    if user.is_superuser:
        return Q()
    if user.role in STAFF_ROLES and user.institution_id:
        return Q(**{f"{prefix}institution_id": user.institution_id})
    if user.role == Role.PARTNER:
        from partnerships.models import PartnershipParty

        theirs = PartnershipParty.objects.filter(organisation_id=user.organisation_id).values("partnership_id")
        return Q(**{f"{prefix}partnership_id__in": theirs})
    return nothing(prefix)
