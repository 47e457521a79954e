"""The campus settings page: where the campus is, what its neighbourhood is (a radius or an area drawn on
the map) and who its anchor is. The office of the institution may change them; others who see the campus
get 403, outsiders 404 (``places.access``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from accounts.access import require
from lib.errors import DomainError
from places.access import get_campus_for_user
from places.neighbourhood import update_neighbourhood
from web.forms.campus import CampusNeighbourhoodForm
from web.forms.errors import add_service_errors

NAV = "campuses"


@login_required
def campus_settings(request: HttpRequest, institution: str, campus: str) -> HttpResponse:
    found = get_campus_for_user(request.user, institution, campus)
    require(request.user, "places.change_campus", found)
    form = CampusNeighbourhoodForm(
        request.POST if request.method == "POST" else None,
        campus=found,
        initial=CampusNeighbourhoodForm.initial_for(found),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                update_neighbourhood(
                    found, by=request.user, expected_version=form.cleaned_data["version"], **form.service_fields()
                )
            except DomainError as error:
                add_service_errors(form, error)
                status = 409 if form.has_error("__all__", "conflict") else 400
                found.refresh_from_db()
            else:
                messages.success(request, _("Neighbourhood saved."))
                return redirect("campus-neighbourhood", found.institution.slug, found.slug)
    context = {
        "nav": NAV,
        "campus": found,
        "tab": "settings",
        "slugs": (found.institution.slug, found.slug),
        "form": form,
        "tile_url": settings.BRUG_TILE_URL,
    }
    return render(request, "web/places/campus_settings.html", context, status=status)


urlpatterns = [
    path("campuses/<slug:institution>/<slug:campus>/settings/", campus_settings, name="campus-settings"),
]
