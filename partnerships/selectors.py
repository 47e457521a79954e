from __future__ import annotations

from collections import defaultdict

from django.db.models import QuerySet

from network.models import Affiliation, Interaction, Relationship, SofarRole
from network.selectors import SofarCoverage, sofar_coverage
from partnerships.models import Partnership


def partnership_coverage(partnership: Partnership) -> SofarCoverage:
    """Missing voices of a partnership: owners (in their institution roles), partner organisations,
    and the people taking part in its engagements."""
    person_roles: dict[int, set[str]] = defaultdict(set)
    owner_ids = list(partnership.owners.values_list("pk", flat=True))
    for person_id, role in Affiliation.objects.filter(
        person_id__in=owner_ids, role__in=[SofarRole.FACULTY, SofarRole.ADMINISTRATOR]
    ).values_list("person_id", "role"):
        person_roles[person_id].add(role)
    for person_id in owner_ids:
        person_roles.setdefault(person_id, {SofarRole.ADMINISTRATOR.value})
    # Reverse relation from the engagements app: read through the ORM, no import.
    for person_id, role in partnership.engagements.values_list("participations__person_id", "participations__role"):
        if person_id is not None:
            person_roles[person_id].add(role)
    organisation_ids = set(partnership.parties.values_list("organisation_id", flat=True))
    return sofar_coverage(
        institution_id=partnership.institution_id, person_roles=dict(person_roles), organisation_ids=organisation_ids
    )


def partnership_relationship_ids(partnership: Partnership) -> QuerySet[Relationship]:
    """The lead institution's relationships with the partnership's organisations, at either end.

    Two index lookups joined by UNION: an OR across both ends makes SQLite scan the
    institution's whole index instead.
    """
    organisation_ids = partnership.parties.values("organisation_id")
    ends = (
        Relationship.objects.filter(institution_id=partnership.institution_id).order_by().values_list("pk", flat=True)
    )
    # A subquery, not a list: evaluated when the timeline is read, so it sees a relationship
    # created in the same request.
    return ends.filter(a_organisation_id__in=organisation_ids).union(
        ends.filter(b_organisation_id__in=organisation_ids)
    )


def partnership_timeline(partnership: Partnership) -> QuerySet[Interaction]:
    """Contact moments of the lead institution with the partnership's organisations."""
    return (
        Interaction.objects.filter(relationship_id__in=partnership_relationship_ids(partnership))
        .select_related(
            "relationship__a_person",
            "relationship__a_organisation",
            "relationship__b_person",
            "relationship__b_organisation",
            "intermediary",
            "logged_by",
        )
        .order_by("-occurred_on", "-id")
    )
