"""Write operations on the partner network. Each is atomic and leaves an audit entry."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from lib.concurrency import save_versioned
from lib.errors import ConflictError, DomainError
from lib.text import without_bidi_controls
from network.contacts import CONTACT_FIELDS, authorise_contact_change, record_contact_details_change
from network.models import (
    Affiliation,
    Institution,
    Interaction,
    Organisation,
    OrganisationNote,
    Person,
    Relationship,
    SofarRole,
    TargetGroup,
    Theme,
)
from network.queries import owners_fingerprint

Actor = Person | Organisation

ORGANISATION_FIELDS = (
    "name",
    "kind",
    "mission",
    "street",
    "postcode",
    "city",
    "latitude",
    "longitude",
    "enterprise_number",
    "website",
    "email",
    "phone",
    "capacity_per_period",
    "is_active",
)


NAME_FIELDS = ("name", "first_name", "last_name", "short_name", "contact_name")


def _names_cleaned(fields: dict[str, Any]) -> dict[str, Any]:
    """Names without Unicode direction controls: U+202E and the like only serve to disguise a name."""
    return {k: without_bidi_controls(v) if k in NAME_FIELDS and isinstance(v, str) else v for k, v in fields.items()}


@transaction.atomic
def create_organisation(
    *,
    by: Any,
    themes: Iterable[Theme] = (),
    target_groups: Iterable[TargetGroup] = (),
    **fields: Any,
) -> Organisation:
    organisation = Organisation(**_names_cleaned({k: v for k, v in fields.items() if k in ORGANISATION_FIELDS}))
    organisation.full_clean()
    organisation.save()
    organisation.themes.set(themes)
    organisation.target_groups.set(target_groups)
    record(by, "created", organisation, changes={"name": organisation.name})
    return organisation


@transaction.atomic
def update_organisation(
    organisation: Organisation,
    *,
    by: Any,
    expected_version: int | None,
    themes: Iterable[Theme] | None = None,
    target_groups: Iterable[TargetGroup] | None = None,
    **fields: Any,
) -> Organisation:
    fields = _names_cleaned(fields)
    changes = {k: v for k, v in fields.items() if k in ORGANISATION_FIELDS and getattr(organisation, k) != v}
    contact_before = {k: getattr(organisation, k) for k in CONTACT_FIELDS if k in changes}
    if contact_before:
        # Where other institutions' proposals go: the organisation itself or the office decides.
        authorise_contact_change(by, organisation)
    save_versioned(organisation, expected_version=expected_version, fields=changes)
    if themes is not None:
        organisation.themes.set(themes)
    if target_groups is not None:
        organisation.target_groups.set(target_groups)
    record(by, "changed", organisation, changes=changes)
    if getattr(by, "is_partner", False) and by.organisation_id == organisation.pk:
        # A correction by the organisation itself confirms the profile too.
        Organisation.objects.filter(pk=organisation.pk).update(profile_confirmed_at=timezone.now())
    if contact_before:
        record_contact_details_change(organisation, by=by, before=contact_before)
    return organisation


@transaction.atomic
def confirm_organisation_profile(organisation: Organisation, *, by: Any) -> Organisation:
    """One of the organisation's own partner users says its profile in the shared directory is right."""
    if not (getattr(by, "is_partner", False) and by.organisation_id == organisation.pk):
        raise DomainError(_("Only the organisation's own people can confirm its profile."))
    organisation.profile_confirmed_at = timezone.now()
    Organisation.objects.filter(pk=organisation.pk).update(profile_confirmed_at=organisation.profile_confirmed_at)
    record(by, "confirmed profile", organisation)
    return organisation


@transaction.atomic
def add_organisation_note(organisation: Organisation, *, by: Any, text: str) -> OrganisationNote:
    text = text.strip()
    if not text:
        raise DomainError({"text": _("Write a note first.")})
    note = OrganisationNote.objects.create(
        organisation=organisation, institution_id=by.institution_id, author=by, text=text
    )
    record(by, "noted", organisation, institution_id=by.institution_id)
    return note


