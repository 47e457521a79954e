"""Admin for looking at agreements and fixing reminders; visibility as in ``accounts.admin``.

Versions, signatories and signatures are read only here: a sent version and a signature never
change, and token hashes are never shown. A failed reminder can be put back to pending.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.admin import ReadOnlyAdmin, ScopedAdmin
from agreements.models import Agreement, AgreementTemplate, AgreementVersion, Reminder, Signature
from agreements.services import refresh_status


class VersionInline(admin.TabularInline):
    model = AgreementVersion
    extra = 0
    fields = ("number", "content_hash", "sent_at", "created_by", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Agreement)
class AgreementAdmin(ScopedAdmin):
    list_display = ("title", "institution", "status", "valid_from", "valid_until", "created_at")
    list_filter = ("status", "institution")
    list_select_related = ("institution",)
    search_fields = ("title",)
    raw_id_fields = ("partnership", "engagement", "created_by", "template")
    readonly_fields = ("status", "created_at")
    inlines = [VersionInline]

    def save_model(self, request: HttpRequest, obj: Agreement, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # The status of an agreement in force follows its end date and notice period, as the daily run sets it.
        refresh_status(obj)


@admin.register(AgreementTemplate)
class AgreementTemplateAdmin(ScopedAdmin):
    list_display = ("name_nl", "name_en", "kind", "institution", "is_active")
    list_filter = ("kind", "is_active")


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    list_display = ("name", "role", "version", "signed_at", "content_hash")
    list_select_related = ("version__agreement",)


@admin.action(description=_("Try again at the next run"))
def retry(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Reminder]) -> None:
    queryset.filter(status=Reminder.Status.FAILED).update(status=Reminder.Status.PENDING, attempts=0)


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("agreement", "kind", "due_on", "send_on", "recipient", "status", "attempts", "sent_at")
    list_filter = ("status", "kind")
    list_select_related = ("agreement",)
    readonly_fields = ("last_error",)
    actions = [retry]
