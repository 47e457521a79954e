"""A campus's place in its neighbourhood through the API: address, location, the neighbourhood's name and
shape (radius or drawn GeoJSON area) and the anchor. Same service and rules as the campus settings page:
whoever sees the campus's neighbourhood reads them; changing them is ``places.change_campus`` (the office).
"""

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from accounts.access import require
from api.auth import acting_user
from api.errors import codes
from api.lookups import one
from api.schemas import InputSchema, PersonRef, Text, Version
from network.models import Campus, Person
from places.access import get_campus_for_user
from places.neighbourhood import MAX_RADIUS_M, MIN_RADIUS_M, update_neighbourhood

router = Router(tags=["Neighbourhood campus"])

PATH = "/campuses/{institution}/{campus}/settings"

AREA_EXAMPLE = {
    "type": "Polygon",
    "coordinates": [[[3.716, 51.044], [3.735, 51.044], [3.735, 51.056], [3.716, 51.056], [3.716, 51.044]]],
}


class CampusSettingsOut(Schema):
    street: str
    postcode: str
    city: str
    latitude: float | None
    longitude: float | None
    neighbourhood_name: str
    neighbourhood_radius_m: int = Field(description="The neighbourhood when no area is drawn.")
    neighbourhood_area: dict[str, Any] | None = Field(
        description="The drawn area: a GeoJSON Polygon or MultiPolygon (longitude, latitude), or null."
    )
    anchor: PersonRef | None = Field(description="The institution's visible contact person in the neighbourhood.")
    version: int


class CampusSettingsPatch(InputSchema):
    """Send only what changes, with the `version` you read."""

    version: Version
    street: Text | None = Field(None, max_length=200)
    postcode: Text | None = Field(None, max_length=10)
    city: Text | None = Field(None, max_length=100)
    latitude: float | None = Field(None, ge=-90, le=90, description="Send together with longitude; null clears both.")
    longitude: float | None = Field(None, ge=-180, le=180)
    neighbourhood_name: Text | None = Field(None, max_length=200)
    neighbourhood_radius_m: int | None = Field(None, ge=MIN_RADIUS_M, le=MAX_RADIUS_M)
    neighbourhood_area: dict[str, Any] | None = Field(
        None,
        description=(
            "A GeoJSON Polygon or MultiPolygon (bare, or in a Feature or FeatureCollection); null removes the "
            "drawn area, so the radius is the neighbourhood again."
        ),
    )
    anchor: UUID | None = Field(None, description="A person of the campus's institution; null: no anchor.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"version": 1, "neighbourhood_name": "Watersportbaan", "neighbourhood_area": AREA_EXAMPLE},
                {"version": 2, "neighbourhood_area": None, "neighbourhood_radius_m": 1200},
            ]
        }
    )


def _campus(request: HttpRequest, institution: str, campus: str, perm: str) -> Campus:
    user = acting_user(request)
    found = get_campus_for_user(user, institution, campus)
    require(user, perm, found)
    return found


@router.get(PATH, response=codes({200: CampusSettingsOut}, 403, 404), summary="A campus's neighbourhood settings")
def campus_settings(request: HttpRequest, institution: str, campus: str) -> Campus:
    return _campus(request, institution, campus, "places.view_neighbourhood")


@router.patch(
    PATH, response=codes({200: CampusSettingsOut}, 400, 403, 404, 409), summary="Change a campus's neighbourhood"
)
def change_campus_settings(request: HttpRequest, institution: str, campus: str, payload: CampusSettingsPatch) -> Campus:
    """Change the fields sent; the whole change or nothing. Answers 409 when someone else changed the campus
    since you read `version`."""
    user = acting_user(request)
    found = _campus(request, institution, campus, "places.change_campus")
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    for name in ("street", "postcode", "city", "neighbourhood_name"):
        if name in data and data[name] is None:
            data[name] = ""
    if "neighbourhood_radius_m" in data and data["neighbourhood_radius_m"] is None:
        del data["neighbourhood_radius_m"]
    if "anchor" in data:
        people = Person.objects.filter(institution_id=found.institution_id, is_active=True)
        data["anchor"] = one(people, data["anchor"], "anchor")
    update_neighbourhood(found, by=user, expected_version=payload.version, **data)
    return Campus.objects.select_related("anchor", "institution").get(pk=found.pk)
