"""The partnership pages: list, detail, missing voices, contact moments, create and edit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from audit.models import AuditEntry
from network.models import Interaction, SofarRole
from partnerships.models import ContinuumStage, Partnership
from partnerships.services import update_partnership
from tests import factories as f


@pytest.fixture(autouse=True)
def english(world) -> None:
    """Assertions read the English source strings, whatever catalogue exists."""
    User.objects.update(language="en")


def _page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def _detail(p: Partnership) -> str:
    return reverse("partnership-detail", args=[p.public_id])


@pytest.fixture
def shared(world):
    """A partnership of institution A with world.org, owned by the coordinator alone."""
    return f.make_partnership(
        world.a, [world.org], [world.coord_person], title="Buurtcampus Watersportbaan", kind="strategic", stage=4
    )


# The list


def test_the_list_shows_the_institutions_partnerships_led_or_joined_and_not_others(world, as_user, shared):
    joined = f.make_partnership(world.b, [world.other_org], [world.outsider_person], title="Samen met HB")
    joined.other_institutions.add(world.a)
    f.make_partnership(world.b, [world.other_org], [world.outsider_person], title="Alleen van HB")
    page = _page(as_user(world.coordinator), reverse("partnership-list"))
    assert "Buurtcampus Watersportbaan" in page
    assert "Samen met HB" in page
    assert "led by HB" in page
    assert "Alleen van HB" not in page


def test_the_list_filters_on_kind_stage_status_basis_and_search(world, as_user, shared):
    f.make_partnership(world.a, [world.other_org], [world.faculty_person], title="Sportkamp", kind="ad_hoc", stage=1)
    client = as_user(world.coordinator)
    url = reverse("partnership-list")
    assert "Sportkamp" not in _page(client, url + "?kind=strategic")
    assert "Buurtcampus" in _page(client, url + "?kind=strategic")
    assert "Buurtcampus" not in _page(client, url + f"?stage={ContinuumStage.COMMUNICATION}")
    assert "Sportkamp" in _page(client, url + "?q=elders")  # matches the organisation's name
    assert "Buurtcampus" not in _page(client, url + "?q=elders")
    assert "Sportkamp" not in _page(client, url + "?status=ended")
    assert "Sportkamp" in _page(client, url + "?basis=course")


def test_the_orphaned_filter_shows_only_partnerships_without_an_active_owner(world, as_user, shared):
    f.make_partnership(world.a, [world.other_org], [world.faculty_person], title="Verweesd project")
    Partnership.objects.filter(title="Verweesd project").update(orphaned=True)
    page = _page(as_user(world.coordinator), reverse("partnership-list") + "?orphaned=on")
    assert "Verweesd project" in page
    assert "no active owner" in page
    assert "Buurtcampus" not in page


def test_an_unknown_filter_value_is_reported_and_ignored(world, as_user, shared):
    page = _page(as_user(world.coordinator), reverse("partnership-list") + "?stage=42")
    assert "Select a valid choice" in page
    assert "Buurtcampus" in page


def test_the_list_flags_a_partnership_with_one_owner(world, as_user, shared):
    assert "one owner only" in _page(as_user(world.coordinator), reverse("partnership-list"))


def test_a_partner_lists_only_partnerships_of_its_organisation(world, as_user, shared):
    f.make_partnership(world.a, [world.other_org], [world.faculty_person], title="Sportkamp")
    page = _page(as_user(world.partner), reverse("partnership-list"))
    assert "Buurtcampus" in page
    assert "Sportkamp" not in page
    assert "New partnership" not in page


def test_a_student_lists_only_partnerships_of_their_engagements(world, as_user, shared):
    other = f.make_partnership(world.a, [world.other_org], [world.faculty_person], title="Sportkamp")
    f.make_engagement(world.a, partnership=other, participants=[(world.student_person, SofarRole.STUDENT, 4)])
    page = _page(as_user(world.student), reverse("partnership-list"))
    assert "Sportkamp" in page
    assert "Buurtcampus" not in page


def test_an_outsider_and_another_partner_list_nothing_of_institution_a(world, as_user, shared):
    assert "Buurtcampus" not in _page(as_user(world.outsider), reverse("partnership-list"))
    assert "Buurtcampus" not in _page(as_user(world.other_partner), reverse("partnership-list"))


def test_an_anonymous_visitor_is_sent_to_log_in_for_the_list(client, world):
    response = client.get(reverse("partnership-list"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_list_runs_the_same_number_of_queries_for_3_and_30_partnerships(
    world, as_user, django_assert_max_num_queries
):
    def add(n: int) -> None:
        for _ in range(n):
            f.make_partnership(world.a, [world.org, world.other_org], [world.coord_person, world.faculty_person])

    client = as_user(world.coordinator)
    add(3)
    few = _count_queries(client, reverse("partnership-list"))
    add(27)
    many = _count_queries(client, reverse("partnership-list"))
    assert few == many
    with django_assert_max_num_queries(8):
        client.get(reverse("partnership-list") + "?q=Samen&kind=ad_hoc&orphaned=on")


# The detail page


def test_the_detail_shows_organisations_kind_stage_dates_and_the_single_owner_warning(world, as_user, shared):
    shared.parties.update(role="Buurtanker")
    page = _page(as_user(world.coordinator), _detail(shared))
    assert "Buurtwerk De Brug" in page
    assert "Buurtanker" in page
    assert "Strategic" in page
    assert "Step 4 of 9: Planning and formalised leadership" in page
    assert 'aria-current="step"' in page
    assert "Only one owner" in page
    assert "Cora Coördinator" in page


def test_a_partnership_with_two_owners_carries_no_single_owner_warning(world, as_user):
    p = f.make_partnership(world.a, [world.org], [world.coord_person, world.faculty_person])
    assert "Only one owner" not in _page(as_user(world.coordinator), _detail(p))


def test_the_detail_lists_the_engagements_of_the_partnership(world, as_user, shared):
    f.make_engagement(world.a, partnership=shared, title="Beweeglab zomerkamp")
    assert "Beweeglab zomerkamp" in _page(as_user(world.faculty), _detail(shared))


def test_the_detail_names_the_missing_voices_of_the_partnership(world, as_user, shared):
    page = _page(as_user(world.coordinator), _detail(shared))
    missing = page.split('id="sofar-missing-roles"')[1].split("</p>")[0]
    assert "students" in missing
    assert "residents" in missing
    assert "administrators" not in missing  # the coordinator owns it
    assert "community organisations" not in missing


@pytest.mark.parametrize("persona", ["coordinator", "faculty", "partner"])
def test_institution_staff_and_the_partner_organisation_see_the_detail(world, as_user, shared, persona):
    _page(as_user(getattr(world, persona)), _detail(shared))


def test_a_student_sees_a_partnership_only_through_an_engagement_they_take_part_in(world, as_user, shared):
    _page(as_user(world.student), _detail(shared), status=404)
    f.make_engagement(world.a, partnership=shared, participants=[(world.student_person, SofarRole.STUDENT, 3)])
    page = _page(as_user(world.student), _detail(shared))
    assert "Log a contact moment" not in page
    assert "Edit" not in page.split("<main")[1].split("</h1>")[1].split("</div>")[0]


@pytest.mark.parametrize("persona", ["outsider", "other_partner"])
def test_another_institution_or_another_partner_gets_404_for_the_detail(world, as_user, shared, persona):
    _page(as_user(getattr(world, persona)), _detail(shared), status=404)


def test_an_anonymous_visitor_is_sent_to_log_in_for_the_detail(client, shared):
    response = client.get(_detail(shared))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_detail_runs_the_same_number_of_queries_for_3_and_30_engagements(
    world, as_user, django_assert_max_num_queries
):
    p = f.make_partnership(world.a, [world.org, world.other_org], [world.coord_person, world.faculty_person])
    rel = f.make_relationship(world.a, world.coord_person, world.org, owners=[world.coord_person])

    def add(n: int) -> None:
        for _ in range(n):
            person = f.make_person(world.a, SofarRole.STUDENT)
            f.make_engagement(world.a, partnership=p, organisation=world.org, participants=[(person, "S", 2)])
            f.make_interaction(rel)

    client = as_user(world.coordinator)
    add(3)
    few = _count_queries(client, _detail(p))
    add(27)
    many = _count_queries(client, _detail(p))
    assert few == many
    with django_assert_max_num_queries(22):
        client.get(_detail(p))


# Logging a contact moment from the partnership page


def _contact_url(p: Partnership) -> str:
    return reverse("partnership-log-contact", args=[p.public_id])


def _contact(**overrides: object) -> dict[str, object]:
    data = {
        "occurred_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "channel": "meeting",
        "mode": "direct",
        "initiated_by": "ours",
        "summary": "Kennismaking met het buurtteam",
    }
    data.update(overrides)
    return data


def test_a_coordinator_logs_a_contact_on_their_own_relationship_by_default(world, as_user, shared):
    response = as_user(world.coordinator).post(_contact_url(shared), _contact())
    assert response.status_code == 302
    interaction = Interaction.objects.get()
    assert interaction.relationship.a_person == world.coord_person
    assert interaction.relationship.b_organisation == world.org
    assert "Kennismaking met het buurtteam" in _page(as_user(world.coordinator), _detail(shared))


def test_with_htmx_the_contact_panel_comes_back_with_the_new_moment(world, as_user, shared):
    response = as_user(world.faculty).post(_contact_url(shared), _contact(), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="contact-panel"' in body
    assert "Contact moment saved." in body
    assert "Kennismaking met het buurtteam" in body
    assert "<html" not in body


def test_the_chooser_offers_visible_relationships_with_the_partnerships_organisations(world, as_user, shared):
    mine = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    elsewhere = f.make_relationship(world.a, world.faculty_person, world.other_org, owners=[world.faculty_person])
    foreign = f.make_relationship(world.b, world.outsider_person, world.org, owners=[world.outsider_person])
    page = _page(as_user(world.coordinator), _detail(shared))
    chooser = page.split('name="relationship"')[1].split("</select>")[0]
    assert f'value="{mine.pk}"' in chooser
    assert f'value="{elsewhere.pk}"' not in chooser
    assert f'value="{foreign.pk}"' not in chooser
    response = as_user(world.coordinator).post(_contact_url(shared), _contact(relationship=mine.pk))
    assert response.status_code == 302
    assert Interaction.objects.get().relationship == mine
    response = as_user(world.coordinator).post(_contact_url(shared), _contact(relationship=foreign.pk))
    assert response.status_code == 400
    assert Interaction.objects.count() == 1


def test_a_contact_without_summary_or_in_the_future_is_refused_with_a_message(world, as_user, shared):
    client = as_user(world.coordinator)
    response = client.post(_contact_url(shared), _contact(summary=""))
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    tomorrow = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    response = client.post(_contact_url(shared), _contact(occurred_on=tomorrow), HTTP_HX_REQUEST="true")
    assert "A contact moment cannot be in the future." in response.content.decode()
    assert not Interaction.objects.exists()


@pytest.mark.parametrize(
    "persona, status", [("student", 404), ("partner", 403), ("outsider", 404), ("other_partner", 404)]
)
def test_others_cannot_log_a_contact_on_the_partnership(world, as_user, shared, persona, status):
    response = as_user(getattr(world, persona)).post(_contact_url(shared), _contact())
    assert response.status_code == status
    assert not Interaction.objects.exists()


def test_a_student_of_the_partnership_cannot_log_a_contact_either(world, as_user, shared):
    f.make_engagement(world.a, partnership=shared, participants=[(world.student_person, SofarRole.STUDENT, 3)])
    assert as_user(world.student).post(_contact_url(shared), _contact()).status_code == 403


def test_an_anonymous_visitor_cannot_log_a_contact(client, shared):
    response = client.post(_contact_url(shared), _contact())
    assert response.status_code == 302
    assert not Interaction.objects.exists()


def test_the_timeline_shows_a_partner_only_contacts_with_its_own_organisation(world, as_user):
    """Only summaries the institution shared with the partner; another organisation's never."""
    p = f.make_partnership(world.a, [world.org, world.other_org], [world.coord_person])
    f.make_interaction(
        f.make_relationship(world.a, world.coord_person, world.org, owners=[world.coord_person]),
        summary="Over De Brug",
        summary_shared=True,
    )
    f.make_interaction(
        f.make_relationship(world.a, world.coord_person, world.other_org, owners=[world.coord_person]),
        summary="Over Elders",
        summary_shared=True,
    )
    page = _page(as_user(world.partner), _detail(p))
    assert "Over De Brug" in page
    assert "Over Elders" not in page


