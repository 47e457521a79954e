"""When a round closes, the office shares its results with the partner (default on, switchable with a
reason); the partner then reads the same chart, sentences and agreed actions as the campus."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment.models import Instrument, Respondent
from assessment.services import add_action
from assessment.tests.helpers import answer, campus, community, make_round
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(world, django_capture_on_commit_callbacks):
    tres = Instrument.objects.get(institution=None, slug="relationship-tres")
    partnership = f.make_partnership(world.a, [world.org], [world.coord_person], title="Buurtcampus")
    with django_capture_on_commit_callbacks(execute=True):
        round_ = make_round(world, partnership, tres, [campus(), community()], title="Bevraging 2026")
    answer(Respondent.objects.get(round=round_, side="campus"), {"decision_making": (2, 5)})
    answer(Respondent.objects.get(round=round_, side="community"), {"decision_making": (3, 4)})
    add_action(round_, by=world.coordinator, what="Samen de agenda opstellen", who="Cora")
    return round_


def test_closing_shares_the_results_with_the_partner_by_default(world, answered, as_user, english):
    url = reverse("round-detail", args=[answered.public_id])
    partner = as_user(world.partner)
    assert partner.get(url).status_code in (403, 404)  # not while the round is open
    as_user(world.coordinator).post(reverse("round-close", args=[answered.public_id]))
    staff_page = as_user(world.coordinator).get(url).content.decode()
    page = partner.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Samen de agenda opstellen" in html  # the agreed actions
    staff_chart = staff_page[
        staff_page.index('id="chart-h"') : staff_page.index("</section>", staff_page.index('id="chart-h"'))
    ]
    assert staff_chart in html  # the same chart and figures as the campus
    assert "cora@uas.example" not in html and "Cora Coördinator" not in html  # not who answered
    assert "Bevraging 2026" in partner.get(reverse("partner-home")).content.decode()


def test_the_office_can_keep_a_round_to_itself_with_a_reason(world, answered, as_user, english):
    coordinator = as_user(world.coordinator)
    refused = coordinator.post(reverse("round-close", args=[answered.public_id]), {"share": "0"}, follow=True)
    assert "Say why the partner does not see the results" in refused.content.decode()
    answered.refresh_from_db()
    assert answered.status == "open"
    coordinator.post(reverse("round-close", args=[answered.public_id]), {"share": "0", "reason": "Interne evaluatie"})
    answered.refresh_from_db()
    assert answered.status == "closed" and not answered.results_shared
    assert as_user(world.partner).get(reverse("round-detail", args=[answered.public_id])).status_code in (403, 404)
    assert as_user(world.other_partner).get(reverse("round-detail", args=[answered.public_id])).status_code == 404


def test_another_organisations_partner_never_sees_shared_results(world, answered, as_user):
    as_user(world.coordinator).post(reverse("round-close", args=[answered.public_id]))
    assert as_user(world.other_partner).get(reverse("round-detail", args=[answered.public_id])).status_code == 404
