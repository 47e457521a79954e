"""``manage.py restore ARCHIVE [--force]``: put a backup into an empty database and media storage, and check it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from operations.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and media storage, and verify it against its manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="An archive written by manage.py backup.")
        parser.add_argument(
            "--force", action="store_true", help="Replace what the database and the media storage hold now."
        )

    def handle(self, *args: Any, archive: str, force: bool = False, **options: Any) -> None:
        if not Path(archive).is_file():
            raise CommandError(f"No archive at {archive}.")
        try:
            manifest = restore(Path(archive), force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        tables = manifest["database"]["tables"]
        self.stdout.write(
            f"Restored {archive}: {len(tables)} tables, {sum(tables.values())} rows, "
            f"{len(manifest['media'])} files; all match the manifest."
        )
