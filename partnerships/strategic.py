"""Running a strategic partnership: its parties, forms and levels, shared goals with their
collective-impact indicators and measurements, and the milestones on its timeline.

Each operation is atomic and writes one audit entry on the partnership. Goals,
indicators, parties and milestones have no version column, so an edit names the
``fingerprint`` of the record as the editor saw it; a changed record is refused
with a ``ConflictError`` rather than silently overwritten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from engagements.models import Engagement
from lib.concurrency import save_versioned
from lib.errors import ConflictError, DomainError
from network.models import Institution, Organisation, Person
from partnerships.models import Goal, Indicator, Measurement, Milestone, Partnership, PartnershipParty

GOAL_FIELDS = ("title", "description", "order")
INDICATOR_FIELDS = ("name", "unit", "baseline", "target", "target_date", "measured_by")
MILESTONE_FIELDS = ("date", "kind", "title", "description")
PARTY_FIELDS = ("role", "joined_on", "contact_person_id")


def fingerprint(obj: models.Model, fields: Iterable[str]) -> str:
    """A short digest of a record's editable values: the lock for records without a version."""
    text = "\x1f".join(f"{name}={getattr(obj, name)!s}" for name in fields)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _check_fingerprint(obj: models.Model, fields: Iterable[str], expected: str | None) -> None:
    if expected is None:
        return
    fresh = type(obj)._default_manager.filter(pk=obj.pk).first()
    if fresh is None or fingerprint(fresh, fields) != expected:
        raise ConflictError()


def _changes(obj: models.Model, values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if getattr(obj, k) != v}


def _clean(obj: models.Model) -> None:
    """The model's own field checks, said as a domain error next to the fields."""
    try:
        obj.full_clean()
    except ValidationError as error:
        raise DomainError(error.message_dict) from error


