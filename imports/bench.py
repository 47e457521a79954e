"""Timing an organisation import at the size the issue names: 100,000 rows, preview and import under 60 s,
and a second import of the same file changes nothing.

``bench_import(rows)`` writes into the current default database and takes its rows back (undo) at the end.
Run it against a scratch database, e.g.::

    BRUG_SQLITE_NAME=/tmp/bench-import.sqlite3 .venv/bin/python manage.py migrate
    BRUG_SQLITE_NAME=/tmp/bench-import.sqlite3 .venv/bin/python manage.py shell -c \
        "from imports.bench import main; main()"
"""

from __future__ import annotations

import random
import time
from typing import Any

from imports.models import ImportJob
from network.models import Institution, Organisation

SEED = 20270131
CITIES = [("9000", "Gent"), ("3000", "Leuven"), ("2000", "Antwerpen"), ("1000", "Brussel"), ("8000", "Brugge")]
WORDS = ["Buurtwerk", "Huiswerkklas", "Sportclub", "Jeugdhuis", "Wijkcentrum", "Voedselbank", "Taalcafé", "Kringloop"]


def enterprise_number(n: int) -> str:
    """A valid Belgian enterprise number (modulo-97 check digits), different for every n."""
    first8 = f"0{2_000_000 + n:07d}"
    check = 97 - int(first8) % 97
    digits = f"{first8}{check:02d}"
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def make_csv(rows: int) -> bytes:
    """A Belgian-Excel CSV: semicolons, Windows-1252, Dutch headers, a title row above the header."""
    rng = random.Random(SEED)
    lines = [
        "Partnerlijst dienst maatschappelijk engagement",
        "Naam;Straat;Postcode;Gemeente;KBO;E-mail;Telefoon;Capaciteit",
    ]
    for n in range(rows):
        postcode, city = rng.choice(CITIES)
        name = f"{rng.choice(WORDS)} {city} {n}"
        lines.append(
            f"{name};Kerkstraat {n % 200 + 1};{postcode};{city};{enterprise_number(n)};"
            f"info{n}@voorbeeld.be;+32 9 {n % 1000:03d} {n % 100:02d} {n % 97:02d};{n % 10}"
        )
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def _institution() -> Institution:
    institution, _created = Institution.objects.get_or_create(
        slug="bench-import", defaults={"name": "Bench import", "short_name": "Bench"}
    )
    return institution


def _one_import(data: bytes, institution: Institution) -> tuple[ImportJob, float, float]:
    from imports import services

    started = time.perf_counter()
    job = services.create_job(by=None, institution=institution, kind="organisations", name="bench.csv", data=data)
    services.set_mapping(job, job.mapping)
    services.build_preview(job)
    previewed = time.perf_counter()
    assert job.status == ImportJob.Status.PREVIEWED, job.error
    services.run_import(job, by=None)
    assert job.status == ImportJob.Status.DONE, job.error
    return job, previewed - started, time.perf_counter() - previewed


def bench_import(rows: int = 100_000) -> dict[str, Any]:
    """Seconds for preview and import of ``rows`` organisations, then again for the same file (nothing may change)."""
    institution = _institution()
    data = make_csv(rows)
    before = Organisation.objects.count()
    first, preview_s, import_s = _one_import(data, institution)
    after_first = Organisation.objects.count()
    second, preview2_s, import2_s = _one_import(data, institution)
    after_second = Organisation.objects.count()
    result = {
        "rows": rows,
        "preview_s": round(preview_s, 2),
        "import_s": round(import_s, 2),
        "total_s": round(preview_s + import_s, 2),
        "created": first.summary["written"]["created"],
        "second_preview_s": round(preview2_s, 2),
        "second_import_s": round(import2_s, 2),
        "second_created": second.summary["written"]["created"],
        "second_updated": second.summary["written"]["updated"],
        "second_unchanged": second.summary["written"]["unchanged"],
        "second_changed_nothing": after_second == after_first
        and second.summary["written"]["created"] == 0
        and second.summary["written"]["updated"] == 0,
    }
    from imports import services

    started = time.perf_counter()
    services.undo_import(second, by=None)
    services.undo_import(first, by=None)
    result["undo_s"] = round(time.perf_counter() - started, 2)
    result["undone"] = Organisation.objects.count() == before
    for job in (first, second):
        job.file.delete(save=False)
    return result


def main(rows: int = 100_000) -> None:
    result = bench_import(rows)
    for key, value in result.items():
        print(f"{key}: {value}")


def make_xlsx(rows: int) -> bytes:
    """The same table as ``make_csv`` as an Excel workbook (shared strings, as Excel itself saves them)."""
    import csv
    import io

    from openpyxl import Workbook

    text = make_csv(rows).decode("cp1252")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for record in csv.reader(io.StringIO(text, newline=""), delimiter=";"):
        sheet.append(record)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bench_formats(rows: int = 100_000, page_runs: int = 5) -> dict[str, Any]:
    """The same rows as CSV and as XLSX, side by side: the upload (read, header, samples), the preview (the
    whole file read once and checked), and the import page of the workbook's job (median of ``page_runs``).
    Nothing is imported; the jobs and their files are removed at the end."""
    from django.test import Client
    from django.urls import reverse

    from accounts.models import Role, User
    from imports import services

    institution = _institution()
    user, _created = User.objects.get_or_create(
        username="bench-import-coordinator", defaults={"role": Role.COORDINATOR, "institution": institution}
    )
    result: dict[str, Any] = {"rows": rows}
    jobs: list[ImportJob] = []
    try:
        for fmt, data in (("csv", make_csv(rows)), ("xlsx", make_xlsx(rows))):
            result[f"{fmt}_bytes"] = len(data)
            started = time.perf_counter()
            job = services.create_job(
                by=user, institution=institution, kind="organisations", name=f"bench.{fmt}", data=data
            )
            result[f"{fmt}_upload_s"] = round(time.perf_counter() - started, 2)
            jobs.append(job)
            client = Client()
            client.force_login(user)
            url = reverse("import-detail", args=[job.public_id])
            client.get(url)
            times = []
            for _run in range(page_runs):
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
                assert response.status_code == 200, response.status_code
            result[f"{fmt}_page_ms"] = round(sorted(times)[len(times) // 2] * 1000)
            services.set_mapping(job, job.mapping)
            started = time.perf_counter()
            services.build_preview(job)
            result[f"{fmt}_preview_s"] = round(time.perf_counter() - started, 2)
            assert job.status == ImportJob.Status.PREVIEWED, job.error
            result[f"{fmt}_previewed_rows"] = job.summary["total"]
    finally:
        for job in jobs:
            job.file.delete(save=False)
            job.delete()
        user.delete()
    result["xlsx_upload_vs_csv"] = round(result["xlsx_upload_s"] / max(result["csv_upload_s"], 0.001), 1)
    return result


def main_formats(rows: int = 100_000) -> None:
    for key, value in bench_formats(rows).items():
        print(f"{key}: {value}")
