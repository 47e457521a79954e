"""WCAG 1.4.10 reflow: at 320 CSS pixels, in Dutch (the longer words), the pages with the SOFAR voices and
long headings scroll only vertically and no box spills its words over the next one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories as f
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

OVERFLOWING = """() => {
    const page = document.documentElement.scrollWidth > window.innerWidth + 1 ? ["the page itself"] : [];
    const boxes = Array.from(document.querySelectorAll(".sofar .role, h1, h2, h3, .flag, .tag"))
        .filter((el) => !el.closest(".visually-hidden"))
        .filter((el) => el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > window.innerWidth + 1)
        .map((el) => el.outerHTML.slice(0, 100));
    return page.concat(boxes);
}"""


def test_the_voices_and_long_headings_reflow_at_320_pixels_in_dutch(world, page, log_in):
    course = f.make_course(
        world.a, [world.faculty_person], title="Samenwerkingsovereenkomstenonderhandelingsvaardigheden in de buurt"
    )
    partnership = f.make_partnership(world.a, [world.org], [world.coord_person, world.faculty_person])
    log_in(world.coordinator.username, PASSWORD)
    page.set_viewport_size({"width": 320, "height": 800})
    for url in (
        reverse("course-detail", args=[course.public_id]),
        reverse("partnership-detail", args=[partnership.public_id]),
    ):
        page.goto(url)
        assert page.locator(".sofar .role").count() == 5
        assert page.evaluate(OVERFLOWING) == [], url
