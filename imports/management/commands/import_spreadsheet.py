"""``manage.py import_spreadsheet FILE --kind organisations --institution SLUG [--mapping JSON] [--dry-run]``

The same import as the web pages: read, guess or take the mapping, preview, and (unless --dry-run)
write in one transaction. Likely duplicates are merged into the existing record. Progress goes to stderr.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from imports import services
from imports.models import ImportJob, ImportRow, Kind
from lib.errors import DomainError
from network.models import Institution


class Command(BaseCommand):
    help = "Import organisations, people, courses, engagements or contact moments from a CSV or XLSX file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--kind", required=True, choices=Kind.values)
        parser.add_argument("--institution", required=True, help="Slug of the institution importing.")
        parser.add_argument(
            "--mapping",
            default="",
            help='JSON object of column header (or 0-based index) to field, e.g. {"Naam": "name", "Zip": "postcode"}.',
        )
        parser.add_argument("--user", default="", help="Username recorded as the one who imported.")
        parser.add_argument("--dry-run", action="store_true", help="Preview only: write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        institution = Institution.objects.filter(slug=options["institution"]).first()
        if institution is None:
            raise CommandError(f"No institution with slug {options['institution']!r}.")
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']!r}.")
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        try:
            job = services.create_job(by=user, institution=institution, kind=options["kind"], name=path.name, data=data)
            mapping = self._mapping(job, options["mapping"]) if options["mapping"] else job.mapping
            services.set_mapping(job, mapping)
        except DomainError as exc:
            raise CommandError(" ".join(str(m) for m in exc.messages)) from exc
        self.stderr.write(
            f"Header on row {job.header_row}; columns: "
            + ", ".join(f"{services.column_label(job, int(c))} -> {t}" for c, t in job.mapping.items())
        )
        services.build_preview(job, progress=self._progress("preview"))
        if job.status == ImportJob.Status.FAILED:
            raise CommandError(job.error)
        self._report(job)
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing written.")
            return
        services.run_import(job, by=user, progress=self._progress("import"))
        if job.status != ImportJob.Status.DONE:
            raise CommandError(job.error)
        written = job.summary["written"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported: {written['created']} created, {written['updated']} updated, "
                f"{written['unchanged']} unchanged, {written['skipped']} skipped. Import id {job.public_id}."
            )
        )

    def _mapping(self, job: ImportJob, raw: str) -> dict[str, str]:
        try:
            given = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise CommandError(f"--mapping is not JSON: {exc}") from exc
        if not isinstance(given, dict):
            raise CommandError("--mapping must be a JSON object.")
        headers = [str(h) for h in job.headers]
        mapping: dict[str, str] = {}
        for column, target in given.items():
            if str(column).isdigit():
                mapping[str(column)] = str(target or "")
            elif str(column) in headers:
                mapping[str(headers.index(str(column)))] = str(target or "")
            else:
                raise CommandError(f"No column {column!r} in the header row: {headers}")
        # Columns not named keep their guessed field.
        return {**job.mapping, **mapping}

    def _progress(self, phase: str) -> Any:
        def show(done: int, total: int) -> None:
            sys.stderr.write(f"\r{phase}: {done}/{total} rows")
            if done >= total:
                sys.stderr.write("\n")
            sys.stderr.flush()

        return show

    def _report(self, job: ImportJob) -> None:
        summary = job.summary
        self.stdout.write(
            f"Preview: {summary.get('create', 0)} to create, {summary.get('update', 0)} to update, "
            f"{summary.get('unchanged', 0)} unchanged, {summary.get('error', 0)} with errors."
        )
        errors = ImportRow.objects.filter(job=job, action=ImportRow.Action.ERROR).order_by("row_number")[:50]
        for row in errors:
            for error in row.errors:
                where = f"Row {row.row_number}" + (f", column {error['column']}" if error["column"] else "")
                self.stdout.write(f"  {where}: {error['message']}")
