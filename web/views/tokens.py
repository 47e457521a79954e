"""Your own API tokens: list, make one (its key is shown once), revoke one; and your calendar address:
renew it or switch it off."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.models import ApiToken, CalendarFeed
from accounts.services import issue_token, renew_calendar_secret, revoke_token, switch_off_calendar
from lib.errors import DomainError
from lib.pagination import paginate
from web.forms.errors import add_service_errors


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, so that you recognise it later (for example: report script)."),
    )

    scope = forms.ChoiceField(
        label=pgettext_lazy("what an API token is allowed to do", "May"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        help_text=gettext_lazy("A token that only reads is refused on every change."),
    )
    expires_on = forms.DateField(
        label=gettext_lazy("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Leave empty for a token that does not expire."),
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(gettext_lazy("Give the token a name."))
        return name


def _page(request: HttpRequest, form: TokenForm, *, key: str | None = None, status: int = 200) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at", "-id")
    # Shown, not made, here: a calendar address comes into being where feeds are offered (agreements).
    feed = CalendarFeed.objects.filter(user=request.user).first()
    calendar_url = (
        request.build_absolute_uri(reverse("agreement-calendar-user", args=[feed.secret]))
        if feed and feed.secret
        else None
    )
    context = {
        "form": form,
        "page": paginate(request, tokens),
        "new_key": key,
        "nav": "tokens",
        "calendar_url": calendar_url,
        "calendar_off": bool(feed and not feed.secret),
    }
    return render(request, "web/tokens/list.html", context, status=status)


@never_cache
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    expires_on = form.cleaned_data["expires_on"]
    expires_at = timezone.make_aware(datetime.combine(expires_on, time.min)) if expires_on is not None else None
    try:
        _token, key = issue_token(
            request.user,  # type: ignore[arg-type]
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            expires_at=expires_at,
            by=request.user,
        )
    except DomainError as error:
        add_service_errors(form, error, {"expires_at": "expires_on"})
        return _page(request, form, status=400)
    # The key is shown on this answer only: no redirect, and never_cache keeps it out of caches.
    return _page(request, TokenForm(), key=key)


@require_POST
@login_required
def token_revoke(request: HttpRequest, prefix: str) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.select_related("user"), user=request.user, prefix=prefix)
    revoke_token(token, by=request.user)
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("api-tokens")


@require_POST
@login_required
def calendar_renew(request: HttpRequest) -> HttpResponse:
    renew_calendar_secret(request.user, by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Your calendar address is new: earlier addresses no longer work."))
    return redirect("api-tokens")


@require_POST
@login_required
def calendar_switch_off(request: HttpRequest) -> HttpResponse:
    switch_off_calendar(request.user, by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Your calendar feeds are switched off: every earlier address no longer works."))
    return redirect("api-tokens")


urlpatterns = [
    path("account/tokens/", token_list, name="api-tokens"),
    path("account/tokens/<str:prefix>/revoke/", token_revoke, name="api-token-revoke"),
    path("account/calendar/renew/", calendar_renew, name="calendar-renew"),
    path("account/calendar/switch-off/", calendar_switch_off, name="calendar-switch-off"),
]
