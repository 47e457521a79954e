"""Admin for data fixes in reflection; visibility and permissions as in ``accounts.admin``.

Workbooks, workshops and practice examples are listed through their ``for_user`` scopes;
questions and dilemmas (shared built-ins) are for superusers only. Workshop positions carry
no identity and are not shown one by one.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accounts.admin import ScopedAdmin
from reflection.models import (
    CaseConsent,
    CasePhoto,
    Dilemma,
    DilemmaPosition,
    PlannedAction,
    PracticeCase,
    ReflectionQuestion,
    Workbook,
    WorkbookAnswer,
    WorkshopSession,
)
from reflection.services import close_workshop


@admin.register(ReflectionQuestion)
class ReflectionQuestionAdmin(ScopedAdmin):
    list_display = ("text_nl", "question_set", "institution", "order", "is_active")
    list_filter = ("question_set", "institution", "is_active")
    list_select_related = ("institution",)
    search_fields = ("text_nl", "text_en", "key")


@admin.register(Dilemma)
class DilemmaAdmin(ScopedAdmin):
    list_display = ("statement_nl", "institution", "order", "is_active")
    list_filter = ("institution", "is_active")
    list_select_related = ("institution",)
    search_fields = ("statement_nl", "statement_en", "key")


class AnswerInline(admin.TabularInline):
    model = WorkbookAnswer
    extra = 0
    raw_id_fields = ("question",)


class PositionInline(admin.TabularInline):
    model = DilemmaPosition
    extra = 0
    raw_id_fields = ("dilemma",)


class ActionInline(admin.TabularInline):
    model = PlannedAction
    extra = 0


@admin.register(Workbook)
class WorkbookAdmin(ScopedAdmin):
    list_display = ("course", "academic_year", "teacher", "institution", "updated_at")
    list_filter = ("academic_year", "institution")
    list_select_related = ("course", "teacher", "institution")
    raw_id_fields = ("course", "teacher", "created_by")
    inlines = [AnswerInline, PositionInline, ActionInline]


@admin.register(WorkshopSession)
class WorkshopSessionAdmin(ScopedAdmin):
    list_display = ("title", "code", "status", "institution", "created_at")
    list_filter = ("status", "institution")
    list_select_related = ("institution",)
    raw_id_fields = ("created_by",)
    # The moment of closing starts the retention period of the positions given in the session.
    readonly_fields = ("closed_at",)

    def save_model(self, request: HttpRequest, obj: WorkshopSession, form: Any, change: bool) -> None:
        closing = change and obj.status == WorkshopSession.Status.CLOSED and "status" in form.changed_data
        if closing:
            obj.status = WorkshopSession.Status.OPEN  # closed below by the service, which sets the moment
        elif obj.status == WorkshopSession.Status.OPEN:
            obj.closed_at = None
        super().save_model(request, obj, form, change)
        if closing:
            close_workshop(obj, by=request.user)


class ConsentInline(admin.TabularInline):
    """Consent is recorded and withdrawn on the case's page: withdrawing unpublishes a case that names the partner."""

    model = CaseConsent
    extra = 0
    fields = ("organisation", "given_by", "given_on", "recorded_by", "recorded_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


class PhotoInline(admin.TabularInline):
    model = CasePhoto
    extra = 0
    fields = ("image", "alt_text", "caption", "order")


@admin.register(PracticeCase)
class PracticeCaseAdmin(ScopedAdmin):
    list_display = ("title", "institution", "published", "published_at")
    list_filter = ("published", "institution")
    list_select_related = ("institution",)
    search_fields = ("title", "slug")
    raw_id_fields = ("partnership", "created_by")
    # Publishing checks every partner's consent (``publish_case``): done on the case's page.
    readonly_fields = ("published", "published_at")
    inlines = [ConsentInline, PhotoInline]
