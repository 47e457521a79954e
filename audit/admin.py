"""The audit trail in the admin: to read, never to edit."""

from __future__ import annotations

from django.contrib import admin

from accounts.admin import ReadOnlyAdmin
from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "action", "target_type", "target_repr", "institution")
    list_filter = ("action", "target_type", "institution")
    list_select_related = ("actor", "institution")
    search_fields = ("target_repr", "target_id", "actor__username")
    date_hierarchy = "at"

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
