"""Admin for data fixes in partnerships; visibility and permissions as in ``accounts.admin``."""

from __future__ import annotations

from django.contrib import admin

from accounts.admin import ScopedAdmin, ScopedHistoryAdmin
from partnerships.models import HandOver, Partnership, PartnershipParty


class PartnershipPartyInline(admin.TabularInline):
    model = PartnershipParty
    extra = 0
    raw_id_fields = ("organisation",)


@admin.register(Partnership)
class PartnershipAdmin(ScopedHistoryAdmin):
    list_display = ("title", "institution", "kind", "basis", "stage", "status", "orphaned")
    list_filter = ("institution", "kind", "basis", "stage", "status", "orphaned")
    list_select_related = ("institution",)
    search_fields = ("title", "summary")
    filter_horizontal = ("owners", "other_institutions")
    raw_id_fields = ("campus",)
    # Recomputed by the hand-over services from the owners.
    readonly_fields = ("orphaned",)
    inlines = [PartnershipPartyInline]


@admin.register(HandOver)
class HandOverAdmin(ScopedAdmin):
    list_display = ("at", "from_person", "to_person", "relationships", "partnerships", "by")
    list_filter = ("institution",)
    list_select_related = ("from_person", "to_person", "by")
    raw_id_fields = ("from_person", "to_person", "by")
