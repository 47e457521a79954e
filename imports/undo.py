"""Taking an import back without losing anything written since.

Before anything is deleted or restored, ``find_blockers`` looks, per kind the import wrote, for:

- records changed since the import (their version moved, or a history row is newer than the import);
- rows of any table that point at a record the import created (a contact moment, a note, a workbook,
  a participation, a match, an owner link ...), found from the models' own foreign keys, so a table
  added later is checked too.

Every check is one query per table (never one per row), so a 100,000-row import is checked in seconds.
Parts that belong to a record and are written with it (a person's affiliations, an organisation's
themes, a course's teachers) are not blockers: they go with the record, as they came with it.

A blocker holds the imported records it keeps back; undoing "only what is safe" undoes the others.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import DO_NOTHING, F, ForeignKey, OuterRef, Q, QuerySet, Subquery
from django.db.models.deletion import get_candidate_relations_to_delete
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from audit.models import AuditEntry
from engagements.models import Course, Engagement
from imports.models import ImportedRecord, ImportJob
from lib.bulk import HistoryInserter, chunks
from lib.errors import DomainError
from network.models import Interaction, Organisation, Person, Relationship
from network.services import refresh_last_contact

BATCH = 2000
# How many referring rows are read to name who wrote them and when (the count is always exact).
SAMPLE = 50
# How many imported records a blocker names (with a link) before "and N more".
NAMED = 5

MODELS: dict[str, Any] = {
    "network.organisation": Organisation,
    "network.person": Person,
    "engagements.course": Course,
    "engagements.engagement": Engagement,
    "network.interaction": Interaction,
    "network.relationship": Relationship,
}
# Referring kinds first: a contact moment is deleted before the relationship it was logged on.
ORDER = [
    "network.interaction",
    "network.relationship",
    "engagements.engagement",
    "engagements.course",
    "network.person",
    "network.organisation",
]
# Rows written together with the record by its service, and deleted with it.
OWNED_PARTS: dict[str, set[str]] = {"network.person": {"network.affiliation"}}
AUTHOR_FIELDS = ("logged_by", "author", "created_by", "recorded_by", "proposed_by", "teacher", "by", "user")
DATE_FIELDS = ("occurred_on", "created_at", "signed_at", "proposed_at", "at", "date", "start_date", "updated_at")
M2M = ("themes", "target_groups")


@dataclass
class ImportedRef:
    """An imported record a blocker keeps back, named so a face can link to it."""

    label: str
    pk: int
    public_id: Any
    name: str


@dataclass
class Blocker:
    message: str
    count: int
    records: list[ImportedRef] = field(default_factory=list)
    more: int = 0


@dataclass
class UndoCheck:
    blockers: list[Blocker]
    kept: dict[str, set[int]]
    safe: int

    @property
    def kept_count(self) -> int:
        return sum(len(ids) for ids in self.kept.values())


class UndoRefused(DomainError):
    """The undo would lose work done since the import; ``check`` says what and where."""

    def __init__(self, check: UndoCheck) -> None:
        self.check = check
        super().__init__({"undo": [blocker.message for blocker in check.blockers]})


# Checking ---------------------------------------------------------------------------------------------


def find_blockers(job: ImportJob) -> UndoCheck:
    records = job.records.all()
    labels = set(records.values_list("model_label", flat=True).distinct())
    kept: dict[str, set[int]] = defaultdict(set)
    blockers: list[Blocker] = []
    for label in [label for label in ORDER if label in labels]:
        model = MODELS[label]
        mine = records.filter(model_label=label)
        blockers += _changed(job, model, label, mine, kept)
        created = mine.filter(action=ImportedRecord.Action.CREATED).values("object_id")
        for rel in _referring_relations(model, label):
            blockers += _referring(job, model, label, rel, created, kept)
        _keep_what_kept_records_point_at(job, label, kept)
    total = records.count()
    check = UndoCheck(blockers=blockers, kept=dict(kept), safe=0)
    check.safe = total - check.kept_count
    return check


def _changed(
    job: ImportJob, model: Any, label: str, mine: QuerySet[ImportedRecord], kept: dict[str, set[int]]
) -> list[Blocker]:
    """Records of the import deleted or changed since: one query for the versions, one for the history."""
    blockers: list[Blocker] = []
    if hasattr(model, "version"):
        version = model._base_manager.filter(pk=OuterRef("object_id")).values("version")[:1]
        current = mine.annotate(current=Subquery(version))
        gone = sorted(current.filter(current__isnull=True).values_list("object_id", flat=True))
        moved = current.exclude(current__isnull=True).exclude(current=F("version_after"))
        changed = set(moved.values_list("object_id", flat=True))
        kept[label].update(gone)
        if gone:
            blockers.append(
                Blocker(
                    message=ngettext(
                        "%(count)s %(what)s of the import was deleted since.",
                        "%(count)s %(what)s of the import were deleted since.",
                        len(gone),
                    )
                    % {"count": len(gone), "what": _name(model, len(gone))},
                    count=len(gone),
                )
            )
    else:
        changed = set()
    history = getattr(model, "history", None)
    if history is not None and job.imported_at is not None:
        later = history.model.objects.filter(id__in=mine.values("object_id"), history_date__gt=job.imported_at)
        changed |= set(later.values_list("id", flat=True).distinct())
    changed -= kept[label]
    if not changed:
        return blockers
    kept[label].update(changed)
    users, moments = _who_and_when(job, model, label, changed)
    message = ngettext(
        "%(count)s %(what)s was changed since the import%(by)s%(on)s.",
        "%(count)s %(what)s were changed since the import%(by)s%(on)s.",
        len(changed),
    ) % {
        "count": len(changed),
        "what": _name(model, len(changed)),
        "by": _by(users),
        "on": _on(moments),
    }
    blockers.append(_with_records(Blocker(message=message, count=len(changed)), model, label, changed))
    return blockers


def _who_and_when(job: ImportJob, model: Any, label: str, ids: set[int]) -> tuple[list[Any], list[Any]]:
    """Who changed (some of) these records since the import, and when: from the audit trail."""
    first = sorted(ids)[:SAMPLE]
    keys = [str(k) for k in model._base_manager.filter(pk__in=first).values_list("public_id", flat=True)]
    entries = AuditEntry.objects.filter(target_type=label, target_id__in=keys).select_related("actor")
    if job.imported_at is not None:
        entries = entries.filter(at__gt=job.imported_at)
    found = list(entries.order_by("at")[: SAMPLE * 2])
    return [e.actor for e in found], [e.at for e in found]


def _referring_relations(model: Any, label: str) -> list[Any]:
    """Every foreign key (or many-to-many link) that can point at ``model``, except its own parts."""
    # The plain link tables of the record's own many-to-many fields (its themes, its teachers); a link
    # with a model of its own (a participation) is work of its own.
    own_links = {f.remote_field.through for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created}
    owned = OWNED_PARTS.get(label, set())
    relations = []
    for rel in get_candidate_relations_to_delete(model._meta):
        related = rel.related_model
        if rel.on_delete is DO_NOTHING or related in own_links or related._meta.label_lower in owned:
            continue
        if related is ImportedRecord:
            continue
        relations.append(rel)
    return relations


def _referring(
    job: ImportJob,
    model: Any,
    label: str,
    rel: Any,
    created: QuerySet[ImportedRecord, dict[str, Any]],
    kept: dict[str, set[int]],
) -> list[Blocker]:
    """Rows of one table pointing at records the import created, other than the import's own rows."""
    related = rel.related_model
    name = rel.field.name
    rows = related._base_manager.filter(**{f"{name}__in": created})
    own_label = related._meta.label_lower
    if own_label in MODELS:
        # The import's own contact moments on the relationships it created go with them.
        rows = rows.exclude(
            pk__in=job.records.filter(model_label=own_label, action=ImportedRecord.Action.CREATED).values("object_id")
        )
    held = set(rows.values_list(rel.field.attname, flat=True).distinct())
    if not held:
        return []
    kept[label].update(held)
    count = rows.count()
    through = related._meta.auto_created
    if through:
        # A many-to-many link: name the record on the other side ("owner of 2 relationships").
        other = next(f for f in related._meta.fields if isinstance(f, ForeignKey) and f is not rel.field)
        message = ngettext(
            "%(count)s %(what)s links to it since the import (%(link)s).",
            "%(count)s %(what)s link to it since the import (%(link)s).",
            count,
        ) % {
            "count": count,
            "what": _name(other.related_model, count),
            "link": _link_name(related, other),
        }
    else:
        author = _first_field(related, AUTHOR_FIELDS, relation=True)
        when = _first_field(related, DATE_FIELDS)
        sample = rows
        if author:
            sample = sample.select_related(author)
        sample_rows = list(sample.order_by()[:SAMPLE])
        message = ngettext(
            "%(count)s %(what)s written since the import%(by)s%(on)s.",
            "%(count)s %(what)s written since the import%(by)s%(on)s.",
            count,
        ) % {
            "count": count,
            "what": _name(related, count),
            "by": _by([getattr(r, author) for r in sample_rows]) if author else "",
            "on": _on([getattr(r, when) for r in sample_rows]) if when else "",
        }
    return [_with_records(Blocker(message=message, count=count), model, label, held)]