RETENTION_SETTINGS = {
    # field: (lowest, highest) accepted value
    "retention_unconfirmed_need_days": (1, 365),
    "retention_expired_link_days": (1, 365),
    "retention_closed_assessment_months": (1, 120),
    "retention_import_file_days": (1, 365),
    "retention_booking_months": (1, 120),
    "retention_workshop_days": (1, 365),
}
INSTITUTION_SETTINGS = ("mission", "website", "stale_after_months", "share_contact_summaries", *RETENTION_SETTINGS)
STALE_MONTHS_RANGE = (1, 60)


def settings_fingerprint(institution: Institution) -> str:
    """Stands in for a version number of the settings: a change names the settings it started from."""
    text = "\x1f".join(str(getattr(institution, name)) for name in INSTITUTION_SETTINGS)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@transaction.atomic
def update_institution_settings(
    institution: Institution, *, by: Any, expected_fingerprint: str | None = None, **fields: Any
) -> Institution:
    """Change the institution's own settings: its mission statement, website, and after how many months
    without contact a relationship is flagged. With ``expected_fingerprint`` (``settings_fingerprint`` of the
    settings the caller read), a change to settings someone else changed since is refused."""
    if expected_fingerprint is not None:
        current = Institution.objects.select_for_update().get(pk=institution.pk)
        if settings_fingerprint(current) != expected_fingerprint:
            raise ConflictError()
    data = {k: v for k, v in fields.items() if k in INSTITUTION_SETTINGS}
    months = data.get("stale_after_months")
    low, high = STALE_MONTHS_RANGE
    if months is not None and not low <= months <= high:
        raise DomainError({"stale_after_months": _("Choose a number of months between 1 and 60.")})
    errors = {
        name: _("Choose a number between %(low)d and %(high)d.") % {"low": low_, "high": high_}
        for name, (low_, high_) in RETENTION_SETTINGS.items()
        if name in data and not (isinstance(data[name], int) and low_ <= data[name] <= high_)
    }
    if errors:
        raise DomainError(errors)
    for name, value in data.items():
        setattr(institution, name, value)
    institution.full_clean(exclude=[f.name for f in Institution._meta.fields if f.name not in data])
    institution.save(update_fields=list(data))
    record(by, "changed settings", institution, institution_id=institution.pk, changes=data)
    return institution


@dataclass(frozen=True)
class RoleSpec:
    role: str
    organisation: Organisation | None = None
    title: str = ""


@transaction.atomic
def create_person(
    *,
    by: Any,
    institution: Institution,
    first_name: str,
    last_name: str,
    roles: Sequence[RoleSpec],
    email: str = "",
    phone: str = "",
) -> Person:
    if not roles:
        raise DomainError({"roles": _("Choose at least one SOFAR role.")})
    person = Person(
        institution=institution,
        first_name=without_bidi_controls(first_name).strip(),
        last_name=without_bidi_controls(last_name).strip(),
        email=email,
        phone=phone,
    )
    person.full_clean()
    person.save()
    _set_roles(person, roles)
    record(by, "created", person)
    return person


def _set_roles(person: Person, roles: Sequence[RoleSpec]) -> None:
    for spec in roles:
        if spec.role == SofarRole.ORGANISATION and spec.organisation is None:
            raise DomainError({"organisation": _("Organisation staff need the organisation they work for.")})
    person.affiliations.all().delete()
    Affiliation.objects.bulk_create(
        [
            Affiliation(
                person=person,
                role=spec.role,
                organisation=spec.organisation,
                institution=person.institution
                if spec.role in (SofarRole.STUDENT, SofarRole.FACULTY, SofarRole.ADMINISTRATOR)
                else None,
                title=spec.title,
            )
            for spec in roles
        ]
    )


