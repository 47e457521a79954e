"""Relationship health: closeness and equity of a partnership or relationship, and the continuum step
(Brug's suggestion from the evidence, and confirming a step). Same figures and rules as the health pages."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from accounts.access import get_for_user_or_404, require
from api.auth import acting_user
from api.errors import codes
from api.pagination import PageInput
from api.schemas import InputSchema, OrganisationRef, Text, Version
from engagements.models import Engagement
from health.closeness import (
    ClosenessFigures,
    SideShares,
    closeness_from,
    default_period,
    partnership_engagements,
    partnership_interactions,
    relationship_engagements,
    relationship_interactions,
)
from health.equity import EquityFigures, engagements_contributions, equity_for_partnership, equity_from
from health.overview import (
    FLAG_CHOICES,
    PERCEPTION_GAP_FLAG,
    filter_flag,
    filter_overview,
    health_rows,
    overview_base,
    with_health,
)
from lib.errors import DomainError
from network.models import Campus, Interaction, Relationship, Theme
from partnerships.continuum import confirm_stage, suggest_stage
from partnerships.models import ContinuumStage, Partnership, PartnershipParty

router = Router(tags=["Health"])


class PeriodIn(Schema):
    start: dt.date | None = Field(None, description="First day; default: the first day of the month 11 months ago.")
    end: dt.date | None = Field(None, description="Last day; default: today.")


class SharesOut(Schema):
    ours: int
    theirs: int
    both: int
    balance: float | None = Field(description="1 when both sides weigh the same, 0 when one side only.")


class CountOut(Schema):
    code: str
    label: str
    count: int


class MonthOut(Schema):
    month: dt.date
    count: int


class ClosenessOut(Schema):
    start: dt.date
    end: dt.date
    contacts: int
    per_month: float
    trend: str = Field(description="rising, falling or steady")
    last_contact_on: dt.date | None
    days_since_last_contact: int | None
    diversity: int
    months: list[MonthOut]
    channels: list[CountOut]
    engagement_kinds: list[CountOut]
    initiative: SharesOut
    decisions: SharesOut

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "start": "2026-01-01",
                    "end": "2026-11-28",
                    "contacts": 14,
                    "per_month": 1.3,
                    "trend": "steady",
                    "last_contact_on": "2026-11-20",
                    "days_since_last_contact": 8,
                    "diversity": 4,
                    "months": [{"month": "2026-01-01", "count": 2}],
                    "channels": [{"code": "meeting", "label": "Meeting", "count": 9}],
                    "engagement_kinds": [{"code": "service_learning", "label": "Service-learning project", "count": 2}],
                    "initiative": {"ours": 8, "theirs": 5, "both": 1, "balance": 0.79},
                    "decisions": {"ours": 1, "theirs": 1, "both": 2, "balance": 1.0},
                }
            ]
        }
    )


class EquityOut(Schema):
    recorded: bool
    one_sided: bool
    reasons: list[str]
    hours: dict[str, float] = Field(description="Hours put in per side: campus, community.")
    money: dict[str, float] = Field(description="Euros put in per side: campus, community.")
    benefits: dict[str, int] = Field(description="Benefits named per side.")
    campus_hours_percent: int | None
    campus_money_percent: int | None


class StepOut(Schema):
    stage: int
    label: str
    met: bool
    found: list[str]
    missing: str


class ContinuumOut(Schema):
    current_stage: int
    current_label: str
    suggested_stage: int | None
    suggested_label: str
    version: int
    steps: list[StepOut]


class ConfirmIn(InputSchema):
    stage: int = Field(ge=1, le=9, description="One of the nine steps.")
    reason: Text = Field("", max_length=2000, description="Needed when the step differs from Brug's suggestion.")
    version: Version

    model_config = ConfigDict(json_schema_extra={"examples": [{"stage": 5, "reason": "", "version": 3}]})


def _shares(shares: SideShares) -> dict[str, Any]:
    return {"ours": shares.ours, "theirs": shares.theirs, "both": shares.both, "balance": shares.balance}


def _closeness(figures: ClosenessFigures) -> dict[str, Any]:
    return {
        "start": figures.start,
        "end": figures.end,
        "contacts": figures.contacts,
        "per_month": round(figures.per_month, 2),
        "trend": figures.trend,
        "last_contact_on": figures.last_contact_on,
        "days_since_last_contact": figures.days_since_last_contact,
        "diversity": figures.diversity,
        "months": [{"month": m.month, "count": m.count} for m in figures.months],
        "channels": [{"code": k.code, "label": str(k.label), "count": k.count} for k in figures.channels],
        "engagement_kinds": [
            {"code": k.code, "label": str(k.label), "count": k.count} for k in figures.engagement_kinds
        ],
        "initiative": _shares(figures.initiative),
        "decisions": _shares(figures.decisions),
    }


def _equity(figures: EquityFigures) -> dict[str, Any]:
    return {
        "recorded": figures.recorded,
        "one_sided": figures.one_sided,
        "reasons": [str(r) for r in figures.reasons],
        "hours": {side: float(v) for side, v in figures.hours.items()},
        "money": {side: float(v) for side, v in figures.money.items()},
        "benefits": dict(figures.benefits),
        "campus_hours_percent": figures.campus_hours_percent,
        "campus_money_percent": figures.campus_money_percent,
    }


def _period(period: PeriodIn) -> tuple[dt.date, dt.date]:
    start, end = default_period(timezone.localdate())
    start, end = period.start or start, period.end or end
    if start > end:
        raise DomainError({"start": _("The start of the period must come before its end.")})
    return start, end


def _partnership(request: HttpRequest, public_id: UUID) -> Partnership:
    partnership = get_for_user_or_404(
        Partnership.objects.for_user(acting_user(request)).select_related("institution"), public_id=public_id
    )
    require(acting_user(request), "partnerships.view_partnership_health", partnership)
    return partnership


def _relationship(request: HttpRequest, public_id: UUID) -> Relationship:
    relationship = get_for_user_or_404(Relationship.objects.for_user(acting_user(request)), public_id=public_id)
    require(acting_user(request), "network.view_relationship_health", relationship)
    return relationship


def _figures(interactions: QuerySet[Interaction], engagements: QuerySet[Engagement], period: PeriodIn) -> Any:
    start, end = _period(period)
    return _closeness(closeness_from(interactions, engagements, start=start, end=end))


@router.get(
    "/partnerships/{public_id}/closeness",
    response=codes({200: ClosenessOut}, 400, 403, 404),
    summary="Closeness of a partnership",
)
def partnership_closeness(request: HttpRequest, public_id: UUID, period: Query[PeriodIn]) -> Any:
    """Contact moments per month and their trend, kinds of shared activity, and who takes the initiative and
    proposes decisions, in the period (default: the last twelve months). The lead institution's staff."""
    partnership = _partnership(request, public_id)
    return _figures(partnership_interactions(partnership), partnership_engagements(partnership), period)


