"""``manage.py bench`` (``make bench``): a region-scale data set in its own database, then every main page timed.

The developer's database is never touched: on SQLite the data goes to its own
file (default ``bench/data/bench.sqlite3``); on PostgreSQL (``DATABASE_URL``)
to a database named after the configured one with ``_bench`` appended,
created when missing.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.utils import load_backend

from accounts.models import User
from demo import bulk, measure


class Command(BaseCommand):
    help = "Generate a region-scale data set in a separate database and time every main page and API list."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Fraction of the region-scale sizes (0.01 is quick)."
        )
        parser.add_argument("--reuse", action="store_true", help="Keep an existing generated database.")
        parser.add_argument(
            "--database", default="", help="SQLite file of the benchmark (default bench/data/bench.sqlite3)."
        )
        parser.add_argument("--output", default="", help="Results file (default bench/results-<database>.md).")
        parser.add_argument("--runs", type=int, default=30, help="Timed requests per page.")
        parser.add_argument(
            "--pages-only",
            action="store_true",
            help="Measure the pages only, not the PDF, matching and import timings (a quicker rerun).",
        )
        parser.add_argument("--warmup", type=int, default=3, help="Untimed requests per page first.")

    def handle(self, *args: Any, **options: Any) -> None:
        warnings.filterwarnings("ignore", message="No directory at")
        with bench_database(options["database"], reuse=options["reuse"]) as fresh:
            self.run_bench(fresh, **options)

    def run_bench(self, fresh: bool, **options: Any) -> None:
        generation_s = None
        # A reused database may predate the newest migrations; a new index needs statistics too.
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        call_command("migrate", verbosity=0, interactive=False)
        if pending and not fresh:
            self.stdout.write(f"  {len(pending)} new migration(s) applied: analysing tables for the query planner")
            bulk.analyse()
        if fresh:
            self.stdout.write(self.style.MIGRATE_HEADING(f"Generating at scale {options['scale']:g}"))
            started = time.monotonic()
            bulk.generate_region(options["scale"], progress=self.stdout.write)
            generation_s = time.monotonic() - started
            if problems := bulk.verify():
                raise CommandError("The generated data is inconsistent: " + "; ".join(problems))
            self.stdout.write("  checked: last contact dates and orphaned flags agree with the rows")
            self.stdout.write("  analysing tables for the query planner")
            bulk.analyse()
            self.stdout.write(f"  generated in {generation_s / 60:.1f} minutes")
        user = User.objects.filter(username=bulk.BENCH_USERNAME).select_related("person").first()
        if user is None:
            raise CommandError("The benchmark database has no benchmark coordinator: run without --reuse.")
        sizes = bulk.table_sizes()
        self.stdout.write(self.style.MIGRATE_HEADING("Measuring"))
        results = measure.run(user, runs=options["runs"], warmup=options["warmup"], progress=self.stdout.write)
        extras = [] if options["pages_only"] else other_timings(progress=self.stdout.write, scale=options["scale"])
        vendor = "postgresql" if connection.vendor == "postgresql" else connection.vendor
        output = Path(options["output"] or settings.BASE_DIR / "bench" / f"results-{vendor}.md")
        output.parent.mkdir(parents=True, exist_ok=True)
        measure.write_markdown(
            output,
            results,
            sizes=sizes,
            scale=options["scale"],
            generation_s=generation_s,
            runs=options["runs"],
            warmup=options["warmup"],
            extras=extras,
        )
        slow = [r for r in results if r.over_budget]
        self.stdout.write(self.style.SUCCESS(f"Results written to {output}"))
        if slow:
            self.stdout.write(self.style.WARNING(f"{len(slow)} page(s) over the {measure.BUDGET_MS:.0f} ms budget."))


def other_timings(progress: Any, scale: float = 1.0) -> list[tuple[str, str, str]]:
    """Timings that are not pages: (what, measured, target)."""
    from agreements.bench import bench_agreement_pdf
    from matching.bench import bench_matching

    progress("  agreement PDF, ten pages (best of three)")
    pdf_s = min(bench_agreement_pdf() for _ in range(3))
    timings = [("Agreement PDF of ten pages (render + WeasyPrint)", f"{pdf_s:.2f} s", "< 3 s")]
    progress(f"  matching at scale {scale:g}: synthetic needs and offers, one need, then the whole batch")
    m = bench_matching(scale)
    timings += [
        (
            f"Top-10 offers for one need among {m['offers']:,} offers, median (p95)",
            f"{m['one_need_median_ms']:.1f} ms ({m['one_need_p95_ms']:.1f} ms)",
            "< 50 ms median",
        ),
        (
            f"Batch: {m['needs']:,} needs against {m['offers']:,} offers (CPU seconds)",
            f"{m['batch_s']:.0f} s ({m['batch_cpu_s']:.0f} s)",
            "< 120 s",
        ),
    ]
    from matching.evaluation import evaluate, load

    progress("  matching quality on the labelled evaluation set (manage.py match_eval)")
    quality = evaluate()
    timings.append(
        (
            f"Matching evaluation set ({quality.needs} needs, {len(load().collection)} offers): hit@1 / hit@3 / MRR",
            f"{quality.hit_at_1:.1%} / {quality.hit_at_3:.1%} / {quality.mrr:.3f}",
            "≥ 90 % / 100 %",
        )
    )
    rows = max(1000, round(100_000 * scale))
    progress(f"  importing {rows:,} organisation rows with preview, twice, then undoing")
    from imports.bench import bench_import

    r = bench_import(rows)
    timings += [
        (
            f"Import of {rows:,} organisation rows: preview + write",
            f"{r['total_s']:.1f} s ({r['preview_s']:.1f} s + {r['import_s']:.1f} s)",
            "< 60 s",
        ),
        (
            "The same file imported again: created / updated",
            f"{r['second_created']} / {r['second_updated']}",
            "0 / 0",
        ),
        (
            f"Undoing that import ({r['created']:,} organisations)",
            f"{r['undo_s']:.1f} s, " + ("nothing left" if r["undone"] else "rows left behind"),
            "nothing left",
        ),
    ]
    progress(f"  the same {rows:,} rows as CSV and as XLSX: upload, import page, preview")
    from imports.bench import bench_formats

    x = bench_formats(rows)
    timings += [
        (
            f"Upload of {rows:,} rows: CSV ({x['csv_bytes'] / 1e6:.1f} MB) / XLSX ({x['xlsx_bytes'] / 1e6:.1f} MB)",
            f"{x['csv_upload_s']:.1f} s / {x['xlsx_upload_s']:.1f} s",
            "XLSX within 3x of CSV",
        ),
        (
            f"Preview of {rows:,} rows: CSV / XLSX",
            f"{x['csv_preview_s']:.1f} s / {x['xlsx_preview_s']:.1f} s",
            "XLSX within 3x of CSV",
        ),
        (
            "Import page of that upload, median: CSV / XLSX",
            f"{x['csv_page_ms']} ms / {x['xlsx_page_ms']} ms",
            "< 1 s",
        ),
    ]
    return timings


@contextmanager
def bench_database(database: str, *, reuse: bool) -> Iterator[bool]:
    """Swap the default connection for one to the benchmark's own database; yields True when it must be filled.

    A new connection object rather than a renamed one: the developer's (or a
    test's) connection is left exactly as it was and put back afterwards.
    """
    original = connections[DEFAULT_DB_ALIAS]
    config = {**original.settings_dict}
    fresh = True
    if original.vendor == "sqlite":
        path = Path(database) if database else settings.BASE_DIR / "bench" / "data" / "bench.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not (reuse and path.exists())
        if fresh:
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
        config["NAME"] = str(path)
    elif original.vendor == "postgresql":
        name = database or f"{original.settings_dict['NAME']}_bench"
        with original._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            exists = cursor.fetchone() is not None
            fresh = not (exists and reuse)
            if exists and fresh:
                cursor.execute(f'DROP DATABASE "{name}"')
            if fresh:
                cursor.execute(f'CREATE DATABASE "{name}"')
        config["NAME"] = name
    else:
        raise CommandError(f"The benchmark supports SQLite and PostgreSQL, not {original.vendor}.")
    bench = load_backend(config["ENGINE"]).DatabaseWrapper(config, DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = bench
    try:
        if fresh and bench.vendor == "sqlite":
            with bench.cursor() as cursor:
                # A throw-away database: durability does not matter while it is filled.
                cursor.execute("PRAGMA synchronous=OFF")
        yield fresh
    finally:
        bench.close()
        connections[DEFAULT_DB_ALIAS] = original
