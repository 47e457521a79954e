"""Mail for assessments, sent by the task worker after the transaction that asked for it commits.

Why the task makes the link itself: a personal link is a secret, and the database keeps only its
hash. Passing the token as a task argument would park it in clear in the task queue's table
until someone prunes it; sending the mail inside the web request would make the page wait on
the mail server. So the queue holds only the respondent's id and the site's address, and the
task mints a fresh token, stores its hash and sends it, in one transaction: if the mail fails,
the hash is rolled back and the earlier link (if any) still works; a retry sends a new one.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from assessment.models import Respondent, Round
from lib.scoping import unscoped


@task()
@unscoped("a task acts for the system, not for the user whose request queued it")
def send_invitation(respondent_id: int, base_url: str) -> None:
    """Mail one respondent a new personal link, in the respondent's language."""
    from assessment.services import contact_line, issue_link

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
        context = {
            "respondent": respondent,
            "round": round_,
            "instrument": round_.instrument,
            "institution": round_.institution,
            "partnership": round_.partnership,
            "link": base_url.rstrip("/") + reverse("answer", args=[token]),
            "closes_on": round_.closes_on,
            "contact": contact_line(round_),
        }
        subject = " ".join(render_to_string("assessment/mail/invitation_subject.txt", context).split())
        body = render_to_string("assessment/mail/invitation.txt", context)
        message = EmailMultiAlternatives(
            subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [respondent.email],
            headers={"Content-Language": respondent.language},
        )
        message.send()