@router.get(
    "/partnerships/{public_id}/equity",
    response=codes({200: EquityOut}, 403, 404),
    summary="Equity of a partnership",
)
def partnership_equity(request: HttpRequest, public_id: UUID) -> Any:
    """What each side puts in and gets out, from the engagements' recorded contributions, and whether it is
    one-sided (with the reasons, in words)."""
    return _equity(equity_for_partnership(_partnership(request, public_id)))


@router.get(
    "/relationships/{public_id}/closeness",
    response=codes({200: ClosenessOut}, 400, 403, 404),
    summary="Closeness of a relationship",
)
def relationship_closeness(request: HttpRequest, public_id: UUID, period: Query[PeriodIn]) -> Any:
    relationship = _relationship(request, public_id)
    return _figures(relationship_interactions([relationship.pk]), relationship_engagements([relationship.pk]), period)


@router.get(
    "/relationships/{public_id}/equity",
    response=codes({200: EquityOut}, 403, 404),
    summary="Equity of a relationship",
)
def relationship_equity(request: HttpRequest, public_id: UUID) -> Any:
    relationship = _relationship(request, public_id)
    return _equity(equity_from(engagements_contributions(relationship_engagements([relationship.pk]))))


def _continuum(partnership: Partnership) -> dict[str, Any]:
    suggestion = suggest_stage(partnership)
    return {
        "current_stage": partnership.stage,
        "current_label": str(ContinuumStage(partnership.stage).label),
        "suggested_stage": suggestion.stage,
        "suggested_label": suggestion.label,
        "version": partnership.version,
        "steps": [
            {
                "stage": step.stage,
                "label": str(ContinuumStage(step.stage).label),
                "met": step.met,
                "found": [str(item) for item in step.found],
                "missing": str(step.missing),
            }
            for step in suggestion.steps
        ],
    }


