"""Measuring pages and API lists as a logged-in coordinator, and writing the results as Markdown.

Requests go through Django's test ``Client`` (the full middleware stack, no
network), timed around the call. The SQL query count comes from one extra
request under ``CaptureQueriesContext``, so that the timed requests do not
pay for recording queries.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.models import Count, Model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from accounts.models import ApiToken, User
from engagements.models import Course, Engagement
from network.models import Campus, Interaction, Organisation, Person, Relationship
from partnerships.models import Partnership

BUDGET_MS = 50.0
SLOW_MS = 1000.0
SLOW_RUNS = 5
PLACEHOLDER = b"coming soon"


@dataclass
class Result:
    name: str
    path: str
    status: int | None = None
    median_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None
    sql_ms: float | None = None
    kilobytes: float | None = None
    options: int | None = None
    note: str = ""
    slowest_sql: list[tuple[float, str]] = field(default_factory=list)

    @property
    def measured(self) -> bool:
        return self.p95_ms is not None

    @property
    def over_budget(self) -> bool:
        return self.p95_ms is not None and self.p95_ms > BUDGET_MS


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


@dataclass
class Targets:
    """The heavy rows of the institution the coordinator works in, one per kind, for the detail pages."""

    organisation: Organisation | None
    person: Person | None
    relationship: Relationship | None
    partnership: Partnership | None
    course: Course | None
    engagement: Engagement | None
    campus: Campus | None = None


def heaviest(user: User) -> Targets:
    """Pick, per kind, the row with the most related rows: detail pages are measured at their worst."""
    inst = user.institution_id
    org_id = (
        Relationship.objects.filter(institution_id=inst, b_organisation__isnull=False)
        .values("b_organisation")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("b_organisation", flat=True)
        .first()
    )

    def top(queryset: Any, related: str) -> Any:
        return queryset.annotate(n=Count(related)).order_by("-n").first()

    rel_id = (
        Interaction.objects.filter(institution_id=inst)
        .values("relationship")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("relationship", flat=True)
        .first()
    )
    return Targets(
        organisation=Organisation.objects.filter(pk=org_id).first() if org_id else Organisation.objects.first(),
        person=user.person,
        relationship=Relationship.objects.filter(pk=rel_id).first(),
        partnership=top(Partnership.objects.filter(institution_id=inst), "engagements"),
        course=top(Course.objects.filter(institution_id=inst), "engagements"),
        engagement=top(Engagement.objects.filter(institution_id=inst, pk__lte=50), "participations"),
        campus=Campus.objects.filter(institution_id=inst, latitude__isnull=False).select_related("institution").first(),
    )


def web_pages(targets: Targets) -> list[tuple[str, str]]:
    """(name, path) of every main page; a page whose URL is not defined yet is left out with a note."""
    pages: list[tuple[str, str]] = []

    def add(name: str, url_name: str, obj: Model | None = None, query: str = "") -> None:
        try:
            path = reverse(url_name, kwargs={"public_id": obj.public_id} if obj is not None else None)
        except NoReverseMatch:
            pages.append((name, f"({url_name}: no such URL)"))
            return
        pages.append((name, path + query))

    add("Dashboard", "dashboard")
    add("Organisations", "organisation-list")
    add("Organisation detail", "organisation-detail", targets.organisation)
    add("People", "person-list")
    add("Person detail", "person-detail", targets.person)
    add("Relationships", "relationship-list")
    add("Relationships, stale", "relationship-list", query="?stale=1")
    add("Relationships, orphaned", "relationship-list", query="?orphaned=1")
    add("Relationship detail", "relationship-detail", targets.relationship)
    add("Partnerships", "partnership-list")
    add("Partnership detail", "partnership-detail", targets.partnership)
    add("Partnership health", "partnership-health", targets.partnership)
    add("Partnership continuum", "partnership-continuum", targets.partnership)
    add("Health overview", "health-overview")
    add("Courses", "course-list")
    add("Course detail", "course-detail", targets.course)
    add("Engagements", "engagement-list")
    add("Engagement detail", "engagement-detail", targets.engagement)
    add("Network at a glance", "network")
    add("Network at a glance data", "network-data")
    pages += form_pages(targets)
    if targets.campus is not None:
        campus = {"institution": targets.campus.institution.slug, "campus": targets.campus.slug}
        for name, url_name in (
            ("Neighbourhood page", "campus-neighbourhood"),
            ("Neighbourhood map", "campus-map"),
            ("Neighbourhood map data", "campus-map-data"),
            ("Neighbourhood over the years", "campus-reflex"),
            ("Neighbourhood settings", "campus-settings"),
        ):
            try:
                pages.append((name, reverse(url_name, kwargs=campus)))
            except NoReverseMatch:
                pages.append((name, f"({url_name}: no such URL)"))
    return pages


def form_pages(targets: Targets) -> list[tuple[str, str]]:
    """Every form that chooses a person, organisation, course, engagement, offer or need (issue 22): at region
    scale a form that listed every choice was megabytes; the `<option>`s column shows that it no longer does."""
    from matching.models import Need

    pages: list[tuple[str, str]] = []
    for name, url_name in (
        ("New organisation", "organisation-create"),
        ("New person", "person-create"),
        ("New relationship", "relationship-create"),
        ("New partnership", "partnership-create"),
        ("New course", "course-create"),
        ("New engagement", "engagement-create"),
        ("New need", "need-create"),
        ("New offer", "offer-create"),
        ("Agreements (draft one for a partnership)", "agreement-list"),
    ):
        pages.append((name, _path(url_name)))
    for name, url_name, obj in (
        ("Edit the organisation", "organisation-edit", targets.organisation),
        ("Edit the person", "person-edit", targets.person),
        ("Edit the relationship", "relationship-edit", targets.relationship),
        ("Edit the partnership", "partnership-edit", targets.partnership),
        ("Edit the course", "course-edit", targets.course),
        ("Edit the engagement with the most participants", "engagement-edit", targets.engagement),
    ):
        if obj is not None:
            pages.append((name, _path(url_name, obj)))
    need = Need.objects.filter(status=Need.Status.OPEN).order_by("pk").first()
    if need is not None:
        pages.append(("Need detail (propose an open offer)", _path("need-detail", need)))
    return pages


def _path(url_name: str, obj: Model | None = None) -> str:
    try:
        return reverse(url_name, kwargs={"public_id": obj.public_id} if obj is not None else None)
    except NoReverseMatch:
        return f"({url_name}: no such URL)"


API_OBJECTS = {
    "organisations": "organisation",
    "people": "person",
    "persons": "person",
    "relationships": "relationship",
    "partnerships": "partnership",
    "courses": "course",
    "engagements": "engagement",
}


def api_pages(client: Client, headers: dict[str, str], targets: Targets) -> tuple[list[tuple[str, str]], str]:
    """GET operations of the OpenAPI document: lists as they are, details filled with a heavy row's id."""
    response = client.get("/api/openapi.json", headers=headers)
    if response.status_code != 200:
        return [], f"/api/openapi.json answered {response.status_code}"
    pages: list[tuple[str, str]] = []
    base = "/api"
    for path, operations in sorted(response.json().get("paths", {}).items()):
        if "get" not in operations:
            continue
        params = re.findall(r"\{([^}]+)\}", path)
        url = path if path.startswith(base) else base + path
        if not params:
            pages.append((f"API {path}", url))
            continue
        first = path.strip("/").split("/")[0 if not path.startswith(base) else 1]
        obj = getattr(targets, API_OBJECTS.get(first, ""), None) if first in API_OBJECTS else None
        if len(params) == 1 and obj is not None and path.rstrip("/").endswith("{" + params[0] + "}"):
            pages.append((f"API {path}", url.replace("{" + params[0] + "}", str(obj.public_id))))
    return pages, ""


