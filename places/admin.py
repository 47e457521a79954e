"""Admin for the office's data fixes on facilities, requests and events; visibility as in ``accounts.admin``.

Decisions on requests are made on the web pages (they check overlaps and mail the requester),
so status and decision fields are read only here.
"""

from django.contrib import admin

from accounts.admin import ScopedAdmin
from places.models import Booking, Facility, NeighbourhoodEvent


@admin.register(Facility)
class FacilityAdmin(ScopedAdmin):
    list_display = ("name", "campus", "kind", "capacity", "is_public")
    list_filter = ("kind", "is_public")
    list_select_related = ("campus",)
    search_fields = ("name",)


@admin.register(Booking)
class BookingAdmin(ScopedAdmin):
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
