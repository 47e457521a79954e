"""The network at a glance: the SOFAR network of one institution as a graph, ready to draw.

One call, ``network_graph``, reads the institution's relationships (filtered by
campus, theme, course and period) with a fixed number of aggregate queries,
builds a ``networkx`` graph of people and organisations (edge weight = the
number of contact moments in the period), and finds:

* **brokers**: the people with the highest betweenness centrality, the people
  through whom many relationships run (a risk when they leave). On a large graph
  the centrality is estimated from ``BETWEENNESS_SAMPLES`` sources, with a fixed
  seed so the answer is the same each time;
* **isolated partners**: organisations in the network with no active
  relationship, or only relationships without contact since the institution's
  stale threshold;
* **missing role pairs**: the ten SOFAR pairs with no active relationship.

What it hands to the drawing is bounded: at most ``MAX_NODES`` nodes and
``MAX_EDGES`` edges. Above ``DETAIL_LIMIT`` nodes it aggregates before it draws:
at *organisation level* a person of an organisation joins that organisation,
other people join their role group, and the organisations beyond the
``MAX_NODES`` busiest join their theme; at *theme level* people are grouped by
role and organisations by theme.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import networkx as nx
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from engagements.models import Course, Engagement, Participation
from network.models import (
    SOFAR_ORDER,
    Affiliation,
    Campus,
    Institution,
    Interaction,
    Organisation,
    Person,
    Relationship,
    SofarRole,
    Theme,
)
from network.selectors import stale_cutoff

# Draw every actor up to this many nodes; above it, aggregate.
DETAIL_LIMIT = 300
# The data request never carries more than this.
MAX_NODES = 300
MAX_EDGES = 1500
# Betweenness is exact up to this many nodes, else estimated from this many sources.
EXACT_BETWEENNESS_NODES = 600
BETWEENNESS_SAMPLES = 48
BROKERS_SHOWN = 10
ISOLATED_SHOWN = 50
LEVELS = ("auto", "detail", "organisation", "theme")
NO_THEME = "none"


@dataclass(frozen=True)
class GraphFilters:
    institution: Institution
    start: dt.date
    end: dt.date
    campus: Campus | None = None
    theme: Theme | None = None
    course: Course | None = None
    level: str = "auto"


@dataclass
class NetworkGraph:
    level: str
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    brokers: list[dict[str, Any]]
    isolated: list[dict[str, Any]]
    isolated_count: int
    missing_pairs: list[dict[str, Any]]
    totals: dict[str, int] = field(default_factory=dict)
    truncated: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "limits": {"max_nodes": MAX_NODES, "max_edges": MAX_EDGES, "detail_limit": DETAIL_LIMIT},
            "totals": self.totals,
            "truncated": self.truncated,
            "nodes": self.nodes,
            "edges": self.edges,
            "brokers": self.brokers,
            "isolated": self.isolated,
            "isolated_count": self.isolated_count,
            "missing_pairs": self.missing_pairs,
        }


def academic_year_of(day: dt.date) -> str:
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{start + 1}"


def academic_year_bounds(year: str) -> tuple[dt.date, dt.date]:
    """``"2026-2027"`` → 1 September 2026 … 31 August 2027; a ``ValueError`` for anything else."""
    first, sep, second = year.partition("-")
    if not sep or not first.isdigit() or not second.isdigit() or int(second) != int(first) + 1:
        raise ValueError(year)
    start = int(first)
    if not 1900 < start < 3000:
        raise ValueError(year)
    return dt.date(start, 9, 1), dt.date(start + 1, 8, 31)


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    return academic_year_bounds(academic_year_of(today or timezone.localdate()))


# ---------------------------------------------------------------------------------------------- reading


def _scope_actors(filters: GraphFilters) -> tuple[set[int], set[int]] | None:
    """(person ids, organisation ids) the campus/course filters narrow the network to; None when unfiltered."""
    if filters.campus is None and filters.course is None:
        return None
    engagements = Engagement.objects.filter(institution=filters.institution)
    if filters.campus is not None:
        engagements = engagements.filter(Q(course__campus=filters.campus) | Q(partnership__campus=filters.campus))
    if filters.course is not None:
        engagements = engagements.filter(course=filters.course)
    people = set(
        Participation.objects.filter(engagement__in=engagements.values("pk")).values_list("person_id", flat=True)
    )
    courses = Course.objects.filter(institution=filters.institution)
    if filters.campus is not None:
        courses = courses.filter(campus=filters.campus)
    if filters.course is not None:
        courses = courses.filter(pk=filters.course.pk)
    people |= set(Course.teachers.through.objects.filter(course__in=courses).values_list("person_id", flat=True))
    organisations = set(
        engagements.filter(organisation__isnull=False).values_list("organisation_id", flat=True).distinct()
    )
    return people, organisations


def _relationships(filters: GraphFilters) -> QuerySet[Relationship]:
    queryset = Relationship.objects.filter(institution=filters.institution)
    if filters.theme is not None:
        themed = Organisation.objects.filter(themes=filters.theme).values("pk")
        staff = Affiliation.objects.filter(organisation__themes=filters.theme).values("person_id")
        queryset = queryset.filter(
            Q(a_organisation__in=themed) | Q(b_organisation__in=themed) | Q(a_person__in=staff) | Q(b_person__in=staff)
        )
    scope = _scope_actors(filters)
    if scope is not None:
        people, organisations = scope
        queryset = queryset.filter(
            Q(a_person__in=people)
            | Q(b_person__in=people)
            | Q(a_organisation__in=organisations)
            | Q(b_organisation__in=organisations)
        )
    return queryset


def _key(person_id: int | None, organisation_id: int | None) -> str:
    return f"p{person_id}" if person_id is not None else f"o{organisation_id}"


def network_graph(filters: GraphFilters, *, today: dt.date | None = None) -> NetworkGraph:
    today = today or timezone.localdate()
    cutoff = stale_cutoff(filters.institution, today)
    relationships = _relationships(filters)
    rows = list(
        relationships.values_list(
            "pk", "a_person_id", "a_organisation_id", "a_role", "b_person_id", "b_organisation_id", "b_role",
            "status", "last_contact_on",
        )
    )  # fmt: skip
    strength = dict(
        Interaction.objects.filter(
            relationship__in=relationships.values("pk"), occurred_on__range=(filters.start, filters.end)
        )
        .order_by()
        .values("relationship_id")
        .annotate(n=Count("pk"))
        .values_list("relationship_id", "n")
    )

    graph = _Graph()
    roles: dict[str, str] = {}
    pair_counts: Counter[tuple[str, str]] = Counter()
    org_state: dict[int, bool] = {}  # organisation id -> has a live (active, not stale) relationship
    for pk, a_p, a_o, a_role, b_p, b_o, b_role, status, last in rows:
        a, b = _key(a_p, a_o), _key(b_p, b_o)
        roles.setdefault(a, a_role if a_p is not None else "org")
        roles.setdefault(b, b_role if b_p is not None else "org")
        active = status == Relationship.Status.ACTIVE
        live = active and last is not None and last >= cutoff
        for org in (a_o, b_o):
            if org is not None:
                org_state[org] = org_state.get(org, False) or live
        if active:
            first, second = sorted((a_role, b_role), key=SOFAR_ORDER.index)
            if first != second:
                pair_counts[(first, second)] += 1
            graph.add_edge(a, b, strength.get(pk, 0))
        else:
            graph.add_node(a)
            graph.add_node(b)

    person_ids = [n for n in graph.nodes if n.startswith("p")]
    org_ids = [n for n in graph.nodes if n.startswith("o")]
    # The ids are read back through subqueries: a list of ten thousand ids would not fit in one SQL statement.
    people_in = Person.objects.filter(
        Q(pk__in=relationships.values("a_person")) | Q(pk__in=relationships.values("b_person"))
    ).values("pk")
    orgs_in = Organisation.objects.filter(
        Q(pk__in=relationships.values("a_organisation")) | Q(pk__in=relationships.values("b_organisation"))
    ).values("pk")
    names = _names(people_in, orgs_in)
    brokers = _brokers(graph, names, roles)
    isolated_ids = sorted((o for o, live in org_state.items() if not live), key=lambda o: names.get(f"o{o}", ""))
    isolated = [_ref(f"o{o}", names) for o in isolated_ids[:ISOLATED_SHOWN]]
    labels = dict(SofarRole.choices)
    missing = [
        {"pair": f"{a}-{b}", "label": f"{labels[a]} – {labels[b]}"}
        for a, b in combinations(SOFAR_ORDER, 2)
        if not pair_counts.get((a, b))
    ]

    level = filters.level if filters.level in LEVELS else "auto"
    if level == "auto":
        level = "detail" if len(graph.nodes) <= DETAIL_LIMIT else "organisation"
    if level == "detail" and len(graph.nodes) > MAX_NODES:
        level = "organisation"
    broker_keys = {b["key"] for b in brokers}
    isolated_keys = {f"o{o}" for o in isolated_ids}
    if level == "detail":
        nodes, edges = _detail(graph, names, roles, broker_keys, isolated_keys)
    else:
        nodes, edges = _aggregate(graph, names, roles, level, people_in, orgs_in, broker_keys, isolated_keys)
    edges.sort(key=lambda e: (-e["weight"], e["source"], e["target"]))
    truncated = len(edges) > MAX_EDGES
    return NetworkGraph(
        level=level,
        nodes=nodes,
        edges=edges[:MAX_EDGES],
        brokers=brokers,
        isolated=isolated,
        isolated_count=len(isolated_ids),
        missing_pairs=missing,
        totals={
            "people": len(person_ids),
            "organisations": len(org_ids),
            "relationships": len(rows),
            "interactions": sum(strength.values()),
        },
        truncated=truncated,
    )


def _names(person_ids: QuerySet[Any], org_ids: QuerySet[Any]) -> dict[str, str]:
    names: dict[str, str] = {}
    for pk, first, last, public_id in Person.objects.filter(pk__in=person_ids).values_list(
        "pk", "first_name", "last_name", "public_id"
    ):
        names[f"p{pk}"] = f"{first} {last}".strip()
        names[f"p{pk}#id"] = str(public_id)
    for pk, name, public_id in Organisation.objects.filter(pk__in=org_ids).values_list("pk", "name", "public_id"):
        names[f"o{pk}"] = name
        names[f"o{pk}#id"] = str(public_id)
    return names


def _ref(key: str, names: dict[str, str]) -> dict[str, Any]:
    return {"key": key, "id": names.get(f"{key}#id", ""), "name": names.get(key, "")}


class _Graph:
    """An undirected weighted graph as plain dicts: cheaper than ``networkx`` to fill with 30,000 edges."""

    def __init__(self) -> None:
        self.nodes: dict[str, None] = {}
        self.edges: dict[tuple[str, str], int] = {}

    def add_node(self, key: str) -> None:
        self.nodes.setdefault(key, None)

    def add_edge(self, a: str, b: str, weight: int) -> None:
        self.add_node(a)
        self.add_node(b)
        if a == b:
            return
        pair = (a, b) if a < b else (b, a)
        self.edges[pair] = self.edges.get(pair, 0) + weight

    def degrees(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for a, b in self.edges:
            counts[a] += 1
            counts[b] += 1
        return counts


def _betweenness(graph: _Graph) -> dict[str, float]:
    """Betweenness centrality (unweighted shortest paths, normalised as networkx does).

    Small graphs: ``networkx.betweenness_centrality``, exact. Large graphs: an estimate with the same
    algorithm (Brandes) on integer adjacency lists, made cheap in two ways: people with one relationship
    only (most students) are folded into their one neighbour as extra weight (they lie on no path between
    others, and the paths from and to them run through that neighbour), and the paths are followed from
    ``BETWEENNESS_SAMPLES`` sources chosen with a fixed seed (as networkx does with ``k=``)."""
    degrees = graph.degrees()
    linked = [key for key, degree in degrees.items() if degree]
    if len(linked) <= EXACT_BETWEENNESS_NODES:
        small = nx.Graph()
        small.add_edges_from(graph.edges)
        return nx.betweenness_centrality(small, normalized=True)
    total = len(linked)
    leaves: Counter[str] = Counter()
    kept_edges = []
    for a, b in graph.edges:
        if degrees[a] == 1 and degrees[b] > 1:
            leaves[b] += 1
        elif degrees[b] == 1 and degrees[a] > 1:
            leaves[a] += 1
        else:
            kept_edges.append((a, b))
    core = sorted({key for edge in kept_edges for key in edge} | set(leaves))
    index = {key: i for i, key in enumerate(core)}
    n = len(core)
    mass = [1 + leaves[key] for key in core]
    adjacency: list[list[int]] = [[] for _ in range(n)]
    for a, b in kept_edges:
        adjacency[index[a]].append(index[b])
        adjacency[index[b]].append(index[a])
    samples = min(n, BETWEENNESS_SAMPLES)
    score = [0.0] * n
    for s in random.Random(7).sample(range(n), samples):
        order: list[int] = []
        paths = [0] * n
        distance = [-1] * n
        paths[s], distance[s] = 1, 0
        queue = deque([s])
        while queue:
            v = queue.popleft()
            order.append(v)
            next_distance = distance[v] + 1
            for w in adjacency[v]:
                if distance[w] < 0:
                    distance[w] = next_distance
                    queue.append(w)
                if distance[w] == next_distance:
                    paths[w] += paths[v]
        delta = [0.0] * n
        for w in reversed(order):
            share = (mass[w] + delta[w]) / paths[w]
            before = distance[w] - 1
            for v in adjacency[w]:
                if distance[v] == before:
                    delta[v] += paths[v] * share
            if w != s:
                score[w] += mass[s] * delta[w]
    scale = n / samples
    norm = 1.0 / ((total - 1) * (total - 2)) if total > 2 else 1.0
    result = {}
    for key, i in index.items():
        folded = leaves[key]
        # The folded people reach everyone else through this neighbour (ordered pairs, both ways).
        own = 2 * folded * (total - 1 - folded) + folded * (folded - 1)
        result[key] = (score[i] * scale + own) * norm
    return result


def _brokers(graph: _Graph, names: dict[str, str], roles: dict[str, str]) -> list[dict[str, Any]]:
    if len(graph.edges) < 2:
        return []
    centrality = _betweenness(graph)
    degrees = graph.degrees()
    people = [(score, key) for key, score in centrality.items() if key.startswith("p") and score > 0]
    people.sort(key=lambda item: (-item[0], names.get(item[1], "")))
    return [
        {
            **_ref(key, names),
            "role": roles.get(key, ""),
            "role_label": str(dict(SofarRole.choices).get(roles.get(key, ""), "")),
            "betweenness": round(score, 4),
            "relationships": degrees[key],
        }
        for score, key in people[:BROKERS_SHOWN]
    ]


def _node(key: str, label: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"id": key, "label": label, "kind": kind, **extra}


def _detail(
    graph: nx.Graph, names: dict[str, str], roles: dict[str, str], brokers: set[str], isolated: set[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    nodes = [
        _node(
            key,
            names.get(key, ""),
            "person" if key.startswith("p") else "organisation",
            role=roles.get(key, "org"),
            size=1,
            broker=key in brokers,
            isolated=key in isolated,
            ref=names.get(f"{key}#id", ""),
        )
        for key in sorted(graph.nodes)
    ]
    edges = [{"source": a, "target": b, "weight": weight} for (a, b), weight in graph.edges.items()]
    return nodes, edges


def _aggregate(
    graph: _Graph,
    names: dict[str, str],
    roles: dict[str, str],
    level: str,
    person_ids: QuerySet[Any],
    org_ids: QuerySet[Any],
    brokers: set[str],
    isolated: set[str],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    labels = dict(SofarRole.choices)
    theme_of = _first_theme(org_ids)
    themes = list(Theme.objects.filter(pk__in=set(theme_of.values())))
    theme_names = {t.pk: t.slug for t in themes}
    theme_labels = {t.pk: t.name for t in themes}
    group: dict[str, str] = {}
    group_label: dict[str, str] = {}
    group_kind: dict[str, str] = {}
    group_role: dict[str, str] = {}

    def theme_group(org: int) -> str:
        theme = theme_of.get(org)
        key = f"t:{theme_names.get(theme, NO_THEME)}"
        group_label[key] = str(theme_labels.get(theme) or _("Organisations without a theme"))
        group_kind[key] = "theme"
        group_role[key] = "org"
        return key

    def role_group(person_key: str) -> str:
        role = roles.get(person_key, "")
        key = f"r:{role}"
        group_label[key] = str(labels.get(role, role))
        group_kind[key] = "role"
        group_role[key] = role
        return key

    if level == "organisation":
        # The busiest organisations stay themselves; the rest join their theme.
        weight = graph.degrees()
        for (a, b), strength in graph.edges.items():
            weight[a] += strength
            weight[b] += strength
        orgs = sorted((k for k in graph.nodes if k.startswith("o")), key=lambda k: (-weight[k], k))
        kept = set(orgs[: MAX_NODES - len(SOFAR_ORDER) - 40])
        employer = _employer(person_ids)
        for key in graph.nodes:
            if key.startswith("o"):
                if key in kept:
                    group[key] = key
                    group_label[key] = names.get(key, "")
                    group_kind[key] = "organisation"
                    group_role[key] = "org"
                else:
                    group[key] = theme_group(int(key[1:]))
            else:
                org = employer.get(int(key[1:]))
                if org is not None and f"o{org}" in kept:
                    group[key] = f"o{org}"
                    group_label[f"o{org}"] = names.get(f"o{org}", "") or group_label.get(f"o{org}", "")
                    group_kind.setdefault(f"o{org}", "organisation")
                    group_role.setdefault(f"o{org}", "org")
                else:
                    group[key] = role_group(key)
    else:
        for key in graph.nodes:
            group[key] = theme_group(int(key[1:])) if key.startswith("o") else role_group(key)

    sizes = Counter(group.values())
    flagged_brokers = Counter(group[k] for k in brokers if k in group)
    flagged_isolated = Counter(group[k] for k in isolated if k in group)
    weights: dict[tuple[str, str], int] = defaultdict(int)
    for (a, b), strength in graph.edges.items():
        ga, gb = group[a], group[b]
        if ga == gb:
            continue
        pair = (ga, gb) if ga < gb else (gb, ga)
        weights[pair] += strength
    nodes = [
        _node(
            key,
            group_label.get(key, ""),
            group_kind.get(key, "group"),
            role=group_role.get(key, ""),
            size=size,
            broker=bool(flagged_brokers.get(key)),
            isolated=bool(flagged_isolated.get(key)),
            ref=names.get(f"{key}#id", "") if group_kind.get(key) == "organisation" else "",
        )
        for key, size in sorted(sizes.items())
    ]
    edges = [{"source": a, "target": b, "weight": w} for (a, b), w in weights.items()]
    return nodes, edges


def _first_theme(org_ids: QuerySet[Any]) -> dict[int, int]:
    first: dict[int, int] = {}
    for org, theme in (
        Organisation.themes.through.objects.filter(organisation_id__in=org_ids)
        .order_by("organisation_id", "theme_id")
        .values_list("organisation_id", "theme_id")
    ):
        first.setdefault(org, theme)
    return first


def _employer(person_ids: QuerySet[Any]) -> dict[int, int]:
    employer: dict[int, int] = {}
    for person, org in (
        Affiliation.objects.filter(person_id__in=person_ids, organisation__isnull=False)
        .order_by("person_id", "id")
        .values_list("person_id", "organisation_id")
    ):
        employer.setdefault(person, org)
    return employer
