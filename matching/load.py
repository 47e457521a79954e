"""How much is asked of an organisation in an academic period, across all institutions.

An academic period runs from 1 September to 31 August. What counts towards an organisation's
capacity (``Organisation.capacity_per_period``):

- its open requests: confirmed needs still open that no live match answers yet (once a match
  is proposed for a need, the proposal counts instead, so a need never counts twice);
- proposals: matches proposed or held, from any institution;
- engagements: planned or running collaborations with it, from any institution.

A need or match belongs to the period its need starts in; an engagement to its start date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef
from django.utils import timezone

from lib.scoping import unscoped

LIVE_MATCH = ("proposed", "held", "accepted")
PROPOSALS = ("proposed", "held")
ACTIVE_ENGAGEMENTS = ("planned", "running")


@dataclass(frozen=True)
class AcademicPeriod:
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return f"{self.start.year}-{self.end.year}"

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def academic_period(day: dt.date | None = None) -> AcademicPeriod:
    day = day or timezone.localdate()
    first = day.year if day.month >= 9 else day.year - 1
    return AcademicPeriod(dt.date(first, 9, 1), dt.date(first + 1, 8, 31))


def period_from_label(label: str) -> AcademicPeriod | None:
    """``2026-2027`` → the period from 1 Sept 2026; anything else → None."""
    parts = label.split("-")
    if len(parts) != 2 or not all(p.isdigit() and len(p) == 4 for p in parts):
        return None
    first, second = int(parts[0]), int(parts[1])
    if second != first + 1:
        return None
    return AcademicPeriod(dt.date(first, 9, 1), dt.date(second, 8, 31))


@dataclass(frozen=True)
class Load:
    capacity: int
    requests: int = 0
    proposals: int = 0
    engagements: int = 0

    @property
    def total(self) -> int:
        return self.requests + self.proposals + self.engagements

    @property
    def left(self) -> int:
        return max(self.capacity - self.total, 0)

    @property
    def is_full(self) -> bool:
        return self.total >= self.capacity


def _counts(rows: Iterable[dict[str, Any]]) -> dict[int, int]:
    return {row["org"]: row["n"] for row in rows}


@unscoped("an organisation's load counts every institution's requests; only the counts leave")
def organisation_load(organisation_ids: Iterable[int], period: AcademicPeriod) -> dict[int, Load]:
    """The load of each organisation in ``period``, in four queries whatever their number."""
    from engagements.models import Engagement
    from matching.models import Match, Need
    from network.models import Organisation

    ids = list(set(organisation_ids))
    if not ids:
        return {}
    capacities = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "capacity_per_period"))
    live = Match.objects.filter(need=OuterRef("pk"), status__in=LIVE_MATCH)
    requests = _counts(
        Need.objects.filter(
            organisation_id__in=ids,
            status=Need.Status.OPEN,
            period_start__gte=period.start,
            period_start__lte=period.end,
        )
        .filter(~Exists(live))
        .values(org=F("organisation_id"))
        .annotate(n=Count("pk"))
    )
    proposals = _counts(
        Match.objects.filter(
            need__organisation_id__in=ids,
            status__in=PROPOSALS,
            need__period_start__gte=period.start,
            need__period_start__lte=period.end,
        )
        .values(org=F("need__organisation_id"))
        .annotate(n=Count("pk"))
    )
    engagements = _counts(
        Engagement.objects.filter(
            organisation_id__in=ids,
            status__in=ACTIVE_ENGAGEMENTS,
            start_date__gte=period.start,
            start_date__lte=period.end,
        )
        .values(org=F("organisation_id"))
        .annotate(n=Count("pk"))
    )
    return {
        pk: Load(
            capacity=capacities[pk],
            requests=requests.get(pk, 0),
            proposals=proposals.get(pk, 0),
            engagements=engagements.get(pk, 0),
        )
        for pk in ids
        if pk in capacities
    }


def capacity_left(organisation: Any, period: AcademicPeriod) -> int:
    """How many more requests, proposals or engagements ``organisation`` can take on in ``period``."""
    load = organisation_load([organisation.pk], period).get(organisation.pk)
    return load.left if load else 0
