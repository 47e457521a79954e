"""Admin for data fixes in matching, read through the same access mechanism as the web (see ``accounts.admin``).

A match's status moves its need's status and counts against the partner's capacity (the load guard), so
matches are read only here and statuses are changed only through the matching pages and API.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accounts.admin import ReadOnlyAdmin, ScopedAdmin
from matching.models import (
    DigestItem,
    Match,
    MatchingWeights,
    Need,
    Offer,
    OrganisationProposal,
    PartnerCriterion,
    QuietPeriod,
)


@admin.register(Need)
class NeedAdmin(ScopedAdmin):
    list_display = ("title", "organisation", "status", "period_start", "period_end", "created_at")
    list_filter = ("status", "language")
    search_fields = ("title", "organisation__name", "contact_email")
    raw_id_fields = ("organisation", "created_by")
    # Set by confirming, matching and closing (the services), never typed in.
    readonly_fields = ("status", "confirm_token_hash", "confirm_expires_at")


@admin.register(Offer)
class OfferAdmin(ScopedAdmin):
    list_display = ("title", "institution", "status", "period_start", "period_end")
    list_filter = ("status", "institution")
    search_fields = ("title", "programme")
    raw_id_fields = ("course", "campus", "created_by")


@admin.register(Match)
class MatchAdmin(ReadOnlyAdmin):
    list_display = ("need", "offer", "institution", "channel", "status", "proposed_at")
    list_filter = ("status", "channel")
    raw_id_fields = ("need", "offer", "engagement", "proposed_by", "overridden_by")
    readonly_fields = ("response_token_hash", "response_expires_at")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OrganisationProposal)
class OrganisationProposalAdmin(ScopedAdmin):
    list_display = ("name", "institution", "status", "created_at")
    list_filter = ("status",)


@admin.register(QuietPeriod)
class QuietPeriodAdmin(ScopedAdmin):
    list_display = ("organisation", "start", "end", "reason")
    raw_id_fields = ("organisation",)


@admin.register(PartnerCriterion)
class PartnerCriterionAdmin(ScopedAdmin):
    list_display = ("text_nl", "text_en", "institution", "order")
    list_filter = ("institution",)


admin.site.register([MatchingWeights, DigestItem], ScopedAdmin)
