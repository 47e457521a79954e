"""Batch matching: every need against every offer (or the reverse), from JSON or from the database.

The input format is documented in ``docs/matching-input.md`` (example: ``docs/examples/matching-input.json``);
the same shapes are the API's body for ``POST /api/matching/batch``. Large batches are split over the
machine's cores with ``fork``: the index is built once in the parent and shared copy-on-write, each worker
ranks a slice of the queries and sends back finished JSON text.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from matching.engine import Collection, Context, NeedRecord, OfferRecord, Ranked, rank

Direction = Literal["needs", "offers", "both"]
Progress = Callable[[int, int], None]
PARALLEL_FROM = 2_000
CHUNK = 250
MAX_TEXT = 5_000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class BatchLoadIn(_Strict):
    taken: int = Field(ge=0, description="Requests, proposals and engagements this academic period.")
    capacity: int = Field(ge=0, description="What the organisation can take on per academic period.")


class BatchRelationshipIn(_Strict):
    institution: str = Field(min_length=1, max_length=100)
    last_contact_on: dt.date | None = None


class BatchNeedIn(_Strict):
    """A need in the batch format."""

    id: str = Field(min_length=1, max_length=100)
    organisation: str = Field(min_length=1, max_length=100)
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=MAX_TEXT)
    language: Literal["nl", "en"] = "nl"
    themes: list[str] = Field(default_factory=list, max_length=50)
    target_groups: list[str] = Field(default_factory=list, max_length=50)
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    effort_hours: int = Field(0, ge=0)
    max_students: int = Field(0, ge=0)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    organisation_load: BatchLoadIn | None = None
    healthy_relationships: list[BatchRelationshipIn] = Field(default_factory=list, max_length=100)

    @model_validator(mode="after")
    def _period_in_order(self) -> BatchNeedIn:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        return self

    def record(self) -> NeedRecord:
        return NeedRecord(
            id=self.id,
            organisation=self.organisation,
            title=self.title,
            description=self.description,
            language=self.language,
            themes=frozenset(self.themes),
            target_groups=frozenset(self.target_groups),
            period_start=self.period_start,
            period_end=self.period_end,
            effort_hours=self.effort_hours,
            max_students=self.max_students,
            latitude=self.latitude,
            longitude=self.longitude,
        )


class BatchOfferIn(_Strict):
    """An offer in the batch format."""

    id: str = Field(min_length=1, max_length=100)
    institution: str = Field(min_length=1, max_length=100)
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=MAX_TEXT)
    learning_goals: str = Field("", max_length=MAX_TEXT)
    disciplines: str = Field("", max_length=1000)
    language: Literal["nl", "en"] = "nl"
    themes: list[str] = Field(default_factory=list, max_length=50)
    target_groups: list[str] = Field(default_factory=list, max_length=50)
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    students: int = Field(0, ge=0)
    hours_per_student: int = Field(0, ge=0)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    campus: str = Field("", max_length=200)

    @model_validator(mode="after")
    def _period_in_order(self) -> BatchOfferIn:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        return self

    def record(self) -> OfferRecord:
        return OfferRecord(
            id=self.id,
            institution=self.institution,
            title=self.title,
            description=self.description,
            learning_goals=self.learning_goals,
            disciplines=self.disciplines,
            language=self.language,
            themes=frozenset(self.themes),
            target_groups=frozenset(self.target_groups),
            period_start=self.period_start,
            period_end=self.period_end,
            students=self.students,
            hours_per_student=self.hours_per_student,
            latitude=self.latitude,
            longitude=self.longitude,
            campus=self.campus,
        )


class BatchInputError(ValueError):
    """The input does not fit the documented format; the message says where."""


def _items(data: Any, key: str) -> list[Any]:
    if isinstance(data, Mapping):
        data = data.get(key)
    if not isinstance(data, list):
        raise BatchInputError(f'expected a list of {key}, or an object with a "{key}" list')
    return data


def _parse(data: Any, key: str, model: type[BaseModel]) -> list[Any]:
    parsed = []
    seen: set[str] = set()
    for number, item in enumerate(_items(data, key)):
        try:
            one = model.model_validate(item)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first.get("loc", ()))
            raise BatchInputError(f"{key}[{number}] {where}: {first.get('msg')}".replace(" : ", ": ")) from error
        if one.id in seen:  # type: ignore[attr-defined]
            raise BatchInputError(f"{key}[{number}]: the id {one.id!r} occurs twice")  # type: ignore[attr-defined]
        seen.add(one.id)  # type: ignore[attr-defined]
        parsed.append(one)
    return parsed


def parse_needs(data: Any) -> list[BatchNeedIn]:
    return _parse(data, "needs", BatchNeedIn)


def parse_offers(data: Any) -> list[BatchOfferIn]:
    return _parse(data, "offers", BatchOfferIn)


def context_from(needs: Iterable[BatchNeedIn]) -> Context:
    """The relationships and loads the needs carry with them, as the engine's context."""
    relationships: dict[tuple[str, str], dt.date | None] = {}
    loads: dict[str, tuple[int, int]] = {}
    for need in needs:
        if need.organisation_load is not None:
            loads[need.organisation] = (need.organisation_load.taken, need.organisation_load.capacity)
        for tie in need.healthy_relationships:
            relationships[(tie.institution, need.organisation)] = tie.last_contact_on
    return Context(relationships=relationships, loads=loads)


