"""The office's view of outgoing mail: what failed (after every retry) or still waits, with a retry.

Coordinators and administrators see their institution's mail; superusers all of it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import get_for_user_or_404, require
from lib.errors import DomainError
from lib.pagination import paginate
from mail.models import OutgoingMail
from mail.services import retry_mail


@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    require(request.user, "mail.view_outbox")
    show = request.GET.get("status") or OutgoingMail.Status.FAILED
    if show not in OutgoingMail.Status.values:
        show = OutgoingMail.Status.FAILED
    mails = OutgoingMail.objects.for_user(request.user).filter(status=show).order_by("-created_at", "-id")
    context: dict[str, Any] = {
        "nav": "outbox",
        "show": show,
        "statuses": OutgoingMail.Status.choices,
        "page": paginate(request, mails.defer("body")),
    }
    return render(request, "web/outbox/list.html", context)


@login_required
@require_POST
def outbox_retry(request: HttpRequest, public_id: Any) -> HttpResponse:
    require(request.user, "mail.view_outbox")
    mail = get_for_user_or_404(OutgoingMail.objects.for_user(request.user), public_id=public_id)
    try:
        retry_mail(mail, by=request.user)
    except DomainError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The mail is queued again."))
    return redirect("outbox")


urlpatterns = [
    path("office/mail/", outbox, name="outbox"),
    path("office/mail/<uuid:public_id>/retry/", outbox_retry, name="outbox-retry"),
]
