"""Inserting many rows as plain INSERTs, without building a model instance per row.

Django's ``bulk_create`` prepares every field of every instance through several layers of
conversion; for the region-scale demo data and for a 100,000-row import that preparation, not the
database, takes most of the time. ``RowInserter`` prepares each column once: a row is a dict keyed
by attribute name (``job_id``, not ``job``) holding values of the field's Python type, a field left
out gets its default (``public_id`` a fresh UUID per row, ``created_at``/``updated_at`` one "now"),
and only the types the database driver cannot take as they are (UUIDs, dates and times, JSON)
go through the field's own conversion.

Like ``bulk_create`` it sends no signals and skips ``save()``; callers write history and audit
rows themselves where a service would have.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from django.db import connections, models, transaction
from django.utils import timezone

CONVERTED = (models.UUIDField, models.DateField, models.DateTimeField, models.TimeField, models.JSONField)
# Rows per multi-row INSERT ... RETURNING; SQLite also caps the number of parameters per statement.
RETURNING_ROWS = 500


def chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


class RowInserter:
    """Column list, defaults and conversions of one model, worked out once for many rows."""

    def __init__(
        self, model: type[models.Model], *, with_pk: bool = False, now: Any = None, using: str = "default"
    ) -> None:
        self.model = model
        self.connection = connections[using]
        now = now or timezone.now()
        pk = model._meta.pk
        self.fields = [f for f in model._meta.concrete_fields if with_pk or f is not pk]
        self.defaults: dict[str, Any] = {}
        self.per_row: dict[str, Callable[[], Any]] = {}
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = now
            elif f.has_default() and callable(f.default):
                self.per_row[f.attname] = f.default
            elif f is not pk:
                self.defaults[f.attname] = f.get_default()
        self.convert = {f.attname: f for f in self.fields if isinstance(f, CONVERTED)}
        # Defaults that are the same for every row are converted once.
        self.fixed = {name: self._prep(name, value) for name, value in self.defaults.items()}
        self.names = [f.attname for f in self.fields]
        self._last: dict[str, tuple[Any, Any]] = {}
        quote = self.connection.ops.quote_name
        self.table = quote(model._meta.db_table)
        self.columns = ", ".join(quote(f.column) for f in self.fields)
        self.placeholders = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
        self.pk_column = quote(pk.column)

    def _prep(self, name: str, value: Any) -> Any:
        if value is not None and name in self.convert:
            return self.convert[name].get_db_prep_save(value, self.connection)
        return value

    def complete(self, row: dict[str, Any]) -> dict[str, Any]:
        """The row with every field it leaves out set to its default, as Python values (e.g. to write a
        history row with the same ``public_id`` and timestamps)."""
        for name, default in self.per_row.items():
            if name not in row:
                row[name] = default()
        for name, value in self.defaults.items():
            row.setdefault(name, value)
        return row

    def values(self, row: dict[str, Any]) -> tuple[Any, ...]:
        out = []
        last = self._last
        for name in self.names:
            if name in row:
                value = row[name]
                if value is not None and name in self.convert:
                    # Rows often share a value (one "now"); convert it once. Not JSON: a dict can change.
                    seen = last.get(name)
                    if seen is not None and seen[0] is value:
                        value = seen[1]
                    else:
                        prepped = self.convert[name].get_db_prep_save(value, self.connection)
                        if not isinstance(value, dict | list):
                            last[name] = (value, prepped)
                        value = prepped
                out.append(value)
            elif name in self.per_row:
                out.append(self._prep(name, self.per_row[name]()))
            else:
                out.append(self.fixed[name])
        return tuple(out)

    def insert(self, rows: Sequence[dict[str, Any]]) -> None:
        """INSERT every row, prepared once: ``executemany``, or on PostgreSQL its COPY."""
        if not rows:
            return
        # One transaction, as bulk_create has: outside one, every row would be committed on its own.
        with transaction.atomic(using=self.connection.alias, savepoint=False), self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                self._copy(cursor, self.columns, (self.values(row) for row in rows))
            else:
                sql = f"INSERT INTO {self.table} ({self.columns}) VALUES {self.placeholders}"
                cursor.executemany(sql, [self.values(row) for row in rows])

    def insert_returning_pks(self, rows: Sequence[dict[str, Any]]) -> list[Any]:
        """INSERT every row and return their new primary keys, in the order of ``rows``.

        On PostgreSQL the keys are taken from the table's sequence first and the rows sent with COPY;
        elsewhere a multi-row ``INSERT ... RETURNING``, as ``bulk_create`` does it, which returns the
        rows in the order of its VALUES.
        """
        if not rows:
            return []
        with transaction.atomic(using=self.connection.alias, savepoint=False), self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [self.model._meta.db_table, self.model._meta.pk.column, len(rows)],
                )
                pks = sorted(pk for (pk,) in cursor.fetchall())
                values = ((pk, *self.values(row)) for pk, row in zip(pks, rows, strict=True))
                self._copy(cursor, f"{self.pk_column}, {self.columns}", values)
                return pks
            limit = self.connection.features.max_query_params
            size = max(1, min(RETURNING_ROWS, limit // len(self.fields))) if limit else RETURNING_ROWS
            pks = []
            for chunk in chunks(rows, size):
                sql = (
                    f"INSERT INTO {self.table} ({self.columns}) VALUES "
                    + ", ".join([self.placeholders] * len(chunk))
                    + f" RETURNING {self.pk_column}"
                )
                cursor.execute(sql, [value for row in chunk for value in self.values(row)])
                pks.extend(pk for (pk,) in cursor.fetchall())
            return pks

    def _copy(self, cursor: Any, columns: str, values: Iterable[tuple[Any, ...]]) -> None:
        """PostgreSQL's COPY through psycopg: several times faster than INSERTs of the same rows."""
        with cursor.cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)


class HistoryInserter:
    """Rows of a model's django-simple-history table as its own handlers write them: every tracked field of
    the record, and when, by whom and what happened ("+" created, "~" changed, "-" deleted)."""

    def __init__(self, model: type[models.Model], *, history_type: str, user_id: int | None, now: Any) -> None:
        history = model.history.model  # type: ignore[attr-defined]
        self.tracked = [f.attname for f in history.tracked_fields]
        self.inserter = RowInserter(history, now=now)
        self.stamp = {
            "history_date": now,
            "history_user_id": user_id,
            "history_type": history_type,
            "history_change_reason": "",
        }

    def insert(self, rows: Iterable[dict[str, Any]]) -> None:
        """``rows`` hold the record's values by attribute name, its primary key included."""
        self.inserter.insert([{**{name: row[name] for name in self.tracked}, **self.stamp} for row in rows])
