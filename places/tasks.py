"""Mail about booking requests, sent by the task worker after the decision is committed."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import TaskContext, task

from lib.scoping import unscoped
from mail.services import queue_mail
from places.models import Booking


@task(takes_context=True)
@unscoped("a task acts for the system, not for the user whose request queued it")
def send_booking_decision(context: TaskContext, booking_id: int) -> None:
    """Tell the requester, in the language they asked in, whether their request was approved."""
    booking = Booking.objects.select_related("facility__campus__institution").filter(pk=booking_id).first()
    if booking is None or booking.status == Booking.Status.PENDING:
        return
    with translation.override(booking.language):
        facility = booking.facility
        values = {
            "booking": booking,
            "facility": facility,
            "campus": facility.campus,
            "institution": facility.campus.institution,
            "approved": booking.status == Booking.Status.APPROVED,
            "link": settings.BRUG_SITE_URL.rstrip("/") + reverse("public-facility", args=[facility.public_id]),
        }
        subject = " ".join(render_to_string("places/mail/decision_subject.txt", values).split())
        body = render_to_string("places/mail/decision.txt", values)
    queue_mail(
        key=f"places.booking_decision:{context.task_result.id}",
        to=[booking.requester_email],
        subject=subject,
        body=body,
        language=booking.language,
        institution_id=facility.campus.institution_id,
    )
