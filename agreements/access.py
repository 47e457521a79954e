"""Who sees which agreements (actions are in ``agreements.rules``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.access import is_active_user
from accounts.models import Role
from accounts.visibility import Visibility


def _own_or_joined(user: Any) -> Q:
    from partnerships.models import Partnership

    joined = Partnership.other_institutions.through.objects.filter(institution_id=user.institution_id)
    return Q(institution_id=user.institution_id) | Q(partnership_id__in=joined.values("partnership_id"))


def _sent_to_partner(user: Any) -> Q:
    from partnerships.models import PartnershipParty

    parties = PartnershipParty.objects.filter(organisation_id=user.organisation_id).values("partnership_id")
    theirs = Q(partnership_id__in=parties) | Q(engagement__organisation_id=user.organisation_id)
    return theirs & ~Q(status="draft")


agreement_scope = Visibility(
    staff=_own_or_joined,
    partner=_sent_to_partner,
    doc="""Staff see their institution's agreements and those of partnerships their institution joined.
    A partner organisation's users see, read only, the agreements of their partnerships and
    engagements once they have been sent; drafts stay inside the institution. Students and
    everyone else see none: signing goes through the personal link, not an account.""",
)


def sees_unsent_versions(user: Any) -> bool:
    """The institution's own people see unsent versions; a partner sees only what was sent to it."""
    return bool(is_active_user(user) and (user.is_superuser or (user.institution_id and user.role != Role.PARTNER)))


def version_scope(user: Any, prefix: str = "") -> Q:
    """Which versions of a visible agreement a user may read (for web and API alike)."""
    return Q() if sees_unsent_versions(user) else Q(**{f"{prefix}sent_at__isnull": False})
