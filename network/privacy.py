"""Personal data of a person: exportable as a whole and erasable on request (GDPR articles 15, 17, 20).

Feature apps that keep personal data about a person register an exporter
here in their AppConfig.ready(), so the foundation needs no import of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.services import record
from lib.errors import DomainError
from network.models import Interaction, Person, Relationship

Exporter = Callable[[Person], dict[str, Any]]
EXPORTERS: list[Exporter] = []


def register_exporter(exporter: Exporter) -> Exporter:
    EXPORTERS.append(exporter)
    return exporter


def export_person(person: Person) -> dict[str, Any]:
    """Everything Brug keeps about one person, as plain JSON-ready data."""
    relationships = Relationship.objects.involving_person(person).with_actors()
    data: dict[str, Any] = {
        "person": {
            "id": str(person.public_id),
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "phone": person.phone,
            "active": person.is_active,
            "institution": str(person.institution),
            "created_at": person.created_at.isoformat(),
        },
        "roles": [
            {
                "role": a.get_role_display(),
                "organisation": str(a.organisation) if a.organisation_id else None,
                "title": a.title,
            }
            for a in person.affiliations.select_related("organisation")
        ],
        "relationships": [
            {"id": str(r.public_id), "with": str(r.other_end(person)), "description": r.description}
            for r in relationships
        ],
        "contact_moments": [
            {"date": i.occurred_on.isoformat(), "channel": i.channel, "summary": i.summary}
            for i in Interaction.objects.filter(relationship__in=relationships).order_by("occurred_on")
        ],
        "owns_relationships": [str(r.public_id) for r in person.owned_relationships.all()],
    }
    for exporter in EXPORTERS:
        data.update(exporter(person))
    return data


@transaction.atomic
def export_personal_data(person: Person, *, by: Any) -> dict[str, Any]:
    """``export_person``, for someone who asked for it: the audit trail says who exported whose data."""
    data = export_person(person)
    record(by, "exported personal data", person)
    return data


@transaction.atomic
def erase_person(person: Person, *, by: Any) -> None:
    """Remove a person's identifying data and their history; the records they took part in stay,
    anonymous, so the partnership's history keeps its shape.

    Removed: name, e-mail address, phone number, the change history of the person record, the name in
    the audit trail, and the login's name, e-mail address, username and password. Kept, without a name:
    roles, relationships, contact moments, engagements and hours.
    """
    if person.owned_relationships.exists() or person.owned_partnerships.exists():
        raise DomainError(_("Hand over what this person owns before erasing them."))
    person.first_name = _("Erased")
    person.last_name = _("person")
    person.email = ""
    person.phone = ""
    person.is_active = False
    person.save()
    person.history.all().delete()
    user = getattr(person, "user", None) if hasattr(person, "user") else None
    if user is not None:
        user.first_name = user.last_name = user.email = ""
        user.username = f"erased-{user.pk}"
        user.is_active = False
        user.set_unusable_password()
        user.save()
        user.api_tokens.all().delete()
    AuditEntry.objects.filter(target_type="network.person", target_id=str(person.public_id)).update(
        target_repr=str(person)[:200]
    )
    record(by, "erased", person)
