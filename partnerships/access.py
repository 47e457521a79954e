from typing import Any

from django.db.models import Q

from accounts.access import is_active_user, nothing
from accounts.models import STAFF_ROLES, Role


def partnership_scope(user: Any, prefix: str = "") -> Q:
    """Staff see their institution's partnerships (lead or joined); a partner those its
    organisation is a party to; a student those of the engagements they take part in.

    Membership tests are subqueries, so a row never comes back twice.
    """
    from partnerships.models import Partnership, PartnershipParty

    if not is_active_user(user):
        return nothing(prefix)
    if user.is_superuser:
        return Q()
    if user.role in STAFF_ROLES and user.institution_id:
        joined = Partnership.other_institutions.through.objects.filter(institution_id=user.institution_id)
        return Q(**{f"{prefix}institution_id": user.institution_id}) | Q(
            **{f"{prefix}pk__in": joined.values("partnership_id")}
        )
    if user.role == Role.PARTNER:
        parties = PartnershipParty.objects.filter(organisation_id=user.organisation_id)
        return Q(**{f"{prefix}pk__in": parties.values("partnership_id")})
    if user.role == Role.STUDENT and user.person_id:
        mine = Partnership.objects.filter(engagements__participations__person_id=user.person_id)
        return Q(**{f"{prefix}pk__in": mine.values("pk")})
    return nothing(prefix)
