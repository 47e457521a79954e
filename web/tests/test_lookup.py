"""Search-as-you-type choices: scoped like the pages, bounded whatever the directory's size."""

import pytest
from django.urls import reverse

from tests import factories as f


def _options(client, model: str, **params) -> str:
    response = client.get(reverse("lookup", args=[model]), params)
    assert response.status_code == 200
    return response.content.decode()


def test_people_are_found_by_name_within_the_own_institution_only(world, as_user):
    assert "Fien Docent" in _options(as_user(world.coordinator), "person", q="Fien")
    assert "Otto" not in _options(as_user(world.coordinator), "person", q="Otto")
    assert "Otto Buiten" in _options(as_user(world.outsider), "person", q="Otto")


def test_a_partner_finds_only_its_own_organisation(world, as_user):
    assert "Buurtwerk De Brug" in _options(as_user(world.partner), "organisation", q="Buurtwerk")
    assert "Sportclub Elders" not in _options(as_user(world.partner), "organisation", q="Sportclub")


def test_every_word_must_match_and_the_chosen_option_stays_selected(world, as_user):
    client = as_user(world.coordinator)
    page = _options(client, "organisation", q="Sportclub Leuven", chosen=str(world.org.public_id))
    assert "Sportclub Elders" in page
    assert f'value="{world.org.public_id}" selected' in page
    assert "Sportclub" not in _options(client, "organisation", q="Sportclub Gent")


def test_an_unknown_kind_is_404_and_an_anonymous_visitor_logs_in_first(world, as_user):
    assert as_user(world.coordinator).get(reverse("lookup", args=["user"])).status_code == 404
    assert as_user(None).get(reverse("lookup", args=["person"]), {"q": "Fien"}).status_code == 302


def test_a_malformed_chosen_id_is_ignored(world, as_user):
    assert "Fien Docent" in _options(as_user(world.coordinator), "person", q="Fien", chosen="not-a-uuid,")


@pytest.mark.parametrize("size", [5, 40])
def test_at_most_twenty_matches_in_a_fixed_number_of_queries(world, as_user, django_assert_max_num_queries, size):
    for i in range(size):
        f.make_organisation(f"Jeugdhuis {i}")
    client = as_user(world.coordinator)
    with django_assert_max_num_queries(4):
        page = _options(client, "organisation", q="Jeugdhuis")
    assert page.count("<option") == min(size, 20) + 1


def test_the_relationship_filter_renders_the_searched_organisations_not_the_whole_directory(world, as_user):
    for i in range(12):
        org = f.make_organisation(f"Vzw Ver Weg {i}")
        f.make_relationship(world.a, world.faculty_person, org, owners=[world.faculty_person])
    page = as_user(world.coordinator).get(reverse("relationship-list")).content.decode()
    assert "<option" not in page.split('name="organisation"')[1].split("</select>")[0].replace('<option value=""', "")
    page = (
        as_user(world.coordinator).get(reverse("relationship-list"), {"organisation_q": "Ver Weg 7"}).content.decode()
    )
    chooser = page.split('name="organisation"')[1].split("</select>")[0]
    assert "Vzw Ver Weg 7" in chooser and "Vzw Ver Weg 8" not in chooser
