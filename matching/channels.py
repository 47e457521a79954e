"""How an institution's matches came about: the three channels of DOMAIN.md §3 side by side, per academic
year (September to August), so the office sees whether it leans on one channel and its risks."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractMonth, ExtractYear

from matching.models import Match


def channel_mix(matches: QuerySet[Match]) -> list[dict[str, Any]]:
    """Newest year first; per channel (in ``Match.Channel`` order) the matches proposed, the accepted ones,
    and the channel's share of the year in whole percents. One query, whatever the number of matches."""
    rows = (
        matches.order_by()
        .annotate(year=ExtractYear("proposed_at"), month=ExtractMonth("proposed_at"))
        .values("year", "month", "channel", "status")
        .annotate(n=Count("pk"))
    )
    table: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for row in rows:
        first = row["year"] if row["month"] >= 9 else row["year"] - 1
        cell = table[f"{first}-{first + 1}"][row["channel"]]
        cell["total"] += row["n"]
        if row["status"] == Match.Status.ACCEPTED:
            cell["accepted"] += row["n"]
    years = []
    for label in sorted(table, reverse=True):
        cells = [table[label].get(code, {"total": 0, "accepted": 0}) for code in Match.Channel.values]
        total = sum(c["total"] for c in cells)
        years.append(
            {
                "label": label,
                "cells": [
                    {
                        "channel": code,
                        "total": c["total"],
                        "accepted": c.get("accepted", 0),
                        "share": round(100 * c["total"] / total),
                    }
                    for code, c in zip(Match.Channel.values, cells, strict=True)
                ],
                "total": total,
            }
        )
    return years
