"""Public pages of an open campus: what it opens to the neighbourhood, when each facility is free,
and the request form. No account needed.

They show the institution, the facilities with their conditions, and occupied slots as times
only: never a requester's name, e-mail, group or purpose, nor a staff note. The request form has
a honeypot field, a minimum fill time and a rate limit per address.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from lib.errors import DomainError
from lib.pagination import paginate
from lib.ratelimit import allow
from lib.scoping import unscoped
from network.models import Campus
from places import selectors
from places.models import Facility
from places.services import request_booking
from web.forms.partnerships import add_domain_errors
from web.forms.places import BookingRequestForm

# Requests per address per hour: a busy neighbourhood centre sends a few, a script hundreds.
REQUEST_LIMIT = 10
REQUEST_WINDOW_S = 3600

ERROR_ALIASES = {"starts_at": "date", "ends_at": "end_time"}


@unscoped("the open campus: public facilities only")
def public_campus(request: HttpRequest, institution: str, campus: str) -> HttpResponse:
    found = get_object_or_404(Campus.objects.select_related("institution"), institution__slug=institution, slug=campus)
    facilities = Facility.objects.public().filter(campus=found).order_by("name", "id")
    if not facilities.exists():
        raise Http404
    return render(request, "web/places/public_campus.html", {"campus": found, "page": paginate(request, facilities)})


def _public_facility(public_id: Any) -> Facility:
    return get_object_or_404(Facility.objects.public().select_related("campus__institution"), public_id=public_id)


@unscoped("the open campus: public facilities only")
def public_facility(request: HttpRequest, public_id: Any) -> HttpResponse:
    facility = _public_facility(public_id)
    year, month = selectors.parse_month(request.GET.get("month"))
    previous, following = selectors.neighbour_months(year, month)
    context = {
        "facility": facility,
        "campus": facility.campus,
        "weeks": selectors.month_calendar(facility, year, month, include_pending=False),
        "month_start": selectors.month_bounds(year, month)[0].date(),
        "previous": previous,
        "following": following,
    }
    return render(request, "web/places/public_facility.html", context)


@never_cache
@unscoped("the open campus: public facilities only")
def public_request(request: HttpRequest, public_id: Any) -> HttpResponse:
    facility = _public_facility(public_id)
    form = BookingRequestForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not allow(request, "places-booking", limit=REQUEST_LIMIT, window=REQUEST_WINDOW_S):
            form.add_error(None, _("Too many requests from your address. Try again in an hour, or phone the campus."))
            return _form(request, facility, form, status=429)
        if form.is_spam:
            # Look like success to the script; nothing is saved.
            return redirect("public-booking-sent", facility.public_id)
        status = 400
        if form.is_valid():
            try:
                request_booking(facility, language=(get_language() or "nl")[:2], **form.service_fields())
            except DomainError as error:
                add_domain_errors(form, _aliased(error))
            else:
                return redirect("public-booking-sent", facility.public_id)
    return _form(request, facility, form, status=status)


def _aliased(error: DomainError) -> DomainError:
    if hasattr(error, "error_dict"):
        return DomainError({ERROR_ALIASES.get(k, k): v for k, v in error.error_dict.items()})
    return error


def _form(request: HttpRequest, facility: Facility, form: BookingRequestForm, *, status: int) -> HttpResponse:
    context = {"facility": facility, "campus": facility.campus, "form": form}
    return render(request, "web/places/public_request.html", context, status=status)


@unscoped("the open campus: public facilities only")
def public_request_sent(request: HttpRequest, public_id: Any) -> HttpResponse:
    facility = _public_facility(public_id)
    return render(request, "web/places/public_sent.html", {"facility": facility, "campus": facility.campus})


urlpatterns = [
    path("open-campus/facilities/<uuid:public_id>/", public_facility, name="public-facility"),
    path("open-campus/facilities/<uuid:public_id>/request/", public_request, name="public-booking-request"),
    path("open-campus/facilities/<uuid:public_id>/request/sent/", public_request_sent, name="public-booking-sent"),
    # Last: its two slugs would also match the facility addresses above.
    path("open-campus/<slug:institution>/<slug:campus>/", public_campus, name="public-campus"),
]
