"""The parties of a strategic partnership: list them, widen the partnership with an organisation or another
institution (a milestone on its timeline), change an organisation's role, date or contact person, and remove
an organisation or a partner institution."""

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Status

from accounts.access import get_for_user_or_404
from api.auth import acting_user
from api.errors import codes
from api.lookups import one
from api.routers.strategic.base import LocalId, _for_change, _full, _organisation_party, router
from api.routers.strategic.schemas import MilestoneOut, PartyIn, PartyPatch, StrategicPartyOut, _party
from lib.errors import DomainError
from network.models import Institution, Organisation, Person
from partnerships import strategic
from partnerships.models import Milestone
from partnerships.report import party_rows


@router.get(
    "/partnerships/{public_id}/parties",
    response=codes({200: list[StrategicPartyOut]}, 404),
    summary="Parties of a partnership",
)
def list_parties(request: HttpRequest, public_id: UUID) -> list[dict[str, Any]]:
    """The lead institution, the other institutions, then the organisations and public bodies. Not paged: a
    partnership has a handful of parties."""
    partnership = _full(request, public_id)
    return [_party(row, partnership) for row in party_rows(partnership)]


@router.post(
    "/partnerships/{public_id}/parties",
    response=codes({201: MilestoneOut}, 400, 403, 404),
    summary="Widen a partnership with a party",
)
def add_party(request: HttpRequest, public_id: UUID, payload: PartyIn) -> Status:
    """Add an organisation or another institution; the answer is the "widened" milestone this puts on the
    partnership's timeline."""
    user = acting_user(request)
    partnership = _for_change(request, public_id)
    institution = None
    if payload.institution:
        institution = Institution.objects.filter(slug=payload.institution).first()
        if institution is None:
            raise DomainError({"institution": _("Unknown: %(slugs)s") % {"slugs": payload.institution}})
    milestone = strategic.add_party(
        partnership,
        by=user,
        organisation=one(Organisation.objects.for_user(user), payload.organisation, "organisation"),
        institution=institution,
        role=payload.role,
        joined_on=payload.joined_on,
        contact_person=one(Person.objects.for_user(user), payload.contact_person, "contact_person"),
    )
    return Status(201, Milestone.objects.get(pk=milestone.pk))


@router.patch(
    "/partnerships/{public_id}/parties/{party_id}",
    response=codes({200: StrategicPartyOut}, 400, 403, 404, 409),
    summary="Change an organisation's part in a partnership",
)
def change_party(request: HttpRequest, public_id: UUID, payload: PartyPatch, party_id: LocalId) -> dict[str, Any]:
    """Change the role, the date it joined or the contact person of an organisation or public body (`id` in the
    list of parties). 409 when the party changed since you read its `fingerprint`."""
    user = acting_user(request)
    partnership = _for_change(request, public_id)
    party = _organisation_party(partnership, party_id)
    sent = payload.model_fields_set
    strategic.update_party(
        party,
        by=user,
        expected=payload.fingerprint,
        role=payload.role if "role" in sent else party.role,
        joined_on=payload.joined_on if "joined_on" in sent else party.joined_on,
        contact_person=one(Person.objects.for_user(user), payload.contact_person, "contact_person")
        if "contact_person" in sent
        else party.contact_person,
    )
    full = _full(request, public_id)
    return next(_party(row, full) for row in party_rows(full) if row.party is not None and row.party.pk == party.pk)


@router.delete(
    "/partnerships/{public_id}/parties/{party_id}",
    response=codes({204: None}, 400, 403, 404),
    summary="Remove an organisation from a partnership",
)
def remove_party(request: HttpRequest, public_id: UUID, party_id: LocalId) -> Status:
    """Remove an organisation or public body (`id` in the list of parties). A partnership keeps at least one
    partner organisation (400)."""
    partnership = _for_change(request, public_id)
    strategic.remove_party(_organisation_party(partnership, party_id), by=acting_user(request))
    return Status(204, None)


@router.delete(
    "/partnerships/{public_id}/institutions/{slug}",
    response=codes({204: None}, 403, 404),
    summary="Remove a partner institution from a partnership",
)
def remove_institution(
    request: HttpRequest,
    public_id: UUID,
    slug: str = Path(..., max_length=100, description="The institution's slug (`institution` in the parties)."),
) -> Status:
    """Another institution leaves the partnership. The lead institution cannot leave its own partnership (404:
    it is not a partner institution)."""
    partnership = _for_change(request, public_id)
    institution = get_for_user_or_404(partnership.other_institutions.all(), slug=slug)
    strategic.remove_institution(partnership, institution, by=acting_user(request))
    return Status(204, None)
