"""The shared organisation directory: list, profile, contact panel, internal notes, create and edit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User
from network.models import Interaction, Organisation, OrganisationNote, Relationship, Theme
from network.services import add_organisation_note, update_organisation
from tests import factories as f


@pytest.fixture(autouse=True)
def english(world):
    """Read the pages in English, so the assertions hold whatever the Dutch catalogue says."""
    User.objects.update(language="en")


def detail_url(org: Organisation) -> str:
    return reverse("organisation-detail", args=[org.public_id])


def contact_url(org: Organisation) -> str:
    return reverse("organisation-log-contact", args=[org.public_id])


def edit_url(org: Organisation) -> str:
    return reverse("organisation-edit", args=[org.public_id])


def profile_data(org: Organisation, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": org.name,
        "kind": org.kind,
        "mission": org.mission,
        "street": org.street,
        "postcode": org.postcode,
        "city": org.city,
        "enterprise_number": "",
        "website": "",
        "email": "",
        "phone": "",
        "capacity_per_period": org.capacity_per_period,
        "is_active": "on",
        "version": org.version,
    }
    data.update(changes)
    return data


def contact_data(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "occurred_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "channel": "meeting",
        "mode": "direct",
        "initiated_by": "ours",
        "summary": "Kennismaking met de buurtwerker",
    }
    data.update(changes)
    return data


# The list


def test_a_coordinator_searches_the_directory_by_name_city_and_postcode(world, as_user):
    client = as_user(world.coordinator)
    by_name = client.get(reverse("organisation-list"), {"q": "buurtwerk"}).content.decode()
    assert "Buurtwerk De Brug" in by_name
    assert "Sportclub Elders" not in by_name
    by_city = client.get(reverse("organisation-list"), {"q": "leuven"}).content.decode()
    assert "Sportclub Elders" in by_city
    assert "Buurtwerk De Brug" not in by_city
    by_postcode = client.get(reverse("organisation-list"), {"q": "9000"}).content.decode()
    assert "Buurtwerk De Brug" in by_postcode
    assert "Sportclub Elders" not in by_postcode


def test_the_list_filters_by_kind_theme_and_city(world, as_user):
    theme = Theme.objects.create(slug="sport", name_nl="Sport", name_en="Sport")
    update_organisation(world.other_org, by=None, expected_version=None, kind="sports_club", themes=[theme])
    client = as_user(world.faculty)
    by_kind = client.get(reverse("organisation-list"), {"kind": "sports_club"}).content.decode()
    assert "Sportclub Elders" in by_kind and "Buurtwerk De Brug" not in by_kind
    by_theme = client.get(reverse("organisation-list"), {"theme": "sport"}).content.decode()
    assert "Sportclub Elders" in by_theme and "Buurtwerk De Brug" not in by_theme
    by_city = client.get(reverse("organisation-list"), {"city": "Gent"}).content.decode()
    assert "Buurtwerk De Brug" in by_city and "Sportclub Elders" not in by_city


def test_the_list_is_paginated(world, as_user, settings):
    settings.BRUG_PAGE_SIZE = 5
    for i in range(7):
        f.make_organisation(f"Vzw Pagina {i:02d}")
    client = as_user(world.coordinator)
    first = client.get(reverse("organisation-list")).content.decode()
    second = client.get(reverse("organisation-list"), {"page": 2}).content.decode()
    assert "Page 1 of 2" in first
    assert "Vzw Pagina 00" in first and "Vzw Pagina 06" not in first
    assert "Vzw Pagina 06" in second


def test_the_list_shows_our_last_contact_with_each_organisation(world, as_user):
    rel = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    f.make_interaction(rel, days_ago=3)
    page = as_user(world.coordinator).get(reverse("organisation-list")).content.decode()
    row = page.split("Buurtwerk De Brug")[1].split("</tr>")[0]
    other_row = page.split("Sportclub Elders")[1].split("</tr>")[0]
    assert date_format(timezone.localdate() - dt.timedelta(days=3)) in row
    assert "never" in other_row


def test_a_partner_sees_only_its_own_organisation_in_the_list(world, as_user):
    page = as_user(world.partner).get(reverse("organisation-list")).content.decode()
    assert "Buurtwerk De Brug" in page
    assert "Sportclub Elders" not in page


def test_an_outsider_sees_the_shared_directory(world, as_user):
    page = as_user(world.outsider).get(reverse("organisation-list")).content.decode()
    assert "Buurtwerk De Brug" in page and "Sportclub Elders" in page


def test_an_anonymous_visitor_is_sent_to_log_in_from_the_list(client, world):
    response = client.get(reverse("organisation-list"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def _grow_directory(world, size: int) -> None:
    theme = Theme.objects.create(slug=f"thema-{size}", name_nl=f"Thema {size}", name_en=f"Theme {size}")
    for i in range(size):
        org = f.make_organisation(f"Vzw Groei {size}-{i}", city=f"Stad {i}", themes=[theme])
        rel = f.make_relationship(world.a, world.faculty_person, org, owners=[world.faculty_person])
        f.make_interaction(rel, days_ago=i + 1)


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_runs_the_same_number_of_queries_for_3_or_30_organisations(
    world, as_user, django_assert_max_num_queries
):
    client = as_user(world.coordinator)
    _grow_directory(world, 3)
    small = _count(client, reverse("organisation-list"))
    _grow_directory(world, 27)
    large = _count(client, reverse("organisation-list"))
    assert small == large
    with django_assert_max_num_queries(10):
        client.get(reverse("organisation-list"))


# The profile page


def test_the_profile_shows_kind_mission_themes_address_capacity_and_last_contact(world, as_user):
    theme = Theme.objects.create(slug="armoede", name_nl="Armoede", name_en="Poverty")
    update_organisation(
        world.org,
        by=None,
        expected_version=None,
        mission="Samen sterker in de wijk",
        street="Brugstraat 1",
        capacity_per_period=4,
        themes=[theme],
    )
    rel = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    f.make_interaction(rel, days_ago=5)
    page = as_user(world.faculty).get(detail_url(world.org)).content.decode()
    assert "Non-profit organisation" in page
    assert "Samen sterker in de wijk" in page
    assert "Poverty" in page
    assert "Brugstraat 1" in page and "9000 Gent" in page
    assert "4 requests, proposals or engagements per academic period" in page
    last_contact = page.split('id="last-contact">')[1].split("</dd>")[0]
    assert last_contact != "never"


def test_the_profile_shows_the_partnerships_the_organisation_is_in(world, as_user):
    f.make_partnership(world.a, [world.org], [world.coord_person], title="Buurtcampus Zuid")
    f.make_partnership(world.b, [world.org], [world.outsider_person], title="Elders samen")
    page = as_user(world.coordinator).get(detail_url(world.org)).content.decode()
    assert "Buurtcampus Zuid" in page
    assert "Elders samen" not in page


def test_the_profile_shows_our_relationships_but_not_another_institutions(world, as_user):
    f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    f.make_relationship(world.b, world.outsider_person, world.org, owners=[world.outsider_person])
    page = as_user(world.coordinator).get(detail_url(world.org)).content.decode()
    section = page.split('id="relationships-h"')[1].split("</section>")[0]
    assert "Fien Docent" in section
    assert "Otto Buiten" not in section


def test_another_partner_gets_404_for_an_organisation_profile(world, as_user):
    assert as_user(world.other_partner).get(detail_url(world.org)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in_from_a_profile(client, world):
    response = client.get(detail_url(world.org))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_partner_sees_its_own_profile_without_internal_notes(world, as_user):
    add_organisation_note(world.org, by=world.coordinator, text="Geheime notitie van UAS")
    page = as_user(world.partner).get(detail_url(world.org)).content.decode()
    assert "Buurtwerk De Brug" in page
    assert "Geheime notitie van UAS" not in page
    assert 'id="notes-h"' not in page


def _grow_profile(world, size: int) -> None:
    for i in range(size):
        person = f.make_person(world.a)
        rel = f.make_relationship(world.a, person, world.org, owners=[person, world.coord_person])
        f.make_interaction(rel, days_ago=i + 1)
        add_organisation_note(world.org, by=world.coordinator, text=f"Notitie {size}-{i}")
        f.make_partnership(world.a, [world.org], [world.coord_person])


def test_the_profile_runs_the_same_number_of_queries_for_3_or_30_relationships(
    world, as_user, django_assert_max_num_queries
):
    client = as_user(world.coordinator)
    _grow_profile(world, 3)
    small = _count(client, detail_url(world.org))
    _grow_profile(world, 27)
    large = _count(client, detail_url(world.org))
    assert small == large
    # 20, and 6 for who works with the organisation across institutions (3 grouped counts and its load).
    with django_assert_max_num_queries(26):
        client.get(detail_url(world.org))


# Internal notes


def test_a_coordinator_sees_only_her_own_institutions_notes(world, as_user):
    add_organisation_note(world.org, by=world.coordinator, text="Notitie van UAS")
    add_organisation_note(world.org, by=world.outsider, text="Notitie van HB")
    page = as_user(world.coordinator).get(detail_url(world.org)).content.decode()
    assert "Notitie van UAS" in page
    assert "Notitie van HB" not in page


def test_faculty_add_an_internal_note(world, as_user):
    response = as_user(world.faculty).post(
        reverse("organisation-add-note", args=[world.org.public_id]), {"text": "Vraagt vooral hulp in juni"}
    )
    assert response.status_code == 302
    note = OrganisationNote.objects.get()
    assert note.text == "Vraagt vooral hulp in juni"
    assert note.institution == world.a


def test_an_empty_note_is_refused_with_a_message(world, as_user):
    response = as_user(world.coordinator).post(
        reverse("organisation-add-note", args=[world.org.public_id]), {"text": "  "}
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not OrganisationNote.objects.exists()


@pytest.mark.parametrize("persona", ["student", "partner"])
def test_students_and_partners_may_not_add_internal_notes(world, as_user, persona):
    response = as_user(getattr(world, persona)).post(
        reverse("organisation-add-note", args=[world.org.public_id]), {"text": "Poging"}
    )
    assert response.status_code == 403
    assert not OrganisationNote.objects.exists()


def test_another_partner_gets_404_when_adding_a_note(world, as_user):
    response = as_user(world.other_partner).post(
        reverse("organisation-add-note", args=[world.org.public_id]), {"text": "Poging"}
    )
    assert response.status_code == 404


def test_an_anonymous_visitor_cannot_add_a_note(client, world):
    response = client.post(reverse("organisation-add-note", args=[world.org.public_id]), {"text": "Poging"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not OrganisationNote.objects.exists()


# The contact panel


def test_faculty_log_a_contact_with_htmx_and_get_the_panel_with_the_new_entry(world, as_user):
    response = as_user(world.faculty).post(contact_url(world.org), contact_data(), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    panel = response.content.decode()
    assert panel.lstrip().startswith('<section id="contact-panel"')
    assert "Contact moment saved." in panel
    assert "Kennismaking met de buurtwerker" in panel
    rel = Relationship.objects.get()
    assert rel.a_person == world.faculty_person and rel.b_organisation == world.org
    assert list(rel.owners.all()) == [world.faculty_person]


def test_logging_a_contact_without_javascript_redirects_to_the_profile(world, as_user):
    response = as_user(world.coordinator).post(contact_url(world.org), contact_data())
    assert response.status_code == 302
    assert response["Location"] == detail_url(world.org)
    assert Interaction.objects.get().summary == "Kennismaking met de buurtwerker"


def test_the_contact_goes_on_the_chosen_relationship(world, as_user):
    rel = f.make_relationship(world.a, world.coord_person, world.org, owners=[world.coord_person])
    response = as_user(world.faculty).post(
        contact_url(world.org), contact_data(relationship=rel.pk), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert Interaction.objects.get().relationship == rel
    assert Relationship.objects.count() == 1


def test_the_chooser_lists_only_relationships_the_user_may_see(world, as_user):
    ours = f.make_relationship(world.a, world.coord_person, world.org, owners=[world.coord_person])
    theirs = f.make_relationship(world.b, world.outsider_person, world.org, owners=[world.outsider_person])
    page = as_user(world.faculty).get(detail_url(world.org)).content.decode()
    chooser = page.split('name="relationship"')[1].split("</select>")[0]
    assert f'value="{ours.pk}"' in chooser
    assert f'value="{theirs.pk}"' not in chooser


def test_an_empty_summary_is_refused_with_a_message(world, as_user):
    response = as_user(world.faculty).post(contact_url(world.org), contact_data(summary=""), HTTP_HX_REQUEST="true")
    assert "This field is required." in response.content.decode()
    assert not Interaction.objects.exists()


def test_a_contact_in_the_future_is_refused_with_a_message(world, as_user):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = as_user(world.faculty).post(contact_url(world.org), contact_data(occurred_on=tomorrow))
    assert response.status_code == 400
    assert "A contact moment cannot be in the future." in response.content.decode()
    assert not Interaction.objects.exists()


def test_a_partner_logs_a_contact_on_one_of_its_relationships(world, as_user):
    rel = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    response = as_user(world.partner).post(
        contact_url(world.org), contact_data(relationship=rel.pk, initiated_by="theirs")
    )
    assert response.status_code == 302
    assert Interaction.objects.get().relationship == rel


def test_a_partner_must_choose_the_relationship(world, as_user):
    f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    response = as_user(world.partner).post(contact_url(world.org), contact_data())
    assert response.status_code == 400
    assert "Choose the relationship this contact belongs to." in response.content.decode()
    assert not Interaction.objects.exists()


def test_another_partner_gets_404_when_logging_a_contact(world, as_user):
    assert as_user(world.other_partner).post(contact_url(world.org), contact_data()).status_code == 404
    assert not Interaction.objects.exists()


def test_an_outsider_logs_the_contact_on_their_own_institutions_relationship(world, as_user):
    ours = f.make_relationship(world.a, world.coord_person, world.org, owners=[world.coord_person])
    response = as_user(world.outsider).post(contact_url(world.org), contact_data(relationship=ours.pk))
    assert response.status_code == 400  # not a choice for them
    assert not Interaction.objects.exists()
    response = as_user(world.outsider).post(contact_url(world.org), contact_data())
    assert response.status_code == 302
    assert Interaction.objects.get().relationship.institution == world.b


def test_an_anonymous_visitor_cannot_log_a_contact(client, world):
    response = client.post(contact_url(world.org), contact_data())
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not Interaction.objects.exists()


# Create and edit


def test_a_coordinator_adds_an_organisation(world, as_user):
    data = profile_data(world.org, name="Jeugdhuis Den Trap", kind="youth_work", city="Gent", version="")
    response = as_user(world.coordinator).post(reverse("organisation-create"), data)
    org = Organisation.objects.get(name="Jeugdhuis Den Trap")
    assert response.status_code == 302 and response["Location"] == detail_url(org)
    assert org.kind == "youth_work"


def test_an_organisation_without_a_name_is_refused_with_a_message(world, as_user):
    response = as_user(world.coordinator).post(reverse("organisation-create"), profile_data(world.org, name=""))
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert Organisation.objects.count() == 2


@pytest.mark.parametrize("persona", ["student", "partner"])
def test_students_and_partners_may_not_add_organisations(world, as_user, persona):
    client = as_user(getattr(world, persona))
    assert client.get(reverse("organisation-create")).status_code == 403
    response = client.post(reverse("organisation-create"), profile_data(world.org, name="Nieuw"))
    assert response.status_code == 403
    assert not Organisation.objects.filter(name="Nieuw").exists()


def test_an_anonymous_visitor_cannot_add_an_organisation(client, world):
    response = client.post(reverse("organisation-create"), profile_data(world.org, name="Nieuw"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_partner_edits_its_own_profile(world, as_user):
    client = as_user(world.partner)
    form = client.get(edit_url(world.org)).content.decode()
    assert 'name="version"' in form
    assert 'name="is_active"' not in form
    data = profile_data(world.org, mission="Wij werken met kinderen")
    del data["is_active"]
    response = client.post(edit_url(world.org), data)
    assert response.status_code == 302
    world.org.refresh_from_db()
    assert world.org.mission == "Wij werken met kinderen"
    assert world.org.is_active


def test_another_partner_gets_404_when_editing_a_profile(world, as_user):
    response = as_user(world.other_partner).post(edit_url(world.org), profile_data(world.org, mission="Overname"))
    assert response.status_code == 404
    world.org.refresh_from_db()
    assert world.org.mission == ""


def test_a_student_may_not_edit_a_profile(world, as_user):
    assert as_user(world.student).get(edit_url(world.org)).status_code == 403


def test_an_outsider_may_edit_the_shared_profile(world, as_user):
    response = as_user(world.outsider).post(edit_url(world.org), profile_data(world.org, phone="09 123 45 67"))
    assert response.status_code == 302
    world.org.refresh_from_db()
    assert world.org.phone == "09 123 45 67"


def test_a_second_editor_is_told_about_the_conflict_and_nothing_is_overwritten(world, as_user):
    opened = profile_data(world.org, mission="Versie van de coördinator")
    update_organisation(
        world.org, by=world.partner, expected_version=world.org.version, mission="Versie van de partner"
    )
    response = as_user(world.coordinator).post(edit_url(world.org), opened)
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    world.org.refresh_from_db()
    assert world.org.mission == "Versie van de partner"


def test_an_edit_without_a_name_is_refused_and_nothing_is_saved(world, as_user):
    response = as_user(world.coordinator).post(edit_url(world.org), profile_data(world.org, name=""))
    assert response.status_code == 400
    world.org.refresh_from_db()
    assert world.org.name == "Buurtwerk De Brug"
