"""Issue 22, point 1: the forms that chose among a region's thousands search instead, with or without JavaScript."""

import pytest
from django.urls import reverse

from engagements.models import Engagement
from network.models import SofarRole
from tests import factories as f
from web.tests.test_engagements import _form

pytestmark = pytest.mark.usefixtures("english")


def _edit_page(client, engagement) -> str:
    response = client.get(reverse("engagement-edit", args=[engagement.public_id]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("size", [3, 30])
def test_editing_an_engagement_lists_each_participant_once_in_a_fixed_number_of_queries(
    world, as_user, django_assert_max_num_queries, size
):
    people = [f.make_person(world.a, SofarRole.STUDENT, last_name=f"Deelnemer{i}") for i in range(size)]
    engagement = f.make_engagement(world.a, participants=[(p, SofarRole.STUDENT, 2) for p in people])
    client = as_user(world.coordinator)
    client.get(reverse("engagement-edit", args=[engagement.public_id]))  # the session and caches warm
    with django_assert_max_num_queries(40):
        page = _edit_page(client, engagement)
    for person in people:
        assert page.count(f'value="{person.public_id}"') == 1  # in its own row only, not in every row
    rows = page.split('name="people-')[1:]
    assert all(row.split("</select>")[0].count("<option") <= 7 for row in rows)  # "—", its person or six roles


def test_an_engagement_with_many_participants_stays_small(world, as_user):
    people = [f.make_person(world.a, SofarRole.STUDENT) for _ in range(60)]
    engagement = f.make_engagement(world.a, participants=[(p, SofarRole.STUDENT, 2) for p in people])
    page = _edit_page(as_user(world.coordinator), engagement)
    assert len(page.encode()) < 20_000 + 60 * 1_000  # under a kilobyte a row


def test_without_javascript_a_search_in_an_empty_row_comes_back_with_its_matches_and_saves_nothing(world, as_user):
    f.make_person(world.a, SofarRole.STUDENT, first_name="Zoë", last_name="Zoekbaar")
    f.make_person(world.b, SofarRole.STUDENT, first_name="Zoë", last_name="Elders")
    response = as_user(world.coordinator).post(
        reverse("engagement-create"), _form(world, **{"people-2-person_q": "Zoë"})
    )
    assert response.status_code == 400
    page = response.content.decode()
    row = page.split('name="people-2-person"')[1].split("</select>")[0]
    assert "Zoë Zoekbaar" in row and "Elders" not in row
    assert "Choose one of the people found, or clear the search." in page
    assert not Engagement.objects.exists()


def test_a_searched_person_chosen_in_a_row_takes_part(world, as_user):
    zoe = f.make_person(world.a, SofarRole.STUDENT, first_name="Zoë", last_name="Zoekbaar")
    data = _form(world, **{"people-2-person_q": "Zoë", "people-2-person": str(zoe.public_id), "people-2-role": "S"})
    response = as_user(world.coordinator).post(reverse("engagement-create"), data)
    assert response.status_code == 302
    assert Engagement.objects.get().participations.filter(person=zoe).exists()


def test_a_malformed_person_id_is_a_message_not_an_error_page(world, as_user):
    response = as_user(world.coordinator).post(
        reverse("engagement-create"), _form(world, **{"people-0-person": "not-a-uuid"})
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Engagement.objects.exists()


def test_open_offers_are_searched_within_the_own_institution_only(world, as_user):
    import datetime as dt

    from matching.services import post_offer

    def offer(institution, by, title):
        return post_offer(
            by=by,
            institution=institution,
            title=title,
            period_start=dt.date(2026, 9, 15),
            period_end=dt.date(2027, 1, 31),
        )

    offer(world.a, world.coordinator, "Stage buurtsport")
    offer(world.b, world.outsider, "Stage buurtsport elders")
    ours = as_user(world.coordinator).get(reverse("lookup", args=["offer"]), {"q": "buurtsport"}).content.decode()
    assert "Stage buurtsport<" in ours and "elders" not in ours
    theirs = as_user(world.outsider).get(reverse("lookup", args=["offer"]), {"q": "buurtsport"}).content.decode()
    assert "Stage buurtsport elders" in theirs and "Stage buurtsport<" not in theirs
    assert "buurtsport" not in as_user(world.partner).get(reverse("lookup", args=["offer"]), {"q": "buurtsport"}).text


def test_the_need_form_searches_organisations_instead_of_listing_the_directory(world, as_user):
    for i in range(30):
        f.make_organisation(f"Vzw Ver Weg {i}")
    page = as_user(world.coordinator).get(reverse("need-create")).content.decode()
    chooser = page.split('name="organisation"')[1].split("</select>")[0]
    assert "Vzw Ver Weg" not in chooser
    assert 'name="organisation_q"' in page
