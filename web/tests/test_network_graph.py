"""The network at a glance: brokers, isolated partners and missing pairs, aggregation, bounded data."""

from __future__ import annotations

import datetime as dt
import json

import networkx as nx
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from network.models import SofarRole, Theme
from reports import graph as G
from tests import factories as f


@pytest.fixture(autouse=True)
def english_and_fresh(world) -> None:
    User.objects.update(language="en")
    cache.clear()


def _star(world, n: int, *, contacts: int = 1):
    """The faculty member at the centre of ``n`` students, each student also linked to the organisation."""
    hub = world.faculty_person
    for _ in range(n):
        student = f.make_person(world.a, SofarRole.STUDENT)
        rel = f.make_relationship(world.a, hub, student, owners=[hub])
        for _c in range(contacts):
            f.make_interaction(rel, days_ago=2)
        f.make_relationship(world.a, student, world.org, owners=[hub])
    return hub


def data(client, query: str = "") -> dict:
    response = client.get("/network/data.json" + query)
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_busiest_go_between_is_named_a_broker_in_the_data_and_the_page(world, as_user):
    hub = _star(world, 4)
    client = as_user(world.coordinator)
    payload = data(client)
    assert payload["brokers"][0]["id"] == str(hub.public_id)
    assert {node["id"] for node in payload["nodes"] if node["broker"]} >= {f"p{hub.pk}"}
    page = client.get("/network/").content.decode()
    assert "Brokers" in page and "Fien Docent" in page
    assert "/static/brug/network.js" in page and "<script>" not in page


def test_an_organisation_with_only_stale_relationships_is_an_isolated_partner(world, as_user):
    old = f.make_relationship(world.a, world.faculty_person, world.other_org, owners=[world.faculty_person])
    f.make_interaction(old, days_ago=800)
    live = f.make_relationship(world.a, world.coord_person, world.org, owners=[world.coord_person])
    f.make_interaction(live, days_ago=3)
    payload = data(as_user(world.coordinator))
    assert [org["name"] for org in payload["isolated"]] == ["Sportclub Elders"]
    assert "Sportclub Elders" in as_user(world.coordinator).get("/network/").content.decode()


def test_the_missing_role_pairs_are_the_ten_pairs_without_an_active_relationship(world, as_user):
    f.make_relationship(world.a, world.faculty_person, world.student_person, owners=[world.faculty_person])
    pairs = {pair["pair"] for pair in data(as_user(world.coordinator))["missing_pairs"]}
    assert len(pairs) == 9 and "S-F" not in pairs and "S-O" in pairs


def test_a_large_network_is_aggregated_and_the_answer_stays_within_its_limits(world, as_user, monkeypatch):
    monkeypatch.setattr(G, "DETAIL_LIMIT", 5)
    _star(world, 8)
    payload = data(as_user(world.coordinator))
    assert payload["level"] == "organisation"
    assert len(payload["nodes"]) <= payload["limits"]["max_nodes"]
    students = next(node for node in payload["nodes"] if node["id"] == "r:S")
    assert students["size"] == 8
    themed = data(as_user(world.coordinator), "?level=theme")
    assert {node["kind"] for node in themed["nodes"]} <= {"role", "theme"}


def test_the_edge_weight_counts_the_contact_moments_of_the_chosen_year(world, as_user):
    rel = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    for _ in range(3):
        f.make_interaction(rel, days_ago=1)
    year = G.academic_year_of(timezone.localdate())
    client = as_user(world.coordinator)
    edge = data(client, f"?year={year}")["edges"][0]
    assert edge["weight"] == 3
    start = int(year[:4]) - 3
    assert data(client, f"?year={start}-{start + 1}")["edges"][0]["weight"] == 0


def test_the_theme_filter_keeps_only_relationships_with_organisations_of_that_theme(world, as_user):
    theme = Theme.objects.create(slug="sport", name_nl="Sport", name_en="Sport")
    world.other_org.themes.add(theme)
    f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    f.make_relationship(world.a, world.coord_person, world.other_org, owners=[world.coord_person])
    payload = data(as_user(world.coordinator), "?theme=sport")
    assert payload["totals"]["relationships"] == 1
    assert f"o{world.other_org.pk}" in {node["id"] for node in payload["nodes"]}


def test_a_bad_year_is_shown_as_an_error_and_the_current_year_is_used(world, as_user):
    response = as_user(world.coordinator).get("/network/?year=2026-2030")
    assert response.status_code == 200
    assert "Write the academic year as 2026-2027." in response.content.decode()


def test_the_sampled_betweenness_with_every_source_equals_networkx(monkeypatch):
    graph = G._Graph()
    reference = nx.barabasi_albert_graph(120, 2, seed=3)
    for leaf in range(120, 160):
        reference.add_edge(leaf, leaf % 7)
    for a, b in reference.edges:
        graph.add_edge(f"p{a}", f"p{b}", 1)
    monkeypatch.setattr(G, "EXACT_BETWEENNESS_NODES", 10)
    monkeypatch.setattr(G, "BETWEENNESS_SAMPLES", 10_000)
    ours = G._betweenness(graph)
    exact = nx.betweenness_centrality(reference, normalized=True)
    for node, value in exact.items():
        assert ours.get(f"p{node}", 0.0) == pytest.approx(value, abs=1e-9)


@pytest.mark.parametrize("user", ["student", "partner"])
def test_a_student_or_partner_may_not_see_the_network(world, as_user, user):
    client = as_user(getattr(world, user))
    assert client.get("/network/").status_code == 403
    assert client.get("/network/data.json").status_code == 403


def test_an_outsider_sees_only_its_own_institutions_network(world, as_user):
    _star(world, 2)
    payload = data(as_user(world.outsider))
    assert payload["nodes"] == [] and payload["brokers"] == []


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    for url in ("/network/", "/network/data.json"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_data_request_runs_the_same_number_of_queries_for_a_small_and_a_larger_network(world, as_user):
    client = as_user(world.coordinator)

    def count() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as context:
            data(client)
        return len(context.captured_queries)

    _star(world, 3)
    few = count()
    _star(world, 25)
    assert count() == few


def test_the_academic_year_runs_from_september_to_august():
    assert G.academic_year_bounds("2026-2027") == (dt.date(2026, 9, 1), dt.date(2027, 8, 31))
    assert G.academic_year_of(dt.date(2027, 8, 31)) == "2026-2027"
    with pytest.raises(ValueError):
        G.academic_year_bounds("2026-2028")