def measure(client: Client, name: str, path: str, *, headers: dict[str, str], runs: int, warmup: int) -> Result:
    result = Result(name=name, path=path)
    if not path.startswith("/"):
        result.note = "not built yet (no URL)"
        return result
    try:
        started = time.perf_counter()
        first = client.get(path, headers=headers)
        first_ms = (time.perf_counter() - started) * 1000
    except Exception as exc:  # a page that crashes is reported, not fatal to the benchmark
        result.note = f"error: {type(exc).__name__}: {str(exc)[:120]}"
        return result
    result.status = first.status_code
    if first.status_code == 404:
        result.note = "404: not built yet"
        return result
    if first.status_code == 200 and first.content.strip() == PLACEHOLDER:
        result.note = "placeholder page: not built yet"
        return result
    if first.status_code in (301, 302):
        result.note = f"redirects to {first.headers.get('Location')}"
    for _ in range(max(0, warmup - 1)):
        client.get(path, headers=headers)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, headers=headers)
    result.queries = len(captured.captured_queries)
    result.sql_ms = sum(float(q.get("time") or 0) for q in captured.captured_queries) * 1000
    result.kilobytes = len(response.content) / 1024
    # Choices rendered into forms grow with the data even when the query count does not.
    result.options = response.content.count(b"<option")
    result.slowest_sql = sorted(
        ((float(q.get("time") or 0) * 1000, q["sql"]) for q in captured.captured_queries), reverse=True
    )[:3]
    if first_ms > SLOW_MS and runs > SLOW_RUNS:
        # A page this far over budget needs no thirty samples to show it; keep the run short.
        runs = SLOW_RUNS
        result.note = (result.note + "; " if result.note else "") + f"only {SLOW_RUNS} timed requests: slow page"
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(path, headers=headers)
        samples.append((time.perf_counter() - started) * 1000)
    result.median_ms = statistics.median(samples)
    result.p95_ms = p95(samples)
    return result


