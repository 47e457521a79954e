"""Backup and restore of the database and the media files, as one tar archive with a manifest.

The database is copied with its own tools, never as a file: SQLite through its online backup
API (a consistent copy of a live database, write-ahead log included), PostgreSQL through
``pg_dump`` in its custom format. Media files are read and written through Django's storage API,
so they may live on local, shared or S3-compatible storage. ``manifest.json`` lists every table
with its row count and every file with its SHA-256; a restore checks both. A restore goes only
into an empty database and an empty media storage, unless forced (which first empties them).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.files.base import File
from django.core.files.storage import Storage, default_storage
from django.db import connections, transaction
from django.utils import timezone

FORMAT = 1
DB_SQLITE = "database.sqlite3"
DB_POSTGRES = "database.pgdump"
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why."""


def _sha256(handle: Any) -> str:
    digest = hashlib.sha256()
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _sha256_and_size(handle: Any) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _files(storage: Storage, folder: str = "") -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from _files(storage, f"{folder}/{sub}" if folder else sub)


def row_counts(using: str = "default") -> dict[str, int]:
    connection = connections[using]
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - introspected
            counts[table] = cursor.fetchone()[0]
    return counts


def _pg_env(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["-h", str(settings_dict.get("HOST") or "127.0.0.1"), "-p", str(settings_dict.get("PORT") or 5432)]
    if settings_dict.get("USER"):
        args += ["-U", settings_dict["USER"]]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def _dump_database(target: Path, using: str) -> tuple[str, dict[str, int]]:
    """Copy the database to ``target``; returns the archive's name for it and the row counts of the copy."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
            tables = [r[0] for r in destination.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            counts = {
                t: destination.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]  # noqa: S608 - from the catalogue
                for t in sorted(tables)
            }
        finally:
            destination.close()
        return DB_SQLITE, counts
    if connection.vendor == "postgresql":
        # pg_dump reads the snapshot our transaction exported, so the counts are of exactly what it copies.
        args, env = _pg_env(connection.settings_dict)
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = row_counts(using)
            done = subprocess.run(
                [
                    "pg_dump",
                    "-Fc",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    *args,
                    "-f",
                    str(target),
                    connection.settings_dict["NAME"],
                ],
                env=env,
                capture_output=True,
                text=True,
            )
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
        return DB_POSTGRES, counts
    raise BackupError(f"No backup for a {connection.vendor} database.")


def backup(archive: Path, *, using: str = "default", storage: Storage | None = None) -> dict[str, Any]:
    """Write the database and every media file into ``archive`` (a tar file); returns the manifest."""
    storage = storage or default_storage
    archive = Path(archive)
    archive.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "database"
        name, counts = _dump_database(dump, using)
        with dump.open("rb") as handle:
            database_sha = _sha256(handle)
        partial = archive.with_suffix(archive.suffix + ".partial")
        files: dict[str, dict[str, Any]] = {}
        with tarfile.open(partial, "w") as tar:
            tar.add(dump, arcname=name)
            for path in _files(storage):
                # Two reads, so that no file has to fit in memory: the checksum and size, then the copy.
                with storage.open(path, "rb") as handle:
                    sha, size = _sha256_and_size(handle)
                files[path] = {"sha256": sha, "size": size}
                info = tarfile.TarInfo(f"media/{path}")
                info.size = size
                with storage.open(path, "rb") as handle:
                    tar.addfile(info, handle)
            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "vendor": connections[using].vendor,
                "database": {"file": name, "sha256": database_sha, "tables": counts},
                "media": files,
            }
            body = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            info.mtime = int(dt.datetime.now(tz=dt.UTC).timestamp())
            tar.addfile(info, io.BytesIO(body))
        partial.replace(archive)
    return manifest


def _read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = tar.extractfile(MANIFEST)
    except KeyError as error:
        raise BackupError("The archive has no manifest.json: not a Brug backup.") from error
    if member is None:
        raise BackupError("The archive's manifest.json is not a file.")
    manifest = json.load(member)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def _is_empty(using: str, storage: Storage) -> tuple[bool, bool]:
    connection = connections[using]
    with connection.cursor() as cursor:
        tables = [t for t in connection.introspection.table_names(cursor) if t != "sqlite_sequence"]
    return not tables, next(_files(storage), None) is None


def _empty_database(using: str) -> None:
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    # SQLite: the online backup replaces the whole file's content.


def _empty_storage(storage: Storage) -> None:
    for path in list(_files(storage)):
        storage.delete(path)


def _load_database(dump: Path, name: str, using: str) -> None:
    connection = connections[using]
    if name == DB_SQLITE:
        if connection.vendor != "sqlite":
            raise BackupError("This archive holds a SQLite database; restore it into SQLite.")
        connection.close()
        source = sqlite3.connect(dump)
        target = sqlite3.connect(connection.settings_dict["NAME"])
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        return
    if connection.vendor != "postgresql":
        raise BackupError("This archive holds a PostgreSQL database; restore it into PostgreSQL.")
    connection.close()
    args, env = _pg_env(connection.settings_dict)
    done = subprocess.run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            *args,
            "-d",
            connection.settings_dict["NAME"],
            str(dump),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()}")


def restore(
    archive: Path, *, using: str = "default", storage: Storage | None = None, force: bool = False
) -> dict[str, Any]:
    """Put an archive's database and media back, check them against the manifest, and return it."""
    storage = storage or default_storage
    with tarfile.open(archive, "r") as tar, tempfile.TemporaryDirectory() as tmp:
        manifest = _read_manifest(tar)
        db_empty, media_empty = _is_empty(using, storage)
        if not (db_empty and media_empty) and not force:
            where = " and ".join(
                w for w, empty in (("the database", db_empty), ("the media storage", media_empty)) if not empty
            )
            raise BackupError(f"Refusing to restore: {where} is not empty. Use --force to replace everything in it.")
        name = manifest["database"]["file"]
        member = tar.extractfile(name)
        if member is None:
            raise BackupError(f"The archive has no {name}.")
        dump = Path(tmp) / name
        with dump.open("wb") as out:
            shutil.copyfileobj(member, out)
        with dump.open("rb") as handle:
            if _sha256(handle) != manifest["database"]["sha256"]:
                raise BackupError("The database copy in the archive does not match its checksum.")
        media = Path(tmp) / "media"
        for number, (path, expected) in enumerate(manifest["media"].items()):
            handle = tar.extractfile(f"media/{path}")
            if handle is None:
                raise BackupError(f"The archive has no media/{path}.")
            local = media / str(number)
            local.parent.mkdir(parents=True, exist_ok=True)
            with local.open("wb") as out:
                shutil.copyfileobj(handle, out)
            with local.open("rb") as check:
                if _sha256(check) != expected["sha256"]:
                    raise BackupError(f"The file {path} in the archive does not match its checksum.")
        # Everything is checked: only now is anything replaced.
        if force:
            _empty_database(using)
            _empty_storage(storage)
        _load_database(dump, name, using)
        for number, path in enumerate(manifest["media"]):
            with (media / str(number)).open("rb") as handle:
                saved = storage.save(path, File(handle))
            if saved != path:
                raise BackupError(f"The storage saved {path} as {saved}.")
    verify(manifest, using=using, storage=storage)
    return manifest


def verify(manifest: dict[str, Any], *, using: str = "default", storage: Storage | None = None) -> None:
    """Every table with the row count of the manifest, every file with its checksum."""
    storage = storage or default_storage
    counts = row_counts(using)
    expected = {t: n for t, n in manifest["database"]["tables"].items() if t != "sqlite_sequence"}
    wrong = {t: (n, counts.get(t)) for t, n in expected.items() if counts.get(t) != n}
    if wrong:
        raise BackupError(f"Row counts differ from the manifest (expected, found): {wrong}")
    for path, expected_file in manifest["media"].items():
        with storage.open(path, "rb") as handle:
            if _sha256(handle) != expected_file["sha256"]:
                raise BackupError(f"The restored file {path} does not match its checksum.")
