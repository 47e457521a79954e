"""The milestones on a strategic partnership's timeline: list them (oldest first), add, read, change and
remove one, addressed by its number inside the partnership."""

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Status
from ninja.pagination import paginate

from api.auth import acting_user
from api.errors import codes
from api.pagination import Pages
from api.routers.strategic.base import LocalId, _for_change, _milestone, _partnership, router
from api.routers.strategic.schemas import MilestoneIn, MilestoneKind, MilestoneOut, MilestonePatch
from partnerships import strategic
from partnerships.models import Milestone


@router.get(
    "/partnerships/{public_id}/milestones",
    response=codes({200: list[MilestoneOut]}, 404),
    summary="Milestones of a partnership",
)
@paginate(Pages)
def list_milestones(request: HttpRequest, public_id: UUID, kind: MilestoneKind | None = None) -> Any:
    """The timeline, oldest first. Filter: `kind`."""
    milestones = Milestone.objects.filter(partnership=_partnership(request, public_id)).order_by("date", "id")
    if kind:
        milestones = milestones.filter(kind=kind)
    return milestones


@router.post(
    "/partnerships/{public_id}/milestones",
    response=codes({201: MilestoneOut}, 400, 403, 404),
    summary="Add a milestone",
)
def add_milestone(request: HttpRequest, public_id: UUID, payload: MilestoneIn) -> Status:
    partnership = _for_change(request, public_id)
    milestone = strategic.add_milestone(partnership, by=acting_user(request), **payload.model_dump())
    return Status(201, Milestone.objects.get(pk=milestone.pk))


@router.get(
    "/partnerships/{public_id}/milestones/{milestone_id}",
    response=codes({200: MilestoneOut}, 404),
    summary="One milestone of a partnership",
)
def get_milestone(request: HttpRequest, public_id: UUID, milestone_id: LocalId) -> Milestone:
    return _milestone(_partnership(request, public_id), milestone_id)


@router.patch(
    "/partnerships/{public_id}/milestones/{milestone_id}",
    response=codes({200: MilestoneOut}, 400, 403, 404, 409),
    summary="Change a milestone",
)
def change_milestone(
    request: HttpRequest, public_id: UUID, payload: MilestonePatch, milestone_id: LocalId
) -> Milestone:
    """Change the fields sent. 409 when the milestone changed since you read its `fingerprint`."""
    partnership = _for_change(request, public_id)
    milestone = _milestone(partnership, milestone_id)
    values = payload.model_dump(exclude_unset=True, exclude={"fingerprint"})
    strategic.update_milestone(milestone, by=acting_user(request), expected=payload.fingerprint, **values)
    return Milestone.objects.get(pk=milestone.pk)


@router.delete(
    "/partnerships/{public_id}/milestones/{milestone_id}",
    response=codes({204: None}, 403, 404),
    summary="Remove a milestone",
)
def remove_milestone(request: HttpRequest, public_id: UUID, milestone_id: LocalId) -> Status:
    partnership = _for_change(request, public_id)
    strategic.remove_milestone(_milestone(partnership, milestone_id), by=acting_user(request))
    return Status(204, None)
