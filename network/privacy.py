"""Personal data of a person: exportable as a whole, erasable on request, and cleaned up after its
retention period (GDPR articles 15, 17, 20 and 5(1)(e)).

The register itself is ``lib.privacy``; every app fills it from its ``AppConfig.ready()``. This module
holds the network's own entries and the three operations over the whole register: ``export_person``,
``erase_person`` and ``apply_retention``. Queries stay inside a few functions so that they can run in an
explicit "unscoped" block once managers refuse unscoped queries.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from audit.services import record
from lib import privacy
from lib.errors import DomainError
from network.models import (
    Institution,
    Interaction,
    OrganisationContact,
    OrganisationNote,
    Person,
    Relationship,
)

logger = logging.getLogger("brug.privacy")

Exporter = privacy.Exporter


def register_exporter(exporter: Exporter) -> Exporter:
    """Kept for callers of the earlier exporter-only registry: an entry with an exporter and no words."""
    name = f"{exporter.__module__}.{exporter.__name__}"
    privacy.register(
        privacy.PersonalData(key=name, models=(), what="", whose="", why="", kept="", exporter=exporter, order=900)
    )
    return exporter


def erased_label(person: Person) -> str:
    """The neutral label that stands where the person's name stood."""
    return _("erased person %(number)s") % {"number": person.pk}


def language_of(person: Person) -> str:
    """The person's own language for what is made for them: their login's, else Dutch."""
    user = getattr(person, "user", None) if hasattr(person, "user") else None
    return getattr(user, "language", None) or "nl"


# Export


def _person_section(person: Person) -> dict[str, Any]:
    relationships = Relationship.objects.involving_person(person).with_actors()
    interactions = Interaction.objects.filter(Q(relationship__in=relationships) | Q(intermediary=person))
    return {
        "person": {
            "id": str(person.public_id),
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "phone": person.phone,
            "active": person.is_active,
            "institution": str(person.institution),
            "created_at": person.created_at.isoformat(),
        },
        "roles": [
            {
                "role": a.get_role_display(),
                "organisation": str(a.organisation) if a.organisation_id else None,
                "title": a.title,
            }
            for a in person.affiliations.select_related("organisation")
        ],
        "relationships": [
            {
                "id": str(r.public_id),
                "with": str(r.other_end(person)),
                "description": r.description,
                "status": r.get_status_display(),
            }
            for r in relationships
        ],
        "contact_moments": [
            {
                "date": i.occurred_on.isoformat(),
                "channel": i.get_channel_display(),
                "summary": i.summary,
                "as_intermediary": i.intermediary_id == person.pk,
            }
            for i in interactions.order_by("occurred_on", "id")
        ],
        "owns_relationships": [
            {"id": str(r.public_id), "relationship": str(r)} for r in person.owned_relationships.with_actors()
        ],
        "anchor_of_campuses": [str(c) for c in person.anchored_campuses.all()],
        "history": [
            {
                "at": h.history_date.isoformat(),
                "change": h.get_history_type_display(),
                "first_name": h.first_name,
                "last_name": h.last_name,
                "email": h.email,
                "phone": h.phone,
                "active": h.is_active,
            }
            for h in person.history.order_by("history_date", "history_id")
        ],
    }


def _plain(value: Any) -> Any:
    """A stored value as plain JSON-ready data (dates as ISO text, everything else as it stands or as text)."""
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


LINK_LABELS = {"a_person": gettext_lazy("first actor"), "b_person": gettext_lazy("second actor")}


def _history_models() -> list[type[models.Model]]:
    """django-simple-history's tables of every model but the person's own (that one is the "history" section):
    the historical rows themselves, and those of tracked many-to-many fields such as owners."""
    own = Person.history.model
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m is not own and ("history_date" in {f.name for f in m._meta.concrete_fields} or _m2m_history(m))
    ]


def _m2m_history(model: type[models.Model]) -> bool:
    return "m2m_history_id" in {f.attname for f in model._meta.concrete_fields}


def _person_links(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.is_relation and f.related_model is Person]


def _history_row(h: Any, how: str) -> dict[str, Any]:
    model = h.instance_type
    values = {
        str(f.verbose_name): _plain(getattr(h, f"get_{f.name}_display")() if f.choices else getattr(h, f.attname))
        for f in privacy.text_fields(type(h))
        if not f.name.startswith("history_") and getattr(h, f.attname) not in (None, "", [], {})
    }
    return {
        "at": h.history_date.isoformat(),
        "record": f"{model._meta.verbose_name}: {h.instance}",
        "change": h.get_history_type_display(),
        "as": how,
        "values": values,
    }