@transaction.atomic
def update_person(
    person: Person,
    *,
    by: Any,
    expected_version: int | None,
    roles: Sequence[RoleSpec] | None = None,
    **fields: Any,
) -> Person:
    allowed = {"first_name", "last_name", "email", "phone"}
    fields = _names_cleaned(fields)
    changes = {k: v for k, v in fields.items() if k in allowed and getattr(person, k) != v}
    save_versioned(person, expected_version=expected_version, fields=changes)
    if roles is not None:
        if not roles:
            raise DomainError({"roles": _("Choose at least one SOFAR role.")})
        _set_roles(person, roles)
        changes["roles"] = [r.role for r in roles]
    record(by, "changed", person, changes=changes)
    return person


def _ends(actor: Actor, prefix: str) -> dict[str, Any]:
    if isinstance(actor, Organisation):
        return {f"{prefix}_organisation": actor, f"{prefix}_person": None}
    return {f"{prefix}_person": actor, f"{prefix}_organisation": None}


def check_owners(institution_id: int, owners: Sequence[Person]) -> None:
    if not owners:
        raise DomainError({"owners": _("Every relationship needs at least one owner inside the institution.")})
    for owner in owners:
        if owner.institution_id != institution_id or not owner.is_active:
            raise DomainError(
                {"owners": _("%(name)s cannot own it: owners are active people of the institution.") % {"name": owner}}
            )


@transaction.atomic
def create_relationship(
    *,
    by: Any,
    institution: Institution,
    a: Actor,
    a_role: str,
    b: Actor,
    b_role: str,
    owners: Sequence[Person],
    description: str = "",
) -> Relationship:
    if a == b:
        raise DomainError({"b": _("A relationship needs two different actors.")})
    for actor, role, field in ((a, a_role, "a_role"), (b, b_role, "b_role")):
        if isinstance(actor, Organisation) and role != SofarRole.ORGANISATION:
            raise DomainError({field: _("An organisation takes part in the organisation role.")})
        if isinstance(actor, Person) and actor.institution_id != institution.pk:
            raise DomainError({field: _("This person is not in your institution's network.")})
    check_owners(institution.pk, owners)
    relationship = Relationship(
        institution=institution, a_role=a_role, b_role=b_role, description=description, **_ends(a, "a"), **_ends(b, "b")
    )
    relationship.full_clean()
    relationship.save()
    relationship.owners.set(owners)
    record(by, "created", relationship)
    return relationship


@transaction.atomic
def set_relationship_owners(
    relationship: Relationship, *, by: Any, owners: Sequence[Person], expected_owners: str | None = None
) -> None:
    """Replace the owners. ``expected_owners`` is the fingerprint of the owners the caller read
    (``network.queries.owners_fingerprint``): when given and no longer current, nothing changes (conflict)."""
    if expected_owners is not None and owners_fingerprint(relationship) != expected_owners:
        raise ConflictError()
    check_owners(relationship.institution_id, owners)
    relationship.owners.set(owners)
    Relationship.objects.filter(pk=relationship.pk).update(orphaned=False)
    relationship.orphaned = False
    record(by, "owners changed", relationship, changes={"owners": [str(o) for o in owners]})


def contact_relationship(user: Any, organisation: Organisation) -> Relationship:
    """The relationship a user logs a contact with an organisation on: their own, created on first use."""
    if user.person_id is None or user.institution_id is None:
        raise DomainError(
            _("Your account is not linked to a person of an institution, so contacts cannot be logged for you.")
        )
    person = user.person
    existing = (
        Relationship.objects.filter(institution_id=user.institution_id)
        .filter(Q(a_person=person, b_organisation=organisation) | Q(b_person=person, a_organisation=organisation))
        .first()
    )
    if existing:
        return existing
    role = person.roles[0] if person.roles else SofarRole.FACULTY
    return create_relationship(
        by=user,
        institution=user.institution,
        a=person,
        a_role=role,
        b=organisation,
        b_role=SofarRole.ORGANISATION,
        owners=[person],
    )