@router.get(
    "/partnerships/{public_id}/continuum",
    response=codes({200: ContinuumOut}, 403, 404),
    summary="Continuum step and Brug's suggestion",
)
def partnership_continuum(request: HttpRequest, public_id: UUID) -> Any:
    """The step the partnership is on, and the highest step whose evidence (and that of every lower step)
    is recorded, step by step with what is found and what is missing."""
    return _continuum(_partnership(request, public_id))


@router.post(
    "/partnerships/{public_id}/continuum",
    response=codes({200: ContinuumOut}, 400, 403, 404, 409),
    summary="Confirm the continuum step",
)
def confirm_continuum(request: HttpRequest, public_id: UUID, payload: ConfirmIn) -> Any:
    """Place the partnership on a step. Another step than Brug's suggestion needs a `reason` (else 400);
    a stale `version` is refused (409)."""
    user = acting_user(request)
    partnership = _partnership(request, public_id)
    require(user, "partnerships.change_partnership", partnership)
    confirm_stage(partnership, stage=payload.stage, reason=payload.reason, by=user, expected_version=payload.version)
    partnership.refresh_from_db()
    return _continuum(partnership)


# The health overview: the institution's partnerships, worst first, with flags that explain themselves.

FlagCode = Literal[tuple(code for code, _label in FLAG_CHOICES)]  # type: ignore[valid-type]


class OverviewFilters(Schema):
    campus: Text = Field("", description="Slug of a campus of your institution.")
    theme: Text = Field("", description="Slug of a theme of a partner organisation.")
    faculty: Text = Field(
        "",
        max_length=100,
        description="Name (every word) or public id of an owner, or of a teacher of a course with an engagement "
        "in the partnership.",
    )
    stage: int | None = Field(
        None, ge=min(ContinuumStage.values), le=max(ContinuumStage.values), description="Continuum step, 1 to 9."
    )
    flag: FlagCode | None = Field(None, description="Only partnerships carrying this flag.")


class RecordOut(Schema):
    kind: str = Field(description="What the record is: owners, timeline, equity, round or rounds.")
    id: str = Field(description="Public id of the partnership or assessment round.")
    label: str


class FlagOut(Schema):
    code: str
    level: str = Field(description="bad or warn.")
    text: str
    records: list[RecordOut] = Field(description="The records behind the flag.")


class OverviewRowOut(Schema):
    id: UUID
    title: str
    status: str
    stage: int
    campus: str | None = Field(description="Slug of the campus, if any.")
    organisations: list[OrganisationRef]
    last_contact_on: dt.date | None
    severity: int = Field(description="The weight of the flags: the list is ordered by it, worst first.")
    flags: list[FlagOut]


