"""What assessments keep about a person: the respondents asked to answer, their answers and drafts."""

from __future__ import annotations

import secrets
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessment.models import Answer, Respondent, Round
from lib import privacy

# A link that was removed: the hash of no token at all, recognisable so it is counted once.
REMOVED = "removed-"


def _removed_hash() -> str:
    return REMOVED + secrets.token_hex(24)


def _respondents(person: Any, emails: list[str]) -> Any:
    condition = Q(person=person)
    for email in emails:
        condition |= Q(email__iexact=email)
    return Respondent.objects.filter(condition, round__institution_id=person.institution_id)


def export_assessments(person: Any) -> dict[str, Any]:
    emails = privacy.emails_of(person)
    respondents = _respondents(person, emails).select_related("round").order_by("id")
    answers = Answer.objects.filter(respondent__in=respondents).select_related("item").order_by("respondent", "id")
    by_respondent: dict[int, list[dict[str, Any]]] = {}
    for answer in answers:
        by_respondent.setdefault(answer.respondent_id, []).append(
            {"item": answer.item.label, "current": answer.current, "desired": answer.desired, "comment": answer.comment}
        )
    return {
        "assessments": [
            {
                "round": r.round.title,
                "side": r.get_side_display(),
                "name": r.name,
                "email": r.email,
                "invited": r.invited_at.isoformat() if r.invited_at else None,
                "answered": r.submitted_at.isoformat() if r.submitted_at else None,
                "answers": by_respondent.get(r.pk, []),
                "draft": r.draft,
            }
            for r in respondents
        ]
    }


def erase_assessments(erasure: privacy.Erasure) -> None:
    """Their answers stay in the scores, under the neutral label; the name, address, draft and link go."""
    respondents = _respondents(erasure.person, erasure.emails)
    ids = list(respondents.values_list("pk", flat=True))
    for pk in ids:
        Respondent.objects.filter(pk=pk).update(
            name=erasure.label[:200], email="", draft={}, person=None, token_hash=_removed_hash()
        )
    erasure.count("assessment.respondent", len(ids))
    answers = Answer.objects.filter(respondent_id__in=ids)
    erasure.count("assessment.answer", privacy.scrub_rows(answers, erasure.terms, erasure.label))


def anonymise_closed_rounds(institution: Any, cutoff: Any) -> int:
    """Respondents of rounds closed (or past their last day) before the cutoff: name and address go, the answers
    stay anonymous in the scores."""
    rounds = Round.objects.filter(institution=institution, closes_on__lt=cutoff.date())
    stale = Respondent.objects.filter(round__in=rounds).exclude(email="")
    ids = list(stale.values_list("pk", flat=True))
    for pk in ids:
        name = gettext("respondent %(number)s") % {"number": pk}
        Respondent.objects.filter(pk=pk).update(name=name, email="", draft={}, person=None, token_hash=_removed_hash())
    return len(ids)


def remove_expired_links(institution: Any, cutoff: Any) -> int:
    """Links of people who never answered, expired before the cutoff: the link is removed, the invitation stays."""
    stale = Respondent.objects.filter(
        round__institution=institution, submitted_at__isnull=True, expires_at__lt=cutoff
    ).exclude(token_hash__startswith=REMOVED)
    ids = list(stale.values_list("pk", flat=True))
    for pk in ids:
        Respondent.objects.filter(pk=pk).update(token_hash=_removed_hash(), draft={})
    return len(ids)


def register_personal_data() -> None:
    privacy.register(
        privacy.PersonalData(
            key="assessment.respondent",
            order=50,
            models=("assessment.respondent", "assessment.answer", "assessment.round", "assessment.agreedaction"),
            what=_(
                "The people asked to answer an assessment (name, e-mail address, language, personal link), their "
                "answers, comments and unfinished drafts, and who agreed to take an action."
            ),
            whose=_("Staff, partner staff, students and residents asked to rate a relationship."),
            why=_("To see the relationship from each side and agree on how to strengthen it."),
            kept=_(
                "Names and addresses until the retention period after the round closes, then anonymised; the "
                "scores stay."
            ),
            exporter=export_assessments,
            eraser=erase_assessments,
            titles={"assessments": _("Assessments they were asked to answer")},
            retention=(
                privacy.Retention(
                    setting="retention_closed_assessment_months",
                    unit="months",
                    default=12,
                    apply=anonymise_closed_rounds,
                    what=_("Respondents of answered and closed assessments"),
                ),
                privacy.Retention(
                    setting="retention_expired_link_days",
                    unit="days",
                    default=30,
                    apply=remove_expired_links,
                    what=_("Expired assessment links"),
                ),
            ),
        )
    )
    privacy.declare_no_personal_data(
        "assessment.instrument",
        "assessment.instrumentitem",
        reason="Questionnaires: questions and scales, no answers.",
    )
