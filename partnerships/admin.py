"""Admin for data fixes in partnerships; visibility and permissions as in ``accounts.admin``.

Owners change through ``update_partnership`` (checked by its rule, never none), so ``orphaned`` stays
true; hand-overs are made on the web page that passes everything on, so they are read only here.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from accounts.admin import ReadOnlyAdmin, ScopedHistoryAdmin
from lib.errors import DomainError
from partnerships.models import HandOver, Partnership, PartnershipParty
from partnerships.services import check_owners, refresh_orphaned_partnerships, update_partnership


class PartnershipForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean()
        institution = data.get("institution") or getattr(self.instance, "institution", None)
        if "owners" in data and institution is not None:
            try:
                check_owners(institution.pk, list(data["owners"]))
            except DomainError as exc:
                for field, errors in exc.message_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
        return data


class PartnershipPartyInline(admin.TabularInline):
    model = PartnershipParty
    extra = 0
    raw_id_fields = ("organisation",)


@admin.register(Partnership)
class PartnershipAdmin(ScopedHistoryAdmin):
    form = PartnershipForm
    list_display = ("title", "institution", "kind", "basis", "stage", "status", "orphaned")
    list_filter = ("institution", "kind", "basis", "stage", "status", "orphaned")
    list_select_related = ("institution",)
    search_fields = ("title", "summary")
    filter_horizontal = ("owners", "other_institutions")
    raw_id_fields = ("campus",)
    # Recomputed by the hand-over services from the owners.
    readonly_fields = ("orphaned",)
    inlines = [PartnershipPartyInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        owners = form.cleaned_data.pop("owners", None)
        super().save_related(request, form, formsets, change)
        partnership = form.instance
        if owners is not None and (not change or "owners" in form.changed_data):
            update_partnership(partnership, by=request.user, expected_version=None, owners=list(owners))
        refresh_orphaned_partnerships(institution_id=partnership.institution_id)


@admin.register(HandOver)
class HandOverAdmin(ReadOnlyAdmin):
    """A record of who passed what to whom: written by ``hand_over`` only."""

    list_display = ("at", "from_person", "to_person", "relationships", "partnerships", "by")
    list_filter = ("institution",)
    list_select_related = ("from_person", "to_person", "by")
    raw_id_fields = ("from_person", "to_person", "by")
