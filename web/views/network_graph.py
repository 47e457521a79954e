"""The network at a glance: the page (filters, the drawing, and the same findings as tables) and its one
data request, ``/network/data.json`` (bounded: see ``reports.graph.MAX_NODES`` and ``MAX_EDGES``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.access import require
from engagements.models import Course
from network.models import Campus, Institution, SofarRole, Theme
from reports.graph import (
    DETAIL_LIMIT,
    MAX_EDGES,
    MAX_NODES,
    GraphFilters,
    NetworkGraph,
    academic_year_bounds,
    academic_year_of,
    network_graph,
)
from web.forms.search_select import SearchSelect

CACHE_SECONDS = 300
LEVEL_CHOICES = [
    ("auto", _("Automatic: every actor in a small network, grouped in a large one")),
    ("detail", _("Every person and organisation")),
    ("organisation", _("Organisation level")),
    ("theme", _("Theme level")),
]


class NetworkFilterForm(forms.Form):
    year = forms.RegexField(
        label=_("Academic year"),
        regex=r"^\d{4}-\d{4}$",
        required=False,
        max_length=9,
        help_text=_("For example 2026-2027. Relationship strength counts the contact moments in this year."),
    )
    campus = forms.ModelChoiceField(
        label=_("Campus"), queryset=Campus.objects.none(), required=False, empty_label=_("Any"), to_field_name="slug"
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"), queryset=Theme.objects.none(), required=False, empty_label=_("Any"), to_field_name="slug"
    )
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=Course.objects.none(),
        required=False,
        empty_label=_("Any"),
        to_field_name="public_id",
        widget=SearchSelect(),
    )
    level = forms.ChoiceField(label=_("Detail"), choices=LEVEL_CHOICES, required=False)

    def __init__(self, *args: Any, institution: Institution, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.institution = institution
        self.fields["campus"].queryset = Campus.objects.filter(institution=institution).order_by("name")
        self.fields["theme"].queryset = Theme.objects.order_by("slug")
        self.fields["course"].queryset = Course.objects.filter(institution=institution).order_by(
            "-academic_year", "title"
        )

    def clean_year(self) -> str:
        year = self.cleaned_data.get("year") or ""
        if year:
            try:
                academic_year_bounds(year)
            except ValueError:
                raise forms.ValidationError(_("Write the academic year as 2026-2027.")) from None
        return year

    def graph_filters(self) -> GraphFilters:
        """The valid filters (an invalid one is shown as an error and ignored)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        year = data.get("year") or academic_year_of(timezone.localdate())
        start, end = academic_year_bounds(year)
        return GraphFilters(
            institution=self.institution,
            start=start,
            end=end,
            campus=data.get("campus"),
            theme=data.get("theme"),
            course=data.get("course"),
            level=data.get("level") or "auto",
        )


def graph_for(filters: GraphFilters) -> NetworkGraph:
    """The graph, kept for a few minutes: the page and its data request ask for the same one."""
    key = ":".join(
        str(part)
        for part in (
            "network-graph",
            translation.get_language(),
            filters.institution.pk,
            filters.start,
            filters.end,
            filters.campus.pk if filters.campus else "",
            filters.theme.pk if filters.theme else "",
            filters.course.pk if filters.course else "",
            filters.level,
            timezone.localdate(),
        )
    )
    graph = cache.get(key)
    if graph is None:
        graph = network_graph(filters)
        cache.set(key, graph, CACHE_SECONDS)
    return graph


def _institution(request: HttpRequest) -> Institution:
    user: Any = request.user
    require(user, "reports.view_reports")
    if user.institution is None:
        raise Http404
    return user.institution


@login_required
def network_page(request: HttpRequest) -> HttpResponse:
    institution = _institution(request)
    form = NetworkFilterForm(request.GET or None, institution=institution)
    filters = form.graph_filters()
    graph = graph_for(filters)
    context = {
        "nav": "network",
        "filters": form,
        "graph": graph,
        "period": (filters.start, filters.end),
        "data_url": reverse("network-data") + ("?" + request.GET.urlencode() if request.GET else ""),
        "roles": [(code, label) for code, label in SofarRole.choices],
        "limits": {"nodes": MAX_NODES, "edges": MAX_EDGES, "detail": DETAIL_LIMIT},
    }
    return render(request, "web/reports/network.html", context)


@login_required
def network_data(request: HttpRequest) -> HttpResponse:
    institution = _institution(request)
    form = NetworkFilterForm(request.GET or None, institution=institution)
    return JsonResponse(graph_for(form.graph_filters()).as_json())


urlpatterns = [
    path("network/", network_page, name="network"),
    path("network/data.json", network_data, name="network-data"),
]
