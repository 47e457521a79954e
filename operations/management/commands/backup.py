"""``manage.py backup [--output FILE]``: the database and the media files in one tar archive with a manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from operations.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup or pg_dump) and the media files into one archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", help="The archive to write (default: backups/brug-<time>.tar).")

    def handle(self, *args: Any, output: str | None = None, **options: Any) -> None:
        archive = Path(output or f"backups/brug-{timezone.now():%Y%m%d-%H%M%S}.tar")
        try:
            manifest = backup(archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        tables = manifest["database"]["tables"]
        self.stdout.write(
            f"Wrote {archive}: {len(tables)} tables, {sum(tables.values())} rows, {len(manifest['media'])} files."
        )