def run(user: User, *, runs: int, warmup: int, progress: Callable[[str], None]) -> list[Result]:
    client = Client()
    client.force_login(user)
    targets = heaviest(user)
    results = []
    for name, path in web_pages(targets):
        results.append(measure(client, name, path, headers={}, runs=runs, warmup=warmup))
        progress(_line(results[-1]))
    _token, key = ApiToken.issue(user, "benchmark")
    headers = {"Authorization": f"Bearer {key}"}
    api, problem = api_pages(client, headers, targets)
    if problem:
        results.append(Result(name="API", path="/api/openapi.json", note=problem))
    elif not api:
        results.append(Result(name="API", path="/api/", note="no GET operations in the OpenAPI document yet"))
    for name, path in api:
        results.append(measure(client, name, path, headers=headers, runs=runs, warmup=warmup))
        progress(_line(results[-1]))
    return results


def _line(result: Result) -> str:
    if not result.measured:
        return f"  {result.name:<36} {result.note}"
    flag = "  over budget" if result.over_budget else ""
    return (
        f"  {result.name:<36} median {result.median_ms:7.1f} ms  p95 {result.p95_ms:7.1f} ms  "
        f"{result.queries:3d} queries ({result.sql_ms:.0f} ms)  "
        f"{result.kilobytes:.0f} KiB  {result.options} options{flag}"
    )


def explain(sql: str) -> str:
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    try:
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            rows = cursor.fetchall()
    except Exception as exc:  # an SQL text that cannot be re-run as is is shown without a plan
        return f"(no plan: {type(exc).__name__})"
    if connection.vendor == "sqlite":
        return "\n".join(str(row[-1]) for row in rows)
    return "\n".join(str(row[0]) for row in rows)


