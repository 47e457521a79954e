"""Verified mail contacts for the demo's organisations, so that digests of proposals have somewhere to go.

In a real installation an address becomes a verified contact when the organisation or the office adds it
and the address confirms with the link mailed to it; the demo, as the system, vouches for the organisation
staff it invented (``address_proven``: their addresses are made up, no link can reach them)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from demo.content import CASE_ORGANISATION_NAMES
from network.contacts import add_contact
from network.models import Affiliation, Organisation, OrganisationContact, SofarRole


def load_demo_contacts(stdout: Any = None) -> int:
    """Give every demo organisation without a verified contact one: its first staff member with an address,
    or else its own e-mail address. Idempotent; returns how many contacts it added."""
    from demo.generate import organisation_names
    from demo.management.commands.load_demo import GENERATED_ORGANISATIONS

    generated = [name for name, _kind in organisation_names(GENERATED_ORGANISATIONS)]
    verified = OrganisationContact.objects.filter(approved_at__isnull=False, address_confirmed_at__isnull=False)
    organisations = (
        Organisation.objects.filter(name__in=[*CASE_ORGANISATION_NAMES, *generated])
        .exclude(pk__in=verified.values("organisation_id"))
        .order_by("pk")
    )
    staff: dict[int, tuple[str, str]] = {}
    for organisation_id, email, first, last in (
        Affiliation.objects.filter(role=SofarRole.ORGANISATION, organisation__in=organisations)
        .exclude(Q(person__email="") | Q(person__is_active=False))
        .order_by("person__last_name", "person_id")
        .values_list("organisation_id", "person__email", "person__first_name", "person__last_name")
    ):
        staff.setdefault(organisation_id, (email, f"{first} {last}"))
    added = 0
    for organisation in organisations:
        email, name = staff.get(organisation.pk, (organisation.email, ""))
        if email:
            add_contact(organisation, by=None, email=email, name=name, language="nl", address_proven=True)
            added += 1
    if stdout is not None and added:
        stdout.write(f"    {added} verified mail contacts")
    return added
