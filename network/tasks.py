"""Background tasks of the network: the daily retention run (a scheduler calls it; it takes no arguments)."""

from __future__ import annotations

from django_tasks import task

from network.privacy import apply_retention as apply_retention_now


@task()
def apply_retention() -> dict[str, int]:
    """Remove or anonymise what has outlived its retention period; returns the count per kind."""
    return apply_retention_now()