def interaction_errors(
    relationship: Relationship, occurred_on: dt.date, summary: str, mode: str, intermediary: Person | None
) -> dict[str, str]:
    """What is wrong with a contact moment, per field (empty when nothing is): the rules of every face."""
    errors: dict[str, str] = {}
    if not (summary or "").strip():
        errors["summary"] = _("Say in a few words what the contact was about.")
    if occurred_on > timezone.localdate():
        errors["occurred_on"] = _("A contact moment cannot be in the future.")
    if mode == Interaction.Mode.INTERMEDIARY and intermediary is None:
        errors["intermediary"] = _("Name the intermediary, or choose a direct contact.")
    if intermediary is not None and intermediary.institution_id != relationship.institution_id:
        errors["intermediary"] = _("This person is not in your institution's network.")
    return errors


@transaction.atomic
def log_interaction(
    relationship: Relationship,
    *,
    by: Any,
    occurred_on: dt.date,
    summary: str,
    channel: str = Interaction.Channel.MEETING,
    mode: str = Interaction.Mode.DIRECT,
    initiated_by: str = Interaction.Initiator.A,
    intermediary: Person | None = None,
    decision: str = "",
    summary_shared: bool | None = None,
) -> Interaction:
    """Log a contact moment. ``summary_shared`` says whether the partner organisation reads its summary;
    None takes the institution's default (a partner logging its own contact always shares it)."""
    summary = (summary or "").strip()
    if summary_shared is None:
        summary_shared = (
            bool(getattr(by, "is_partner", False))
            or Institution.objects.filter(pk=relationship.institution_id, share_contact_summaries=True).exists()
        )
    if errors := interaction_errors(relationship, occurred_on, summary, mode, intermediary):
        raise DomainError(errors)
    interaction = Interaction(
        relationship=relationship,
        institution_id=relationship.institution_id,
        occurred_on=occurred_on,
        summary=summary,
        summary_shared=summary_shared,
        channel=channel,
        mode=mode,
        initiated_by=initiated_by,
        decision=decision,
        intermediary=intermediary if mode == Interaction.Mode.INTERMEDIARY else None,
        logged_by=by if getattr(by, "is_authenticated", False) else None,
    )
    interaction.full_clean(exclude=["relationship", "institution", "logged_by", "intermediary"])
    interaction.save()
    # Keep the newest contact date on the relationship, for the dashboard's index.
    Relationship.objects.filter(pk=relationship.pk).filter(
        Q(last_contact_on__isnull=True) | Q(last_contact_on__lt=occurred_on)
    ).update(last_contact_on=occurred_on)
    if relationship.last_contact_on is None or relationship.last_contact_on < occurred_on:
        relationship.last_contact_on = occurred_on
    record(by, "logged contact", relationship, changes={"date": occurred_on.isoformat(), "channel": channel})
    return interaction


INTERACTION_FIELDS = (
    "occurred_on",
    "summary",
    "summary_shared",
    "channel",
    "mode",
    "initiated_by",
    "intermediary",
    "decision",
)


@transaction.atomic
def update_interaction(interaction: Interaction, *, by: Any, **fields: Any) -> Interaction:
    """Correct a contact moment; the relationship's last contact date follows (also when moved earlier)."""
    values = {name: fields.get(name, getattr(interaction, name)) for name in INTERACTION_FIELDS}
    relationship = interaction.relationship
    errors = interaction_errors(
        relationship, values["occurred_on"], values["summary"], values["mode"], values["intermediary"]
    )
    if errors:
        raise DomainError(errors)
    if values["mode"] != Interaction.Mode.INTERMEDIARY:
        values["intermediary"] = None
    changes = {k: v for k, v in values.items() if getattr(interaction, k) != v}
    for name, value in values.items():
        setattr(interaction, name, value)
    interaction.summary = interaction.summary.strip()
    interaction.full_clean(exclude=["relationship", "institution", "logged_by", "intermediary"])
    interaction.save()
    refresh_last_contact([relationship.pk])
    record(by, "changed contact", relationship, changes=changes)
    return interaction