def _other_history_section(person: Person) -> dict[str, Any]:
    """Earlier versions of other records that name the person: relationships and partnerships where they were
    an actor or an owner, organisations with their address or number, any record whose text names them."""
    terms = privacy.distinctive_of(person)
    rows: list[tuple[Any, str]] = []
    for model in _history_models():
        if _m2m_history(model):
            links = _person_links(model)
            for link in links:
                for m2m in model.objects.filter(**{link.attname: person.pk}).select_related("history"):
                    rows.append((m2m.history, str(pgettext("of a relationship or partnership", "owner"))))
            continue
        links = _person_links(model)
        condition = privacy.mentions(model, terms) if terms else Q(pk__in=[])
        for link in links:
            condition |= Q(**{link.attname: person.pk})
        scope = (
            Q(institution_id=person.institution_id)
            if "institution_id" in {f.attname for f in model._meta.concrete_fields}
            else Q()
        )
        for h in model.objects.filter(condition, scope):
            linked = [
                str(LINK_LABELS.get(link.name, link.verbose_name))
                for link in links
                if getattr(h, link.attname) == person.pk
            ]
            rows.append((h, ", ".join(linked) or str(_("named in the text"))))
    # One line per earlier version, saying every way it names them ("first actor, owner").
    found: dict[tuple[str, int], tuple[Any, list[str]]] = {}
    for h, how in rows:
        hows = found.setdefault((h._meta.label_lower, h.pk), (h, []))[1]
        if how not in hows:
            hows.append(how)
    ordered = sorted(found.values(), key=lambda row: (row[0].history_date, row[0]._meta.label_lower, row[0].pk))
    history = [_history_row(h, ", ".join(hows)) for h, hows in ordered]
    return {"history_of_other_records": history} if history else {}


def _notes_and_contacts_section(person: Person) -> dict[str, Any]:
    """Internal notes on organisations that name the person, and organisations that mail them as a contact."""
    terms = privacy.distinctive_of(person)
    emails = privacy.emails_of(person)
    notes = (
        OrganisationNote.objects.filter(privacy.mentions(OrganisationNote, terms), institution_id=person.institution_id)
        .select_related("organisation", "author")
        .order_by("created_at", "id")
        if terms
        else OrganisationNote.objects.none()
    )
    by_email = Q(pk__in=[])
    for email in emails:
        by_email |= Q(email__iexact=email)
    contacts = OrganisationContact.objects.filter(by_email).select_related("organisation").order_by("created_at", "id")
    data: dict[str, Any] = {}
    if notes:
        data["notes_naming_them"] = [
            {
                "date": n.created_at.isoformat(),
                "organisation": str(n.organisation),
                "by": str(n.author) if n.author_id else None,
                "note": n.text,
            }
            for n in notes
        ]
    if contacts:
        data["contact_for_organisations"] = [
            {
                "organisation": str(c.organisation),
                "name": c.name,
                "email": c.email,
                "language": c.language,
                "added": c.created_at.isoformat(),
            }
            for c in contacts
        ]
    return data


def _records_naming_them(person: Person) -> dict[str, Any]:
    return _other_history_section(person) | _notes_and_contacts_section(person)


def _tasks_section(person: Person) -> dict[str, Any]:
    """Background tasks (mail, imports) whose arguments, result or error name the person."""
    from django_tasks_db.models import DBTaskResult

    terms = privacy.distinctive_of(person)
    if not terms:
        return {}
    tasks = DBTaskResult.objects.filter(privacy.mentions(DBTaskResult, terms)).order_by("enqueued_at", "id")
    rows = [
        {
            "what": t.task_path,
            "status": t.status,
            "queued": t.enqueued_at.isoformat() if t.enqueued_at else None,
            "arguments": t.args_kwargs,
            "result": t.return_value,
            "error": t.traceback,
        }
        for t in tasks
    ]
    return {"background_tasks": rows} if rows else {}


def export_person(person: Person) -> dict[str, Any]:
    """Everything Brug keeps about one person, as plain JSON-ready data, one key per section."""
    data: dict[str, Any] = {}
    for entry in privacy.entries():
        if entry.exporter is not None:
            data.update(entry.exporter(person))
    return data


def export_sections(data: dict[str, Any]) -> list[tuple[str, Any]]:
    """The export's sections with their titles in the active language, for the readable page."""
    titles = privacy.section_titles()
    return [(str(titles.get(key, key.replace("_", " ").capitalize())), value) for key, value in data.items()]


