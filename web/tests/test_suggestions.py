"""Suggestion pages (ranked offers for a need, needs for an offer) and the matching weights page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from matching import loaders
from matching.engine import DEFAULT_WEIGHTS
from matching.models import Match, MatchingWeights, Need
from matching.tests.helpers import make_need, make_offer
from network.models import TargetGroup, Theme


@pytest.fixture(autouse=True)
def fresh_index():
    loaders.clear_cache()
    yield
    loaders.clear_cache()


@pytest.fixture(autouse=True)
def english(world):
    """Assertions read the English texts; the personas otherwise see Brug in Dutch."""
    for user in (world.coordinator, world.faculty, world.outsider):
        user.language = "en"
        user.save(update_fields=["language"])


@pytest.fixture
def education(db) -> Theme:
    return Theme.objects.create(slug="education", name_nl="Onderwijs", name_en="Education")


@pytest.fixture
def children(db) -> TargetGroup:
    return TargetGroup.objects.create(slug="children", name_nl="Kinderen", name_en="Children")


@pytest.fixture
def need(world, education, children) -> Need:
    return make_need(world.org, by=world.coordinator, themes=[education], target_groups=[children])


@pytest.fixture
def offers(world, education, children):
    """One offer that shares the need's codes, one that shares its words only."""
    codes = make_offer(
        world.a, by=world.coordinator, title="Stadsecologie", themes=[education], target_groups=[children]
    )
    words = make_offer(
        world.a,
        by=world.coordinator,
        title="Huiswerkbegeleiding",
        description="Kinderen uit de buurt helpen met hun huiswerk.",
        language="nl",
    )
    return codes, words


def page(client, url: str, **params) -> str:
    response = client.get(url, params, headers={"Accept-Language": "en"})
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def previewed(html: str) -> list[str]:
    """The offers in the preview, in their order."""
    part = html.split('id="preview"')[1] if 'id="preview"' in html else html
    return re.findall(r'<th scope="row"><a href="/[^"]*offers/[^"]+">([^<]+)</a>', part)


def titles(html: str) -> list[str]:
    return re.findall(r'<h2>\s*<span class="muted">\d+\.</span>\s*<a href="[^"]+">([^<]+)</a>', html)


# Suggested offers for a need


def test_a_coordinator_sees_ranked_offers_with_every_reason_and_a_propose_button(world, as_user, need, offers):
    codes, words = offers
    make_offer(world.b, by=world.outsider, title="Andermans aanbod", themes=[need.themes.first()])
    html = page(as_user(world.coordinator), reverse("need-suggestions", args=[need.public_id]))
    assert titles(html) == ["Stadsecologie", "Huiswerkbegeleiding"]
    assert "Andermans aanbod" not in html
    for label in (
        "Text relevance",
        "Bilingual glossary",
        "Shared themes",
        "Shared target groups",
        "Overlapping period",
    ):
        assert f'<th scope="row">{label}</th>' in html
    assert "shared: Education" in html
    assert "shared stems: huiswerk" in html or "shared stems: kinder" in html
    assert f'action="{reverse("match-propose", args=[need.public_id])}"' in html
    assert f'name="offer" value="{codes.public_id}"' in html


def test_the_propose_button_proposes_the_match_and_the_row_says_so(world, as_user, need, offers):
    codes, _ = offers
    client = as_user(world.coordinator)
    response = client.post(
        reverse("match-propose", args=[need.public_id]), {"offer": str(codes.public_id), "channel": "contact"}
    )
    assert response.status_code == 302
    assert Match.objects.filter(need=need, offer=codes).exists()
    html = page(client, reverse("need-suggestions", args=[need.public_id]))
    assert "Already proposed" in html
    assert f'name="offer" value="{codes.public_id}"' not in html


def test_a_closed_need_gets_no_suggestions(world, as_user, need, offers):
    Need.objects.filter(pk=need.pk).update(status=Need.Status.CLOSED)
    html = page(as_user(world.coordinator), reverse("need-suggestions", args=[need.public_id]))
    assert "This need is not open" in html and titles(html) == []


def test_the_need_suggestions_cost_the_same_queries_for_3_or_30_offers(
    world, as_user, need, education, django_assert_max_num_queries
):
    client = as_user(world.coordinator)
    url = reverse("need-suggestions", args=[need.public_id])
    for _ in range(3):
        make_offer(world.a, by=world.coordinator, themes=[education])
    loaders.clear_cache()
    with django_assert_max_num_queries(30) as small:
        page(client, url)
    for _ in range(27):
        make_offer(world.a, by=world.coordinator, themes=[education])
    loaders.clear_cache()
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(titles(page(client, url))) == 10


