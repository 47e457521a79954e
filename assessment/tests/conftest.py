"""Assessment fixtures: a partnership of institution A with world.org, and the built-in instruments."""

from __future__ import annotations

import pytest

from assessment.models import Instrument
from tests import factories as f


@pytest.fixture
def partnership(world):
    return f.make_partnership(world.a, [world.org], [world.coord_person], title="Buurtcampus")


@pytest.fixture
def tres(db) -> Instrument:
    return Instrument.objects.get(institution=None, slug="relationship-tres")


@pytest.fixture
def direct(db) -> Instrument:
    return Instrument.objects.get(institution=None, slug="closeness-equity-integrity")