def _check_not_erased(person: Person) -> None:
    if person.erased_at is not None:
        raise DomainError(_("This person's personal data were already erased."), code="erased")


@transaction.atomic
def export_personal_data(person: Person, *, by: Any) -> dict[str, Any]:
    """``export_person``, for someone who asked for it: the audit trail says who exported whose data."""
    with translation.override(language_of(person)):
        data = export_person(person)
    record(by, "exported personal data", person, institution_id=person.institution_id)
    return data


# Erasure


def identifiers(person: Person) -> privacy.Erasure:
    """Every way the person was written down (see ``lib.privacy.identifiers_of``), with their neutral label."""
    return privacy.identifiers_of(person, erased_label(person))


def personal_data_models() -> list[type[models.Model]]:
    """Every model of the database that is not declared to hold no personal data."""
    declared = privacy.no_personal_data()
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.label_lower not in declared and not m._meta.proxy and privacy.text_fields(m)
    ]


def sweep(erasure: privacy.Erasure) -> None:
    """Find the person's distinctive identifiers (full names, e-mail addresses, phone numbers) in every text
    column of every model that may hold personal data, and replace them: the audit trail's ``changes``, history
    rows, import rows, task arguments and results, ... A single first or last name is replaced only by the
    apps' erasers, in records known to be about the person: elsewhere "Rita" may well be someone else."""
    distinctive = erasure.distinctive
    if not distinctive:
        return
    for model in personal_data_models():
        condition = privacy.mentions(model, distinctive)
        rows = model._base_manager.filter(condition)
        erasure.count(model._meta.label_lower, privacy.scrub_rows(rows, distinctive, erasure.label))


