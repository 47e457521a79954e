"""The health overview: the institution's partnerships, worst first, with flags that explain themselves."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from accounts.access import require
from health.overview import PERCEPTION_GAP_FLAG, filter_flag, health_rows, overview_base, with_health
from lib.pagination import paginate
from web.forms.continuum import HealthFilterForm
from web.views.continuum import linked


@login_required
def health_overview(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require(user, "partnerships.view_health")
    institution = user.institution
    if institution is None:
        raise Http404
    filters = HealthFilterForm(request.GET or None, institution=institution)
    health = with_health(filters.filter(overview_base(user, institution)), institution)
    partnerships = filter_flag(health.queryset, filters.chosen_flag())
    page = paginate(request, partnerships.select_related("campus").prefetch_related("parties__organisation"))
    rows = [
        {
            "partnership": row.partnership,
            "flags": [{"level": f.level, "text": f.text, "records": linked(f.records)} for f in row.flags],
        }
        for row in health_rows(list(page.object_list), institution, gaps=health.gaps)
    ]
    context = {
        "nav": "health",
        "filters": filters,
        "page": page,
        "rows": rows,
        "months": institution.stale_after_months,
        "gap_threshold": PERCEPTION_GAP_FLAG,
    }
    return render(request, "web/health_overview/list.html", context)


urlpatterns = [
    path("health/", health_overview, name="health-overview"),
]