def _keep_what_kept_records_point_at(job: ImportJob, label: str, kept: dict[str, set[int]]) -> None:
    """A contact moment of the import that stays keeps its relationship, when the import created that too."""
    if not kept.get(label):
        return
    model = MODELS[label]
    for fk in model._meta.fields:
        if isinstance(fk, ForeignKey) and fk.related_model._meta.label_lower in MODELS:
            target = fk.related_model._meta.label_lower
            if ORDER.index(target) > ORDER.index(label):
                ids = model._base_manager.filter(pk__in=list(kept[label])).values(fk.attname)
                ours = job.records.filter(model_label=target, object_id__in=ids)
                kept[target].update(ours.values_list("object_id", flat=True))


def _first_field(model: Any, names: tuple[str, ...], *, relation: bool = False) -> str:
    own = {f.name: f for f in model._meta.concrete_fields}
    for name in names:
        found = own.get(name)
        if found is not None and bool(found.is_relation) == relation:
            return name
    return ""


def _name(model: Any, count: int) -> str:
    return str(model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural)


def _link_name(through: Any, other: Any) -> str:
    field_name = next(
        (f.verbose_name for f in other.related_model._meta.many_to_many if f.remote_field.through is through),
        other.verbose_name,
    )
    return str(field_name)


def _person_name(who: Any) -> str:
    if isinstance(who, User):
        return who.get_full_name() or who.get_username()
    return str(who)


