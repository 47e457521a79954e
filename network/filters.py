"""The filters of the network's lists (organisations, people, relationships), in one place.

The list pages and the exports of those lists both call these: a filter added here shows on the page and
in its export alike. Each takes the visible rows and the filter form's cleaned data (``{}`` when the form is
empty or not valid: then nothing is filtered but the defaults), and returns the rows in the list's order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from network.models import Affiliation, Institution, Organisation, Person, Relationship
from network.selectors import stale_relationships

# -------------------------------------------------------------------------------------------- organisations


def organisation_cities(visible: QuerySet[Organisation]) -> list[str]:
    """The cities to choose from: those of the visible organisations, in alphabetical order."""
    return list(visible.exclude(city="").order_by("city").values_list("city", flat=True).distinct())


def filter_organisations(queryset: QuerySet[Organisation], data: Mapping[str, Any]) -> QuerySet[Organisation]:
    """Search (name, city, postcode), kind, theme and city; by name."""
    if q := (data.get("q") or "").strip():
        queryset = queryset.filter(Q(name__icontains=q) | Q(city__icontains=q) | Q(postcode__istartswith=q))
    if data.get("kind"):
        queryset = queryset.filter(kind=data["kind"])
    if data.get("theme"):
        queryset = queryset.filter(themes=data["theme"])
    if data.get("city"):
        queryset = queryset.filter(city__iexact=data["city"])
    return queryset.order_by("name", "id")


# -------------------------------------------------------------------------------------------- people


def filter_people(queryset: QuerySet[Person], data: Mapping[str, Any]) -> QuerySet[Person]:
    """Every word of the search in the first or last name, a SOFAR role, and active (the default), inactive
    or all; by last name."""
    for word in (data.get("q") or "").split():
        queryset = queryset.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    if data.get("role"):
        queryset = queryset.filter(Exists(Affiliation.objects.filter(person_id=OuterRef("pk"), role=data["role"])))
    status = data.get("status") or "active"
    if status != "all":
        queryset = queryset.filter(is_active=status == "active")
    return queryset.order_by("last_name", "first_name", "id")


# -------------------------------------------------------------------------------------------- relationships


def relationship_organisation_choices(visible: QuerySet[Relationship]) -> QuerySet[Organisation]:
    """The organisations to choose from: those at an end of a visible relationship."""
    return Organisation.objects.filter(
        Q(pk__in=visible.values("a_organisation")) | Q(pk__in=visible.values("b_organisation"))
    ).order_by("name")


def relationship_owner_choices(visible: QuerySet[Relationship]) -> QuerySet[Person]:
    """The owners to choose from: those of a visible relationship."""
    return Person.objects.filter(
        pk__in=Relationship.owners.through.objects.filter(relationship__in=visible).values("person_id")
    ).order_by("last_name", "first_name")


def role_pair(value: str | None) -> tuple[str, str] | None:
    """A role pair as the filter sends it (``student-faculty``), or None."""
    first, _sep, second = (value or "").partition("-")
    return (first, second) if first and second else None


def filter_relationships(
    queryset: QuerySet[Relationship], data: Mapping[str, Any], *, institution: Institution | None
) -> QuerySet[Relationship]:
    """Role pair (either way round), organisation at either end, owner, status, without an active owner, and
    without recent contact (by the institution's own rule); newest contact first."""
    if pair := role_pair(data.get("pair")):
        first, second = pair
        queryset = queryset.filter(Q(a_role=first, b_role=second) | Q(a_role=second, b_role=first))
    if organisation := data.get("organisation"):
        queryset = queryset.involving_organisation(organisation)  # type: ignore[attr-defined]
    if owner := data.get("owner"):
        queryset = queryset.filter(
            pk__in=Relationship.owners.through.objects.filter(person=owner).values("relationship_id")
        )
    if data.get("status"):
        queryset = queryset.filter(status=data["status"])
    if data.get("orphaned"):
        queryset = queryset.filter(orphaned=True)
    if data.get("stale") and institution is not None:
        queryset = queryset.filter(pk__in=stale_relationships(institution).values("pk"))
    return queryset.order_by("-last_contact_on", "id")