@transaction.atomic
def delete_interactions(interactions: Iterable[Interaction], *, by: Any) -> int:
    """Remove contact moments (a data fix); each relationship's last contact date follows."""
    items = list(interactions)
    for interaction in items:
        record(
            by,
            "removed contact",
            interaction.relationship,
            changes={"date": interaction.occurred_on.isoformat(), "summary": interaction.summary[:200]},
        )
    Interaction.objects.filter(pk__in=[i.pk for i in items]).delete()
    refresh_last_contact({i.relationship_id for i in items})
    return len(items)


def refresh_last_contact(relationship_ids: Iterable[int]) -> None:
    """Set each relationship's last contact date to its newest contact moment again (one statement)."""
    newest = Interaction.objects.filter(relationship_id=OuterRef("pk")).order_by().values("relationship_id")
    newest = newest.annotate(last=Max("occurred_on")).values("last")
    Relationship.objects.filter(pk__in=list(relationship_ids)).update(last_contact_on=Subquery(newest))


def refresh_orphaned(relationship_ids: Iterable[int] | None = None, *, institution_id: int | None = None) -> None:
    """Recompute which relationships have no active owner left."""
    active_owner = Relationship.owners.through.objects.filter(relationship_id=OuterRef("pk"), person__is_active=True)
    queryset = Relationship.objects.all()
    if relationship_ids is not None:
        queryset = queryset.filter(pk__in=list(relationship_ids))
    if institution_id is not None:
        queryset = queryset.filter(institution_id=institution_id)
    queryset.filter(Exists(active_owner)).exclude(orphaned=False).update(orphaned=False)
    queryset.filter(~Exists(active_owner)).exclude(orphaned=True).update(orphaned=True)


INSTITUTION_SIDE_ROLES = frozenset({SofarRole.STUDENT, SofarRole.FACULTY, SofarRole.ADMINISTRATOR})


def initiator_code(relationship: Relationship, side: str) -> str:
    """Turn "ours", "theirs" or "both" into the end (a, b) of the relationship that took the initiative.

    The institution's side is the end in a student, faculty or administrator
    role; if both or neither are, the first end counts as ours.
    """
    if side == "both":
        return Interaction.Initiator.BOTH
    a_is_ours = relationship.a_role in INSTITUTION_SIDE_ROLES or relationship.b_role not in INSTITUTION_SIDE_ROLES
    ours = Interaction.Initiator.A if a_is_ours else Interaction.Initiator.B
    theirs = Interaction.Initiator.B if a_is_ours else Interaction.Initiator.A
    return ours if side == "ours" else theirs


@transaction.atomic
def add_vocabulary_term(model: type[Theme] | type[TargetGroup], *, name: str, by: Any) -> Theme | TargetGroup:
    """A new theme or target group named ``name`` in both languages (the office corrects either name later), or
    the existing one with that name in either language. Shared by every institution, so the office adds it."""
    from django.utils.text import slugify

    if not by.has_perm("network.add_vocabulary_term"):
        raise DomainError(_("Only the coordinator's office adds themes and target groups."))
    name = " ".join(without_bidi_controls(name or "").split())[:100]
    if not name:
        raise DomainError(_("Give the new term a name."))
    existing = model.objects.filter(Q(name_nl__iexact=name) | Q(name_en__iexact=name)).first()
    if existing is not None:
        return existing
    base = slugify(name)[:40] or "term"
    slug, number = base, 1
    while model.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    term = model.objects.create(slug=slug, name_nl=name, name_en=name)
    record(by, "added vocabulary term", term, institution_id=getattr(by, "institution_id", None))
    return term
