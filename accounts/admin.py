"""Django admin for the office's data fixes, read through the same access mechanism as the web.

Every admin here lists rows through ``Model.objects.for_user(user)`` (the
visibility scopes of ``accounts.access``); records without such a scope are
for superusers only. Object permissions come from ``rules`` through
``ObjectPermissionsModelAdminMixin``. A change made here bumps the record's
``version`` (so a web form opened earlier is told of the conflict) and leaves
an audit entry, like every other write.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import F, Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from rules.contrib.admin import ObjectPermissionsModelAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import ApiToken, User
from accounts.services import unlock_sign_in
from audit.services import record
from lib.errors import DomainError
from lib.models import VersionedModel


def scoped(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """The rows ``user`` may see: the model's ``for_user`` scope, or all rows for a superuser only."""
    for_user = getattr(queryset, "for_user", None)
    if for_user is not None:
        return for_user(user)
    return queryset if user.is_active and user.is_superuser else queryset.none()


class ScopedAdminMixin(ObjectPermissionsModelAdminMixin):
    """Visibility from ``for_user``, permissions from ``rules``, writes versioned and audited."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return scoped(super().get_queryset(request), request.user)  # type: ignore[misc]

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        if change and isinstance(obj, VersionedModel):
            obj.version = F("version") + 1  # type: ignore[assignment]
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        if change and isinstance(obj, VersionedModel):
            obj.refresh_from_db(fields=["version"])
        changed = list(form.changed_data) if form is not None else []
        record(request.user, "changed in admin" if change else "created in admin", obj, changes={"fields": changed})

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        record(request.user, "deleted in admin", obj)
        super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        # The "delete selected" action: one by one through ``delete_model``, so each is audited (and
        # admins whose deletes go through a service use it here too).
        for obj in queryset:
            self.delete_model(request, obj)

    # A refusal by a service that the form could not foresee: a message, nothing saved, never a 500.
    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._refusal_as_message(request, super().changeform_view, *args, **kwargs)  # type: ignore[misc]

    def delete_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._refusal_as_message(request, super().delete_view, *args, **kwargs)  # type: ignore[misc]

    def changelist_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._refusal_as_message(request, super().changelist_view, *args, **kwargs)  # type: ignore[misc]

    def _refusal_as_message(self, request: HttpRequest, view: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            messages.error(request, " ".join(str(m) for m in exc.messages))
            return HttpResponseRedirect(request.get_full_path())


class ScopedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    pass


class ScopedHistoryAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """For models with ``simple_history`` records: the history pages come with it."""


class ReadOnlyAdmin(ScopedAdmin):
    """For records that only services write (audit entries, tokens): look, do not touch."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)


@admin.register(User)
class BrugUserAdmin(ScopedAdminMixin, UserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "institution", "organisation", "is_active")
    list_filter = ("role", "institution", "is_active", "is_staff", "is_superuser")
    search_fields = ("username", "first_name", "last_name", "email")
    list_select_related = ("institution", "organisation")
    autocomplete_fields = ("person",)
    raw_id_fields = ("organisation",)
    actions = ("lift_sign_in_throttle",)
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Brug"), {"fields": ("role", "institution", "organisation", "person", "language")}),
    )

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        deactivated = change and form is not None and "is_active" in form.changed_data and not obj.is_active
        super().save_model(request, obj, form, change)
        person = obj.person if obj.person_id else None
        if deactivated and person is not None and person.is_active:
            # As when the identity provider stops vouching for them: their person leaves too, and what they
            # own stays, flagged as without an owner until the office hands it over.
            from partnerships.services import deactivate_person

            deactivate_person(person, by=request.user, leave_orphaned=True)

    @admin.action(description=_("Lift the sign-in throttle after too many failed attempts"))
    def lift_sign_in_throttle(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            unlock_sign_in(user, by=request.user, request=request)
        self.message_user(request, _("They can sign in again at once."))

    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("Brug"), {"fields": ("role", "institution", "organisation", "person", "language")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "expires_at")
    list_select_related = ("user",)
    search_fields = ("name", "prefix", "user__username")
    exclude = ("key_hash",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Revoking a leaked token is a data fix the office must be able to make.
        return bool(request.user.is_active and request.user.is_superuser)