class OverviewOut(Schema):
    count: int
    stale_after_months: int = Field(description="Your institution's threshold for 'no recent contact'.")
    perception_gap_threshold: float
    items: list[OverviewRowOut]

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "count": 1,
                    "stale_after_months": 6,
                    "perception_gap_threshold": 1.5,
                    "items": [
                        {
                            "id": "3f2c1d1e-0000-4000-8000-000000000005",
                            "title": "Neighbourhood partnership",
                            "status": "active",
                            "stage": 4,
                            "campus": None,
                            "organisations": [{"id": "3f2c1d1e-0000-4000-8000-000000000002", "name": "Buurtwerk"}],
                            "last_contact_on": None,
                            "severity": 8,
                            "flags": [
                                {
                                    "code": "no_owner",
                                    "level": "bad",
                                    "text": "No owner: nobody inside the institution looks after it.",
                                    "records": [
                                        {"kind": "owners", "id": "3f2c1d1e-0000-4000-8000-000000000005", "label": "x"}
                                    ],
                                }
                            ],
                        }
                    ],
                }
            ]
        }
    )


def _overview_filter(queryset: QuerySet[Partnership], institution: Any, filters: OverviewFilters) -> Any:
    """The filters of the health overview page (``health.overview.filter_overview``), flag aside; an unknown
    campus or theme is a 400 naming it."""
    campus = theme = None
    if filters.campus:
        campus = Campus.objects.filter(institution=institution, slug=filters.campus.strip()).first()
        if campus is None:
            raise DomainError({"campus": _("Your institution has no campus %(slug)s.") % {"slug": filters.campus}})
    if filters.theme:
        theme = Theme.objects.filter(slug=filters.theme.strip()).first()
        if theme is None:
            raise DomainError({"theme": _("Unknown: %(slugs)s") % {"slugs": filters.theme}})
    return filter_overview(
        queryset, institution, campus=campus, theme=theme, faculty=filters.faculty, stage=filters.stage
    )


@router.get(
    "/overview",
    response=codes({200: OverviewOut}, 400, 403),
    summary="Health overview of your institution's partnerships",
)
def health_overview(request: HttpRequest, filters: Query[OverviewFilters], page: Query[PageInput]) -> Any:
    """The partnerships your institution leads and you may see (not ended), worst first, each with the flags
    that need attention (no recent contact, one-sided effort, large perception gap, no owner, one owner only,
    assessment overdue) and the records behind them. Institution staff, as on the health overview page.
    Filters: `campus`, `theme`, `faculty`, `stage`, `flag`. Paged with `page` and `page_size`."""
    user = acting_user(request)
    require(user, "partnerships.view_health")
    institution = user.institution
    if institution is None:
        raise DomainError(_("Your account does not belong to an institution."))
    health = with_health(_overview_filter(overview_base(user, institution), institution, filters), institution)
    partnerships = filter_flag(health.queryset, filters.flag or "")
    size = page.page_size or settings.BRUG_PAGE_SIZE
    start = (page.page - 1) * size
    shown = list(
        partnerships.select_related("campus").prefetch_related(
            Prefetch("parties", queryset=PartnershipParty.objects.select_related("organisation").order_by("id"))
        )[start : start + size]
    )
    rows = health_rows(shown, institution, gaps=health.gaps)
    return {
        "count": partnerships.count(),
        "stale_after_months": institution.stale_after_months,
        "perception_gap_threshold": PERCEPTION_GAP_FLAG,
        "items": [
            {
                "id": row.partnership.public_id,
                "title": row.partnership.title,
                "status": row.partnership.status,
                "stage": row.partnership.stage,
                "campus": row.partnership.campus.slug if row.partnership.campus else None,
                "organisations": [party.organisation for party in row.partnership.parties.all()],
                "last_contact_on": row.partnership.last_contact,
                "severity": row.partnership.severity,
                "flags": [
                    {
                        "code": flag.code,
                        "level": flag.level,
                        "text": str(flag.text),
                        "records": [{"kind": r.kind, "id": r.public_id, "label": r.label} for r in flag.records],
                    }
                    for flag in row.flags
                ],
            }
            for row in rows
        ],
    }
