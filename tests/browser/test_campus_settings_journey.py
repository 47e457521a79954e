"""The office sets a campus's neighbourhood on the map: drag the campus, draw an area with the drawing
tool, save; the map of the neighbourhood then draws that area. No tiles, nothing fetched from elsewhere."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import expect

from network.models import Campus
from places.tests.helpers import make_campus
from tests.factories import PASSWORD


def test_the_office_draws_the_neighbourhood_on_the_map(world, page, log_in):
    campus = make_campus(world.a)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    failed: list[str] = []
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    log_in("coordinator", PASSWORD)
    page.goto(reverse("campus-settings", args=[campus.institution.slug, campus.slug]))
    board = page.locator("#campus-settings-map")
    expect(board).to_have_attribute("data-ready", "1")
    expect(board).to_have_attribute("data-polygons", "0")

    # Draw a four-cornered area with the polygon tool, closing it on its first corner.
    board.scroll_into_view_if_needed()
    page.get_by_role("button", name="Teken een vlak").click()
    box = board.bounding_box()  # in the viewport, where the mouse clicks
    assert box is not None
    for x, y in [(0.3, 0.3), (0.7, 0.3), (0.7, 0.7), (0.3, 0.7)]:
        page.mouse.click(box["x"] + box["width"] * x, box["y"] + box["height"] * y)
        page.wait_for_timeout(150)  # separate clicks, not a double click
    page.locator(".leaflet-pm-action.action-finish").click()
    expect(board).to_have_attribute("data-polygons", "1")
    area = page.locator("#id_neighbourhood_area")
    assert '"type":"Polygon"' in area.input_value()

    # Clicking the map outside drawing mode moves the campus, and fills in its coordinates.
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    latitude = float(page.locator("#id_latitude").input_value())
    assert abs(latitude - campus.latitude) < 0.01

    page.fill("#id_neighbourhood_name", "Watersportbaan-Oost")
    with page.expect_navigation():
        page.locator("form.campus-settings button[type=submit]").click()
    campus.refresh_from_db()
    assert campus.neighbourhood_name == "Watersportbaan-Oost"
    assert campus.neighbourhood_area["type"] == "Polygon"
    assert len(campus.neighbourhood_area["coordinates"][0]) == 5  # four corners, closed
    assert Campus.objects.get(pk=campus.pk).version == 2

    # The neighbourhood's map draws the area (a path), with nothing fetched from another host.
    page.goto(reverse("campus-map", args=[campus.institution.slug, campus.slug]))
    expect(page.locator("#neighbourhood-map")).to_have_attribute("data-ready", "0")
    expect(page.locator("#neighbourhood-map path.leaflet-interactive")).to_have_count(1)
    assert all(url.startswith(page.url.split("/campuses/")[0]) for url in requests), requests
    # No script error and no refused resource (a browser's favicon guess aside).
    assert not [url for url in failed if not url.endswith("/favicon.ico")], failed
    assert not [p for p in problems if not p.startswith("Failed to load resource")], problems
