from typing import Any

from django.db.models import Q

from accounts.visibility import Visibility, institution


def _partner_partnerships(user: Any) -> Q:
    from partnerships.models import PartnershipParty

    theirs = PartnershipParty.objects.filter(organisation_id=user.organisation_id).values("partnership_id")
    return Q(partnership_id__in=theirs)


round_scope = Visibility(
    staff=institution(),
    partner=_partner_partnerships,
    doc="""Staff see their institution's rounds. A partner sees the rounds about its partnerships'
    results only through what the institution shares; answering goes through the personal link.""",
)
