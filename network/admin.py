"""Admin for data fixes in the partner network; visibility and permissions as in ``accounts.admin``.

Writes that keep a derived field true go through the services, as on the web: a contact moment added,
corrected or removed here moves its relationship's last contact date (``log_interaction``,
``update_interaction``, ``delete_interactions``); a relationship's owners change through
``set_relationship_owners`` (never none: ``orphaned`` comes from the owners). A person's active flag
and deletion are not offered: leaving goes through the hand-over page, which passes on what they own.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from accounts.admin import ScopedAdmin, ScopedHistoryAdmin
from lib.errors import DomainError
from network.contacts import (
    CONTACT_FIELDS,
    authorise_contact_change,
    may_change_contacts,
    record_contact_details_change,
)
from network.models import (
    Affiliation,
    Campus,
    Institution,
    Interaction,
    Organisation,
    OrganisationContact,
    OrganisationNote,
    Person,
    Relationship,
    TargetGroup,
    Theme,
)
from network.services import (
    INTERACTION_FIELDS,
    check_owners,
    delete_interactions,
    interaction_errors,
    log_interaction,
    refresh_orphaned,
    set_relationship_owners,
    update_interaction,
)


class CampusInline(admin.TabularInline):
    model = Campus
    extra = 0
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Institution)
class InstitutionAdmin(ScopedAdmin):
    list_display = ("name", "short_name", "kind", "stale_after_months")
    search_fields = ("name", "short_name", "slug")
    prepopulated_fields = {"slug": ("short_name",)}
    inlines = [CampusInline]


@admin.register(Campus)
class CampusAdmin(ScopedAdmin):
    list_display = ("name", "institution", "city", "neighbourhood_radius_m")
    list_filter = ("institution",)
    list_select_related = ("institution",)
    search_fields = ("name", "city")


@admin.register(Theme, TargetGroup)
class TermAdmin(ScopedAdmin):
    list_display = ("slug", "name_nl", "name_en")
    search_fields = ("slug", "name_nl", "name_en")


class OrganisationContactInline(admin.TabularInline):
    """Who receives the organisation's mail: shown here, changed through the services (web, API)."""

    model = OrganisationContact
    extra = 0
    fields = ("email", "name", "language", "approved_by", "approved_at", "address_confirmed_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(ScopedHistoryAdmin):
    list_display = ("name", "kind", "city", "postcode", "capacity_per_period", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "city", "postcode", "enterprise_number")
    filter_horizontal = ("themes", "target_groups")
    inlines = [OrganisationContactInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and not may_change_contacts(request.user, obj):
            readonly += CONTACT_FIELDS
        return readonly

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        changed = [name for name in CONTACT_FIELDS if form is not None and name in form.changed_data]
        before: dict[str, str] = {}
        if change and changed:
            # The one rule of ``network.contacts``, as in the web, the API and the import.
            authorise_contact_change(request.user, obj)
            before = dict(zip(changed, Organisation.objects.values_list(*changed).get(pk=obj.pk), strict=True))
        super().save_model(request, obj, form, change)
        if before:
            record_contact_details_change(obj, by=request.user, before=before)


@admin.register(OrganisationNote)
class OrganisationNoteAdmin(ScopedAdmin):
    list_display = ("organisation", "institution", "author", "created_at")
    list_filter = ("institution",)
    list_select_related = ("organisation", "institution", "author")
    raw_id_fields = ("organisation", "author")


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0
    raw_id_fields = ("organisation",)


@admin.register(Person)
class PersonAdmin(ScopedHistoryAdmin):
    list_display = ("last_name", "first_name", "institution", "email", "is_active")
    list_filter = ("institution", "is_active", "affiliations__role")
    list_select_related = ("institution",)
    search_fields = ("first_name", "last_name", "email")
    inlines = [AffiliationInline]
    # Deactivating someone orphans what they own unless it is handed over: the hand-over page does that.
    readonly_fields = ("is_active",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting a person would silently drop them as owner (and their contacts' intermediary).
        return False


class OwnersForm(forms.ModelForm):
    """Owners are checked by the service's own rule, next to the field."""

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


@admin.register(Relationship)
class RelationshipAdmin(ScopedHistoryAdmin):
    form = OwnersForm
    list_display = ("__str__", "institution", "a_role", "b_role", "status", "last_contact_on", "orphaned")
    list_filter = ("institution", "status", "orphaned", "a_role", "b_role")
    list_select_related = ("institution", "a_person", "a_organisation", "b_person", "b_organisation")
    search_fields = ("a_person__last_name", "b_person__last_name", "a_organisation__name", "b_organisation__name")
    raw_id_fields = ("a_person", "a_organisation", "b_person", "b_organisation")
    filter_horizontal = ("owners",)
    # Kept up to date by the services that log contacts and change owners.
    readonly_fields = ("last_contact_on", "orphaned")

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        owners = form.cleaned_data.pop("owners", None)
        super().save_related(request, form, formsets, change)
        relationship = form.instance
        if owners is not None and (not change or "owners" in form.changed_data):
            set_relationship_owners(relationship, by=request.user, owners=list(owners))
        refresh_orphaned([relationship.pk])


class InteractionForm(forms.ModelForm):
    class Meta:
        model = Interaction
        fields = ("relationship", *INTERACTION_FIELDS)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        relationship = data.get("relationship") or getattr(self.instance, "relationship", None)
        if relationship is not None and data.get("occurred_on") is not None:
            errors = interaction_errors(
                relationship,
                data["occurred_on"],
                data.get("summary", ""),
                data.get("mode", ""),
                data.get("intermediary"),
            )
            for field, message in errors.items():
                self.add_error(field if field in self.fields else None, message)
        return data


@admin.register(Interaction)
class InteractionAdmin(ScopedAdmin):
    """Contact moments through the services, so the relationship's last contact date stays true."""

    form = InteractionForm
    list_display = ("occurred_on", "relationship", "channel", "mode", "logged_by")
    list_filter = ("institution", "channel", "mode")
    list_select_related = (
        "relationship__a_person",
        "relationship__a_organisation",
        "relationship__b_person",
        "relationship__b_organisation",
        "logged_by",
    )
    search_fields = ("summary",)
    raw_id_fields = ("relationship", "intermediary")
    readonly_fields = ("institution", "logged_by")
    date_hierarchy = "occurred_on"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # A contact moment stays on its relationship; log a new one on the other relationship instead.
        return (*self.readonly_fields, "relationship") if obj is not None else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Interaction, form: Any, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in INTERACTION_FIELDS if name in form.cleaned_data}
        if change:
            current = Interaction.objects.select_related("relationship").get(pk=obj.pk)
            saved = update_interaction(current, by=request.user, **data)
        else:
            saved = log_interaction(form.cleaned_data["relationship"], by=request.user, **data)
        obj.__dict__.update({k: v for k, v in saved.__dict__.items() if k != "_state"})
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        delete_interactions([obj], by=request.user)  # type: ignore[list-item]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        delete_interactions(queryset.select_related("relationship"), by=request.user)
