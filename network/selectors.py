"""Read-side questions about the network: missing voices, stale and orphaned relationships."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from network.models import SOFAR_ORDER, Institution, Relationship, SofarRole

ROLE_PAIRS: list[tuple[str, str]] = list(combinations(SOFAR_ORDER, 2))


@dataclass
class SofarCoverage:
    """Which SOFAR roles take part, and which of the ten role pairs have a relationship."""

    role_counts: dict[str, int]
    pair_counts: dict[tuple[str, str], int]
    relationships: list[Relationship] = field(default_factory=list)

    @property
    def roles_present(self) -> list[str]:
        return [r for r in SOFAR_ORDER if self.role_counts.get(r)]

    @property
    def roles_missing(self) -> list[str]:
        return [r for r in SOFAR_ORDER if not self.role_counts.get(r)]

    @property
    def pairs_present(self) -> list[tuple[str, str]]:
        return [p for p in ROLE_PAIRS if self.pair_counts.get(p)]

    @property
    def pairs_missing(self) -> list[tuple[str, str]]:
        return [p for p in ROLE_PAIRS if not self.pair_counts.get(p)]

    def rows(self) -> list[dict[str, object]]:
        """The five roles, for a template: label, count, present."""
        labels = dict(SofarRole.choices)
        return [{"code": r, "label": labels[r], "count": self.role_counts.get(r, 0)} for r in SOFAR_ORDER]

    def pair_rows(self) -> list[dict[str, object]]:
        labels = dict(SofarRole.choices)
        return [
            {"pair": p, "labels": (labels[p[0]], labels[p[1]]), "count": self.pair_counts.get(p, 0)} for p in ROLE_PAIRS
        ]


def sofar_coverage(
    *,
    institution_id: int,
    person_roles: dict[int, set[str]],
    organisation_ids: Iterable[int],
) -> SofarCoverage:
    """Coverage of a set of actors: the given people in their roles and organisations (role O).

    Relationships count when both ends are among the actors. Two queries at
    most, whatever the number of actors.
    """
    organisation_ids = set(organisation_ids)
    role_counts: Counter[str] = Counter()
    for roles in person_roles.values():
        role_counts.update(roles)
    if organisation_ids:
        role_counts[SofarRole.ORGANISATION.value] += len(organisation_ids)
    person_ids = set(person_roles)
    pair_counts: Counter[tuple[str, str]] = Counter()
    found: list[Relationship] = []
    if person_ids or organisation_ids:
        # Candidates by their first end through the indexes (a UNION, not an OR), then the second end.
        ends = Relationship.objects.order_by().values("pk")
        first_end = ends.filter(a_person_id__in=person_ids).union(ends.filter(a_organisation_id__in=organisation_ids))
        end_b = Q(b_person_id__in=person_ids) | Q(b_organisation_id__in=organisation_ids)
        found = list(
            Relationship.objects.filter(pk__in=first_end)
            .filter(institution_id=institution_id, status=Relationship.Status.ACTIVE)
            .filter(end_b)
            .with_actors()
        )
        for rel in found:
            if rel.a_role != rel.b_role:
                pair_counts[rel.role_pair] += 1
    return SofarCoverage(role_counts=dict(role_counts), pair_counts=dict(pair_counts), relationships=found)


def stale_cutoff(institution: Institution, today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    months = institution.stale_after_months
    year, month = divmod(today.month - 1 - months, 12)
    target_year, target_month = today.year + year, month + 1
    day = min(today.day, 28)
    return dt.date(target_year, target_month, day)


def stale(cutoff: dt.date, prefix: str = "") -> Q:
    """The rule "stale relationship", written once: active, and no contact since ``cutoff`` (or never).

    ``prefix`` reaches the relationship through a relation (``"relationship__"``); ``cutoff`` comes from
    ``stale_cutoff`` of the relationship's institution.
    """
    return Q(**{f"{prefix}status": Relationship.Status.ACTIVE}) & (
        Q(**{f"{prefix}last_contact_on__lt": cutoff}) | Q(**{f"{prefix}last_contact_on__isnull": True})
    )


def is_stale(relationship: Relationship, cutoff: dt.date) -> bool:
    """``stale`` for one relationship already in memory."""
    return relationship.status == Relationship.Status.ACTIVE and (
        relationship.last_contact_on is None or relationship.last_contact_on < cutoff
    )


def in_touch(institution: Institution, cutoff: dt.date, organisation: str = "organisation_id") -> Q:
    """Rows whose organisation (the field ``organisation``) the institution has had contact with since ``cutoff``,
    at either end of a relationship and whatever its status.

    The other side of the stale rule, for what gathers organisations: a partnership has no recent contact
    when none of its organisations is in touch (``health.overview``). Each test is one probe of the
    organisation's index (``Relationship`` indexes its ends with the institution and the last contact); use it
    inside a set the database computes once, never per listed row.
    """
    recent = Relationship.objects.filter(institution_id=institution.pk, last_contact_on__gte=cutoff)
    return Q(Exists(recent.filter(a_organisation_id=OuterRef(organisation)))) | Q(
        Exists(recent.filter(b_organisation_id=OuterRef(organisation)))
    )


def newest_contact_per_organisation(institution: Institution, organisations: Any) -> dict[int, dt.date]:
    """The institution's newest contact with each of ``organisations`` (ids, or a subquery of ids), at either
    end of a relationship, whatever its status; organisations never contacted are left out.

    The other side of the stale rule, for what gathers organisations: a partnership has no recent contact
    when none of its organisations has a contact since the cut-off (``health.overview``). Two grouped
    queries, read through the organisation's index, whatever the number of organisations.
    """
    newest: dict[int, dt.date] = {}
    for side in ("a", "b"):
        rows = (
            Relationship.objects.filter(institution_id=institution.pk, **{f"{side}_organisation_id__in": organisations})
            .order_by()
            .values_list(f"{side}_organisation_id")
            .annotate(newest=Max("last_contact_on"))
        )
        for organisation_id, day in rows:
            if day is not None and (organisation_id not in newest or day > newest[organisation_id]):
                newest[organisation_id] = day
    return newest


def stale_relationships(institution: Institution) -> QuerySet[Relationship]:
    """Active relationships without contact since the institution's threshold (or never)."""
    return (
        Relationship.objects.filter(stale(stale_cutoff(institution)), institution=institution)
        .with_actors()
        .order_by("last_contact_on", "id")
    )


def orphaned_relationships(institution: Institution) -> QuerySet[Relationship]:
    return (
        Relationship.objects.filter(institution=institution, status=Relationship.Status.ACTIVE, orphaned=True)
        .with_actors()
        .order_by("-last_contact_on", "id")
    )
