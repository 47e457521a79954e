"""``manage.py bench``: end to end at a tiny scale, into its own temporary database."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from network.models import Organisation


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="The bench makes a database of its own; on PostgreSQL that cannot happen inside a test's transaction. "
    "Run `DATABASE_URL=... make bench` for the PostgreSQL figures.",
)
def test_a_tiny_bench_writes_a_row_per_page_and_leaves_the_main_database_alone(tmp_path: Path) -> None:
    results = tmp_path / "results.md"
    database = tmp_path / "bench.sqlite3"
    before = Organisation.objects.count()

    call_command(
        "bench",
        "--scale", "0.0005",
        "--database", str(database),
        "--output", str(results),
        "--runs", "1",
        "--warmup", "1",
        stdout=io.StringIO(),
    )  # fmt: skip

    text = results.read_text()
    assert database.exists()
    for page in ("Dashboard", "Organisations", "Organisation detail", "Relationships, stale", "Engagement detail"):
        assert f"| {page} |" in text
    assert "| organisations | 20 |" in text
    # The test database saw none of the generated rows.
    assert Organisation.objects.count() == before
