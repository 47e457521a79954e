"""The one router every route of `/api/reflection` registers on, in the order of the package's imports, and
what more than one group of routes uses: the cap on items in one request and the PATCH helper."""

from typing import Any

from ninja import Router

from api.schemas import InputSchema

router = Router(tags=["Reflection"])

MAX_ITEMS = 200


def _changes(payload: InputSchema) -> dict[str, Any]:
    """The fields a PATCH sent (a null is the same as not sending the field)."""
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    return {k: v for k, v in data.items() if v is not None}
