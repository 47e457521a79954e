"""Small read helpers for the network's pages: each is one or two bounded queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Prefetch, Q, QuerySet

from audit.models import AuditEntry
from network.models import Interaction, Organisation, Person, Relationship

HISTORY_ROWS = 50
STEP_WINDOW = dt.timedelta(seconds=2)


def organisation_relationships(user: Any, organisation: Organisation) -> QuerySet[Relationship]:
    """The organisation's relationships the user may see, with actors and owners ready to show."""
    return (
        Relationship.objects.for_user(user)
        .involving_organisation(organisation)
        .with_actors()
        .select_related("institution")
        .prefetch_related(Prefetch("owners", queryset=Person.objects.order_by("last_name", "first_name")))
        .order_by("-last_contact_on", "id")
    )


def last_contact_on(relationships: QuerySet[Relationship]) -> dt.date | None:
    return relationships.order_by().aggregate(last=Max("last_contact_on"))["last"]


def organisation_timeline(user: Any, organisation: Organisation) -> QuerySet[Interaction]:
    return Interaction.objects.for_user(user).filter(
        Q(relationship__a_organisation=organisation) | Q(relationship__b_organisation=organisation)
    )


def person_relationships(user: Any, person: Person) -> QuerySet[Relationship]:
    """Relationships the person is an end of or owns, as far as the user may see them."""
    owned = Relationship.owners.through.objects.filter(person_id=person.pk).values("relationship_id")
    return (
        Relationship.objects.for_user(user)
        .filter(Q(a_person=person) | Q(b_person=person) | Q(pk__in=owned))
        .with_actors()
        .prefetch_related(Prefetch("owners", queryset=Person.objects.order_by("last_name", "first_name")))
        .order_by("-last_contact_on", "id")
    )


def owners_fingerprint(relationship: Relationship) -> str:
    """The current owners as one string, to tell whether someone changed them while a form was open."""
    ids = Relationship.owners.through.objects.filter(relationship_id=relationship.pk).values_list(
        "person__public_id", flat=True
    )
    return ",".join(sorted(str(i) for i in ids))


@dataclass
class OwnerChange:
    """One step of a relationship's history: when, by whom, and how the owners changed."""

    at: dt.datetime
    by: Any
    created: bool
    status: str
    owners: list[Person] = field(default_factory=list)
    added: list[Person] = field(default_factory=list)
    removed: list[Person] = field(default_factory=list)


def owner_history(relationship: Relationship, limit: int = HISTORY_ROWS) -> list[OwnerChange]:
    """The relationship's history, newest first, each step with the owners it had then.

    django-simple-history writes a record for every save and every change of
    the owners, with a snapshot of the owners. Replacing the owners writes two
    records (removed, then added) within a moment; records by the same user
    within a few seconds count as one step. The difference between two steps'
    snapshots is who was added or removed. Two queries.
    """
    through = "historicalrelationship_owners_set"
    records = list(
        relationship.history.select_related("history_user")
        .prefetch_related(f"{through}__person")
        .order_by("-history_date", "-history_id")[: limit * 2]
    )
    records.reverse()

    def owners_of(record: Any) -> list[Person]:
        people = (row.person for row in getattr(record, through).all() if row.person is not None)
        return sorted(people, key=lambda p: (p.last_name, p.first_name))

    groups: list[list[Any]] = []
    for record in records:
        last = groups[-1][-1] if groups else None
        if (
            last is not None
            and last.history_user_id == record.history_user_id
            and record.history_date - last.history_date < STEP_WINDOW
        ):
            groups[-1].append(record)
        else:
            groups.append([record])

    steps: list[OwnerChange] = []
    before: list[Person] = []
    for index, group in enumerate(groups):
        first, newest = group[0], group[-1]
        owners = owners_of(newest)
        if index > 0 or first.history_type == "+":
            before_ids, now_ids = {p.pk for p in before}, {p.pk for p in owners}
            added = [p for p in owners if p.pk not in before_ids]
            removed = [p for p in before if p.pk not in now_ids]
        else:
            # The oldest step shown is not the start: what came before it is unknown.
            added, removed = [], []
        steps.append(
            OwnerChange(
                at=newest.history_date,
                by=newest.history_user,
                created=first.history_type == "+",
                status=newest.get_status_display(),
                owners=owners,
                added=added,
                removed=removed,
            )
        )
        before = owners
    steps.reverse()
    return steps[:limit]


def relationship_audit(relationship: Relationship, limit: int = HISTORY_ROWS) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.filter(target_type="network.relationship", target_id=str(relationship.public_id))
    return entries.select_related("actor").order_by("-at", "-id")[:limit]


def summary_visible(user: Any, interaction: Any) -> bool:
    """Whether ``user`` reads the summary of ``interaction``: the institution's people always; a partner
    organisation's users only when the summary was shared with the partner. Date, channel and people stay
    visible to whoever sees the contact moment."""
    return not getattr(user, "is_partner", False) or bool(interaction.summary_shared)
