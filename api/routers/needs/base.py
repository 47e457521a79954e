"""The four routers (needs, offers, matches, organisation proposals) and what their routes share: the choices
their schemas offer, the terms of a need or an offer, the refusal of null for a field that cannot be empty, and
the operationIds the routes kept from when they were one module."""

from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Router

from api.schemas import choice
from lib.errors import DomainError
from matching.models import Language, Match, Need, Offer, OrganisationProposal

needs = Router(tags=["Needs and offers"])
offers = Router(tags=["Needs and offers"])
matches = Router(tags=["Matches"])
proposals = Router(tags=["Organisation proposals"])

NeedStatus = choice(Need.Status)
OfferStatus = choice(Offer.Status)
MatchStatus = choice(Match.Status)
Channel = choice(Match.Channel)
ProposalStatus = choice(OrganisationProposal.Status)
Lang = choice(Language)
StanceStudents = choice(Need.StanceStudents)
StancePurpose = choice(Need.StancePurpose)
StanceDiscipline = choice(Need.StanceDiscipline)
StanceChannel = choice(Need.StanceChannel)
EditableNeedStatus = Literal["open", "matched", "closed"]


def _terms(obj: Any, name: str) -> list[Any]:
    return list(getattr(obj, name).all())


def _not_null(data: dict[str, Any], names: tuple[str, ...]) -> None:
    empty = [name for name in names if name in data and data[name] is None]
    if empty:
        raise DomainError({name: _("This field cannot be empty.") for name in empty})
