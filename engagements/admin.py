"""Admin for data fixes in courses and engagements; visibility and permissions as in ``accounts.admin``."""

from __future__ import annotations

from django.contrib import admin

from accounts.admin import ScopedHistoryAdmin
from engagements.models import Course, Engagement, Participation


@admin.register(Course)
class CourseAdmin(ScopedHistoryAdmin):
    list_display = ("title", "code", "academic_year", "institution")
    list_filter = ("institution", "academic_year")
    list_select_related = ("institution",)
    search_fields = ("title", "code", "programme")
    filter_horizontal = ("teachers",)


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    raw_id_fields = ("person",)


@admin.register(Engagement)
class EngagementAdmin(ScopedHistoryAdmin):
    list_display = ("title", "kind", "status", "start_date", "organisation", "institution")
    list_filter = ("institution", "kind", "status", "level", "direction", "front")
    list_select_related = ("organisation", "institution")
    search_fields = ("title", "description")
    raw_id_fields = ("course", "partnership", "organisation")
    date_hierarchy = "start_date"
    inlines = [ParticipationInline]
