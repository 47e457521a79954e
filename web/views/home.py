"""Dashboard, language switch, audit trail and the institution's settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import require
from audit.models import AuditEntry
from lib.errors import DomainError
from lib.pagination import paginate
from matching.models import Match
from network.models import Institution, Interaction, Organisation, Person, Relationship
from network.selectors import orphaned_relationships, stale_cutoff, stale_relationships
from network.services import RETENTION_SETTINGS, update_institution_settings
from partnerships.models import Partnership
from places.models import Booking
from web.forms.errors import add_service_errors

DASHBOARD_ROWS = 10


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.has_perm("network.view_dashboard"):
        # Partners and students start where their own records are.
        return redirect("partner-home" if user.is_partner else "engagement-list")
    if user.institution is None:
        return redirect("admin:index")
    institution: Institution = user.institution
    stale = stale_relationships(institution)
    orphaned = orphaned_relationships(institution)
    orphaned_partnerships = Partnership.objects.filter(institution=institution, orphaned=True).exclude(
        status=Partnership.Status.ENDED
    )
    recent = (
        Interaction.objects.filter(institution=institution)
        .select_related(
            "relationship__a_person",
            "relationship__a_organisation",
            "relationship__b_person",
            "relationship__b_organisation",
        )
        .order_by("-occurred_on", "-id")[:DASHBOARD_ROWS]
    )
    context = {
        "nav": "dashboard",
        "institution": institution,
        "counts": {
            "organisations": Organisation.objects.filter(is_active=True).count(),
            "people": Person.objects.filter(institution=institution, is_active=True).count(),
            "relationships": Relationship.objects.filter(
                institution=institution, status=Relationship.Status.ACTIVE
            ).count(),
            "partnerships": Partnership.objects.filter(institution=institution)
            .exclude(status=Partnership.Status.ENDED)
            .count(),
        },
        "stale": stale[:DASHBOARD_ROWS],
        "stale_count": stale.count(),
        "stale_cutoff": stale_cutoff(institution),
        "orphaned": orphaned[:DASHBOARD_ROWS],
        "orphaned_count": orphaned.count(),
        "orphaned_partnerships": orphaned_partnerships[:DASHBOARD_ROWS],
        "orphaned_partnerships_count": orphaned_partnerships.count(),
        "recent": recent,
        # The office's week: what waits on someone, each with one click to act.
        "proposals_waiting": Match.objects.for_user(user)
        .filter(status__in=(Match.Status.PROPOSED, Match.Status.HELD))
        .count(),
        "bookings_to_decide": Booking.objects.for_user(user)
        .filter(facility__campus__institution=institution, status=Booking.Status.PENDING)
        .count(),
        "can_configure": user.has_perm("network.view_audit"),
    }
    return render(request, "web/dashboard.html", context)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the language of the pages; remembered on the account and in a cookie."""
    from django.conf import settings

    language = request.POST.get("language", "")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if language and check_for_language(language) and language in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            get_user_model().objects.filter(pk=request.user.pk).update(language=language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
        )
    return response


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    require(request.user, "network.view_audit")
    entries = AuditEntry.objects.filter(institution_id=request.user.institution_id).select_related("actor")
    return render(request, "web/audit.html", {"page": paginate(request, entries), "nav": "dashboard"})


class InstitutionSettingsForm(forms.ModelForm):
    class Meta:
        model = Institution
        fields = ["mission", "website", "stale_after_months", "share_contact_summaries", *RETENTION_SETTINGS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in RETENTION_SETTINGS:
            self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # A form (or script) that does not send a retention period keeps the current one.
        for name in RETENTION_SETTINGS:
            if cleaned.get(name) is None:
                cleaned[name] = getattr(self.instance, name)
        return cleaned

    def clean_stale_after_months(self) -> int:
        value = self.cleaned_data["stale_after_months"]
        if not 1 <= value <= 60:
            raise forms.ValidationError(gettext_lazy("Choose a number of months between 1 and 60."))
        return value


@login_required
def institution_settings(request: HttpRequest) -> HttpResponse:
    require(request.user, "network.view_audit")
    institution = request.user.institution
    form = InstitutionSettingsForm(request.POST or None, instance=institution)
    if request.method == "POST" and form.is_valid():
        try:
            update_institution_settings(
                Institution.objects.get(pk=institution.pk), by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("dashboard")
    return render(request, "web/settings.html", {"form": form, "nav": "dashboard"})


urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("language/", set_language, name="set-language"),
    path("audit/", audit_log, name="audit-log"),
    path("settings/", institution_settings, name="institution-settings"),
]
