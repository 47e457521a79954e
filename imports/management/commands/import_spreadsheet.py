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
from django.template.defaultfilters import filesizeformat

from accounts.models import User
from imports import services
from imports.models import ImportJob, ImportRow, Kind
from imports.readers import ENCODINGS, max_upload_bytes
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
        parser.add_argument(
            "--encoding",
            default="",
            choices=["", *(value for value, _label in ENCODINGS)],
            help="The characters of a CSV file when they are not recognised (utf-8, cp1252, ...).",
        )

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
        limit = max_upload_bytes()
        try:
            # The web's limit, checked before the file is read: a huge file costs neither time nor memory.
            size = path.stat().st_size
            if size > limit:
                raise CommandError(
                    f"{path} is {filesizeformat(size)}; Brug takes files of at most {filesizeformat(limit)}. "
                    "Split it into smaller files."
                )
            with path.open("rb") as handle:
                data = handle.read(limit + 1)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        if len(data) > limit:
            raise CommandError(f"{path} is larger than {filesizeformat(limit)}. Split it into smaller files.")
        job = None
        try:
            job = services.create_job(
                by=user,
                institution=institution,
                kind=options["kind"],
                name=path.name,
                data=data,
                encoding=options["encoding"],
            )
            self._run(job, user, options)
        except DomainError as exc:
            self._discard(job)
            raise CommandError(" ".join(str(m) for m in exc.messages)) from exc
        except CommandError:
            self._discard(job)
            raise

    def _discard(self, job: ImportJob | None) -> None:
        """A refused run leaves nothing behind: neither its job nor its copy of the file."""
        if job is None or job.pk is None:
            return
        if job.file:
            job.file.delete(save=False)
        job.delete()

    def _run(self, job: ImportJob, user: Any, options: dict[str, Any]) -> None:
        mapping = self._mapping(job, options["mapping"]) if options["mapping"] else job.mapping
        services.set_mapping(job, mapping)
        self.stderr.write(
            f"Header on row {job.header_row}; columns: "
            + ", ".join(f"{services.column_label(job, int(c))} -> {t}" for c, t in job.mapping.items())
        )
        services.build_preview(job, progress=self._progress("preview"))
        if job.status == ImportJob.Status.FAILED:
            raise CommandError(job.error)
        self._report(job)
        if options["dry_run"]:
            self._discard(job)
            self.stdout.write("Dry run: nothing written.")
            return
        services.run_import(job, by=user, progress=self._progress("import"))
        if job.status != ImportJob.Status.DONE:
            raise CommandError(job.error)
        written = job.summary["written"]
        line = (
            f"Imported: {written['created']} created, {written['updated']} updated, "
            f"{written['unchanged']} unchanged, {written['skipped']} skipped, "
            f"{written.get('warnings', 0)} with warnings. Import id {job.public_id}."
        )
        if written["created"] or written["updated"]:
            self.stdout.write(self.style.SUCCESS(line))
        else:
            self.stdout.write(self.style.WARNING("Nothing was imported. " + line))

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
            f"{summary.get('unchanged', 0)} unchanged, {summary.get('error', 0)} with errors (skipped), "
            f"{summary.get('warnings', 0)} with warnings (imported, those cells empty)."
        )
        errors = ImportRow.objects.filter(job=job, action=ImportRow.Action.ERROR).order_by("row_number")[:50]
        for row in errors:
            for error in row.errors:
                where = f"Row {row.row_number}" + (f", column {error['column']}" if error["column"] else "")
                self.stdout.write(f"  {where}: {error['message']}")
        warned = ImportRow.objects.filter(job=job).exclude(warnings=[]).order_by("row_number")[:50]
        for row in warned:
            for warning in row.warnings:
                where = f"Row {row.row_number}" + (f", column {warning['column']}" if warning["column"] else "")
                self.stdout.write(f"  {where} (warning): {warning['message']}")
        for question in services.value_questions(job):
            words = ", ".join(f"{w['raw']!r} ({w['count']})" for w in question["words"][:20])
            self.stdout.write(f"  Not recognised in column {question['label']}: {words}")
