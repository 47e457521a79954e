"""Who sees which agreements (actions are in ``agreements.rules``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.access import is_active_user, nothing
from accounts.models import STAFF_ROLES, Role


def agreement_scope(user: Any, prefix: str = "") -> Q:
    """Staff see their institution's agreements and those of partnerships their institution joined.
    A partner organisation's users see, read only, the agreements of their partnerships and
    engagements once they have been sent; drafts stay inside the institution. Students and
    everyone else see none: signing goes through the personal link, not an account."""
    from partnerships.models import Partnership, PartnershipParty

    if not is_active_user(user):
        return nothing(prefix)
    if user.is_superuser:
        return Q()
    if user.role in STAFF_ROLES and user.institution_id:
        joined = Partnership.other_institutions.through.objects.filter(institution_id=user.institution_id)
        return Q(**{f"{prefix}institution_id": user.institution_id}) | Q(
            **{f"{prefix}partnership_id__in": joined.values("partnership_id")}
        )
    if user.role == Role.PARTNER and user.organisation_id:
        parties = PartnershipParty.objects.filter(organisation_id=user.organisation_id).values("partnership_id")
        theirs = Q(**{f"{prefix}partnership_id__in": parties}) | Q(
            **{f"{prefix}engagement__organisation_id": user.organisation_id}
        )
        return theirs & ~Q(**{f"{prefix}status": "draft"})
    return nothing(prefix)


def sees_unsent_versions(user: Any) -> bool:
    """The institution's own people see unsent versions; a partner sees only what was sent to it."""
    return bool(is_active_user(user) and (user.is_superuser or (user.institution_id and user.role != Role.PARTNER)))


def version_scope(user: Any, prefix: str = "") -> Q:
    """Which versions of a visible agreement a user may read (for web and API alike)."""
    return Q() if sees_unsent_versions(user) else Q(**{f"{prefix}sent_at__isnull": False})
