"""The privacy page: what Brug stores about whom, why and for how long, drawn from the register of personal
data that the export, the erasure and the retention run use, so the page cannot drift from the code."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import ngettext

from lib import privacy


def _period(number: int, unit: str) -> str:
    if unit == "months":
        return ngettext("%(n)d month", "%(n)d months", number) % {"n": number}
    return ngettext("%(n)d day", "%(n)d days", number) % {"n": number}


def privacy_page(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    institution = getattr(user, "institution", None) if user.is_authenticated else None
    retention = []
    for rule in privacy.retention_rules():
        row = {"what": rule.what, "default": _period(rule.default, rule.unit), "yours": None}
        if institution is not None:
            row["yours"] = _period(getattr(institution, rule.setting), rule.unit)
        retention.append(row)
    entries = [e for e in privacy.entries() if e.models and str(e.what).strip()]
    context = {"entries": entries, "retention": retention, "institution": institution}
    return render(request, "web/privacy.html", context)


urlpatterns = [path("privacy/", privacy_page, name="privacy")]
