"""Mail for assessments, sent by the task worker after the transaction that asked for it commits.

Why the task makes the link itself: a personal link is a secret, and the database keeps only its
hash. Passing the token as a task argument would park it in clear in the task queue's table
until someone prunes it; sending the mail inside the web request would make the page wait on
the mail server. So the queue holds only the respondent's id and the site's address, and the
task mints a fresh token, stores its hash and sends it, in one transaction: if the mail fails,
the hash is rolled back and the earlier link (if any) still works; a retry sends a new one.
The mail goes through the outbox (``mail.services.queue_mail``) in that same transaction; a task
run again after its worker died finds its mail already queued and mints no second link.
"""

from __future__ import annotations

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import TaskContext, task

from assessment.models import Respondent, Round
from lib.scoping import unscoped


@task(takes_context=True)
@unscoped("a task acts for the system, not for the user whose request queued it")
def send_invitation(context: TaskContext, respondent_id: int, base_url: str) -> None:
    """Mail one respondent a new personal link, in the respondent's language."""
    from assessment.services import contact_line, issue_link
    from mail.services import is_queued, queue_mail

    key = f"assessment.invitation:{context.task_result.id}"
    if is_queued(key):
        return
    respondent = (
        Respondent.objects.select_related(
            "round__instrument", "round__institution", "round__partnership", "round__created_by__person"
        )
        .filter(pk=respondent_id, submitted_at__isnull=True, round__status=Round.Status.OPEN)
        .first()
    )
    if respondent is None or respondent.is_expired:
        return
    with transaction.atomic(), translation.override(respondent.language):
        token = issue_link(respondent)
        round_ = respondent.round
        values = {
            "respondent": respondent,
            "round": round_,
            "instrument": round_.instrument,
            "institution": round_.institution,
            "partnership": round_.partnership,
            "link": base_url.rstrip("/") + reverse("answer", args=[token]),
            "closes_on": round_.closes_on,
            "contact": contact_line(round_),
        }
        subject = " ".join(render_to_string("assessment/mail/invitation_subject.txt", values).split())
        body = render_to_string("assessment/mail/invitation.txt", values)
        queue_mail(
            key=key,
            to=[respondent.email],
            subject=subject,
            body=body,
            language=respondent.language,
            institution_id=round_.institution_id,
        )
