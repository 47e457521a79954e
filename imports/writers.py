"""Writing the rows a preview accepted, and taking them back again.

Organisations come in the largest files, so new ones are written in batches of plain INSERTs
(``lib.bulk.RowInserter``: the organisation, its "created" history row as django-simple-history writes
it, one ``ImportedRecord``); their field rules were checked row by row in the preview with the model's
own validators. The other kinds go row by row through the real services, which validate and
audit each record themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models import DO_NOTHING, Max, Q, QuerySet
from django.db.models.deletion import get_candidate_relations_to_delete
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from accounts.models import User
from engagements.models import Course, Engagement
from engagements.services import create_course, create_engagement, update_course, update_engagement
from imports.models import ImportedRecord, ImportJob, ImportRow, Kind
from lib.bulk import HistoryInserter, RowInserter, chunks
from lib.errors import ConflictError, DomainError
from network.contacts import CONTACT_FIELDS, authorise_contact_change, record_contact_details_change
from network.models import Affiliation, Interaction, Organisation, Person, Relationship, SofarRole
from network.services import (
    RoleSpec,
    contact_relationship,
    create_person,
    create_relationship,
    log_interaction,
    update_person,
)
from partnerships.models import PartnershipParty

BATCH = 2000
Progress = Callable[[int], None]

LABELS = {
    Kind.ORGANISATIONS: "network.organisation",
    Kind.PEOPLE: "network.person",
    Kind.COURSES: "engagements.course",
    Kind.ENGAGEMENTS: "engagements.engagement",
    Kind.INTERACTIONS: "network.interaction",
}
MODELS: dict[str, Any] = {
    "network.organisation": Organisation,
    "network.person": Person,
    "engagements.course": Course,
    "engagements.engagement": Engagement,
    "network.interaction": Interaction,
    "network.relationship": Relationship,
}
M2M = ("themes", "target_groups")


def _conflict(rows: list[ImportRow]) -> ConflictError:
    listed = ", ".join(f"{r.row_number} ({r.existing_label})" for r in rows[:20])
    return ConflictError(
        _("Some records were changed by someone else after the preview (rows %(rows)s). Make the preview again.")
        % {"rows": listed}
    )


def _org_values(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in M2M}


def write_organisations(job: ImportJob, rows: list[ImportRow], by: User | None, progress: Progress) -> None:
    now = timezone.now()
    records: list[dict[str, Any]] = []
    terms: list[tuple[str, int, list[int]]] = []
    done = 0
    creates = [r for r in rows if r.action == ImportRow.Action.CREATE]
    organisations = RowInserter(Organisation, now=now)
    history = HistoryInserter(Organisation, history_type="+", user_id=by.pk if by else None, now=now)
    for chunk in chunks(creates, BATCH):
        values = [organisations.complete(_org_values(r.data)) for r in chunk]
        pks = organisations.insert_returning_pks(values)
        for row, value, pk in zip(chunk, values, pks, strict=True):
            value["id"] = pk
            records.append(
                {
                    "job_id": job.pk,
                    "model_label": LABELS[Kind.ORGANISATIONS],
                    "object_id": pk,
                    "action": ImportedRecord.Action.CREATED,
                    "version_after": value["version"],
                }
            )
            terms.extend((name, pk, row.data[name]) for name in M2M if row.data.get(name))
        history.insert(values)
        done += len(chunk)
        progress(done)
    updates = [r for r in rows if r.action == ImportRow.Action.UPDATE]
    for chunk in chunks(updates, BATCH):
        current = Organisation.objects.in_bulk([r.existing_id for r in chunk])
        stale = [
            r for r in chunk if r.existing_id not in current or current[r.existing_id].version != r.existing_version
        ]
        if stale:
            raise _conflict(stale)
        changed: list[Organisation] = []
        fields: set[str] = set()
        contact_changes: list[tuple[Organisation, dict[str, Any]]] = []
        for row in chunk:
            organisation = current[row.existing_id]
            values = _org_values(row.data)
            before = {k: getattr(organisation, k) for k in values if getattr(organisation, k) != values[k]}
            contact_before = {k: before[k] for k in CONTACT_FIELDS if k in before}
            if contact_before:
                # Where other institutions' proposals go: the same rule as every other write.
                authorise_contact_change(by, organisation)
                contact_changes.append((organisation, contact_before))
            for name in M2M:
                if name in row.data:
                    before[name] = sorted(getattr(organisation, name).values_list("pk", flat=True))
                    terms.append((name, organisation.pk, row.data[name]))
            for name in values:
                setattr(organisation, name, values[name])
            fields.update(values)
            organisation.version += 1
            organisation.updated_at = now
            changed.append(organisation)
            records.append(
                {
                    "job_id": job.pk,
                    "model_label": LABELS[Kind.ORGANISATIONS],
                    "object_id": organisation.pk,
                    "action": ImportedRecord.Action.UPDATED,
                    "before": {k: _json(v) for k, v in before.items()},
                    "version_after": organisation.version,
                }
            )
        bulk_update_with_history(
            changed,
            Organisation,
            [*sorted(fields), "version", "updated_at"],
            batch_size=500,
            default_user=by,
            default_date=now,
        )
        for organisation, contact_before in contact_changes:
            record_contact_details_change(organisation, by=by, before=contact_before)
        done += len(chunk)
        progress(done)
    _set_terms(terms)
    RowInserter(ImportedRecord).insert(records)


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _set_terms(terms: list[tuple[str, int, list[int]]]) -> None:
    for name in M2M:
        through = getattr(Organisation, name).through
        column = "theme_id" if name == "themes" else "targetgroup_id"
        mine = [(org_id, ids) for n, org_id, ids in terms if n == name]
        for chunk in chunks(mine, BATCH):
            through.objects.filter(organisation_id__in=[org_id for org_id, _ids in chunk]).delete()
            through.objects.bulk_create(
                [through(organisation_id=org_id, **{column: term}) for org_id, ids in chunk for term in ids]
            )


def _record(job: ImportJob, label: str, obj: Any, action: str, before: dict[str, Any] | None = None) -> ImportedRecord:
    return ImportedRecord(
        job=job,
        model_label=label,
        object_id=obj.pk,
        action=action,
        before=before,
        version_after=getattr(obj, "version", None),
    )


def write_one_by_one(job: ImportJob, rows: list[ImportRow], by: User | None, progress: Progress) -> None:
    records: list[ImportedRecord] = []
    writer = ROW_WRITERS[job.kind]
    for done, row in enumerate(rows, start=1):
        try:
            records.extend(writer(job, row, by))
        except ConflictError as exc:
            raise _conflict([row]) from exc
        except DomainError as exc:
            messages = "; ".join(str(m) for m in exc.messages)
            raise DomainError(_("Row %(row)s: %(problem)s") % {"row": row.row_number, "problem": messages}) from exc
        if done % 100 == 0:
            progress(done)
    progress(len(rows))
    ImportedRecord.objects.bulk_create(records, batch_size=BATCH)


def _before(obj: Any, data: dict[str, Any]) -> dict[str, Any]:
    return {k: _json(getattr(obj, k)) for k in data if hasattr(obj, k)}


def _person(job: ImportJob, row: ImportRow, by: User | None) -> list[ImportedRecord]:
    data = row.data
    plain = {k: data[k] for k in ("first_name", "last_name", "email", "phone") if k in data}
    label = LABELS[Kind.PEOPLE]
    if row.action == ImportRow.Action.UPDATE:
        person = Person.objects.get(pk=row.existing_id)
        before = _before(person, plain)
        person = update_person(person, by=by, expected_version=row.existing_version, **plain)
        return [_record(job, label, person, ImportedRecord.Action.UPDATED, before)]
    organisation = Organisation.objects.filter(pk=data.get("organisation")).first()
    role = data.get("role") or (SofarRole.ORGANISATION if organisation else SofarRole.RESIDENT)
    spec = RoleSpec(role=role, organisation=organisation, title=data.get("title", ""))
    person = create_person(by=by, institution=job.institution, roles=[spec], **plain)
    return [_record(job, label, person, ImportedRecord.Action.CREATED)]


def _course(job: ImportJob, row: ImportRow, by: User | None) -> list[ImportedRecord]:
    data = dict(row.data)
    teachers = list(Person.objects.filter(pk__in=data.pop("teachers", []), institution=job.institution))
    label = LABELS[Kind.COURSES]
    if row.action == ImportRow.Action.UPDATE:
        course = Course.objects.get(pk=row.existing_id)
        before = _before(course, data)
        before["teachers"] = sorted(course.teachers.values_list("pk", flat=True))
        course = update_course(course, by=by, expected_version=row.existing_version, teachers=teachers or None, **data)
        return [_record(job, label, course, ImportedRecord.Action.UPDATED, before)]
    course = create_course(by=by, institution=job.institution, teachers=teachers, **data)
    return [_record(job, label, course, ImportedRecord.Action.CREATED)]


def _engagement_fields(data: dict[str, Any], institution_id: int) -> dict[str, Any]:
    fields = dict(data)
    for name in ("start_date", "end_date"):
        if fields.get(name):
            fields[name] = dt.date.fromisoformat(fields[name])
    if "course" in fields:
        fields["course"] = Course.objects.filter(pk=fields["course"], institution_id=institution_id).first()
    if "organisation" in fields:
        fields["organisation"] = Organisation.objects.filter(pk=fields["organisation"]).first()
    return fields


def _engagement(job: ImportJob, row: ImportRow, by: User | None) -> list[ImportedRecord]:
    fields = _engagement_fields(row.data, job.institution_id)
    label = LABELS[Kind.ENGAGEMENTS]
    if row.action == ImportRow.Action.UPDATE:
        engagement = Engagement.objects.get(pk=row.existing_id)
        before = {k: _json(getattr(engagement, f"{k}_id" if k in ("course", "organisation") else k)) for k in fields}
        engagement = update_engagement(engagement, by=by, expected_version=row.existing_version, **fields)
        return [_record(job, label, engagement, ImportedRecord.Action.UPDATED, before)]
    engagement = create_engagement(by=by, institution=job.institution, **fields)
    return [_record(job, label, engagement, ImportedRecord.Action.CREATED)]


def _interaction(job: ImportJob, row: ImportRow, by: User | None) -> list[ImportedRecord]:
    data = row.data
    organisation = Organisation.objects.get(pk=data["organisation"])
    records: list[ImportedRecord] = []
    person = Person.objects.filter(pk=data.get("person"), institution=job.institution).first()
    if person is None and by is not None and by.person_id:
        person = by.person
    if person is None:
        raise DomainError(_("name the person of your institution who had the contact"))
    relationship = (
        Relationship.objects.filter(institution=job.institution)
        .filter(Q(a_person=person, b_organisation=organisation) | Q(b_person=person, a_organisation=organisation))
        .first()
    )
    if relationship is None:
        if by is not None and by.person_id == person.pk:
            relationship = contact_relationship(by, organisation)
        else:
            role = person.roles[0] if person.roles else SofarRole.FACULTY
            relationship = create_relationship(
                by=by,
                institution=job.institution,
                a=person,
                a_role=role,
                b=organisation,
                b_role=SofarRole.ORGANISATION,
                owners=[person],
            )
        records.append(_record(job, "network.relationship", relationship, ImportedRecord.Action.CREATED))
    interaction = log_interaction(
        relationship,
        by=by,
        occurred_on=dt.date.fromisoformat(data["occurred_on"]),
        summary=data["summary"],
        channel=data.get("channel") or Interaction.Channel.MEETING,
    )
    records.append(_record(job, LABELS[Kind.INTERACTIONS], interaction, ImportedRecord.Action.CREATED))
    return records


ROW_WRITERS: dict[str, Callable[[ImportJob, ImportRow, User | None], list[ImportedRecord]]] = {
    Kind.PEOPLE: _person,
    Kind.COURSES: _course,
    Kind.ENGAGEMENTS: _engagement,
    Kind.INTERACTIONS: _interaction,
}


# Undo -------------------------------------------------------------------------------------------


def changed_since(job: ImportJob) -> list[str]:
    """Records of the import that someone changed, deleted or started to use since: undo must not lose that."""
    problems: list[str] = []
    records = list(job.records.values_list("model_label", "object_id", "action", "version_after"))
    by_label: dict[str, list[tuple[int, str, int | None]]] = {}
    for label, object_id, action, version in records:
        by_label.setdefault(label, []).append((object_id, action, version))
    for label, items in by_label.items():
        model = MODELS[label]
        for chunk in chunks(items, BATCH):
            ids = [object_id for object_id, _action, _version in chunk]
            has_version = hasattr(model, "version")
            current = dict(model.objects.filter(pk__in=ids).values_list("pk", "version" if has_version else "pk"))
            for object_id, _action, version in chunk:
                if object_id not in current:
                    problems.append(
                        _("%(what)s #%(id)s was deleted") % {"what": model._meta.verbose_name, "id": object_id}
                    )
                elif has_version and current[object_id] != version:
                    obj = model.objects.get(pk=object_id)
                    problems.append(
                        _("%(what)s '%(name)s' was changed") % {"what": model._meta.verbose_name, "name": obj}
                    )
        if len(problems) >= 50:
            break
    if "network.organisation" in by_label:
        problems.extend(_organisations_in_use(_created_organisations(job)))
    if "network.relationship" in by_label:
        mine = job.records.filter(model_label="network.interaction").values("object_id")
        others = Interaction.objects.filter(
            relationship_id__in=[object_id for object_id, _a, _v in by_label["network.relationship"]]
        ).exclude(pk__in=mine)
        for interaction in others.select_related("relationship")[:20]:
            problems.append(_("a contact moment was logged since on '%(name)s'") % {"name": interaction.relationship})
    return problems[:50]


def _created_organisations(job: ImportJob) -> QuerySet[ImportedRecord, dict[str, Any]]:
    """The ids of the organisations the import created, as a subquery (one query, not one per batch)."""
    return job.records.filter(model_label="network.organisation", action=ImportedRecord.Action.CREATED).values(
        "object_id"
    )


def _organisations_in_use(created: QuerySet[ImportedRecord, dict[str, Any]]) -> list[str]:
    used: set[int] = set()
    used.update(Affiliation.objects.filter(organisation_id__in=created).values_list("organisation_id", flat=True))
    used.update(Engagement.objects.filter(organisation_id__in=created).values_list("organisation_id", flat=True))
    used.update(PartnershipParty.objects.filter(organisation_id__in=created).values_list("organisation_id", flat=True))
    used.update(User.objects.filter(organisation_id__in=created).values_list("organisation_id", flat=True))
    used.update(Relationship.objects.filter(a_organisation_id__in=created).values_list("a_organisation_id", flat=True))
    used.update(Relationship.objects.filter(b_organisation_id__in=created).values_list("b_organisation_id", flat=True))
    names = Organisation.objects.filter(pk__in=list(used)[:20]).values_list("name", flat=True)
    return [_("organisation '%(name)s' is in use since the import") % {"name": name} for name in names]


def undo_records(job: ImportJob, by: User | None) -> None:
    """Restore what the import updated and delete what it created (newest kinds first)."""
    records = list(job.records.order_by("-pk").values_list("model_label", "object_id", "action", "before"))
    for label, object_id, action, before in records:
        if action != ImportedRecord.Action.UPDATED:
            continue
        _restore(MODELS[label], object_id, before or {}, by)
    order = [
        "network.interaction",
        "network.relationship",
        "engagements.engagement",
        "engagements.course",
        "network.person",
        "network.organisation",
    ]
    touched = [o for label, o, action, _b in records if label == "network.relationship" and action == "created"]
    for label in order:
        ids = [o for lab, o, action, _b in records if lab == label and action == ImportedRecord.Action.CREATED]
        if label == "network.interaction" and ids:
            touched += list(Interaction.objects.filter(pk__in=ids).values_list("relationship_id", flat=True).distinct())
        if label == "network.organisation":
            _delete_organisations(job, by)
            continue
        for chunk in chunks(ids, 500):
            MODELS[label].objects.filter(pk__in=chunk).delete()
    # Contacts gone: the newest remaining contact date is the relationship's last contact again.
    for relationship in Relationship.objects.filter(pk__in=set(touched)).annotate(
        newest=Max("interactions__occurred_on")
    ):
        Relationship.objects.filter(pk=relationship.pk).update(last_contact_on=relationship.newest)


def _delete_organisations(job: ImportJob, by: User | None) -> None:
    """Delete the organisations an import created, as Django's delete would, without its cost per row.

    One that something points at since (a note, say) goes through Django's delete, which cascades as
    it always does. The others (the usual case: undo refuses when one is in use) get their "deleted"
    history row as django-simple-history writes it, lose their theme and target-group links and are
    deleted with one statement.
    """
    created = _created_organisations(job)
    candidates = list(get_candidate_relations_to_delete(Organisation._meta))
    used: set[int] = set()
    for rel in candidates:
        if rel.on_delete is not DO_NOTHING and not rel.related_model._meta.auto_created:
            used.update(
                rel.related_model._base_manager.filter(**{f"{rel.field.name}__in": created})
                .values_list(rel.field.attname, flat=True)
                .distinct()
            )
    if used:
        Organisation.objects.filter(pk__in=list(used)).delete()
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
    for field in model._meta.concrete_fields:
        if field.name in fields and isinstance(fields[field.name], str) and field.get_internal_type() == "DateField":
            fields[field.name] = dt.date.fromisoformat(fields[field.name])
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.version += 1
    obj.save()
    for name, ids in m2m.items():
        getattr(obj, name).set(ids)
