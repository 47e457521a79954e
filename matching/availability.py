"""When a partner can be asked, and what makes a good partner: the writes behind two small settings pages.

*Quiet periods* are stretches in which an organisation asks for no new proposals; the capacity guard
(``matching.services.hold_reason``) holds every proposal that falls in one. A partner user sets its own
organisation's; the coordinator's office may enter one on the partner's behalf.

*Partner criteria* are an institution's checklist for a good partner, shown to students who propose a
new organisation (``matching.services.criteria_for``), in Dutch and English, in the office's order.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.services import record
from lib.concurrency import save_versioned
from lib.errors import ConflictError, DomainError
from matching.models import PartnerCriterion, QuietPeriod
from network.models import Institution, Organisation

# A longer break is better said by pausing the organisation's profile; a year keeps the guard's signal honest.
QUIET_MAX_DAYS = 366
REASON_MAX = 300
CRITERION_MAX = 300
CRITERIA_MAX = 30
PAST_SHOWN = 10


def quiet_periods_for(user: Any, organisation: Organisation) -> dict[str, Any]:
    """An organisation's current and coming quiet periods, and the last few past ones, as ``user`` sees them,
    each marked with whether ``user`` may change it and whether it runs today. Two queries."""
    today = timezone.localdate()
    visible = (
        QuietPeriod.objects.for_user(user).filter(organisation=organisation).select_related("created_by__institution")
    )
    coming = list(visible.filter(end__gte=today).order_by("start", "id"))
    past = list(visible.filter(end__lt=today).order_by("-start", "-id")[:PAST_SHOWN])
    for period in (*coming, *past):
        period.can_change = user.has_perm("matching.change_quiet_period", period)  # type: ignore[attr-defined]
        period.is_now = period.start <= today <= period.end  # type: ignore[attr-defined]
    return {"coming": coming, "past": past, "today": today}


def _lock(organisation_id: int) -> None:
    # Serialise the overlap check with other writers for the same organisation (and with proposals).
    Organisation.objects.select_for_update().filter(pk=organisation_id).values_list("pk").get()


def _check_quiet(
    organisation_id: int,
    start: dt.date,
    end: dt.date,
    reason: str,
    *,
    exclude: int | None = None,
    check_past: bool = True,
) -> None:
    errors: dict[str, str] = {}
    if end < start:
        errors["end"] = _("The end date cannot be before the start date.")
    elif check_past and end < timezone.localdate():
        errors["end"] = _("This period is already over: give an end date from today on.")
    elif (end - start).days >= QUIET_MAX_DAYS:
        errors["end"] = _("A quiet period lasts at most a year. Add another one later if you need more.")
    if len(reason) > REASON_MAX:
        errors["reason"] = _("Keep it under %(max)d characters.") % {"max": REASON_MAX}
    if not errors:
        overlapping = (
            QuietPeriod.objects.filter(organisation_id=organisation_id, start__lte=end, end__gte=start)
            .exclude(pk=exclude)
            .order_by("start")
            .first()
        )
        if overlapping is not None:
            message = _("This overlaps the quiet period from %(start)s to %(end)s. Change that one instead.")
            errors["start"] = message % {
                "start": date_format(overlapping.start),
                "end": date_format(overlapping.end),
            }
    if errors:
        raise DomainError(errors)


def _institution_of(by: Any) -> int | None:
    return getattr(by, "institution_id", None)


@transaction.atomic
def add_quiet_period(
    organisation: Organisation, *, by: Any, start: dt.date, end: dt.date, reason: str = ""
) -> QuietPeriod:
    """Ask for no new proposals from ``start`` to ``end`` (both included). Periods of one organisation never
    overlap: one that would is refused, with the existing one named."""
    reason = (reason or "").strip()
    _lock(organisation.pk)
    _check_quiet(organisation.pk, start, end, reason)
    period = QuietPeriod.objects.create(organisation=organisation, start=start, end=end, reason=reason, created_by=by)
    record(
        by,
        "set quiet period",
        period,
        institution_id=_institution_of(by),
        changes={"organisation": organisation.name, "start": start, "end": end, "reason": reason},
    )
    return period


@transaction.atomic
def change_quiet_period(
    period: QuietPeriod,
    *,
    by: Any,
    expected_version: int | None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    reason: str | None = None,
) -> QuietPeriod:
    """Change the fields given. An unchanged past period may keep its dates (only the reason changes)."""
    _lock(period.organisation_id)
    new_start = start if start is not None else period.start
    new_end = end if end is not None else period.end
    new_reason = (reason if reason is not None else period.reason).strip()
    dates_changed = (new_start, new_end) != (period.start, period.end)
    _check_quiet(period.organisation_id, new_start, new_end, new_reason, exclude=period.pk, check_past=dates_changed)
    changes = {
        name: value
        for name, value in (("start", new_start), ("end", new_end), ("reason", new_reason))
        if getattr(period, name) != value
    }
    before = {name: getattr(period, name) for name in changes}
    save_versioned(period, expected_version=expected_version, fields=changes)
    record(
        by,
        "changed quiet period",
        period,
        institution_id=_institution_of(by),
        changes={name: [before[name], value] for name, value in changes.items()},
    )
    return period


@transaction.atomic
def remove_quiet_period(period: QuietPeriod, *, by: Any, expected_version: int | None = None) -> None:
    """Lift a quiet period: proposals go out again (proposals held meanwhile stay held until overridden)."""
    queryset = QuietPeriod.objects.filter(pk=period.pk)
    if expected_version is not None:
        queryset = queryset.filter(version=expected_version)
    if not queryset.exists():
        raise ConflictError()
    record(
        by,
        "removed quiet period",
        period,
        institution_id=_institution_of(by),
        changes={"start": period.start, "end": period.end, "reason": period.reason},
    )
    queryset.delete()


# Partner criteria.


def _criterion_texts(text_nl: str, text_en: str) -> tuple[str, str]:
    text_nl, text_en = (text_nl or "").strip(), (text_en or "").strip()
    errors: dict[str, str] = {}
    for name, text in (("text_nl", text_nl), ("text_en", text_en)):
        if not text:
            errors[name] = _("Write the criterion in this language too.")
        elif len(text) > CRITERION_MAX:
            errors[name] = _("Keep it under %(max)d characters.") % {"max": CRITERION_MAX}
    if errors:
        raise DomainError(errors)
    return text_nl, text_en


def _check_order(order: int | None) -> None:
    if order is not None and not 1 <= order <= 999:
        raise DomainError({"order": _("Give a number from 1 to 999.")})


@transaction.atomic
def add_criterion(
    institution: Institution, *, by: Any, text_nl: str, text_en: str, order: int | None = None
) -> PartnerCriterion:
    """Add a criterion; without ``order`` it comes last."""
    text_nl, text_en = _criterion_texts(text_nl, text_en)
    _check_order(order)
    Institution.objects.select_for_update().filter(pk=institution.pk).values_list("pk").get()
    existing = PartnerCriterion.objects.filter(institution=institution)
    if existing.count() >= CRITERIA_MAX:
        raise DomainError(_("An institution keeps at most %(max)d criteria.") % {"max": CRITERIA_MAX})
    if order is None:
        order = (existing.aggregate(last=Max("order"))["last"] or 0) + 1
    criterion = PartnerCriterion.objects.create(institution=institution, text_nl=text_nl, text_en=text_en, order=order)
    record(by, "added partner criterion", criterion, changes={"text_nl": text_nl, "text_en": text_en, "order": order})
    return criterion


@transaction.atomic
def change_criterion(
    criterion: PartnerCriterion,
    *,
    by: Any,
    expected_version: int | None,
    text_nl: str | None = None,
    text_en: str | None = None,
    order: int | None = None,
) -> PartnerCriterion:
    new_nl, new_en = _criterion_texts(
        text_nl if text_nl is not None else criterion.text_nl, text_en if text_en is not None else criterion.text_en
    )
    _check_order(order)
    wanted = {"text_nl": new_nl, "text_en": new_en, "order": order if order is not None else criterion.order}
    changes = {name: value for name, value in wanted.items() if getattr(criterion, name) != value}
    before = {name: getattr(criterion, name) for name in changes}
    save_versioned(criterion, expected_version=expected_version, fields=changes)
    record(
        by,
        "changed partner criterion",
        criterion,
        changes={name: [before[name], value] for name, value in changes.items()},
    )
    return criterion


@transaction.atomic
def move_criterion(criterion: PartnerCriterion, *, by: Any, direction: str) -> PartnerCriterion:
    """Swap a criterion with its neighbour above (``up``) or below (``down``); the list is numbered 1, 2, 3 ..."""
    if direction not in ("up", "down"):
        raise DomainError({"direction": _("Move it up or down.")})
    Institution.objects.select_for_update().filter(pk=criterion.institution_id).values_list("pk").get()
    ids = list(
        PartnerCriterion.objects.filter(institution_id=criterion.institution_id)
        .order_by("order", "id")
        .values_list("pk", flat=True)
    )
    at = ids.index(criterion.pk)
    to = at - 1 if direction == "up" else at + 1
    if 0 <= to < len(ids):
        ids[at], ids[to] = ids[to], ids[at]
    for number, pk in enumerate(ids, start=1):
        PartnerCriterion.objects.filter(pk=pk).exclude(order=number).update(order=number, version=F("version") + 1)
    criterion.refresh_from_db()
    record(by, "moved partner criterion", criterion, changes={"direction": direction, "order": criterion.order})
    return criterion


@transaction.atomic
def remove_criterion(criterion: PartnerCriterion, *, by: Any, expected_version: int | None = None) -> None:
    """Remove a criterion. Proposals already sent keep their answers, but the criterion is no longer shown."""
    queryset = PartnerCriterion.objects.filter(pk=criterion.pk)
    if expected_version is not None:
        queryset = queryset.filter(version=expected_version)
    if not queryset.exists():
        raise ConflictError()
    record(by, "removed partner criterion", criterion, changes={"text_nl": criterion.text_nl})
    queryset.delete()
