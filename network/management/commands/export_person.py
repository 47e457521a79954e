"""Export everything Brug keeps about one person (a GDPR access request), as JSON or a readable page."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from django.core.management.base import BaseCommand, CommandError, CommandParser

from network.export_page import export_page
from network.models import Person
from network.privacy import export_personal_data


def find_person(identifier: str, institution: str | None) -> Person:
    """The one person with that public id or e-mail address, within the institution when one is named."""
    people = Person.objects.select_related("institution")
    try:
        people = people.filter(public_id=UUID(identifier))
    except ValueError:
        people = people.filter(email__iexact=identifier.strip())
    found = list(people[:10])
    if institution:
        inside = [p for p in found if p.institution.slug == institution]
        if found and not inside:
            raise CommandError(f"{identifier} is not a person of institution {institution}: nothing exported.")
        found = inside
    if not found:
        raise CommandError(f"No person with id or e-mail address {identifier}.")
    if len(found) > 1:
        slugs = ", ".join(sorted({p.institution.slug for p in found}))
        raise CommandError(
            f"{len(found)} people have the e-mail address {identifier} ({slugs}): give the person's id, or "
            "--institution."
        )
    return found[0]


class Command(BaseCommand):
    help = "Export everything Brug keeps about one person, by public id or e-mail address, as JSON or HTML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("person", help="The person's public id (UUID) or e-mail address.")
        parser.add_argument("--format", choices=["json", "html"], default="json")
        parser.add_argument("--institution", help="Slug of the institution the person must belong to.")
        parser.add_argument("--output", "-o", help="Write to this file instead of standard output.")

    def handle(self, *args: Any, **options: Any) -> None:
        person = find_person(options["person"], options.get("institution"))
        data = export_personal_data(person, by=None)
        if options["format"] == "html":
            text = export_page(person, data)
        else:
            text = json.dumps(data, ensure_ascii=False, indent=2)
        if options.get("output"):
            with open(options["output"], "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stderr.write(f"Personal data of {person.public_id} written to {options['output']}.")
        else:
            self.stdout.write(text)
