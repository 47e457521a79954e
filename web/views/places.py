"""Neighbourhood campus pages for staff: the neighbourhood, its map and the map's data, the reflex
over the years, facilities with their calendar, booking requests and their decision, network events.

Access: a campus is found through ``places.access`` (outsiders and partners get 404); actions
are ``places.*`` permissions on the campus (a visible campus with too low a role gets 403).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import get_for_user_or_404, require
from lib.errors import DomainError
from lib.pagination import paginate
from network.models import Campus
from places import selectors
from places.access import campuses_for, get_campus_for_user
from places.models import Booking, Facility, NeighbourhoodEvent
from places.services import (
    approve_booking,
    create_event,
    create_facility,
    decline_booking,
    set_internal_note,
    update_event,
    update_facility,
)
from web.forms.partnerships import add_domain_errors
from web.forms.places import BookingFilterForm, DecisionForm, EventForm, FacilityForm, NoteForm

NAV = "campuses"


def _campus(request: HttpRequest, institution: str, campus: str, perm: str = "places.view_neighbourhood") -> Campus:
    found = get_campus_for_user(request.user, institution, campus)
    require(request.user, perm, found)
    return found


def _context(campus: Campus, tab: str, **extra: Any) -> dict[str, Any]:
    return {"nav": NAV, "campus": campus, "tab": tab, "slugs": (campus.institution.slug, campus.slug), **extra}


def _status(form: Any) -> int:
    if not form.is_bound:
        return 200
    return 409 if form.has_error("__all__", "conflict") else 400


@login_required
def campus_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "network.view_dashboard")
    campuses = campuses_for(request.user).select_related("institution", "anchor").order_by("name", "id")
    return render(request, "web/places/campus_list.html", {"nav": NAV, "page": paginate(request, campuses)})


@login_required
def neighbourhood(request: HttpRequest, institution: str, campus: str) -> HttpResponse:
    found = _campus(request, institution, campus)
    context = _context(found, "neighbourhood", **selectors.neighbourhood_page(found))
    context["can_manage_events"] = request.user.has_perm("places.manage_events", found)
    return render(request, "web/places/neighbourhood.html", context)


@login_required
def campus_map(request: HttpRequest, institution: str, campus: str) -> HttpResponse:
    found = _campus(request, institution, campus)
    rows = selectors.map_items(found)
    context = _context(
        found,
        "map",
        page=paginate(request, rows, per_page=50),
        located=sum(1 for r in rows if r["lat"] is not None),
        data_url=reverse("campus-map-data", args=[found.institution.slug, found.slug]),
        tile_url=settings.BRUG_TILE_URL,
        fronts=selectors.FRONTS.choices,
        directions=selectors.DIRECTIONS.choices,
    )
    return render(request, "web/places/map.html", context)


@login_required
def campus_map_data(request: HttpRequest, institution: str, campus: str) -> JsonResponse:
    found = _campus(request, institution, campus)
    return JsonResponse(selectors.map_data(found))


@login_required
def campus_reflex(request: HttpRequest, institution: str, campus: str) -> HttpResponse:
    found = _campus(request, institution, campus)
    rows = selectors.reflex(found)
    context = _context(found, "reflex", rows=rows, chart=selectors.reflex_chart(rows))
    return render(request, "web/places/reflex.html", context)


# ---- facilities ----------------------------------------------------------------------------


@login_required
def facility_list(request: HttpRequest, institution: str, campus: str) -> HttpResponse:
    found = _campus(request, institution, campus)
    facilities = Facility.objects.filter(campus=found).order_by("name", "id")
    context = _context(
        found,
        "facilities",
        page=paginate(request, facilities),
        can_manage=request.user.has_perm("places.manage_facilities", found),
        has_public_page=Facility.objects.public().filter(campus=found).exists(),
    )
    return render(request, "web/places/facility_list.html", context)


@login_required
def facility_create(request: HttpRequest, institution: str, campus: str) -> HttpResponse:
    found = _campus(request, institution, campus, "places.manage_facilities")
    form = FacilityForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            facility = create_facility(by=request.user, campus=found, **form.service_fields())
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Facility added."))
            return redirect("facility-calendar", facility.public_id)
    context = _context(found, "facilities", form=form, facility=None)
    return render(request, "web/places/facility_form.html", context, status=_status(form))


def _facility(request: HttpRequest, public_id: Any) -> Facility:
    queryset = Facility.objects.for_user(request.user).select_related("campus__institution", "campus__anchor")
    return get_for_user_or_404(queryset, public_id=public_id)


@login_required
def facility_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    facility = _facility(request, public_id)
    require(request.user, "places.manage_facilities", facility.campus)
    form = FacilityForm(
        request.POST if request.method == "POST" else None, editing=True, initial=FacilityForm.initial_for(facility)
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_facility(
                facility, by=request.user, expected_version=form.cleaned_data["version"], **form.service_fields()
            )
        except DomainError as error:
            add_domain_errors(form, error)
            facility.refresh_from_db()
        else:
            messages.success(request, _("Facility saved."))
            return redirect("facility-calendar", facility.public_id)
    context = _context(facility.campus, "facilities", form=form, facility=facility)
    return render(request, "web/places/facility_form.html", context, status=_status(form))


@login_required
def facility_calendar(request: HttpRequest, public_id: Any) -> HttpResponse:
    facility = _facility(request, public_id)
    require(request.user, "places.view_neighbourhood", facility.campus)
    year, month = selectors.parse_month(request.GET.get("month"))
    previous, following = selectors.neighbour_months(year, month)
    context = _context(
        facility.campus,
        "facilities",
        facility=facility,
        weeks=selectors.month_calendar(facility, year, month, include_pending=True),
        month_start=selectors.month_bounds(year, month)[0].date(),
        previous=previous,
        following=following,
        can_manage=request.user.has_perm("places.manage_facilities", facility.campus),
    )
    return render(request, "web/places/facility_calendar.html", context)


# ---- booking requests ----------------------------------------------------------------------


@login_required
def booking_list(request: HttpRequest, institution: str, campus: str) -> HttpResponse:
    found = _campus(request, institution, campus)
    filters = BookingFilterForm(request.GET or None, campus=found)
    bookings = filters.filter(Booking.objects.for_user(request.user).filter(facility__campus=found))
    bookings = bookings.select_related("facility").order_by("status", "starts_at", "id")
    context = _context(found, "requests", filters=filters, page=paginate(request, bookings))
    return render(request, "web/places/booking_list.html", context)


def _booking(request: HttpRequest, public_id: Any) -> Booking:
    queryset = Booking.objects.for_user(request.user).select_related(
        "facility__campus__institution", "facility__campus__anchor", "decided_by"
    )
    return get_for_user_or_404(queryset, public_id=public_id)


def _render_booking(request: HttpRequest, booking: Booking, **forms: Any) -> HttpResponse:
    campus = booking.facility.campus
    can_decide = request.user.has_perm("places.decide_booking", campus)
    decision = forms.get("decision") or DecisionForm(initial={"version": booking.version})
    note = forms.get("note") or NoteForm(initial={"version": booking.version, "internal_note": booking.internal_note})
    context = _context(
        campus,
        "requests",
        booking=booking,
        decision=decision,
        note=note,
        can_decide=can_decide,
        clashes=selectors.clashes(booking),
    )
    bound = [f for f in (forms.get("decision"), forms.get("note")) if f is not None and f.is_bound]
    status = max((_status(f) for f in bound), default=200)
    return render(request, "web/places/booking_detail.html", context, status=status)


@login_required
def booking_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    booking = _booking(request, public_id)
    require(request.user, "places.view_neighbourhood", booking.facility.campus)
    return _render_booking(request, booking)


@login_required
@require_POST
def booking_decide(request: HttpRequest, public_id: Any) -> HttpResponse:
    booking = _booking(request, public_id)
    require(request.user, "places.decide_booking", booking.facility.campus)
    form = DecisionForm(request.POST)
    choice = request.POST.get("decision")
    if choice not in ("approve", "decline"):
        form.add_error(None, _("Choose to approve or to decline."))
    elif form.is_valid():
        operation = approve_booking if choice == "approve" else decline_booking
        try:
            operation(
                booking,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
            booking.refresh_from_db()
        else:
            done = _("Request approved.") if choice == "approve" else _("Request declined.")
            messages.success(request, done + " " + _("The requester gets a mail."))
            return redirect("booking-detail", booking.public_id)
    return _render_booking(request, booking, decision=form)


@login_required
@require_POST
def booking_note(request: HttpRequest, public_id: Any) -> HttpResponse:
    booking = _booking(request, public_id)
    require(request.user, "places.decide_booking", booking.facility.campus)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            set_internal_note(
                booking,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                note=form.cleaned_data["internal_note"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
            booking.refresh_from_db()
        else:
            messages.success(request, _("Note saved."))
            return redirect("booking-detail", booking.public_id)
    return _render_booking(request, booking, note=form)


# ---- neighbourhood events ------------------------------------------------------------------


@login_required
def event_list(request: HttpRequest, institution: str, campus: str) -> HttpResponse:
    found = _campus(request, institution, campus)
    events = (
        NeighbourhoodEvent.objects.filter(campus=found)
        .select_related("organiser")
        .prefetch_related("attendees")
        .order_by("-date", "-id")
    )
    context = _context(
        found,
        "events",
        page=paginate(request, events),
        can_manage=request.user.has_perm("places.manage_events", found),
    )
    return render(request, "web/places/event_list.html", context)


@login_required
def event_create(request: HttpRequest, institution: str, campus: str) -> HttpResponse:
    found = _campus(request, institution, campus, "places.manage_events")
    form = EventForm(
        request.POST if request.method == "POST" else None,
        campus=found,
        people=selectors.attendee_choices(found, request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            event = create_event(by=request.user, campus=found, **form.service_fields())
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Event added."))
            return redirect("place-event-detail", event.public_id)
    context = _context(found, "events", form=form, event=None)
    return render(request, "web/places/event_form.html", context, status=_status(form))


def _event(request: HttpRequest, public_id: Any) -> NeighbourhoodEvent:
    queryset = NeighbourhoodEvent.objects.for_user(request.user).select_related(
        "campus__institution", "campus__anchor", "organiser"
    )
    return get_for_user_or_404(queryset, public_id=public_id)


@login_required
def event_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    event = _event(request, public_id)
    require(request.user, "places.view_neighbourhood", event.campus)
    context = _context(
        event.campus,
        "events",
        event=event,
        attendees=list(event.attendees.order_by("last_name", "first_name")),
        can_manage=request.user.has_perm("places.manage_events", event.campus),
    )
    return render(request, "web/places/event_detail.html", context)


@login_required
def event_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    event = _event(request, public_id)
    require(request.user, "places.manage_events", event.campus)
    form = EventForm(
        request.POST if request.method == "POST" else None,
        campus=event.campus,
        people=selectors.attendee_choices(event.campus, request.user),
        editing=True,
        initial=EventForm.initial_for(event),
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_fields()
        try:
            update_event(
                event,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                attendees=data.pop("attendees"),
                **data,
            )
        except DomainError as error:
            add_domain_errors(form, error)
            event.refresh_from_db()
        else:
            messages.success(request, _("Event saved."))
            return redirect("place-event-detail", event.public_id)
    context = _context(event.campus, "events", form=form, event=event)
    return render(request, "web/places/event_form.html", context, status=_status(form))


CAMPUS = "campuses/<slug:institution>/<slug:campus>/"

urlpatterns = [
    path("campuses/", campus_list, name="campus-list"),
    path(CAMPUS, neighbourhood, name="campus-neighbourhood"),
    path(CAMPUS + "map/", campus_map, name="campus-map"),
    path(CAMPUS + "map.json", campus_map_data, name="campus-map-data"),
    path(CAMPUS + "reflex/", campus_reflex, name="campus-reflex"),
    path(CAMPUS + "facilities/", facility_list, name="campus-facilities"),
    path(CAMPUS + "facilities/new/", facility_create, name="facility-create"),
    path(CAMPUS + "requests/", booking_list, name="campus-bookings"),
    path(CAMPUS + "events/", event_list, name="campus-events"),
    path(CAMPUS + "events/new/", event_create, name="place-event-create"),
    path("facilities/<uuid:public_id>/", facility_calendar, name="facility-calendar"),
    path("facilities/<uuid:public_id>/edit/", facility_edit, name="facility-edit"),
    path("booking-requests/<uuid:public_id>/", booking_detail, name="booking-detail"),
    path("booking-requests/<uuid:public_id>/decide/", booking_decide, name="booking-decide"),
    path("booking-requests/<uuid:public_id>/note/", booking_note, name="booking-note"),
    path("neighbourhood-events/<uuid:public_id>/", event_detail, name="place-event-detail"),
    path("neighbourhood-events/<uuid:public_id>/edit/", event_edit, name="place-event-edit"),
]