# Suggested needs for an offer


def test_faculty_see_the_needs_that_fit_their_offer(world, as_user, need, offers):
    codes, _ = offers
    html = page(as_user(world.faculty), reverse("offer-suggestions", args=[codes.public_id]))
    assert titles(html) == [need.title]
    assert "Buurtwerk De Brug" in html
    assert f'name="offer" value="{codes.public_id}"' in html


# Who may see them


def test_another_institution_gets_404_for_an_offers_suggestions(world, as_user, offers):
    response = as_user(world.outsider).get(reverse("offer-suggestions", args=[offers[0].public_id]))
    assert response.status_code == 404


def test_a_partner_of_another_organisation_gets_404_for_a_needs_suggestions(world, as_user, need):
    assert as_user(world.other_partner).get(reverse("need-suggestions", args=[need.public_id])).status_code == 404


def test_the_needs_own_partner_and_a_student_get_403(world, as_user, need, offers):
    assert as_user(world.partner).get(reverse("need-suggestions", args=[need.public_id])).status_code == 403
    assert as_user(world.student).get(reverse("offer-suggestions", args=[offers[0].public_id])).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(world, as_user, need):
    response = as_user(None).get(reverse("need-suggestions", args=[need.public_id]))
    assert response.status_code == 302 and "login" in response["Location"]


# The weights page


def settings_data(need: Need, **weights) -> dict:
    data = {
        "text": 4,
        "glossary": 2,
        "meaning": 2,
        "themes": 2,
        "target_groups": 2,
        "period": 1,
        "capacity": 1,
        "distance": 1,
    }
    return data | {"relationship": 1.5, "load": 2, "need": str(need.public_id), "stamp": ""} | weights


def test_the_weights_page_shows_the_weights_and_the_chosen_needs_ranking(world, as_user, need, offers):
    html = page(as_user(world.coordinator), reverse("matching-settings"), need=str(need.public_id))
    assert 'name="themes"' in html and 'value="2.0"' in html
    assert "Save the weights" in html
    assert 'hx-post="' + reverse("matching-settings-preview") + '"' in html
    assert previewed(html) == ["Stadsecologie", "Huiswerkbegeleiding"]


