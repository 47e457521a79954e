"""What reflection keeps about a person: the workbooks they write, consents named in practice examples, and
workshop positions (anonymous: a random key of a device, never a name)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext_lazy as _

from lib import privacy
from reflection.models import DilemmaPosition, PlannedAction, Workbook, WorkbookAnswer, WorkshopPosition

REMOVED = "removed-"


def _workbooks(person: Any) -> Any:
    return Workbook.objects.filter(teacher=person)


def export_reflection(person: Any) -> dict[str, Any]:
    workbooks = _workbooks(person).select_related("course").order_by("academic_year", "id")
    return {
        "reflection_workbooks": [
            {
                "course": w.course.title,
                "academic_year": w.academic_year,
                "answers": [
                    {"question": a.question.text, "answer": a.text}
                    for a in w.answers.select_related("question").order_by("question__question_set", "question__order")
                ],
                "positions": [
                    {"dilemma": p.dilemma.statement, "position": p.position, "reason": p.reason}
                    for p in w.positions.select_related("dilemma").order_by("dilemma__order", "id")
                ],
                "planned_actions": [
                    {"what": a.what, "needs": a.needs, "by": a.due_on.isoformat() if a.due_on else None, "done": a.done}
                    for a in w.actions.order_by("order", "id")
                ],
            }
            for w in workbooks
        ]
    }


def erase_reflection(erasure: privacy.Erasure) -> None:
    """The workbook stays for the course's history; names in what they wrote become the label."""
    workbooks = _workbooks(erasure.person)
    for model in (WorkbookAnswer, DilemmaPosition, PlannedAction):
        rows = model.objects.filter(workbook__in=workbooks)
        erasure.count(model._meta.label_lower, privacy.scrub_rows(rows, erasure.terms, erasure.label))


def anonymise_workshop_positions(institution: Any, cutoff: Any) -> int:
    """Positions of workshops closed before the cutoff lose the device key that tied them together."""
    stale = WorkshopPosition.objects.filter(session__institution=institution, session__closed_at__lt=cutoff).exclude(
        participant_key__startswith=REMOVED
    )
    return stale.update(participant_key=Concat(Value(REMOVED), Cast(F("pk"), models.CharField())))


def register_personal_data() -> None:
    privacy.register(
        privacy.PersonalData(
            key="reflection.workbook",
            order=60,
            models=(
                "reflection.workbook",
                "reflection.workbookanswer",
                "reflection.dilemmaposition",
                "reflection.plannedaction",
                "reflection.practicecase",
                "reflection.caseconsent",
                "reflection.casephoto",
            ),
            what=_(
                "Teachers' reflection workbooks (answers, positions on the dilemmas, planned actions), and who "
                "gave a partner's consent to be named in a practice example."
            ),
            whose=_("Faculty who reflect on their course, and partner staff who give consent."),
            why=_("To help teachers strengthen their partnerships, and to publish examples only with consent."),
            kept=_(
                "As long as the course's history is kept; after erasure the workbook stays, with the neutral label."
            ),
            exporter=export_reflection,
            eraser=erase_reflection,
            titles={"reflection_workbooks": _("Reflection workbooks")},
        )
    )
    privacy.register(
        privacy.PersonalData(
            key="reflection.workshopposition",
            order=61,
            models=("reflection.workshopposition", "reflection.workshopsession"),
            what=_(
                "Positions on dilemmas taken in a workshop, with a random key of the device (never a name), so "
                "that a participant can change their position."
            ),
            whose=_("Participants of a reflection workshop."),
            why=_("To show the group where it stands on each dilemma."),
            kept=_(
                "The device key is removed after the retention period once the workshop is closed; the "
                "anonymous positions stay. They name nobody, so they are not part of a person's export."
            ),
            retention=(
                privacy.Retention(
                    setting="retention_workshop_days",
                    unit="days",
                    default=30,
                    apply=anonymise_workshop_positions,
                    what=_("Workshop positions"),
                ),
            ),
        )
    )
    privacy.declare_no_personal_data(
        "reflection.reflectionquestion",
        "reflection.dilemma",
        "reflection.casecollaborationform",
        reason="Questions, dilemmas and forms of collaboration: texts of the method, not about a person.",
    )
