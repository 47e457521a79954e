"""Admin for data fixes in assessments; visibility and permissions as in ``accounts.admin``.

Rounds are listed through ``Round.objects.for_user``; instruments, respondents and answers have
no scope of their own, so only superusers see them here. Token hashes are never shown or edited.
"""

from __future__ import annotations

from django.contrib import admin

from accounts.admin import ScopedAdmin
from assessment.models import AgreedAction, Instrument, InstrumentItem, Respondent, Round


class InstrumentItemInline(admin.StackedInline):
    model = InstrumentItem
    extra = 0


@admin.register(Instrument)
class InstrumentAdmin(ScopedAdmin):
    list_display = ("name_nl", "name_en", "kind", "institution", "is_active")
    list_filter = ("kind", "institution", "is_active")
    list_select_related = ("institution",)
    search_fields = ("name_nl", "name_en", "slug")
    inlines = [InstrumentItemInline]


class RespondentInline(admin.TabularInline):
    model = Respondent
    extra = 0
    fields = ("side", "name", "email", "language", "expires_at", "invited_at", "submitted_at")
    readonly_fields = ("invited_at", "submitted_at")
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        # A respondent without a link is useless: add people through the round's web page.
        return False


class AgreedActionInline(admin.TabularInline):
    model = AgreedAction
    extra = 0


@admin.register(Round)
class RoundAdmin(ScopedAdmin):
    list_display = ("title", "institution", "partnership", "instrument", "status", "closes_on", "created_at")
    list_filter = ("institution", "status")
    list_select_related = ("institution", "partnership", "instrument")
    search_fields = ("title",)
    raw_id_fields = ("partnership", "relationship", "created_by")
    readonly_fields = ("created_at",)
    inlines = [RespondentInline, AgreedActionInline]
