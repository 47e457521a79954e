"""Your institution's campuses and a campus's neighbourhood: the list of campuses, the neighbourhood page's
summary, the collaborations in the neighbourhood, the map's GeoJSON and the neighbourhood reflex over the
academic years (staff)."""

from typing import Any

from django.http import HttpRequest
from ninja import Query
from ninja.pagination import paginate

from accounts.access import require
from api.auth import acting_user
from api.errors import codes
from api.pagination import Pages
from api.routers.places.base import CAMPUS, _campus, router
from api.routers.places.schemas import CampusOut, CollaborationOut, MapOut, NeighbourhoodOut, ReflexOut
from places import selectors
from places.access import campuses_for


@router.get("/campuses", response=codes({200: list[CampusOut]}, 403), summary="List campuses")
@paginate(Pages)
def list_campuses(request: HttpRequest) -> Any:
    """Your institution's campuses, by name."""
    user = acting_user(request)
    require(user, "network.view_dashboard")
    return campuses_for(user).select_related("institution", "anchor").order_by("name", "id")


def _engagement_item(engagement: Any) -> dict[str, Any]:
    return {
        "id": engagement.public_id,
        "title": engagement.title,
        "kind": engagement.kind,
        "kind_label": str(engagement.get_kind_display()),
        "direction": engagement.direction,
        "direction_label": str(engagement.get_direction_display()),
        "status": engagement.status,
        "status_label": str(engagement.get_status_display()),
        "start_date": engagement.start_date,
        "end_date": engagement.end_date,
    }


@router.get(
    "/campuses" + CAMPUS + "/neighbourhood",
    response=codes({200: NeighbourhoodOut}, 403, 404),
    summary="The neighbourhood of a campus",
)
def neighbourhood(request: HttpRequest, institution: str, campus: str) -> dict[str, Any]:
    """The neighbourhood page's summary: the campus and its anchor, your institution's collaborations in the
    neighbourhood grouped by front and by partner (the newest `page_cap`), how many go each way, and the
    network events coming up and of late."""
    found = _campus(request, institution, campus)
    page = selectors.neighbourhood_page(found)
    return {
        "campus": found,
        "anchor": found.anchor,
        "collaboration_count": page["collaboration_count"],
        "truncated": page["truncated"],
        "page_cap": page["page_cap"],
        "directions": [
            {"direction": value, "label": str(label), "count": count}
            for value, (label, count) in zip(selectors.DIRECTIONS.values, page["directions"], strict=True)
        ],
        "fronts": [
            {
                "front": group.front,
                "label": str(group.label),
                "count": group.count,
                "partners": [
                    {
                        "name": str(partner.name),
                        "organisation": partner.organisation,
                        "engagements": [_engagement_item(e) for e in partner.engagements],
                    }
                    for partner in group.partners
                ],
            }
            for group in page["fronts"]
        ],
        "upcoming": page["upcoming"],
        "recent": page["recent"],
    }


@router.get(
    "/campuses" + CAMPUS + "/collaborations",
    response=codes({200: list[CollaborationOut]}, 403, 404),
    summary="Collaborations in a campus's neighbourhood",
)
@paginate(Pages)
def list_collaborations(request: HttpRequest, institution: str, campus: str) -> list[dict[str, Any]]:
    """Your institution's engagements in the neighbourhood, newest first: linked to the campus (a place-based
    partnership or a course on the campus) or with a partner located in the neighbourhood."""
    found = _campus(request, institution, campus)
    return [
        {
            "engagement": item.engagement.public_id,
            "title": item.engagement.title,
            "kind": item.engagement.kind,
            "front": item.engagement.front,
            "direction": item.engagement.direction,
            "organisation": item.engagement.organisation,
            "start_date": item.engagement.start_date,
            "at_campus": item.at_campus,
            "latitude": item.lat,
            "longitude": item.lon,
        }
        for item in selectors.collaborations(found)
    ]


@router.get(
    "/campuses" + CAMPUS + "/map",
    response=codes({200: MapOut}, 403, 404),
    summary="Map data of a campus's neighbourhood",
)
def campus_map(request: HttpRequest, institution: str, campus: str) -> dict[str, Any]:
    """Organisations, collaborations and network events of the neighbourhood as GeoJSON points (the map page's
    own data)."""
    return selectors.map_data(_campus(request, institution, campus))


@router.get(
    "/campuses" + CAMPUS + "/reflex",
    response=codes({200: ReflexOut}, 403, 404),
    summary="The neighbourhood reflex of a campus over the years",
)
def reflex(
    request: HttpRequest,
    institution: str,
    campus: str,
    year: str | None = Query(None, pattern=r"^\d{4}-\d{4}$", description="One academic year, e.g. 2026-2027."),
) -> dict[str, Any]:
    """Per academic year (September to August, by start date): the collaborations in the neighbourhood each
    way, on each front, with how many residents and organisations took part. Filter: `year`."""
    found = _campus(request, institution, campus)
    rows = selectors.reflex(found)
    return {"campus": found, "years": [row for row in rows if year is None or row.year == year]}
