"""The strategic partnership page, its edit forms, and the board report as a page and a PDF."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from engagements.models import Engagement
from network.models import Organisation, SofarRole
from partnerships import strategic
from partnerships.models import Goal, Indicator, Measurement, Milestone, Partnership
from tests import factories as f

READERS = ["coordinator", "faculty", "student", "partner"]
STRANGERS = ["other_partner", "outsider"]


@pytest.fixture
def partnership(world: SimpleNamespace) -> Partnership:
    p = f.make_partnership(
        world.a,
        [world.org],
        [world.coord_person],
        title="Samen tegen onderwijsongelijkheid",
        kind=Partnership.Kind.STRATEGIC,
        start_date=dt.date(2022, 3, 15),
    )
    # The student sees the partnership through an engagement they take part in.
    f.make_engagement(
        world.a,
        partnership=p,
        organisation=world.org,
        kind=Engagement.Kind.SERVICE_LEARNING,
        start_date=dt.date(2024, 10, 1),
        participants=[(world.student_person, SofarRole.STUDENT, 40)],
    )
    goal = strategic.add_goal(p, by=None, title="Onderwijsongelijkheid verminderen")
    indicator = strategic.add_indicator(goal, by=None, name="Jongeren bereikt", target=Decimal(400), unit="jongeren")
    strategic.record_measurement(indicator, by=None, measured_on=dt.date(2024, 6, 30), value=Decimal(260))
    strategic.add_milestone(p, by=None, date=dt.date(2022, 3, 15), kind="signed", title="Overeenkomst getekend")
    return p


def url(name: str, partnership: Partnership, *args: object) -> str:
    return reverse(name, args=[partnership.public_id, *args])


def text(response) -> str:
    return response.content.decode()


# Who may see and change the page.


@pytest.mark.parametrize("persona", READERS)
def test_everyone_who_sees_the_partnership_reads_its_strategic_page(world, as_user, partnership, persona):
    response = as_user(getattr(world, persona)).get(url("partnership-strategic", partnership))
    assert response.status_code == 200
    body = text(response)
    assert "Onderwijsongelijkheid verminderen" in body
    assert "Jongeren bereikt" in body
    assert "Overeenkomst getekend" in body
    assert "<svg" in body


def test_the_coordinator_gets_the_edit_links(world, as_user, partnership):
    body = text(as_user(world.coordinator).get(url("partnership-strategic", partnership)))
    assert url("strategic-party-add", partnership) in body
    assert url("strategic-goal-add", partnership) in body


@pytest.mark.parametrize("persona", ["faculty", "student", "partner"])
def test_other_readers_get_no_edit_links(world, as_user, partnership, persona):
    body = text(as_user(getattr(world, persona)).get(url("partnership-strategic", partnership)))
    assert url("strategic-party-add", partnership) not in body
    assert url("strategic-goal-add", partnership) not in body


@pytest.mark.parametrize("persona", STRANGERS)
@pytest.mark.parametrize("name", ["partnership-strategic", "partnership-report", "partnership-report-pdf"])
def test_a_partner_of_another_organisation_and_an_outsider_get_404(world, as_user, partnership, persona, name):
    assert as_user(getattr(world, persona)).get(url(name, partnership)).status_code == 404


@pytest.mark.parametrize("name", ["partnership-strategic", "partnership-report", "partnership-report-pdf"])
def test_an_anonymous_visitor_is_sent_to_log_in(as_user, partnership, name):
    response = as_user(None).get(url(name, partnership))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("persona", ["faculty", "student", "partner"])
def test_readers_cannot_change_anything(world, as_user, partnership, persona):
    client = as_user(getattr(world, persona))
    assert client.get(url("strategic-goal-add", partnership)).status_code == 403
    response = client.post(url("strategic-goal-add", partnership), {"title": "Van mij"})
    assert response.status_code == 403
    assert not Goal.objects.filter(title="Van mij").exists()


@pytest.mark.parametrize("persona", STRANGERS)
def test_strangers_cannot_change_anything_and_learn_nothing(world, as_user, partnership, persona):
    response = as_user(getattr(world, persona)).post(url("strategic-goal-add", partnership), {"title": "Van mij"})
    assert response.status_code == 404
    assert not Goal.objects.filter(title="Van mij").exists()


def test_an_anonymous_visitor_cannot_post(as_user, partnership):
    response = as_user(None).post(url("strategic-goal-add", partnership), {"title": "Van mij"})
    assert response.status_code == 302
    assert not Goal.objects.filter(title="Van mij").exists()


# Parties.


def test_adding_a_party_widens_the_partnership_on_its_timeline(world, as_user, partnership):
    city = f.make_organisation("Stad Leuven", kind=Organisation.Kind.CITY_SERVICE)
    client = as_user(world.coordinator)
    form_page = client.post(url("strategic-party-add", partnership), {"organisation_q": "Leuven"})
    assert "Stad Leuven" in text(form_page)
    response = client.post(
        url("strategic-party-add", partnership),
        {"organisation": str(city.public_id), "role": "Lokale overheid", "joined_on": "2024-05-14"},
    )
    assert response.status_code == 302
    page = text(client.get(response["Location"]))
    assert "Stad Leuven" in page and "Lokale overheid" in page
    assert partnership.milestones.filter(kind=Milestone.Kind.WIDENED, date=dt.date(2024, 5, 14)).exists()


def test_another_institution_can_join_and_leave(world, as_user, partnership):
    client = as_user(world.coordinator)
    response = client.post(
        url("strategic-party-add", partnership), {"institution": world.b.pk, "joined_on": "2025-09-01"}
    )
    assert response.status_code == 302
    assert list(partnership.other_institutions.all()) == [world.b]
    assert world.b.name in text(client.get(url("partnership-strategic", partnership)))
    response = client.post(url("strategic-institution-remove", partnership, world.b.pk))
    assert response.status_code == 302
    assert not partnership.other_institutions.exists()


def test_adding_a_party_without_choosing_one_says_so(world, as_user, partnership):
    response = as_user(world.coordinator).post(url("strategic-party-add", partnership), {"role": "Iets"})
    assert response.status_code == 400
    assert response.context["form"].errors["organisation"]
    assert partnership.milestones.filter(kind=Milestone.Kind.WIDENED).count() == 0


def test_removing_the_last_organisation_is_refused_with_a_message(world, as_user, partnership):
    client = as_user(world.coordinator)
    party = partnership.parties.get()
    response = client.post(url("strategic-party-remove", partnership, party.pk), follow=True)
    assert response.status_code == 200
    assert partnership.parties.count() == 1
    assert 'class="message error"' in text(response)


def test_editing_a_party_role_someone_else_changed_is_a_conflict(world, as_user, partnership):
    client = as_user(world.coordinator)
    party = partnership.parties.get()
    seen = strategic.fingerprint(party, strategic.PARTY_FIELDS)
    strategic.update_party(party, by=None, expected=None, role="Eerst", joined_on=None)
    response = client.post(
        url("strategic-party-edit", partnership, party.pk), {"role": "Tweede", "joined_on": "", "fingerprint": seen}
    )
    assert response.status_code == 409
    party.refresh_from_db()
    assert party.role == "Eerst"


# Forms and levels.


def test_choosing_forms_and_levels_shows_them_on_the_page(world, as_user, partnership):
    client = as_user(world.coordinator)
    response = client.post(
        url("strategic-collaboration", partnership),
        {"collaboration_forms": ["volunteering", "open_building"], "levels": ["city"], "version": partnership.version},
    )
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert partnership.collaboration_forms == ["volunteering", "open_building"]
    assert partnership.levels == ["city"]


def test_forms_and_levels_from_a_stale_page_are_refused(world, as_user, partnership):
    stale = partnership.version
    strategic.set_collaboration(partnership, by=None, expected_version=None, forms=["event"], levels=[])
    response = as_user(world.coordinator).post(
        url("strategic-collaboration", partnership), {"collaboration_forms": ["research"], "version": stale}
    )
    assert response.status_code == 409
    assert Partnership.objects.get(pk=partnership.pk).collaboration_forms == ["event"]


# Goals, indicators, measurements.


def test_a_goal_can_be_added_and_edited(world, as_user, partnership):
    client = as_user(world.coordinator)
    assert client.post(url("strategic-goal-add", partnership), {"title": "Meer diversiteit"}).status_code == 302
    goal = Goal.objects.get(title="Meer diversiteit")
    form = client.get(url("strategic-goal-edit", partnership, goal.pk))
    fingerprint = form.context["form"].initial["fingerprint"]
    response = client.post(
        url("strategic-goal-edit", partnership, goal.pk),
        {"title": "Meer diversiteit en inclusie", "description": "", "order": "", "fingerprint": fingerprint},
    )
    assert response.status_code == 302
    assert Goal.objects.get(pk=goal.pk).title == "Meer diversiteit en inclusie"


def test_editing_a_goal_someone_else_changed_is_a_conflict(world, as_user, partnership):
    client = as_user(world.coordinator)
    goal = partnership.goals.get()
    fingerprint = client.get(url("strategic-goal-edit", partnership, goal.pk)).context["form"].initial["fingerprint"]
    Goal.objects.filter(pk=goal.pk).update(title="Van een collega")
    response = client.post(
        url("strategic-goal-edit", partnership, goal.pk), {"title": "Van mij", "fingerprint": fingerprint}
    )
    assert response.status_code == 409
    assert Goal.objects.get(pk=goal.pk).title == "Van een collega"


def test_a_goal_without_a_title_is_refused(world, as_user, partnership):
    response = as_user(world.coordinator).post(url("strategic-goal-add", partnership), {"title": ""})
    assert response.status_code == 400
    assert partnership.goals.count() == 1


def test_an_indicator_without_a_target_is_refused_with_a_message(world, as_user, partnership):
    goal = partnership.goals.get()
    response = as_user(world.coordinator).post(
        url("strategic-indicator-add", partnership, goal.pk), {"name": "Vrijwilligers", "target": ""}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["target"]
    assert not Indicator.objects.filter(name="Vrijwilligers").exists()


def test_an_indicator_with_a_target_is_added(world, as_user, partnership):
    goal = partnership.goals.get()
    response = as_user(world.coordinator).post(
        url("strategic-indicator-add", partnership, goal.pk),
        {"name": "Vrijwilligers", "target": "80", "baseline": "15", "measured_by": "KU Leuven"},
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get(name="Vrijwilligers")
    assert (indicator.target, indicator.baseline, indicator.measured_by) == (Decimal(80), Decimal(15), "KU Leuven")


def test_a_measurement_without_value_and_date_is_refused_with_both_messages(world, as_user, partnership):
    indicator = Indicator.objects.get()
    response = as_user(world.coordinator).post(
        url("strategic-measurement-add", partnership, indicator.pk), {"measured_on": "", "value": ""}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"measured_on", "value"}
    assert indicator.measurements.count() == 1


def test_a_measurement_is_recorded_and_shown_in_the_table(world, as_user, partnership):
    client = as_user(world.coordinator)
    indicator = Indicator.objects.get()
    response = client.post(
        url("strategic-measurement-add", partnership, indicator.pk),
        {"measured_on": "2025-06-30", "value": "320", "note": "Telling"},
    )
    assert response.status_code == 302
    assert indicator.measurements.count() == 2
    body = text(client.get(url("partnership-strategic", partnership)))
    assert "Telling" in body


def test_an_indicator_of_another_partnership_is_not_found(world, as_user, partnership):
    other = f.make_partnership(world.a, [world.other_org], [world.coord_person])
    goal = strategic.add_goal(other, by=None, title="Ander doel")
    foreign = strategic.add_indicator(goal, by=None, name="Elders", target=Decimal(1))
    response = as_user(world.coordinator).post(
        url("strategic-measurement-add", partnership, foreign.pk), {"measured_on": "2025-06-30", "value": "3"}
    )
    assert response.status_code == 404
    assert not Measurement.objects.filter(indicator=foreign).exists()


# Milestones.


def test_a_milestone_can_be_added_and_removed(world, as_user, partnership):
    client = as_user(world.coordinator)
    response = client.post(
        url("strategic-milestone-add", partnership),
        {"date": "2027-03-15", "kind": "renewed", "title": "Overeenkomst hernieuwd"},
    )
    assert response.status_code == 302
    milestone = partnership.milestones.get(kind=Milestone.Kind.RENEWED)
    assert client.post(url("strategic-milestone-remove", partnership, milestone.pk)).status_code == 302
    assert not partnership.milestones.filter(kind=Milestone.Kind.RENEWED).exists()


def test_a_milestone_without_a_date_is_refused(world, as_user, partnership):
    response = as_user(world.coordinator).post(
        url("strategic-milestone-add", partnership), {"date": "", "kind": "event", "title": "Feest"}
    )
    assert response.status_code == 400
    assert not partnership.milestones.filter(title="Feest").exists()


def test_removing_needs_a_post(world, as_user, partnership):
    milestone = partnership.milestones.get()
    assert (
        as_user(world.coordinator).get(url("strategic-milestone-remove", partnership, milestone.pk)).status_code == 405
    )


# The report.


@pytest.mark.parametrize("persona", READERS)
def test_everyone_who_sees_the_partnership_reads_its_report(world, as_user, partnership, persona):
    response = as_user(getattr(world, persona)).get(url("partnership-report", partnership))
    assert response.status_code == 200
    body = text(response)
    assert "Jongeren bereikt" in body
    assert "65%" in body  # 260 of 400


def test_the_health_figures_are_for_the_lead_institutions_staff_only(world, as_user, partnership):
    assert 'id="r-health"' in text(as_user(world.coordinator).get(url("partnership-report", partnership)))
    assert 'id="r-health"' not in text(as_user(world.partner).get(url("partnership-report", partnership)))


def test_the_report_pdf_is_a_pdf_with_the_reports_text(world, as_user, partnership):
    response = as_user(world.partner).get(url("partnership-report-pdf", partnership))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert ".pdf" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    content = "\n".join(page.extract_text() for page in reader.pages)
    assert "Samen tegen onderwijsongelijkheid" in content
    assert "Jongeren bereikt" in content
    assert world.a.name in content


# Bounded queries.


def grow(partnership: Partnership, goals: int) -> None:
    for n in range(goals):
        goal = strategic.add_goal(partnership, by=None, title=f"Doel {n}")
        for m in range(goals):
            indicator = strategic.add_indicator(goal, by=None, name=f"Indicator {n}.{m}", target=Decimal(100))
            for year in range(2010, 2010 + goals):
                strategic.record_measurement(indicator, by=None, measured_on=dt.date(year, 6, 30), value=Decimal(year))
        strategic.add_milestone(partnership, by=None, date=dt.date(2020 + n, 1, 1), title=f"Mijlpaal {n}")


def queries(client, address: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(address).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("name", ["partnership-strategic", "partnership-report"])
def test_the_pages_run_the_same_number_of_queries_for_2_or_8_goals(world, as_user, name):
    counts = []
    for size in (2, 8):
        p = f.make_partnership(world.a, [world.org], [world.coord_person], title=f"Groot {size}")
        grow(p, size)
        client = as_user(world.coordinator)
        client.get(url(name, p))  # Warm the session and the permission caches.
        counts.append(queries(client, url(name, p)))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 20, counts
