"""The shared goals of a strategic partnership, their indicators and the measurements of those: list, add,
read, change and remove them. Each is addressed by its number inside the partnership; a goal, indicator or
measurement removed takes what hangs under it along."""

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Status
from ninja.pagination import paginate

from accounts.access import get_for_user_or_404
from api.auth import acting_user
from api.errors import codes
from api.pagination import Pages
from api.routers.strategic.base import (
    LocalId,
    _for_change,
    _goal,
    _goals,
    _indicator,
    _indicator_out,
    _partnership,
    router,
)
from api.routers.strategic.schemas import (
    GoalIn,
    GoalOut,
    GoalPatch,
    IndicatorIn,
    IndicatorOut,
    IndicatorPatch,
    MeasurementIn,
    MeasurementOut,
)
from partnerships import strategic
from partnerships.models import Goal, Indicator, Measurement


@router.get(
    "/partnerships/{public_id}/goals",
    response=codes({200: list[GoalOut]}, 404),
    summary="Goals of a partnership",
)
@paginate(Pages)
def list_goals(request: HttpRequest, public_id: UUID) -> Any:
    """The shared goals in their order, each with its indicators and their measurements (oldest first)."""
    return _goals(_partnership(request, public_id))


@router.post(
    "/partnerships/{public_id}/goals",
    response=codes({201: GoalOut}, 400, 403, 404),
    summary="Add a goal",
)
def add_goal(request: HttpRequest, public_id: UUID, payload: GoalIn) -> Status:
    partnership = _for_change(request, public_id)
    goal = strategic.add_goal(partnership, by=acting_user(request), **payload.model_dump())
    return Status(201, _goals(partnership).get(pk=goal.pk))


@router.get(
    "/partnerships/{public_id}/goals/{goal_id}",
    response=codes({200: GoalOut}, 404),
    summary="One goal of a partnership",
)
def get_goal(request: HttpRequest, public_id: UUID, goal_id: LocalId) -> Goal:
    """The goal with its indicators and their measurements (oldest first)."""
    return get_for_user_or_404(_goals(_partnership(request, public_id)), pk=goal_id)


@router.patch(
    "/partnerships/{public_id}/goals/{goal_id}",
    response=codes({200: GoalOut}, 400, 403, 404, 409),
    summary="Change a goal",
)
def change_goal(request: HttpRequest, public_id: UUID, payload: GoalPatch, goal_id: LocalId) -> Goal:
    """Change the fields sent. 409 when the goal changed since you read its `fingerprint`."""
    partnership = _for_change(request, public_id)
    goal = _goal(partnership, goal_id)
    values = payload.model_dump(exclude_unset=True, exclude={"fingerprint"})
    strategic.update_goal(goal, by=acting_user(request), expected=payload.fingerprint, **values)
    return _goals(partnership).get(pk=goal.pk)


@router.delete(
    "/partnerships/{public_id}/goals/{goal_id}",
    response=codes({204: None}, 403, 404),
    summary="Remove a goal",
)
def remove_goal(request: HttpRequest, public_id: UUID, goal_id: LocalId) -> Status:
    """Remove the goal with its indicators and their measurements."""
    partnership = _for_change(request, public_id)
    strategic.remove_goal(_goal(partnership, goal_id), by=acting_user(request))
    return Status(204, None)


@router.post(
    "/partnerships/{public_id}/goals/{goal_id}/indicators",
    response=codes({201: IndicatorOut}, 400, 403, 404),
    summary="Add an indicator to a goal",
)
def add_indicator(request: HttpRequest, public_id: UUID, payload: IndicatorIn, goal_id: LocalId) -> Status:
    """A collective-impact indicator: what is measured, from which baseline to which target."""
    partnership = _for_change(request, public_id)
    goal = _goal(partnership, goal_id)
    indicator = strategic.add_indicator(goal, by=acting_user(request), **payload.model_dump())
    return Status(201, _indicator_out(indicator))


@router.get(
    "/partnerships/{public_id}/indicators/{indicator_id}",
    response=codes({200: IndicatorOut}, 404),
    summary="One indicator of a partnership",
)
def get_indicator(request: HttpRequest, public_id: UUID, indicator_id: LocalId) -> Indicator:
    """The indicator with its measurements (oldest first)."""
    return _indicator_out(_indicator(_partnership(request, public_id), indicator_id))


@router.patch(
    "/partnerships/{public_id}/indicators/{indicator_id}",
    response=codes({200: IndicatorOut}, 400, 403, 404, 409),
    summary="Change an indicator",
)
def change_indicator(
    request: HttpRequest, public_id: UUID, payload: IndicatorPatch, indicator_id: LocalId
) -> Indicator:
    """Change the fields sent; an indicator keeps a name and a target. 409 when the indicator changed since you
    read its `fingerprint`."""
    partnership = _for_change(request, public_id)
    indicator = _indicator(partnership, indicator_id)
    values = payload.model_dump(exclude_unset=True, exclude={"fingerprint"})
    strategic.update_indicator(indicator, by=acting_user(request), expected=payload.fingerprint, **values)
    return _indicator_out(indicator)


@router.delete(
    "/partnerships/{public_id}/indicators/{indicator_id}",
    response=codes({204: None}, 403, 404),
    summary="Remove an indicator",
)
def remove_indicator(request: HttpRequest, public_id: UUID, indicator_id: LocalId) -> Status:
    """Remove the indicator with its measurements."""
    partnership = _for_change(request, public_id)
    strategic.remove_indicator(_indicator(partnership, indicator_id), by=acting_user(request))
    return Status(204, None)


@router.post(
    "/partnerships/{public_id}/indicators/{indicator_id}/measurements",
    response=codes({201: MeasurementOut}, 400, 403, 404),
    summary="Record a measurement",
)
def add_measurement(request: HttpRequest, public_id: UUID, payload: MeasurementIn, indicator_id: LocalId) -> Status:
    """A measured value of the indicator on a date (not in the future)."""
    partnership = _for_change(request, public_id)
    indicator = _indicator(partnership, indicator_id)
    measurement = strategic.record_measurement(indicator, by=acting_user(request), **payload.model_dump())
    return Status(201, measurement)


@router.delete(
    "/partnerships/{public_id}/measurements/{measurement_id}",
    response=codes({204: None}, 403, 404),
    summary="Remove a measurement",
)
def remove_measurement(request: HttpRequest, public_id: UUID, measurement_id: LocalId) -> Status:
    partnership = _for_change(request, public_id)
    measurement = get_for_user_or_404(
        Measurement.objects.filter(indicator__goal__partnership=partnership).select_related(
            "indicator__goal__partnership"
        ),
        pk=measurement_id,
    )
    strategic.remove_measurement(measurement, by=acting_user(request))
    return Status(204, None)
