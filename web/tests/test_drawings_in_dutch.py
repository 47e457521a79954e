"""Every drawing keeps plain numbers in Dutch: ``cx="480,0"`` makes Chromium drop the shape.

Each page that draws is rendered in Dutch with data that gives fractional coordinates, and
every SVG on it is parsed: each geometric attribute must be a number as SVG reads it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from accounts.models import User
from assessment.models import Instrument
from assessment.tests.helpers import answer, campus, community, make_round
from reflection.tests.helpers import workbook_for
from tests import factories as f

NUMBER = r"-?(?:\d+(?:\.\d+)?|\.\d+)(?:e-?\d+)?"
PLAIN = re.compile(rf"^{NUMBER}(?:em|px|%)?$")
VIEWBOX = re.compile(rf"^{NUMBER}(?:\s+{NUMBER}){{3}}$")
POINTS = re.compile(rf"^\s*{NUMBER},{NUMBER}(?:\s+{NUMBER},{NUMBER})*\s*$")
GEOMETRY = {"x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "width", "height", "dx", "dy"}
GEOMETRY |= {"stroke-width", "font-size", "opacity", "fill-opacity", "stroke-opacity"}


class SvgNumbers(HTMLParser):
    """Collects every geometric attribute inside an ``<svg>`` that SVG cannot read as a number."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.bad: list[str] = []
        self.checked = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "svg":
            self.depth += 1
        if not self.depth:
            return
        for name, value in attrs:
            if value is None:
                continue
            if name in GEOMETRY:
                ok = bool(PLAIN.match(value.strip()))
            elif name == "viewbox":
                ok = bool(VIEWBOX.match(value.strip()))
            elif name == "points":
                ok = not value.strip() or bool(POINTS.match(value))
            else:
                continue
            self.checked += 1
            if not ok:
                self.bad.append(f'<{tag} {name}="{value}">')

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg" and self.depth:
            self.depth -= 1


def drawn_in_dutch(client, url: str) -> SvgNumbers:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = SvgNumbers()
    parser.feed(response.content.decode())
    return parser


@pytest.fixture
def dutch(world):
    User.objects.update(language="nl")
    return world


def test_the_workbook_network_drawing_has_plain_numbers_in_dutch(dutch, as_user):
    workbook = workbook_for(dutch)
    parser = drawn_in_dutch(as_user(dutch.faculty), reverse("workbook-detail", args=[workbook.public_id]))
    assert parser.checked > 20, "the workbook drew no network"
    assert not parser.bad, parser.bad[:5]


def test_the_assessment_chart_has_plain_numbers_in_dutch(dutch, as_user):
    partnership = f.make_partnership(dutch.a, [dutch.org], [dutch.coord_person], title="Buurtcampus")
    tres = Instrument.objects.get(institution=None, slug="relationship-tres")
    round_ = make_round(dutch, partnership, tres, [campus(language="nl"), community(language="nl")])
    answer(round_.respondents.get(side="campus"), {"decision_making": (5, 4)})
    answer(round_.respondents.get(side="community"), {"decision_making": (3, 4)})
    parser = drawn_in_dutch(as_user(dutch.coordinator), reverse("round-detail", args=[round_.public_id]))
    assert parser.checked > 10, "the results drew no chart"
    assert not parser.bad, parser.bad[:5]


def test_the_reports_and_health_charts_have_plain_numbers_in_dutch(dutch, as_user):
    partnership = f.make_partnership(dutch.a, [dutch.org], [dutch.coord_person], title="Buurtcampus")
    client = as_user(dutch.coordinator)
    for url in (reverse("reports"), reverse("partnership-health", args=[partnership.public_id])):
        parser = drawn_in_dutch(client, url)
        assert not parser.bad, (url, parser.bad[:5])
