"""The scheduled jobs as the office sees them: when each last ran, how it went, the last error, the next run."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from accounts.access import require
from operations.scheduler import scheduler_status


@login_required
def schedule(request: HttpRequest) -> HttpResponse:
    require(request.user, "operations.view_schedule")
    context = {"nav": "schedule", "jobs": scheduler_status(), "full_errors": request.user.is_superuser}
    return render(request, "web/schedule.html", context)


urlpatterns = [path("office/schedule/", schedule, name="schedule")]