def python_speed() -> float:
    """Seconds for 20 million additions in a plain Python loop (best of three): the same "EPYC, 2 cores" can
    differ threefold from one machine to the next, and every figure here scales with it."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for i in range(20_000_000):
            total += i
        best = min(best, time.perf_counter() - started)
    return best


def machine() -> dict[str, str]:
    memory = ""
    try:
        with open("/proc/meminfo") as meminfo:
            kib = int(meminfo.readline().split()[1])
            memory = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), cpu)
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("select sqlite_version()" if connection.vendor == "sqlite" else "show server_version")
        version = cursor.fetchone()[0]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "unknown"
    return {
        "CPU": f"{cpu}, {os.cpu_count()} cores",
        "plain Python speed (20 million additions in a loop, best of three)": f"{python_speed():.2f} s",
        "load average when written (1, 5, 15 min)": load,
        "memory": memory,
        "system": platform.platform(),
        "Python": platform.python_version(),
        "database": f"{connection.vendor} {version}",
    }


def write_markdown(
    path: Any,
    results: list[Result],
    *,
    sizes: dict[str, int],
    scale: float,
    generation_s: float | None,
    runs: int,
    warmup: int,
    extras: list[tuple[str, str, str]] | None = None,
) -> None:
    lines = [
        f"# Brug benchmark on {machine()['database']}",
        "",
        f"Run on {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} with `manage.py bench --scale {scale:g}`. "
        f"Each page: {warmup} untimed and then {runs} timed requests through Django's test client as a "
        "logged-in coordinator of the first institution (full middleware stack, no network). "
        "SQL ms is the database time of one request (the rest is Python: views, forms, templates); "
        "KiB and `<option>`s are the size of its HTML and the number of choices rendered into its forms. "
        f"Budget: p95 under {BUDGET_MS:.0f} ms. Detail pages show the row of that kind with the most related rows.",
        "",
        "## Machine",
        "",
        *[f"- {key}: {value}" for key, value in machine().items()],
        "",
        "## Data",
        "",
        "| kind | rows |",
        "| --- | ---: |",
        *[f"| {kind} | {count:,} |" for kind, count in sizes.items()],
        "",
    ]
    if generation_s is not None:
        lines += [f"Generated in {generation_s / 60:.1f} minutes.", ""]
    lines += [
        "## Pages",
        "",
        "| page | path | status | median ms | p95 ms | SQL queries | SQL ms | KiB | `<option>`s | note |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        cells = [
            r.name,
            f"`{r.path}`",
            str(r.status or ""),
            f"{r.median_ms:.1f}" if r.measured else "",
            f"{r.p95_ms:.1f}" if r.measured else "",
            str(r.queries) if r.queries is not None else "",
            f"{r.sql_ms:.0f}" if r.sql_ms is not None else "",
            f"{r.kilobytes:.0f}" if r.kilobytes is not None else "",
            str(r.options) if r.options is not None else "",
            ("**over budget** " if r.over_budget else "") + r.note,
        ]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    slow = [r for r in results if r.over_budget]
    lines += ["", "## Over budget", ""]
    if not slow:
        lines.append("Every measured page is within budget.")
    for r in sorted(slow, key=lambda r: -(r.p95_ms or 0)):
        lines += [f"### {r.name} (`{r.path}`): p95 {r.p95_ms:.0f} ms", "", "Slowest queries and their plans:", ""]
        for ms, sql in r.slowest_sql:
            lines += [f"- {ms:.1f} ms", "", "```sql", sql[:1500], "```", "", "```", explain(sql), "```", ""]
    if extras:
        lines += ["", "## Other timings", "", "| what | measured | target |", "| --- | ---: | --- |"]
        lines += [f"| {what} | {measured} | {target} |" for what, measured, target in extras]
    elif Path(path).exists() and "## Other timings" in (previous := Path(path).read_text(encoding="utf-8")):
        # A pages-only rerun keeps the other timings of the last full run, marked as such.
        kept = previous.split("## Other timings", 1)[1].strip()
        lines += ["", "## Other timings (from the last full run)", "", kept]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