# Creating and editing


def _form(world, **overrides: object) -> dict[str, object]:
    data = {
        "title": "Leerwerkplek Sluizeken",
        "summary": "Samen werken aan onderwijsgelijkheid",
        "organisations": [str(world.org.public_id)],
        "owners": [str(world.coord_person.public_id), str(world.faculty_person.public_id)],
        "kind": "strategic",
        "basis": "mission",
        "stage": "2",
        "status": "active",
        "start_date": "2026-09-01",
        "end_date": "2027-06-30",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("persona", ["coordinator", "faculty"])
def test_institution_staff_create_a_partnership_with_organisations_and_owners(world, as_user, persona):
    client = as_user(getattr(world, persona))
    assert "New partnership" in _page(client, reverse("partnership-create"))
    response = client.post(reverse("partnership-create"), _form(world, other_institutions=[world.b.pk]))
    p = Partnership.objects.get(title="Leerwerkplek Sluizeken")
    assert response["Location"] == _detail(p)
    assert p.institution == world.a
    assert p.stage == ContinuumStage.AWARENESS
    assert set(p.owners.all()) == {world.coord_person, world.faculty_person}
    assert list(p.organisations.all()) == [world.org]
    assert list(p.other_institutions.all()) == [world.b]
    assert AuditEntry.objects.filter(action="created", target_id=str(p.public_id)).exists()


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"organisations": None}, "Choose at least one partner organisation."),
        ({"owners": None}, "A partnership needs at least one owner inside the institution."),
        ({"end_date": "2026-01-01"}, "The end date cannot be before the start date."),
        ({"title": ""}, "This field is required."),
        ({"stage": "10"}, "Select a valid choice."),
    ],
)
def test_a_partnership_with_bad_input_is_refused_with_a_message_and_nothing_saved(world, as_user, overrides, message):
    response = as_user(world.coordinator).post(reverse("partnership-create"), _form(world, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Partnership.objects.exists()


def test_an_owner_of_another_institution_cannot_be_chosen(world, as_user):
    response = as_user(world.coordinator).post(
        reverse("partnership-create"), _form(world, owners=[str(world.outsider_person.public_id)])
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Partnership.objects.exists()


@pytest.mark.parametrize("persona", ["student", "partner", "other_partner"])
def test_students_and_partners_may_not_create_a_partnership(world, as_user, persona):
    client = as_user(getattr(world, persona))
    assert client.get(reverse("partnership-create")).status_code == 403
    assert client.post(reverse("partnership-create"), _form(world)).status_code == 403
    assert not Partnership.objects.exists()


def test_an_anonymous_visitor_cannot_create_a_partnership(client, world):
    assert client.post(reverse("partnership-create"), _form(world)).status_code == 302
    assert not Partnership.objects.exists()


def _edit(p: Partnership) -> str:
    return reverse("partnership-edit", args=[p.public_id])


def _edit_form(world, p: Partnership, **overrides: object) -> dict[str, object]:
    data = _form(world, title=p.title, version=p.version)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_lead_coordinator_edits_a_partnership_and_adds_a_second_owner(world, as_user, shared):
    client = as_user(world.coordinator)
    page = _page(client, _edit(shared))
    assert f'name="version" value="{shared.version}"' in page
    response = client.post(_edit(shared), _edit_form(world, shared, stage="6", title="Buurtcampus (vernieuwd)"))
    assert response.status_code == 302
    shared.refresh_from_db()
    assert shared.title == "Buurtcampus (vernieuwd)"
    # The step is confirmed on the continuum page, with its evidence, not in this form.
    assert shared.stage == ContinuumStage.PLANNING
    assert shared.owners.count() == 2
    assert "Only one owner" not in _page(client, _detail(shared))


def test_an_edit_on_a_stale_version_is_refused_and_the_other_change_kept(world, as_user, shared):
    stale_version = shared.version
    update_partnership(shared, by=world.faculty, expected_version=stale_version, title="Gewijzigd door Fien")
    response = as_user(world.coordinator).post(
        _edit(shared), _edit_form(world, shared, version=stale_version, title="Mijn versie")
    )
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    shared.refresh_from_db()
    assert shared.title == "Gewijzigd door Fien"


def test_an_edit_without_a_version_is_refused(world, as_user, shared):
    data = _edit_form(world, shared, title="Zonder versie")
    del data["version"]
    response = as_user(world.coordinator).post(_edit(shared), data)
    assert response.status_code == 400
    shared.refresh_from_db()
    assert shared.title == "Buurtcampus Watersportbaan"


def test_an_edit_removing_every_organisation_is_refused(world, as_user, shared):
    response = as_user(world.coordinator).post(_edit(shared), _edit_form(world, shared, organisations=None))
    assert response.status_code == 400
    assert "Choose at least one partner organisation." in response.content.decode()
    assert list(shared.organisations.all()) == [world.org]


def test_a_faculty_member_who_owns_it_may_edit_and_one_who_does_not_may_not(world, as_user, shared):
    assert as_user(world.faculty).get(_edit(shared)).status_code == 403
    owned = f.make_partnership(world.a, [world.org], [world.faculty_person])
    assert as_user(world.faculty).get(_edit(owned)).status_code == 200


def test_a_coordinator_of_a_joined_institution_sees_but_may_not_edit(world, as_user, shared):
    shared.other_institutions.add(world.b)
    _page(as_user(world.outsider), _detail(shared))
    assert as_user(world.outsider).post(_edit(shared), _edit_form(world, shared)).status_code == 403


@pytest.mark.parametrize(
    "persona, status", [("partner", 403), ("student", 404), ("outsider", 404), ("other_partner", 404)]
)
def test_others_may_not_edit_a_partnership(world, as_user, shared, persona, status):
    response = as_user(getattr(world, persona)).post(_edit(shared), _edit_form(world, shared, title="Gekaapt"))
    assert response.status_code == status
    shared.refresh_from_db()
    assert shared.title == "Buurtcampus Watersportbaan"


def test_an_administrator_user_counts_as_office_for_editing(world, as_user, shared):
    admin_person = f.make_person(world.a, SofarRole.ADMINISTRATOR)
    admin_user = f.make_user(Role.ADMINISTRATOR, institution=world.a, person=admin_person, language="en")
    assert as_user(admin_user).get(_edit(shared)).status_code == 200


def test_a_contact_on_a_partnership_left_without_organisations_says_why_it_cannot_be_saved(world, as_user, shared):
    shared.parties.all().delete()
    response = as_user(world.coordinator).post(_contact_url(shared), _contact())
    assert response.status_code == 400
    assert "This partnership has no partner organisation" in response.content.decode()
    assert not Interaction.objects.exists()
