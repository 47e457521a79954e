"""Remove or anonymise the personal data past its retention period (each institution's settings)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from network.privacy import apply_retention


class Command(BaseCommand):
    help = (
        "Remove or anonymise personal data past its retention period: unconfirmed public needs, expired links and "
        "tokens, respondents of closed assessments, uploaded import files, residents' booking requests and "
        "workshop positions. Writes a count per kind to the log and the audit trail."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        totals = apply_retention()
        for kind, number in sorted(totals.items()):
            self.stdout.write(f"{kind}: {number}")
        self.stdout.write(f"Done: {sum(totals.values())} removed or anonymised.")
