"""Server-side drawings: the course's contact network and a workshop's spread of positions.

Coordinates are computed here; the templates only write them into SVG elements with
presentation attributes (no inline styles, which the CSP forbids). Colours repeat what the
words say: every node carries its role letter and every drawing has a text alternative.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from network.models import SofarRole
from reflection.selectors import CourseActors, Spread, Tie

WIDTH, HEIGHT, MARGIN = 960, 480, 90
MAX_NODES = 40
ROLE_COLOURS = {
    SofarRole.STUDENT.value: "#1f6fb2",
    SofarRole.ORGANISATION.value: "#2e7d32",
    SofarRole.FACULTY.value: "#b85c00",
    SofarRole.ADMINISTRATOR.value: "#6a3d9a",
    SofarRole.RESIDENT.value: "#b3261e",
}


@dataclass
class Node:
    key: str
    x: float
    y: float
    label: str
    role: str
    colour: str
    is_organisation: bool
    is_partner: bool

    @property
    def short_label(self) -> str:
        return self.label if len(self.label) <= 24 else self.label[:23] + "…"

    @property
    def label_y(self) -> float:
        return self.y + 28

    @property
    def box_x(self) -> float:
        return round(self.x - 14, 1)

    @property
    def box_y(self) -> float:
        return round(self.y - 14, 1)


@dataclass
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    dashed: bool
    no_contact: bool
    title: str


@dataclass
class Drawing:
    nodes: list[Node]
    edges: list[Edge]
    hidden: int
    width: int = WIDTH
    height: int = HEIGHT


def network_drawing(actors: CourseActors, ties: list[Tie]) -> Drawing:
    """Nodes for the course's actors (the most connected first, at most ``MAX_NODES``), edges for their ties.

    The layout is deterministic, so the same records always give the same drawing.
    """
    degree: dict[str, int] = {}
    for tie in ties:
        degree[tie.a] = degree.get(tie.a, 0) + 1
        degree[tie.b] = degree.get(tie.b, 0) + 1
    ranked = sorted(actors.actors, key=lambda a: (-degree.get(a.key, 0), a.label.lower()))
    shown = ranked[:MAX_NODES]
    keys = {a.key for a in shown}
    graph = nx.Graph()
    graph.add_nodes_from(a.key for a in shown)
    graph.add_edges_from((t.a, t.b) for t in ties if t.a in keys and t.b in keys)
    if len(graph) == 0:
        return Drawing(nodes=[], edges=[], hidden=len(actors.actors))
    connected = [a.key for a in shown if degree.get(a.key)]
    alone = [a.key for a in shown if not degree.get(a.key)]
    if len(shown) > 16 and connected:
        # Many actors: let the ties pull related actors together (fixed seed: same records, same drawing).
        layout = nx.spring_layout(graph, seed=7, k=2.0 / len(graph) ** 0.5, iterations=100)
    elif connected and alone:
        # Actors with recorded ties in the middle, those without any on the outer ring.
        layout = nx.shell_layout(graph, nlist=[connected, alone])
    else:
        layout = nx.circular_layout(graph)
    xs = [float(p[0]) for p in layout.values()]
    ys = [float(p[1]) for p in layout.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0

    def place(key: str) -> tuple[float, float]:
        x, y = layout[key]
        px = MARGIN + (float(x) - min(xs)) / span_x * (WIDTH - 2 * MARGIN)
        py = MARGIN + (float(y) - min(ys)) / span_y * (HEIGHT - 2 * MARGIN - 16)
        return round(px, 1), round(py, 1)

    nodes = []
    for actor in shown:
        x, y = place(actor.key)
        nodes.append(
            Node(
                key=actor.key,
                x=x,
                y=y,
                label=actor.label,
                role=actor.role,
                colour=ROLE_COLOURS.get(actor.role, "#555555"),
                is_organisation=actor.is_organisation,
                is_partner=actor.is_partner,
            )
        )
    edges = []
    for tie in ties:
        if tie.a in keys and tie.b in keys:
            (x1, y1), (x2, y2) = place(tie.a), place(tie.b)
            edges.append(
                Edge(
                    x1=x1,
                    y1=y1,
                    x2=x2,
                    y2=y2,
                    dashed=tie.through_intermediary,
                    no_contact=tie.no_contact,
                    title=f"{tie.a_label} – {tie.b_label}",
                )
            )
    return Drawing(nodes=nodes, edges=edges, hidden=len(actors.actors) - len(shown))


@dataclass
class Bar:
    point: int
    count: int
    x: float
    y: float
    height: float
    label_x: float

    @property
    def count_y(self) -> float:
        return round(self.y - 4, 1)


STRIP_WIDTH, STRIP_HEIGHT, BAR_GAP = 800, 160, 16


def spread_bars(spread: Spread) -> list[Bar]:
    """Five bars, one per point of the scale, scaled to the most chosen point."""
    width = (STRIP_WIDTH - BAR_GAP * 6) / 5
    top = 16
    usable = STRIP_HEIGHT - top - 24
    peak = spread.peak or 1
    bars = []
    for index, count in enumerate(spread.counts):
        height = round(usable * count / peak, 1)
        x = round(BAR_GAP + index * (width + BAR_GAP), 1)
        bars.append(
            Bar(
                point=index + 1,
                count=count,
                x=x,
                y=round(top + usable - height, 1),
                height=height,
                label_x=round(x + width / 2, 1),
            )
        )
    return bars


BAR_WIDTH = round((STRIP_WIDTH - BAR_GAP * 6) / 5, 1)
STRIP = {
    "width": STRIP_WIDTH,
    "height": STRIP_HEIGHT,
    "bar": BAR_WIDTH,
    "axis_y": STRIP_HEIGHT - 24,
    "point_y": STRIP_HEIGHT - 8,
}
