from typing import Any

from django.db.models import Q

from accounts.access import is_active_user, nothing
from accounts.models import STAFF_ROLES, Role


def course_scope(user: Any, prefix: str = "") -> Q:
    """Institution members see their institution's courses; a partner the courses it works with."""
    from engagements.models import Engagement

    if not is_active_user(user):
        return nothing(prefix)
    if user.is_superuser:
        return Q()
    if user.role != Role.PARTNER and user.institution_id:
        return Q(**{f"{prefix}institution_id": user.institution_id})
    if user.role == Role.PARTNER:
        theirs = Engagement.objects.filter(organisation_id=user.organisation_id, course__isnull=False)
        return Q(**{f"{prefix}pk__in": theirs.values("course_id")})
    return nothing(prefix)


def engagement_scope(user: Any, prefix: str = "") -> Q:
    """Staff see their institution's engagements; a student those they take part in; a partner its own."""
    from engagements.models import Participation

    if not is_active_user(user):
        return nothing(prefix)
    if user.is_superuser:
        return Q()
    if user.role in STAFF_ROLES and user.institution_id:
        return Q(**{f"{prefix}institution_id": user.institution_id})
    if user.role == Role.STUDENT and user.person_id:
        mine = Participation.objects.filter(person_id=user.person_id)
        return Q(**{f"{prefix}pk__in": mine.values("engagement_id")})
    if user.role == Role.PARTNER:
        return Q(**{f"{prefix}organisation_id": user.organisation_id})
    return nothing(prefix)
