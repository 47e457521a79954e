"""Admin for data fixes in the partner network; visibility and permissions as in ``accounts.admin``."""

from __future__ import annotations

from django.contrib import admin

from accounts.admin import ScopedAdmin, ScopedHistoryAdmin
from network.models import (
    Affiliation,
    Campus,
    Institution,
    Interaction,
    Organisation,
    OrganisationNote,
    Person,
    Relationship,
    TargetGroup,
    Theme,
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


@admin.register(Organisation)
class OrganisationAdmin(ScopedHistoryAdmin):
    list_display = ("name", "kind", "city", "postcode", "capacity_per_period", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "city", "postcode", "enterprise_number")
    filter_horizontal = ("themes", "target_groups")


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


@admin.register(Relationship)
class RelationshipAdmin(ScopedHistoryAdmin):
    list_display = ("__str__", "institution", "a_role", "b_role", "status", "last_contact_on", "orphaned")
    list_filter = ("institution", "status", "orphaned", "a_role", "b_role")
    list_select_related = ("institution", "a_person", "a_organisation", "b_person", "b_organisation")
    search_fields = ("a_person__last_name", "b_person__last_name", "a_organisation__name", "b_organisation__name")
    raw_id_fields = ("a_person", "a_organisation", "b_person", "b_organisation")
    filter_horizontal = ("owners",)
    # Kept up to date by the services that log contacts and change owners.
    readonly_fields = ("last_contact_on", "orphaned")


@admin.register(Interaction)
class InteractionAdmin(ScopedAdmin):
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
    raw_id_fields = ("relationship", "intermediary", "logged_by")
    date_hierarchy = "occurred_on"
