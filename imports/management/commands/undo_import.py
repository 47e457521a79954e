"""``manage.py undo_import IMPORT_ID --institution SLUG [--user NAME] [--only-safe]``

The same undo as the import page and the API: refused, with the list of what blocks it, while anything was
written on the import's records since; ``--only-safe`` undoes the rest and keeps those records.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from accounts.models import User
from imports import services
from imports.models import ImportJob
from imports.undo import UndoRefused
from lib.errors import DomainError


class Command(BaseCommand):
    help = "Undo an import, losing nothing written since (or only what is safe, with --only-safe)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("import_id", help="The import's id, as the import command and the API give it.")
        parser.add_argument("--institution", required=True, help="Slug of the institution that imported.")
        parser.add_argument("--user", default="", help="Username recorded as the one who undid it.")
        parser.add_argument(
            "--only-safe", action="store_true", help="Undo what nothing was written on since; keep the rest."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            public_id = uuid.UUID(options["import_id"])
        except ValueError as exc:
            raise CommandError(f"{options['import_id']!r} is not an import id.") from exc
        # Another institution's import is not found, as on the web (404).
        job = ImportJob.objects.filter(public_id=public_id, institution__slug=options["institution"]).first()
        if job is None:
            raise CommandError(f"No import {public_id} of institution {options['institution']!r}.")
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']!r}.")
        try:
            # The refusal speaks the user's language, or the site's, as the import's messages do.
            with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
                count = services.undo_import(job, by=user, only_safe=options["only_safe"])
        except UndoRefused as exc:
            lines = "\n".join(f"  - {message}" for message in exc.messages)
            raise CommandError(f"Not undone: work was done on the import's records since.\n{lines}") from exc
        except DomainError as exc:
            raise CommandError(" ".join(str(m) for m in exc.messages)) from exc
        kept = job.summary.get("undo", {}).get("kept", 0)
        self.stdout.write(self.style.SUCCESS(f"Undone: {count} records taken back, {kept} kept."))