def load_json_file(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as error:
        raise BatchInputError(f"{path}: {error.strerror}") from error
    except json.JSONDecodeError as error:
        raise BatchInputError(f"{path}: not valid JSON ({error.msg}, line {error.lineno})") from error


# Ranking many. The worker state is module-level so that forked workers share the parent's index.

_STATE: dict[str, Any] = {}


def _answer(query: NeedRecord | OfferRecord, ranked: list[Ranked]) -> dict[str, Any]:
    kind = "need" if isinstance(query, NeedRecord) else "offer"
    return {kind: query.id, "title": query.title, "suggestions": [r.as_dict() for r in ranked]}


def _rank_slice(bounds: tuple[int, int]) -> list[str]:
    queries, collection = _STATE["queries"], _STATE["collection"]
    out = []
    for query in queries[bounds[0] : bounds[1]]:
        ranked = rank(query, collection, weights=_STATE["weights"], context=_STATE["context"], limit=_STATE["top"])
        out.append(json.dumps(_answer(query, ranked), ensure_ascii=False))
    return out


def _workers(requested: int | None, count: int) -> int:
    if requested is not None:
        return max(1, requested)
    return min(os.cpu_count() or 1, 8) if count >= PARALLEL_FROM else 1


def rank_all_json(
    queries: Sequence[NeedRecord] | Sequence[OfferRecord],
    collection: Collection,
    *,
    weights: Mapping[str, Any] | None,
    context: Context,
    top: int,
    workers: int | None = None,
    progress: Progress | None = None,
) -> Iterable[str]:
    """Each query's suggestions as one JSON object text, in the order of ``queries``."""
    _STATE.update(queries=queries, collection=collection, weights=weights, context=context, top=top)
    total = len(queries)
    slices = [(start, min(start + CHUNK, total)) for start in range(0, total, CHUNK)]
    done = 0
    processes = _workers(workers, total)
    try:
        if processes == 1 or "fork" not in multiprocessing.get_all_start_methods():
            for bounds in slices:
                texts = _rank_slice(bounds)
                done += len(texts)
                if progress:
                    progress(done, total)
                yield from texts
            return
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            for texts in pool.imap(_rank_slice, slices):
                done += len(texts)
                if progress:
                    progress(done, total)
                yield from texts
    finally:
        _STATE.clear()


def run_batch(
    needs: Sequence[NeedRecord],
    offers: Sequence[OfferRecord],
    *,
    context: Context | None = None,
    weights: Mapping[str, Any] | None = None,
    top: int = 10,
    direction: Direction = "needs",
    workers: int | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Ranked suggestions for every need (``"needs"``), every offer (``"offers"``) or both, as a dict."""
    context = context or Context()
    result: dict[str, Any] = {}
    if direction in ("needs", "both"):
        ordered = sorted(needs, key=lambda r: r.id)
        texts = rank_all_json(
            ordered, Collection(offers), weights=weights, context=context, top=top, workers=workers, progress=progress
        )
        result["needs"] = [json.loads(t) for t in texts]
    if direction in ("offers", "both"):
        ordered_offers = sorted(offers, key=lambda r: r.id)
        texts = rank_all_json(
            ordered_offers,
            Collection(needs),
            weights=weights,
            context=context,
            top=top,
            workers=workers,
            progress=progress,
        )
        result["offers"] = [json.loads(t) for t in texts]
    return result


def write_batch(
    handle: Any,
    needs: Sequence[NeedRecord],
    offers: Sequence[OfferRecord],
    *,
    context: Context,
    weights: Mapping[str, Any] | None,
    top: int,
    direction: Direction,
    workers: int | None = None,
    progress: Progress | None = None,
) -> None:
    """Stream the same JSON as ``run_batch`` to ``handle``, one query per line, without holding it all."""
    handle.write("{")
    sides = []
    if direction in ("needs", "both"):
        sides.append(("needs", sorted(needs, key=lambda r: r.id), offers))
    if direction in ("offers", "both"):
        sides.append(("offers", sorted(offers, key=lambda r: r.id), needs))
    for number, (key, queries, others) in enumerate(sides):
        handle.write(("," if number else "") + f'\n"{key}": [')
        texts = rank_all_json(
            queries, Collection(others), weights=weights, context=context, top=top, workers=workers, progress=progress
        )
        for index, text in enumerate(texts):
            handle.write(("," if index else "") + "\n" + text)
        handle.write("\n]")
    handle.write("\n}\n")


class ProgressPrinter:
    """``done/total`` and the rate on one line of stderr, at most a few times a second."""

    def __init__(self, stream: Any, label: str = "") -> None:
        self.stream, self.label = stream, label
        self.started = self.last = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.5:
            return
        self.last = now
        rate = done / max(now - self.started, 1e-6)
        self.stream.write(f"\r{self.label}{done}/{total} ranked, {rate:,.0f}/s")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