def test_the_htmx_preview_shows_the_ranking_change_without_saving(world, as_user, need, offers):
    client = as_user(world.coordinator)
    response = client.post(
        reverse("matching-settings-preview"), settings_data(need, text=10, themes=0.5, target_groups=0)
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert previewed(html) == ["Huiswerkbegeleiding", "Stadsecologie"]
    assert "up 1 place" in html and "with the weights on the form, not saved" in html
    assert not MatchingWeights.objects.exists()


def test_without_javascript_the_preview_button_shows_the_ranking_on_the_page(world, as_user, need, offers):
    response = as_user(world.coordinator).post(
        reverse("matching-settings"), settings_data(need, text=10, themes=0.5, target_groups=0, action="preview")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert previewed(html) == ["Huiswerkbegeleiding", "Stadsecologie"]
    assert not MatchingWeights.objects.exists()


def test_saving_the_weights_changes_every_ranking_and_is_audited(world, as_user, need, offers):
    client = as_user(world.coordinator)
    response = client.post(
        reverse("matching-settings"), settings_data(need, text=10, themes=0, target_groups=0, action="save")
    )
    assert response.status_code == 302
    assert MatchingWeights.objects.get(institution=world.a).weights["text"] == 10
    assert AuditEntry.objects.filter(action="changed matching weights").exists()
    html = page(client, reverse("need-suggestions", args=[need.public_id]))
    assert titles(html)[0] == "Huiswerkbegeleiding"


def test_a_weight_out_of_range_is_refused_and_nothing_saved(world, as_user, need):
    response = as_user(world.coordinator).post(
        reverse("matching-settings"), settings_data(need, text=11, action="save")
    )
    assert response.status_code == 400
    assert "Ensure this value is less than or equal to 10" in response.content.decode()
    assert not MatchingWeights.objects.exists()


def test_saving_over_someone_elses_change_is_refused(world, as_user, need):
    client = as_user(world.coordinator)
    client.post(reverse("matching-settings"), settings_data(need, text=5, action="save"))
    stale = settings_data(need, text=7, action="save", stamp="")
    response = client.post(reverse("matching-settings"), stale)
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    assert MatchingWeights.objects.get().weights["text"] == 5


def test_faculty_may_try_weights_but_not_save_them(world, as_user, need):
    client = as_user(world.faculty)
    html = page(client, reverse("matching-settings"))
    assert "Save the weights" not in html
    response = client.post(reverse("matching-settings"), settings_data(need, text=9, action="save"))
    assert response.status_code == 403
    assert not MatchingWeights.objects.exists()


def test_students_and_partners_get_403_and_anonymous_visitors_log_in(world, as_user):
    assert as_user(world.student).get(reverse("matching-settings")).status_code == 403
    assert as_user(world.partner).get(reverse("matching-settings-preview")).status_code == 403
    assert as_user(None).get(reverse("matching-settings")).status_code == 302


def test_each_institution_tunes_its_own_weights(world, as_user, need):
    as_user(world.outsider).post(reverse("matching-settings"), settings_data(need, distance=0, action="save"))
    assert MatchingWeights.objects.get().institution == world.b
    html = page(as_user(world.coordinator), reverse("matching-settings"))
    assert re.search(r'name="distance" value="1.0"', html)


def test_the_weights_page_costs_the_same_queries_for_3_or_30_offers(
    world, as_user, need, education, django_assert_max_num_queries
):
    client = as_user(world.coordinator)
    url = reverse("matching-settings")
    for _ in range(3):
        make_offer(world.a, by=world.coordinator, themes=[education])
    loaders.clear_cache()
    with django_assert_max_num_queries(40) as small:
        page(client, url, need=str(need.public_id))
    for _ in range(27):
        make_offer(world.a, by=world.coordinator, themes=[education])
    loaders.clear_cache()
    with django_assert_max_num_queries(len(small.captured_queries)):
        page(client, url, need=str(need.public_id))


# Weights from the office's decisions


def test_with_too_few_decisions_the_page_says_how_many_it_needs(world, as_user, need, offers):
    html = as_user(world.coordinator).post(reverse("matching-settings"), {"action": "propose"}).content.decode()
    assert "Your institution has made 0 decisions that can be compared; weights are proposed from 20 on." in html
    assert not MatchingWeights.objects.exists()


def test_weights_fitted_on_the_offices_decisions_are_proposed_and_adopted_only_by_saving(world, as_user):
    client = as_user(world.coordinator)
    # The office keeps choosing the offer that fits the hours the organisation can guide, where the default
    # weights put first the one that repeats the need's words but brings far more students than asked.
    wordy = make_offer(
        world.a,
        by=world.coordinator,
        title="Huiswerkbegeleiding voor kinderen",
        description="Kinderen uit de buurt helpen met hun huiswerk.",
        students=12,
        hours_per_student=40,
    )
    chosen = make_offer(
        world.a,
        by=world.coordinator,
        title="Huiswerkklas",
        description="Kinderen helpen.",
        students=2,
        hours_per_student=20,
    )
    needs = [make_need(world.org, by=world.coordinator, effort_hours=40, max_students=2) for _ in range(21)]
    loaders.clear_cache()
    first = titles(page(client, reverse("need-suggestions", args=[needs[0].public_id])))
    assert first[0] == wordy.title, "the default weights prefer the offer with the need's words"
    for need in needs:
        response = client.post(
            reverse("match-propose", args=[need.public_id]), {"offer": str(chosen.public_id), "channel": "contact"}
        )
        assert response.status_code == 302
    response = client.post(reverse("matching-settings"), {"action": "propose", "need": str(needs[0].public_id)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Fitted on your latest 21 decisions." in html
    assert "Current and proposed weights" in html and "Your decisions" in html and "<strong>" in html
    assert not MatchingWeights.objects.exists(), "a proposal saves nothing"
    # The coordinator adopts the proposal with the save button: now the office's choice comes first.
    data = {code: re.search(rf'name="{code}"[^>]*value="([^"]+)"', html).group(1) for code in DEFAULT_WEIGHTS}
    assert data != {code: f"{value}" for code, value in DEFAULT_WEIGHTS.items()}
    saved = client.post(reverse("matching-settings"), data | {"action": "save", "stamp": "", "need": ""})
    assert saved.status_code == 302
    assert MatchingWeights.objects.filter(institution=world.a).exists()
    fresh = make_need(world.org, by=world.coordinator, effort_hours=40, max_students=2)
    loaders.clear_cache()
    assert titles(page(client, reverse("need-suggestions", args=[fresh.public_id])))[0] == chosen.title
