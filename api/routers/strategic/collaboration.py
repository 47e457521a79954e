"""The forms of collaboration (engagement kinds) and the levels a strategic partnership works at: read them,
or replace either list; a change sends the partnership's ``version``."""

from uuid import UUID

from django.http import HttpRequest

from api.auth import acting_user
from api.errors import codes
from api.routers.strategic.base import _for_change, _partnership, router
from api.routers.strategic.schemas import CollaborationOut, CollaborationPatch
from partnerships import strategic
from partnerships.models import Partnership


@router.get(
    "/partnerships/{public_id}/collaboration",
    response=codes({200: CollaborationOut}, 404),
    summary="Forms of collaboration and levels of a partnership",
)
def get_collaboration(request: HttpRequest, public_id: UUID) -> Partnership:
    """The engagement kinds the partnership works with and the levels it works at, with its `version`."""
    return _partnership(request, public_id)


@router.patch(
    "/partnerships/{public_id}/collaboration",
    response=codes({200: CollaborationOut}, 400, 403, 404, 409),
    summary="Set the forms of collaboration and levels",
)
def set_collaboration(request: HttpRequest, public_id: UUID, payload: CollaborationPatch) -> Partnership:
    """A list sent replaces the partnership's (kept in the order of the choices); a list not sent stays.
    409 when `version` is stale."""
    partnership = _for_change(request, public_id)
    forms, levels = payload.collaboration_forms, payload.levels
    strategic.set_collaboration(
        partnership,
        by=acting_user(request),
        expected_version=payload.version,
        forms=partnership.collaboration_forms if forms is None else forms,
        levels=partnership.levels if levels is None else levels,
    )
    return partnership
