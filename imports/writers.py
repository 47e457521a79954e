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

from django.db.models import Q
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
from network.models import Interaction, Organisation, Person, Relationship, SofarRole
from network.services import (
    RoleSpec,
    contact_relationship,
    create_person,
    create_relationship,
    log_interaction,
    update_person,
)

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
