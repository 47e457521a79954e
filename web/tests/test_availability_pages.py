"""The quiet-period pages (a partner asks for no new proposals for a while; the capacity guard holds them) and
the office's page for its criteria for a good partner (the checklist students answer)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from matching.availability import add_criterion, add_quiet_period
from matching.models import Match, PartnerCriterion, QuietPeriod
from matching.services import propose_match
from matching.tests.helpers import make_need, make_offer

pytestmark = pytest.mark.usefixtures("english")

TODAY = timezone.localdate


def _days(n: int) -> str:
    return (TODAY() + dt.timedelta(days=n)).isoformat()


def _list(org) -> str:
    return reverse("quiet-period-list", args=[org.public_id])


def _create(org) -> str:
    return reverse("quiet-period-create", args=[org.public_id])


# Quiet periods: the partner's own.


def test_a_partner_adds_a_quiet_period_and_sees_it_listed(world, as_user):
    client = as_user(world.partner)
    response = client.post(_create(world.org), {"start": _days(0), "end": _days(14), "reason": "We verhuizen"})
    assert response.status_code == 302
    period = QuietPeriod.objects.get()
    assert (period.organisation, period.start, period.reason, period.created_by) == (
        world.org,
        TODAY(),
        "We verhuizen",
        world.partner,
    )
    page = client.get(_list(world.org)).content.decode()
    assert "We verhuizen" in page and "now" in page
    assert AuditEntry.objects.filter(action="set quiet period").exists()


def test_the_partner_reaches_its_quiet_periods_from_the_navigation_and_its_organisation_page(world, as_user):
    client = as_user(world.partner)
    dashboard = client.get(reverse("organisation-detail", args=[world.org.public_id])).content.decode()
    assert reverse("my-quiet-periods") in dashboard
    assert _list(world.org) in dashboard and "Manage quiet periods" in dashboard
    assert client.get(reverse("my-quiet-periods")).url == _list(world.org)
    assert as_user(world.coordinator).get(reverse("my-quiet-periods")).status_code == 404


def test_a_quiet_period_set_on_the_page_holds_a_new_proposal(world, as_user):
    as_user(world.partner).post(_create(world.org), {"start": _days(-1), "end": _days(10), "reason": "Verbouwing"})
    need = make_need(world.org, by=world.coordinator)
    offer = make_offer(world.a, by=world.coordinator)
    match = propose_match(need, offer, by=world.coordinator)
    assert match.status == Match.Status.HELD
    assert "asked for quiet until" in match.held_reason and "Verbouwing" in match.held_reason


def test_a_period_ending_before_it_starts_is_refused_next_to_the_end_date(world, as_user):
    response = as_user(world.partner).post(_create(world.org), {"start": _days(10), "end": _days(5)})
    assert response.status_code == 400
    assert response.context["form"].errors == {"end": ["The end date cannot be before the start date."]}
    assert not QuietPeriod.objects.exists()


def test_an_overlapping_period_is_refused_next_to_the_start_date(world, as_user):
    add_quiet_period(world.org, by=world.partner, start=TODAY(), end=TODAY() + dt.timedelta(days=10))
    response = as_user(world.partner).post(_create(world.org), {"start": _days(5), "end": _days(20)})
    assert response.status_code == 400
    assert "overlaps the quiet period from" in response.context["form"].errors["start"][0]
    assert 'id="id_start_error"' in response.content.decode()
    assert QuietPeriod.objects.count() == 1


def test_a_period_in_the_past_or_longer_than_a_year_is_refused(world, as_user):
    client = as_user(world.partner)
    past = client.post(_create(world.org), {"start": _days(-20), "end": _days(-10)})
    assert "already over" in past.context["form"].errors["end"][0]
    long = client.post(_create(world.org), {"start": _days(0), "end": _days(400)})
    assert "at most a year" in long.context["form"].errors["end"][0]
    assert not QuietPeriod.objects.exists()


def test_the_partner_edits_and_removes_its_period(world, as_user):
    period = add_quiet_period(world.org, by=world.partner, start=TODAY(), end=TODAY() + dt.timedelta(days=3))
    client = as_user(world.partner)
    edit = reverse("quiet-period-edit", args=[world.org.public_id, period.pk])
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"start": _days(0), "end": _days(7), "reason": "Langer", "version": 1})
    assert response.status_code == 302
    period.refresh_from_db()
    assert (period.end, period.reason, period.version) == (TODAY() + dt.timedelta(days=7), "Langer", 2)
    remove = reverse("quiet-period-remove", args=[world.org.public_id, period.pk])
    assert client.post(remove, {"version": 2}).status_code == 302
    assert not QuietPeriod.objects.exists()


def test_a_stale_edit_gets_409_and_changes_nothing(world, as_user):
    period = add_quiet_period(world.org, by=world.partner, start=TODAY(), end=TODAY() + dt.timedelta(days=3))
    edit = reverse("quiet-period-edit", args=[world.org.public_id, period.pk])
    client = as_user(world.partner)
    client.post(edit, {"start": _days(0), "end": _days(5), "version": 1})
    response = client.post(edit, {"start": _days(0), "end": _days(9), "version": 1})
    assert response.status_code == 409
    period.refresh_from_db()
    assert period.end == TODAY() + dt.timedelta(days=5)


def test_a_partner_of_another_organisation_gets_404(world, as_user):
    period = add_quiet_period(world.org, by=world.partner, start=TODAY(), end=TODAY() + dt.timedelta(days=3))
    client = as_user(world.other_partner)
    assert client.get(_list(world.org)).status_code == 404
    assert client.post(_create(world.org), {"start": _days(0), "end": _days(1)}).status_code == 404
    edit = reverse("quiet-period-edit", args=[world.org.public_id, period.pk])
    assert client.get(edit).status_code == 404
    # Its own organisation's page does not show another organisation's period either.
    other_edit = reverse("quiet-period-edit", args=[world.other_org.public_id, period.pk])
    assert client.get(other_edit).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(world, client):
    response = client.get(_list(world.org))
    assert response.status_code == 302 and "login" in response.url


# Quiet periods: what the institutions see and may do.


def test_staff_of_every_institution_see_the_periods_on_the_organisation_page(world, as_user):
    add_quiet_period(world.org, by=world.partner, start=TODAY(), end=TODAY() + dt.timedelta(days=3), reason="Audit")
    for user in (world.coordinator, world.faculty, world.outsider):
        page = as_user(user).get(reverse("organisation-detail", args=[world.org.public_id])).content.decode()
        assert "Quiet periods" in page and "Audit" in page, user
        assert as_user(user).get(_list(world.org)).status_code == 200


def test_a_student_sees_no_quiet_periods(world, as_user):
    add_quiet_period(world.org, by=world.partner, start=TODAY(), end=TODAY() + dt.timedelta(days=3), reason="Audit")
    client = as_user(world.student)
    assert "Audit" not in client.get(reverse("organisation-detail", args=[world.org.public_id])).content.decode()
    assert client.get(_list(world.org)).status_code == 403


def test_a_coordinator_enters_a_period_on_the_partners_behalf_but_may_not_touch_the_partners_own(world, as_user):
    own = add_quiet_period(world.org, by=world.partner, start=TODAY(), end=TODAY() + dt.timedelta(days=3))
    client = as_user(world.coordinator)
    response = client.post(_create(world.org), {"start": _days(30), "end": _days(40), "reason": "Gebeld"})
    assert response.status_code == 302
    entered = QuietPeriod.objects.get(reason="Gebeld")
    assert entered.created_by == world.coordinator
    assert client.post(reverse("quiet-period-edit", args=[world.org.public_id, own.pk]), {}).status_code == 403
    assert client.post(reverse("quiet-period-remove", args=[world.org.public_id, own.pk]), {}).status_code == 403
    # Another institution's coordinator may not change what this one entered; the partner may.
    remove = reverse("quiet-period-remove", args=[world.org.public_id, entered.pk])
    assert as_user(world.outsider).post(remove, {"version": 1}).status_code == 403
    assert as_user(world.partner).post(remove, {"version": 1}).status_code == 302
    assert list(QuietPeriod.objects.all()) == [own]


def test_faculty_see_the_periods_but_may_not_add_one(world, as_user):
    client = as_user(world.faculty)
    assert "Add a quiet period" not in client.get(_list(world.org)).content.decode()
    assert client.post(_create(world.org), {"start": _days(0), "end": _days(1)}).status_code == 403
    assert not QuietPeriod.objects.exists()


def test_the_list_costs_the_same_queries_for_2_or_12_periods(world, as_user, django_assert_max_num_queries):
    def add(n: int, offset: int) -> None:
        for i in range(n):
            start = TODAY() + dt.timedelta(days=offset + 3 * i)
            add_quiet_period(world.org, by=world.partner, start=start, end=start + dt.timedelta(days=1))

    add(2, 0)
    client = as_user(world.coordinator)
    with django_assert_max_num_queries(12) as small:
        assert client.get(_list(world.org)).status_code == 200
    add(10, 100)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(_list(world.org)).status_code == 200


# Criteria for a good partner.


def _criteria() -> list[tuple[int, str]]:
    return list(PartnerCriterion.objects.order_by("order", "id").values_list("order", "text_en"))


def test_the_office_adds_edits_reorders_and_removes_criteria(world, as_user):
    client = as_user(world.coordinator)
    for nl, en in (("Een vzw", "A non-profit"), ("Een vaste contactpersoon", "A steady contact person")):
        assert client.post(reverse("criterion-create"), {"text_nl": nl, "text_en": en}).status_code == 302
    assert _criteria() == [(1, "A non-profit"), (2, "A steady contact person")]
    second = PartnerCriterion.objects.get(text_en="A steady contact person")
    assert client.post(reverse("criterion-move", args=[second.pk]), {"direction": "up"}).status_code == 302
    assert _criteria() == [(1, "A steady contact person"), (2, "A non-profit")]
    second.refresh_from_db()
    edit = reverse("criterion-edit", args=[second.pk])
    body = {"text_nl": "Een vaste mentor", "text_en": "A steady mentor", "order": 5, "version": second.version}
    assert client.post(edit, body).status_code == 302
    assert _criteria() == [(2, "A non-profit"), (5, "A steady mentor")]
    page = client.get(reverse("criteria-list")).content.decode()
    assert page.index("A non-profit") < page.index("A steady mentor")
    second.refresh_from_db()
    remove = reverse("criterion-remove", args=[second.pk])
    assert client.post(remove, {"version": second.version}).status_code == 302
    assert _criteria() == [(2, "A non-profit")]
    assert AuditEntry.objects.filter(action="moved partner criterion").exists()


def test_the_student_form_shows_the_edited_criteria_in_the_students_language(world, as_user):
    criterion = add_criterion(world.a, by=world.coordinator, text_nl="Een vzw", text_en="A non-profit")
    add_criterion(world.b, by=world.outsider, text_nl="Elders", text_en="Elsewhere")
    edit = reverse("criterion-edit", args=[criterion.pk])
    body = {"text_nl": "Een erkende vzw", "text_en": "A registered non-profit", "order": 1, "version": 1}
    as_user(world.coordinator).post(edit, body)
    page = as_user(world.student).get(reverse("proposal-create")).content.decode()
    assert "A registered non-profit" in page and "Elsewhere" not in page
    world.student.language = "nl"
    world.student.save(update_fields=["language"])
    page = as_user(world.student).get(reverse("proposal-create"), headers={"accept-language": "nl"}).content.decode()
    assert "Een erkende vzw" in page


def test_a_criterion_without_its_english_text_is_refused_next_to_the_field(world, as_user):
    response = as_user(world.coordinator).post(reverse("criterion-create"), {"text_nl": "Een vzw", "text_en": ""})
    assert response.status_code == 400
    assert "text_en" in response.context["form"].errors
    assert not PartnerCriterion.objects.exists()


def test_a_stale_criterion_edit_gets_409(world, as_user):
    criterion = add_criterion(world.a, by=world.coordinator, text_nl="Een vzw", text_en="A non-profit")
    edit = reverse("criterion-edit", args=[criterion.pk])
    client = as_user(world.coordinator)
    client.post(edit, {"text_nl": "A", "text_en": "A", "order": 1, "version": 1})
    response = client.post(edit, {"text_nl": "B", "text_en": "B", "order": 1, "version": 1})
    assert response.status_code == 409
    assert PartnerCriterion.objects.get().text_en == "A"


def test_other_roles_get_403_and_other_institutions_criteria_are_invisible(world, as_user):
    criterion = add_criterion(world.a, by=world.coordinator, text_nl="Een vzw", text_en="A non-profit")
    for user in (world.faculty, world.student, world.partner):
        assert as_user(user).get(reverse("criteria-list")).status_code == 403, user
        assert as_user(user).post(reverse("criterion-create"), {"text_nl": "X", "text_en": "X"}).status_code == 403
    outsider = as_user(world.outsider)
    assert "A non-profit" not in outsider.get(reverse("criteria-list")).content.decode()
    assert outsider.get(reverse("criterion-edit", args=[criterion.pk])).status_code == 404
    assert outsider.post(reverse("criterion-move", args=[criterion.pk]), {"direction": "up"}).status_code == 404
    assert outsider.post(reverse("criterion-remove", args=[criterion.pk]), {"version": 1}).status_code == 404
    assert PartnerCriterion.objects.count() == 1


def test_the_criteria_page_is_linked_from_the_proposals_for_the_office_only(world, as_user):
    assert reverse("criteria-list") in as_user(world.coordinator).get(reverse("proposal-list")).content.decode()
    assert reverse("criteria-list") not in as_user(world.faculty).get(reverse("proposal-list")).content.decode()
