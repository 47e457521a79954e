"""Health of a relationship or a partnership: closeness, equity and integrity, each traceable to its records.

Also the pages listing those records (the contact moments and engagements
behind a figure) and the editor of what each party puts into an engagement and
gets out of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.access import get_for_user_or_404, relationship_scope, require
from engagements.models import Engagement
from health.closeness import (
    BOTH,
    OURS,
    THEIRS,
    ClosenessFigures,
    closeness_from,
    describe_balance,
    describe_decisions,
    describe_initiative,
    engagements_in_period,
    interactions_in_period,
    partnership_engagements,
    partnership_interactions,
    relationship_engagements,
    relationship_interactions,
    side_filter,
)
from health.equity import (
    ONE_SIDED_SHARE,
    engagements_contributions,
    equity_for_engagement,
    equity_for_partnership,
    equity_from,
    set_contributions,
)
from health.integrity import integrity_for_partnership, integrity_for_relationship
from lib.errors import ConflictError, DomainError
from lib.pagination import paginate
from network.models import Interaction, Relationship
from partnerships.models import Partnership
from web.forms.health import (
    ContactFilterForm,
    ContributionFormSet,
    EngagementFilterForm,
    PeriodForm,
    VersionForm,
    contribution_initial,
)

# The chart's drawing area, in SVG user units (the SVG scales to the page width).
CHART_WIDTH, CHART_HEIGHT = 640, 200
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 36, 8, 12, 168


@dataclass(frozen=True)
class Subject:
    """What the health is about: one relationship or one partnership, with the records behind its figures."""

    kind: str  # "relationship" or "partnership"
    obj: Relationship | Partnership
    interactions: QuerySet[Interaction]
    engagements: QuerySet[Engagement]

    def url(self, name: str = "") -> str:
        suffix = f"-{name}" if name else ""
        return reverse(f"{self.kind}-health{suffix}", args=[self.obj.public_id])

    @property
    def detail_url(self) -> str:
        return reverse(f"{self.kind}-detail", args=[self.obj.public_id])


def _relationship_subject(request: HttpRequest, public_id: Any) -> Subject:
    queryset = Relationship.objects.for_user(request.user).with_actors().select_related("institution")
    relationship = get_for_user_or_404(queryset, public_id=public_id)
    require(request.user, "network.view_relationship_health", relationship)
    return Subject(
        "relationship",
        relationship,
        relationship_interactions([relationship.pk]),
        relationship_engagements([relationship.pk]),
    )


def _partnership_subject(request: HttpRequest, public_id: Any) -> Subject:
    queryset = Partnership.objects.for_user(request.user).select_related("institution")
    partnership = get_for_user_or_404(queryset, public_id=public_id)
    require(request.user, "partnerships.view_partnership_health", partnership)
    return Subject(
        "partnership", partnership, partnership_interactions(partnership), partnership_engagements(partnership)
    )


# The trend chart, drawn on the server.


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label: str
    count: int


def chart(figures: ClosenessFigures) -> dict[str, Any]:
    """Bars per month and the fitted trend line, in SVG coordinates."""
    months = figures.months
    top = max(figures.max_month, 1)
    plot_width = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    plot_height = CHART_BOTTOM - CHART_TOP
    slot = plot_width / max(len(months), 1)

    def y_of(value: float) -> float:
        value = min(max(value, 0.0), float(top))
        return round(CHART_BOTTOM - plot_height * value / top, 1)

    bars = []
    for i, month in enumerate(months):
        height = plot_height * month.count / top
        bars.append(
            Bar(
                x=round(CHART_LEFT + i * slot + slot * 0.15, 1),
                y=round(CHART_BOTTOM - height, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
                label_x=round(CHART_LEFT + i * slot + slot / 2, 1),
                label=date_format(month.month, "M"),
                count=month.count,
            )
        )
    line = None
    if len(months) >= 2:
        mean_x = (len(months) - 1) / 2
        intercept = figures.per_month - figures.slope * mean_x
        line = {
            "x1": bars[0].label_x,
            "y1": y_of(intercept),
            "x2": bars[-1].label_x,
            "y2": y_of(intercept + figures.slope * (len(months) - 1)),
        }
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_LEFT,
        "right": CHART_WIDTH - CHART_RIGHT,
        "top": CHART_TOP,
        "bottom": CHART_BOTTOM,
        "label_y": CHART_BOTTOM + 18,
        "top_label_y": CHART_TOP + 4,
        "max": top,
        "bars": bars,
        "line": line,
    }


# Links from each figure to its records.


def _records_links(subject: Subject, start: dt.date, end: dt.date, figures: ClosenessFigures) -> dict[str, Any]:
    period = {"from": start.isoformat(), "to": end.isoformat()}
    contacts, engagements = subject.url("contacts"), subject.url("engagements")

    def link(base: str, **extra: str) -> str:
        return f"{base}?{urlencode({**period, **extra})}"

    return {
        "contacts": link(contacts),
        "engagements": link(engagements),
        # The last contact may be before the period: list the years up to its end.
        "all_contacts": f"{contacts}?{urlencode({'from': (end - dt.timedelta(days=5 * 365)).isoformat(), 'to': end})}",
        "months": [
            (m, link(contacts, **{"from": max(m.month, start).isoformat(), "to": min(m.last_day, end).isoformat()}))
            for m in figures.months
        ],
        "channels": [(c, link(contacts, channel=c.code)) for c in figures.channels],
        "kinds": [(k, link(engagements, kind=k.code)) for k in figures.engagement_kinds],
        "initiative": {side: link(contacts, initiative=side) for side in (OURS, THEIRS, BOTH)},
        "decisions": {side: link(contacts, decision=side) for side in (OURS, THEIRS, BOTH, "any")},
    }


def _health_page(request: HttpRequest, subject: Subject, equity: Any, integrity: Any) -> HttpResponse:
    period_form = PeriodForm(request.GET or None)
    start, end = period_form.period()
    figures = closeness_from(subject.interactions, subject.engagements, start=start, end=end)
    context = {
        "nav": f"{subject.kind}s",
        "subject": subject,
        "obj": subject.obj,
        "period_form": period_form,
        "start": start,
        "end": end,
        "closeness": figures,
        "initiative_words": describe_initiative(figures.initiative),
        "initiative_balance": describe_balance(figures.initiative),
        "decision_words": describe_decisions(figures.decisions),
        "decision_balance": describe_balance(figures.decisions),
        "chart": chart(figures),
        "links": _records_links(subject, start, end, figures),
        "equity": equity,
        "one_sided_percent": int(ONE_SIDED_SHARE * 100),
        "integrity": integrity,
    }
    status = 400 if period_form.is_bound and not period_form.is_valid() else 200
    return render(request, "web/health/page.html", context, status=status)


@login_required
def relationship_health(request: HttpRequest, public_id: Any) -> HttpResponse:
    subject = _relationship_subject(request, public_id)
    equity = equity_from(engagements_contributions(subject.engagements))
    return _health_page(request, subject, equity, integrity_for_relationship(subject.obj))  # type: ignore[arg-type]


@login_required
def partnership_health(request: HttpRequest, public_id: Any) -> HttpResponse:
    subject = _partnership_subject(request, public_id)
    partnership: Partnership = subject.obj  # type: ignore[assignment]
    return _health_page(request, subject, equity_for_partnership(partnership), integrity_for_partnership(partnership))


# The records behind the figures.


def _contacts_page(request: HttpRequest, subject: Subject) -> HttpResponse:
    filters = ContactFilterForm(request.GET or None)
    start, end = filters.period()
    queryset = interactions_in_period(subject.interactions, start, end).filter(
        relationship_scope(request.user, prefix="relationship__")
    )
    data = filters.cleaned_data if filters.is_valid() else {}
    if data.get("channel"):
        queryset = queryset.filter(channel=data["channel"])
    if data.get("initiative"):
        queryset = queryset.filter(side_filter("initiated_by", data["initiative"]))
    if data.get("decision") == "any":
        queryset = queryset.exclude(decision="")
    elif data.get("decision"):
        queryset = queryset.filter(side_filter("decision", data["decision"]))
    page = paginate(request, queryset_for_list(queryset))
    context = {
        "nav": f"{subject.kind}s",
        "subject": subject,
        "obj": subject.obj,
        "filters": filters,
        "start": start,
        "end": end,
        "page": page,
    }
    status = 400 if filters.is_bound and not filters.is_valid() else 200
    return render(request, "web/health/contacts.html", context, status=status)


def queryset_for_list(queryset: QuerySet[Interaction]) -> QuerySet[Interaction]:
    return queryset.select_related(
        "relationship__a_person",
        "relationship__a_organisation",
        "relationship__b_person",
        "relationship__b_organisation",
        "intermediary",
    ).order_by("-occurred_on", "-id")


def _engagements_page(request: HttpRequest, subject: Subject) -> HttpResponse:
    filters = EngagementFilterForm(request.GET or None)
    start, end = filters.period()
    queryset = engagements_in_period(subject.engagements, start, end) & Engagement.objects.for_user(request.user)
    data = filters.cleaned_data if filters.is_valid() else {}
    if data.get("kind"):
        queryset = queryset.filter(kind=data["kind"])
    queryset = queryset.select_related("organisation", "course").order_by("-start_date", "-id")
    context = {
        "nav": f"{subject.kind}s",
        "subject": subject,
        "obj": subject.obj,
        "filters": filters,
        "start": start,
        "end": end,
        "page": paginate(request, queryset),
    }
    status = 400 if filters.is_bound and not filters.is_valid() else 200
    return render(request, "web/health/engagements.html", context, status=status)


@login_required
def relationship_health_contacts(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _contacts_page(request, _relationship_subject(request, public_id))


@login_required
def partnership_health_contacts(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _contacts_page(request, _partnership_subject(request, public_id))


@login_required
def relationship_health_engagements(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _engagements_page(request, _relationship_subject(request, public_id))


@login_required
def partnership_health_engagements(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _engagements_page(request, _partnership_subject(request, public_id))


# What each party puts in and gets out of an engagement.


@login_required
def engagement_contributions(request: HttpRequest, public_id: Any) -> HttpResponse:
    user: Any = request.user
    queryset = Engagement.objects.for_user(user).select_related("institution", "organisation", "partnership")
    engagement = get_for_user_or_404(queryset, public_id=public_id)
    require(user, "engagements.change_engagement", engagement)
    status = 200
    if request.method == "POST":
        version_form = VersionForm(request.POST)
        rows = ContributionFormSet(request.POST, prefix="rows")
        if version_form.is_valid() & rows.is_valid():
            try:
                set_contributions(
                    engagement, by=user, expected_version=version_form.cleaned_data["version"], rows=rows.specs()
                )
            except ConflictError as error:
                rows._non_form_errors = rows.error_class(error.messages)  # shown above the rows
                status = 409
            except DomainError as error:
                rows._non_form_errors = rows.error_class(error.messages)
                status = 400
            else:
                messages.success(request, _("Contributions saved."))
                return redirect("engagement-contributions", engagement.public_id)
        else:
            status = 400
    else:
        existing = list(engagement.contributions.order_by("party", "direction", "id"))
        version_form = VersionForm(initial={"version": engagement.version})
        rows = ContributionFormSet(initial=contribution_initial(existing), prefix="rows")
    context = {
        "nav": "engagements",
        "engagement": engagement,
        "equity": equity_for_engagement(engagement),
        "one_sided_percent": int(ONE_SIDED_SHARE * 100),
        "version_form": version_form,
        "rows": rows,
    }
    return render(request, "web/health/contributions.html", context, status=status)


urlpatterns = [
    path("relationships/<uuid:public_id>/health/", relationship_health, name="relationship-health"),
    path(
        "relationships/<uuid:public_id>/health/contacts/",
        relationship_health_contacts,
        name="relationship-health-contacts",
    ),
    path(
        "relationships/<uuid:public_id>/health/engagements/",
        relationship_health_engagements,
        name="relationship-health-engagements",
    ),
    path("partnerships/<uuid:public_id>/health/", partnership_health, name="partnership-health"),
    path(
        "partnerships/<uuid:public_id>/health/contacts/",
        partnership_health_contacts,
        name="partnership-health-contacts",
    ),
    path(
        "partnerships/<uuid:public_id>/health/engagements/",
        partnership_health_engagements,
        name="partnership-health-engagements",
    ),
    path("engagements/<uuid:public_id>/contributions/", engagement_contributions, name="engagement-contributions"),
]
