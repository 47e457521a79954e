"""Admin for data fixes in matching, read through the same access mechanism as the web (see ``accounts.admin``)."""

from django.contrib import admin

from accounts.admin import ScopedAdmin
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
    readonly_fields = ("confirm_token_hash", "confirm_expires_at")


@admin.register(Offer)
class OfferAdmin(ScopedAdmin):
    list_display = ("title", "institution", "status", "period_start", "period_end")
    list_filter = ("status", "institution")
    search_fields = ("title", "programme")
    raw_id_fields = ("course", "campus", "created_by")


@admin.register(Match)
class MatchAdmin(ScopedAdmin):
    list_display = ("need", "offer", "institution", "channel", "status", "proposed_at")
    list_filter = ("status", "channel")
    raw_id_fields = ("need", "offer", "engagement", "proposed_by", "overridden_by")
    readonly_fields = ("response_token_hash", "response_expires_at")


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