@transaction.atomic
def erase_person(person: Person, *, by: Any) -> privacy.Erasure:
    """Remove a person's identifying data everywhere Brug keeps them; the records others need stay, with the
    person replaced by a neutral label ("erased person 17"), so the partnership's history keeps its shape.

    Every app's eraser runs (in the register's order, the person record itself last), then one sweep over
    every text column of the database replaces whatever identifier is left, in the audit trail, history rows,
    import rows and task rows alike. Refused while the person still owns relationships or partnerships, and
    for a person already erased.
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    _check_not_erased(person)
    if person.owned_relationships.exists() or person.owned_partnerships.exists():
        raise DomainError(_("Hand over what this person owns before erasing them."))
    erasure = identifiers(person)
    for entry in privacy.entries():
        if entry.eraser is not None:
            entry.eraser(erasure)
    sweep(erasure)
    record(
        by, "erased", person, institution_id=person.institution_id, changes={"records": sum(erasure.counts.values())}
    )
    return erasure


def _erase_network(erasure: privacy.Erasure) -> None:
    person = erasure.person
    relationships = Relationship.objects.involving_person(person)
    erasure.count(
        "network.relationship", privacy.scrub_rows(relationships, erasure.terms, erasure.label, fields=["description"])
    )
    # Earlier versions of those relationships, in their change history.
    history = Relationship.history.model.objects.filter(id__in=list(relationships.values_list("pk", flat=True)))
    erasure.count(
        "network.historicalrelationship",
        privacy.scrub_rows(history, erasure.terms, erasure.label, fields=["description"]),
    )
    interactions = Interaction.objects.filter(Q(relationship__in=relationships) | Q(intermediary=person))
    erasure.count(
        "network.interaction", privacy.scrub_rows(interactions, erasure.terms, erasure.label, fields=["summary"])
    )
    erasure.count("network.affiliation", privacy.scrub_rows(person.affiliations.all(), erasure.terms, erasure.label))


def _erase_person_record(erasure: privacy.Erasure) -> None:
    person = erasure.person
    person.first_name = pgettext("first name of an erased person", "Erased")
    person.last_name = _("person %(number)s") % {"number": person.pk}
    person.email = ""
    person.phone = ""
    person.is_active = False
    person.erased_at = timezone.now()
    person.save()
    # The record's change history holds every earlier name and address; the erasure leaves none behind.
    erasure.count("network.historicalperson", person.history.all().delete()[0])


# Retention


def retention_cutoff(institution: Institution, rule: privacy.Retention, now: Any) -> Any:
    """The moment before which data of the rule's kind is past this institution's period."""
    value = getattr(institution, rule.setting, None) or rule.default
    return now - dt.timedelta(days=value * 30 if rule.unit == "months" else value)


def apply_retention(*, now: Any = None) -> dict[str, int]:
    """Remove or anonymise what has outlived its retention period, institution by institution, each with its
    own settings. Writes one audit entry per institution with a count per kind, and logs the totals.

    A public need belongs to no institution: each institution's run removes those past its own period, so
    the shortest period of all institutions applies to them."""
    now = now or timezone.now()
    totals: dict[str, int] = {}
    rules = privacy.retention_rules()
    for institution in Institution.objects.order_by("pk"):
        counts: dict[str, int] = {}
        with transaction.atomic():
            for rule in rules:
                number = rule.apply(institution, retention_cutoff(institution, rule, now))
                if number:
                    counts[rule.setting] = number
            if counts:
                record(None, "applied retention", institution, institution_id=institution.pk, changes=counts)
        for kind, number in counts.items():
            totals[kind] = totals.get(kind, 0) + number
    for rule in rules:
        logger.info("retention %s: %d removed or anonymised", rule.setting, totals.get(rule.setting, 0))
    return totals


def register_personal_data() -> None:
    privacy.register(
        privacy.PersonalData(
            key="network.person",
            order=10,
            models=("network.person", "network.historicalperson", "network.affiliation"),
            what=gettext_lazy(
                "Name, e-mail address, phone number, SOFAR roles and affiliations, and the record's change history."
            ),
            whose=gettext_lazy("Students, faculty, staff, partner staff and residents in the institution's network."),
            why=gettext_lazy(
                "To know who takes part in which relationship and to reach them (legitimate interest "
                "of the service-learning office)."
            ),
            kept=gettext_lazy(
                "As long as the person takes part; on request the data are erased and the person is "
                "shown as an erased person."
            ),
            exporter=_person_section,
            titles={
                "person": gettext_lazy("Person"),
                "roles": gettext_lazy("Roles and affiliations"),
                "relationships": gettext_lazy("Relationships"),
                "contact_moments": gettext_lazy("Contact moments"),
                "owns_relationships": gettext_lazy("Relationships they own"),
                "anchor_of_campuses": gettext_lazy("Neighbourhood anchor of"),
                "history": gettext_lazy("Change history of the person record"),
            },
            eraser=_erase_network,
        )
    )
    privacy.register(
        privacy.PersonalData(
            key="network.person-record",
            order=1000,
            models=(),
            what="",
            whose="",
            why="",
            kept="",
            eraser=_erase_person_record,
        )
    )
    privacy.register(
        privacy.PersonalData(
            key="network.relationships",
            order=11,
            models=(
                "network.relationship",
                "network.historicalrelationship",
                "network.historicalrelationship_owners",
                "network.interaction",
                "network.campus",
                "network.organisationnote",
                "network.organisation",
                "network.historicalorganisation",
                "network.organisationcontact",
            ),
            what=gettext_lazy(
                "Relationships between people and organisations, their owners, contact moments with "
                "their summaries, internal notes, and the organisations' contact details."
            ),
            whose=gettext_lazy("Everyone in the network, and the staff who log contacts."),
            why=gettext_lazy("To keep partnerships alive when people leave, and to see their health."),
            kept=gettext_lazy(
                "As long as the relationship lasts; an erased person's name is replaced by a neutral "
                "label in every record that stays."
            ),
            exporter=_records_naming_them,
            titles={
                "history_of_other_records": gettext_lazy("Earlier versions of other records that name them"),
                "notes_naming_them": gettext_lazy("Internal notes that name them"),
                "contact_for_organisations": gettext_lazy("Contact address of organisations"),
            },
        )
    )
    privacy.register(
        privacy.PersonalData(
            key="platform.tasks",
            order=999,
            models=("django_tasks_database.dbtaskresult",),
            what=gettext_lazy(
                "Background tasks (mail, imports, reminders) with their arguments and results: "
                "record numbers, rarely an address."
            ),
            whose=gettext_lazy("Anyone a mail or an import is about."),
            why=gettext_lazy("To send mail and run long work after the page has answered."),
            kept=gettext_lazy(
                "Until the task worker cleans up finished tasks; an erasure replaces any identifier left in them."
            ),
            exporter=_tasks_section,
            titles={"background_tasks": gettext_lazy("Background tasks that name them")},
        )
    )
    privacy.declare_no_personal_data(
        "network.institution",
        "network.theme",
        "network.targetgroup",
        reason="Institutions and controlled vocabularies: names of organisations and terms, no people.",
    )
