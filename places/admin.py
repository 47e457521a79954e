"""Admin for the office's data fixes on facilities, requests and events; visibility as in ``accounts.admin``.

Decisions on requests are made on the web pages (they check overlaps and mail the requester),
so status and decision fields are read only here. A request moved to another time or facility is checked
against the approved bookings as the services check it: no double booking through the admin either.
"""

from typing import Any

from django import forms
from django.contrib import admin

from accounts.admin import ScopedAdmin
from places.models import Booking, Facility, NeighbourhoodEvent
from places.services import _already_taken


class BookingForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean()
        facility = data.get("facility") or getattr(self.instance, "facility", None)
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if facility is None or starts_at is None or ends_at is None:
            return data
        if self.instance.status not in (Booking.Status.APPROVED, Booking.Status.PENDING):
            return data
        clash = Booking.objects.approved().filter(facility=facility).exclude(pk=self.instance.pk)
        if clash.overlapping(starts_at, ends_at).exists():
            self.add_error("starts_at", _already_taken().messages)
        return data


@admin.register(Facility)
class FacilityAdmin(ScopedAdmin):
    list_display = ("name", "campus", "kind", "capacity", "is_public")
    list_filter = ("kind", "is_public")
    list_select_related = ("campus",)
    search_fields = ("name",)


@admin.register(Booking)
class BookingAdmin(ScopedAdmin):
    form = BookingForm
    list_display = ("facility", "starts_at", "ends_at", "status", "people")
    list_filter = ("status",)
    list_select_related = ("facility",)
    readonly_fields = ("status", "decided_by", "decided_at", "reason")
    raw_id_fields = ("facility",)


@admin.register(NeighbourhoodEvent)
class NeighbourhoodEventAdmin(ScopedAdmin):
    list_display = ("title", "date", "campus", "organiser")
    list_select_related = ("campus", "organiser")
    raw_id_fields = ("organiser", "attendees")
    search_fields = ("title",)
