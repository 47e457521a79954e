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
