"""Partnership operations, ownership and the hand-over when someone leaves."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from audit.services import record
from lib.concurrency import save_versioned
from lib.errors import DomainError
from network.models import Organisation, Person, Relationship
from network.services import refresh_orphaned
from partnerships.models import HandOver, Partnership, PartnershipParty

PARTNERSHIP_FIELDS = ("title", "summary", "kind", "basis", "stage", "status", "campus", "start_date", "end_date")


def check_owners(institution_id: int, owners: Sequence[Person]) -> None:
    if not owners:
        raise DomainError({"owners": _("A partnership needs at least one owner inside the institution.")})
    for owner in owners:
        if owner.institution_id != institution_id or not owner.is_active:
            raise DomainError(
                {"owners": _("%(name)s cannot own it: owners are active people of the institution.") % {"name": owner}}
            )


@transaction.atomic
def create_partnership(
    *,
    by: Any,
    institution: Any,
    title: str,
    organisations: Sequence[Organisation],
    owners: Sequence[Person],
    other_institutions: Iterable[Any] = (),
    **fields: Any,
) -> Partnership:
    if not organisations:
        raise DomainError({"organisations": _("Choose at least one partner organisation.")})
    check_owners(institution.pk, owners)
    partnership = Partnership(
        institution=institution, title=title, **{k: v for k, v in fields.items() if k in PARTNERSHIP_FIELDS}
    )
    partnership.full_clean()
    partnership.save()
    PartnershipParty.objects.bulk_create(
        [
            PartnershipParty(partnership=partnership, organisation=o, joined_on=partnership.start_date)
            for o in organisations
        ]
    )
    partnership.owners.set(owners)
    partnership.other_institutions.set([i for i in other_institutions if i.pk != institution.pk])
    record(by, "created", partnership)
    return partnership


@transaction.atomic
def update_partnership(
    partnership: Partnership,
    *,
    by: Any,
    expected_version: int | None,
    organisations: Sequence[Organisation] | None = None,
    owners: Sequence[Person] | None = None,
    other_institutions: Iterable[Any] | None = None,
    **fields: Any,
) -> Partnership:
    changes = {k: v for k, v in fields.items() if k in PARTNERSHIP_FIELDS and getattr(partnership, k) != v}
    save_versioned(partnership, expected_version=expected_version, fields=changes)
    if organisations is not None:
        if not organisations:
            raise DomainError({"organisations": _("Choose at least one partner organisation.")})
        keep = {o.pk for o in organisations}
        partnership.parties.exclude(organisation_id__in=keep).delete()
        existing = set(partnership.parties.values_list("organisation_id", flat=True))
        PartnershipParty.objects.bulk_create(
            [PartnershipParty(partnership=partnership, organisation=o) for o in organisations if o.pk not in existing]
        )
    if owners is not None:
        check_owners(partnership.institution_id, owners)
        partnership.owners.set(owners)
        Partnership.objects.filter(pk=partnership.pk).update(orphaned=False)
        changes["owners"] = [str(o) for o in owners]
    if other_institutions is not None:
        keep = [i for i in other_institutions if i.pk != partnership.institution_id]
        partnership.other_institutions.set(keep)
        changes["other_institutions"] = [str(i) for i in keep]
    record(by, "changed", partnership, changes=changes)
    return partnership


def refresh_orphaned_partnerships(*, institution_id: int) -> None:
    active_owner = Partnership.owners.through.objects.filter(partnership_id=OuterRef("pk"), person__is_active=True)
    base = Partnership.objects.filter(institution_id=institution_id)
    base.filter(Exists(active_owner)).exclude(orphaned=False).update(orphaned=False)
    base.filter(~Exists(active_owner)).exclude(orphaned=True).update(orphaned=True)


def owned_counts(person: Person) -> tuple[int, int]:
    return (
        person.owned_relationships.filter(status=Relationship.Status.ACTIVE).count(),
        person.owned_partnerships.exclude(status=Partnership.Status.ENDED).count(),
    )


@transaction.atomic
def hand_over(person: Person, *, to: Person, by: Any, note: str = "") -> HandOver:
    """Pass everything ``person`` owns to ``to``. Interactions and history stay where they are."""
    if to.pk == person.pk:
        raise DomainError({"to": _("Choose someone else to take over.")})
    if to.institution_id != person.institution_id or not to.is_active:
        raise DomainError({"to": _("Hand over to an active person of the same institution.")})
    relationships = list(person.owned_relationships.all())
    partnerships = list(person.owned_partnerships.all())
    for relationship in relationships:
        relationship.owners.remove(person)
        relationship.owners.add(to)
    for partnership in partnerships:
        partnership.owners.remove(person)
        partnership.owners.add(to)
    refresh_orphaned([r.pk for r in relationships])
    refresh_orphaned_partnerships(institution_id=person.institution_id)
    handover = HandOver.objects.create(
        institution_id=person.institution_id,
        from_person=person,
        to_person=to,
        by=by if getattr(by, "is_authenticated", False) else None,
        relationships=len(relationships),
        partnerships=len(partnerships),
        note=note,
    )
    record(
        by,
        "handed over",
        person,
        changes={"to": str(to), "relationships": len(relationships), "partnerships": len(partnerships)},
    )
    return handover


@transaction.atomic
def deactivate_person(
    person: Person, *, by: Any, hand_over_to: Person | None = None, leave_orphaned: bool = False
) -> None:
    """Deactivate someone who leaves. If they still own anything, it is handed over first,
    or left orphaned only when the caller says so explicitly (it then shows on the dashboard)."""
    owns_relationships, owns_partnerships = owned_counts(person)
    if (owns_relationships or owns_partnerships) and hand_over_to is None and not leave_orphaned:
        raise DomainError(
            {
                "to": _(
                    "%(name)s still owns %(relationships)d relationships and %(partnerships)d partnerships: "
                    "choose who takes them over."
                )
                % {"name": person, "relationships": owns_relationships, "partnerships": owns_partnerships}
            }
        )
    if hand_over_to is not None:
        hand_over(person, to=hand_over_to, by=by)
    Person.objects.filter(pk=person.pk).update(is_active=False)
    person.is_active = False
    person.save(update_fields=["is_active"])
    if hasattr(person, "user") and person.user is not None:
        type(person.user).objects.filter(pk=person.user.pk).update(is_active=False)
    refresh_orphaned(person.owned_relationships.values_list("pk", flat=True))
    refresh_orphaned_partnerships(institution_id=person.institution_id)
    record(by, "deactivated", person)