def _save(obj: models.Model, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(obj, name, value)
    _clean(obj)
    obj.save()


def _audit(by: Any, action: str, partnership: Partnership, **changes: Any) -> None:
    record(by, action, partnership, institution_id=partnership.institution_id, changes=changes)


def _today() -> dt.date:
    return timezone.localdate()


def _user_or_none(by: Any) -> Any:
    return by if getattr(by, "is_authenticated", False) else None


# Parties.


@transaction.atomic
def add_party(
    partnership: Partnership,
    *,
    by: Any,
    organisation: Organisation | None = None,
    institution: Institution | None = None,
    role: str = "",
    joined_on: dt.date | None = None,
    contact_person: Person | None = None,
) -> Milestone:
    """Widen the partnership with an organisation, a public body or another institution.

    The widening is written on the partnership's timeline as a milestone of kind "widened".
    """
    if (organisation is None) == (institution is None):
        raise DomainError({"organisation": _("Choose one organisation or one institution to add.")})
    joined_on = joined_on or _today()
    if organisation is not None:
        if partnership.parties.filter(organisation=organisation).exists():
            raise DomainError({"organisation": _("%(name)s is already a party.") % {"name": organisation}})
        if contact_person is not None and not contact_person.affiliations.filter(organisation=organisation).exists():
            raise DomainError(
                {"contact_person": _("The contact person must work for %(name)s.") % {"name": organisation}}
            )
        PartnershipParty.objects.create(
            partnership=partnership,
            organisation=organisation,
            role=role,
            joined_on=joined_on,
            contact_person=contact_person,
        )
        name = organisation.name
    else:
        assert institution is not None
        if (
            institution.pk == partnership.institution_id
            or partnership.other_institutions.filter(pk=institution.pk).exists()
        ):
            raise DomainError({"institution": _("%(name)s is already a party.") % {"name": institution}})
        partnership.other_institutions.add(institution)
        name = institution.name
    milestone = Milestone.objects.create(
        partnership=partnership,
        date=joined_on,
        kind=Milestone.Kind.WIDENED,
        title=_("%(name)s joins the partnership") % {"name": name},
        description=role,
    )
    _audit(by, "added party", partnership, party=name, role=role, joined_on=joined_on)
    return milestone


@transaction.atomic
def update_party(
    party: PartnershipParty,
    *,
    by: Any,
    expected: str | None,
    role: str,
    joined_on: dt.date | None,
    contact_person: Person | None = None,
) -> PartnershipParty:
    _check_fingerprint(party, PARTY_FIELDS, expected)
    if (
        contact_person is not None
        and not contact_person.affiliations.filter(organisation=party.organisation_id).exists()
    ):
        raise DomainError(
            {"contact_person": _("The contact person must work for %(name)s.") % {"name": party.organisation}}
        )
    values = {"role": role, "joined_on": joined_on, "contact_person_id": getattr(contact_person, "pk", None)}
    changes = _changes(party, values)
    _save(party, values)
    _audit(by, "changed party", party.partnership, party=str(party.organisation), **changes)
    return party


@transaction.atomic
def remove_party(party: PartnershipParty, *, by: Any) -> None:
    partnership = party.partnership
    if not partnership.parties.exclude(pk=party.pk).exists():
        raise DomainError(_("A partnership keeps at least one partner organisation."))
    name = str(party.organisation)
    party.delete()
    _audit(by, "removed party", partnership, party=name)


@transaction.atomic
def remove_institution(partnership: Partnership, institution: Institution, *, by: Any) -> None:
    if institution.pk == partnership.institution_id:
        raise DomainError(_("The lead institution cannot leave its own partnership."))
    partnership.other_institutions.remove(institution)
    _audit(by, "removed party", partnership, party=str(institution))


# Forms of collaboration and levels.


@transaction.atomic
def set_collaboration(
    partnership: Partnership,
    *,
    by: Any,
    expected_version: int | None,
    forms: Sequence[str],
    levels: Sequence[str],
) -> Partnership:
    """The range of collaboration forms (engagement kinds) and the levels the partnership works at."""
    kinds, known_levels = set(Engagement.Kind.values), set(Engagement.Level.values)
    if unknown := [f for f in forms if f not in kinds]:
        raise DomainError({"collaboration_forms": _("Unknown form of collaboration: %(f)s") % {"f": unknown[0]}})
    if unknown := [level for level in levels if level not in known_levels]:
        raise DomainError({"levels": _("Unknown level: %(l)s") % {"l": unknown[0]}})
    # Kept in the order of the choices, so the page and the report read the same every time.
    values = {
        "collaboration_forms": [k for k in Engagement.Kind.values if k in forms],
        "levels": [level for level in Engagement.Level.values if level in levels],
    }
    changes = _changes(partnership, values)
    save_versioned(partnership, expected_version=expected_version, fields=values)
    _audit(by, "changed collaboration", partnership, **changes)
    return partnership


# Goals.


@transaction.atomic
def add_goal(partnership: Partnership, *, by: Any, title: str, description: str = "", order: int | None = None) -> Goal:
    if order is None:
        order = (partnership.goals.aggregate(top=models.Max("order"))["top"] or 0) + 1
    goal = Goal(partnership=partnership, title=title, description=description, order=order)
    _clean(goal)
    goal.save()
    _audit(by, "added goal", partnership, goal=title)
    return goal


@transaction.atomic
def update_goal(goal: Goal, *, by: Any, expected: str | None, **fields: Any) -> Goal:
    _check_fingerprint(goal, GOAL_FIELDS, expected)
    values = {k: v for k, v in fields.items() if k in GOAL_FIELDS}
    changes = _changes(goal, values)
    _save(goal, values)
    _audit(by, "changed goal", goal.partnership, goal=goal.title, **changes)
    return goal


@transaction.atomic
def remove_goal(goal: Goal, *, by: Any) -> None:
    """Remove a goal with its indicators and their measurements."""
    partnership, title = goal.partnership, goal.title
    goal.delete()
    _audit(by, "removed goal", partnership, goal=title)


# Indicators.


def _check_indicator(values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if not (values.get("name") or "").strip():
        errors["name"] = _("Name the indicator.")
    if values.get("target") is None:
        errors["target"] = _("Give the target: the value the partners want to reach.")
    if errors:
        raise DomainError(errors)


@transaction.atomic
def add_indicator(
    goal: Goal,
    *,
    by: Any,
    name: str,
    target: Decimal | None,
    unit: str = "",
    baseline: Decimal | None = None,
    target_date: dt.date | None = None,
    measured_by: str = "",
) -> Indicator:
    values = {
        "name": name,
        "unit": unit,
        "baseline": baseline,
        "target": target,
        "target_date": target_date,
        "measured_by": measured_by,
    }
    _check_indicator(values)
    indicator = Indicator(goal=goal, **values)
    _clean(indicator)
    indicator.save()
    _audit(by, "added indicator", goal.partnership, goal=goal.title, indicator=name, target=target)
    return indicator


@transaction.atomic
def update_indicator(indicator: Indicator, *, by: Any, expected: str | None, **fields: Any) -> Indicator:
    _check_fingerprint(indicator, INDICATOR_FIELDS, expected)
    values = {k: v for k, v in fields.items() if k in INDICATOR_FIELDS}
    _check_indicator({"name": indicator.name, "target": indicator.target, **values})
    changes = _changes(indicator, values)
    _save(indicator, values)
    _audit(by, "changed indicator", indicator.goal.partnership, indicator=indicator.name, **changes)
    return indicator


@transaction.atomic
def remove_indicator(indicator: Indicator, *, by: Any) -> None:
    partnership, name = indicator.goal.partnership, indicator.name
    indicator.delete()
    _audit(by, "removed indicator", partnership, indicator=name)


@transaction.atomic
def record_measurement(
    indicator: Indicator,
    *,
    by: Any,
    measured_on: dt.date | None,
    value: Decimal | None,
    note: str = "",
) -> Measurement:
    """A measured value of an indicator on a date."""
    errors: dict[str, str] = {}
    if value is None:
        errors["value"] = _("Give the measured value.")
    if measured_on is None:
        errors["measured_on"] = _("Give the date of the measurement.")
    elif measured_on > _today():
        errors["measured_on"] = _("A measurement cannot be in the future.")
    if errors:
        raise DomainError(errors)
    measurement = Measurement(
        indicator=indicator, measured_on=measured_on, value=value, note=note, by=_user_or_none(by)
    )
    _clean(measurement)
    measurement.save()
    _audit(
        by,
        "recorded measurement",
        indicator.goal.partnership,
        indicator=indicator.name,
        value=value,
        measured_on=measured_on,
    )
    return measurement


@transaction.atomic
def remove_measurement(measurement: Measurement, *, by: Any) -> None:
    indicator = measurement.indicator
    value, on = measurement.value, measurement.measured_on
    measurement.delete()
    _audit(by, "removed measurement", indicator.goal.partnership, indicator=indicator.name, value=value, measured_on=on)


# Milestones.


@transaction.atomic
def add_milestone(
    partnership: Partnership,
    *,
    by: Any,
    date: dt.date,
    title: str,
    kind: str = Milestone.Kind.EVENT,
    description: str = "",
) -> Milestone:
    milestone = Milestone(partnership=partnership, date=date, kind=kind, title=title, description=description)
    _clean(milestone)
    milestone.save()
    _audit(by, "added milestone", partnership, milestone=title, date=date, kind=kind)
    return milestone


@transaction.atomic
def update_milestone(milestone: Milestone, *, by: Any, expected: str | None, **fields: Any) -> Milestone:
    _check_fingerprint(milestone, MILESTONE_FIELDS, expected)
    values = {k: v for k, v in fields.items() if k in MILESTONE_FIELDS}
    changes = _changes(milestone, values)
    _save(milestone, values)
    _audit(by, "changed milestone", milestone.partnership, milestone=milestone.title, **changes)
    return milestone


@transaction.atomic
def remove_milestone(milestone: Milestone, *, by: Any) -> None:
    partnership, title = milestone.partnership, milestone.title
    milestone.delete()
    _audit(by, "removed milestone", partnership, milestone=title)
