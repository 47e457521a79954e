from typing import Any

from django.db.models import Q

from accounts.visibility import Visibility


def _own_or_joined(user: Any) -> Q:
    from partnerships.models import Partnership

    joined = Partnership.other_institutions.through.objects.filter(institution_id=user.institution_id)
    return Q(institution_id=user.institution_id) | Q(pk__in=joined.values("partnership_id"))


def _party_to(user: Any) -> Q:
    from partnerships.models import PartnershipParty

    return Q(pk__in=PartnershipParty.objects.filter(organisation_id=user.organisation_id).values("partnership_id"))


def _through_engagements(user: Any) -> Q:
    from partnerships.models import Partnership

    if not user.person_id:
        return Q(pk__in=[])
    mine = Partnership.objects.filter(engagements__participations__person_id=user.person_id)
    return Q(pk__in=mine.values("pk"))


partnership_scope = Visibility(
    staff=_own_or_joined,
    partner=_party_to,
    student=_through_engagements,
    doc="""Staff see their institution's partnerships (lead or joined); a partner those its
    organisation is a party to; a student those of the engagements they take part in.

    Membership tests are subqueries, so a row never comes back twice.""",
)