def _by(people: list[Any]) -> str:
    names = sorted({_person_name(p) for p in people if p is not None})
    if not names:
        return ""
    return " " + _("by %(names)s") % {"names": _join(names)}


def _on(moments: list[Any]) -> str:
    days = sorted(
        {timezone.localtime(m).date() if isinstance(m, dt.datetime) else m for m in moments if isinstance(m, dt.date)}
    )
    if not days:
        return ""
    # "4 and 5 December", "30 November and 1 December 2025": days grouped by month, the year when not this year.
    this_year = timezone.localdate().year
    months: dict[tuple[int, int], list[dt.date]] = {}
    for day in days:
        months.setdefault((day.year, day.month), []).append(day)
    parts = []
    for (year, _month), in_month in months.items():
        month = formats.date_format(in_month[0], "F")
        text = f"{_join([str(d.day) for d in in_month])} {month}"
        parts.append(text if year == this_year else f"{text} {year}")
    return " " + _("on %(dates)s") % {"dates": _join(parts)}


def _join(items: list[str]) -> str:
    if len(items) > 6:
        items = [*items[:5], _("%(count)s more") % {"count": len(items) - 5}]
    if len(items) == 1:
        return items[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def _with_records(blocker: Blocker, model: Any, label: str, ids: set[int]) -> Blocker:
    """Name the imported records a blocker keeps back (for the links), and say so in the message."""
    first = sorted(ids)[:NAMED]
    objects = model._base_manager.filter(pk__in=first)
    if label == "network.interaction":
        objects = objects.select_related(
            "relationship__a_person", "relationship__b_person", "relationship__a_organisation"
        )
    blocker.records = [
        ImportedRef(label=label, pk=obj.pk, public_id=getattr(obj, "public_id", None), name=str(obj)[:120])
        for obj in objects
    ]
    blocker.more = max(len(ids) - len(blocker.records), 0)
    names = [f"“{ref.name}”" for ref in blocker.records]
    if blocker.more:
        names.append(_("%(count)s more") % {"count": blocker.more})
    blocker.message = _("%(problem)s It concerns %(records)s.") % {
        "problem": blocker.message,
        "records": _join(names) if len(names) > 1 else names[0],
    }
    return blocker


# Undoing ----------------------------------------------------------------------------------------------


def undo_records(job: ImportJob, by: User | None, kept: dict[str, set[int]]) -> int:
    """Restore what the import updated and delete what it created (referring kinds first), except ``kept``.

    Returns how many imported records were taken back.
    """
    records = list(job.records.order_by("-pk").values_list("model_label", "object_id", "action", "before"))
    done = 0
    for label, object_id, action, before in records:
        if action == ImportedRecord.Action.UPDATED and object_id not in kept.get(label, ()):
            _restore(MODELS[label], object_id, before or {}, by)
            done += 1
    touched = [
        o
        for label, o, action, _b in records
        if label == "network.relationship" and action == "created" and o in kept.get(label, ())
    ]
    for label in ORDER:
        skip = kept.get(label, set())
        ids = [
            o
            for lab, o, action, _b in records
            if lab == label and action == ImportedRecord.Action.CREATED and o not in skip
        ]
        done += len(ids)
        if label == "network.interaction" and ids:
            touched += list(Interaction.objects.filter(pk__in=ids).values_list("relationship_id", flat=True).distinct())
        if label == "network.organisation":
            _delete_organisations(job, by, skip)
            continue
        for chunk in chunks(ids, 500):
            MODELS[label].objects.filter(pk__in=chunk).delete()
    # Contacts gone: the newest remaining contact date is the relationship's last contact again.
    refresh_last_contact(set(touched))
    # What is kept stays listed, so a later undo can take it back once nothing holds it any more.
    still = Q(pk__in=[])
    for label, ids in kept.items():
        if ids:
            still |= Q(model_label=label, object_id__in=list(ids))
    job.records.exclude(still).delete()
    return done


def _delete_organisations(job: ImportJob, by: User | None, kept: set[int]) -> None:
    """Delete the organisations an import created, as Django's delete would, without its cost per row.

    ``find_blockers`` kept back every organisation something points at, so only the theme and
    target-group links go with them: each gets its "deleted" history row as django-simple-history
    writes it, loses those links and is deleted with one statement.
    """
    created = job.records.filter(model_label="network.organisation", action=ImportedRecord.Action.CREATED)
    if kept:
        created = created.exclude(object_id__in=list(kept))
    created = created.values("object_id")
    candidates = list(get_candidate_relations_to_delete(Organisation._meta))
    history = HistoryInserter(Organisation, history_type="-", user_id=by.pk if by else None, now=timezone.now())
    rows = Organisation.objects.filter(pk__in=created).values(*history.tracked).iterator(chunk_size=BATCH)
    for chunk in chunks(rows, BATCH):
        history.insert(chunk)
    for rel in candidates:
        if rel.related_model._meta.auto_created:
            rel.related_model._base_manager.filter(**{f"{rel.field.name}__in": created}).delete()
    sql, params = created.query.sql_with_params()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(Organisation._meta.db_table)} WHERE {quote(Organisation._meta.pk.column)} IN ({sql})",
            params,
        )


def _restore(model: Any, object_id: int, before: dict[str, Any], by: User | None) -> None:
    obj = model.objects.get(pk=object_id)
    fields = dict(before)
    m2m = {k: fields.pop(k) for k in list(fields) if k in (*M2M, "teachers")}
    for name in ("course", "organisation"):
        if name in fields and model is Engagement:
            fields[f"{name}_id"] = fields.pop(name)
    for model_field in model._meta.concrete_fields:
        value = fields.get(model_field.name)
        if isinstance(value, str) and model_field.get_internal_type() == "DateField":
            fields[model_field.name] = dt.date.fromisoformat(value)
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.version += 1
    obj.save()
    for name, ids in m2m.items():
        getattr(obj, name).set(ids)
