"""What courses and engagements keep about a person: the courses they teach and the engagements they join."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from engagements.models import Participation
from lib import privacy


def export_participations(person: Any) -> dict[str, Any]:
    return {
        "engagements": [
            {
                "title": p.engagement.title,
                "role": p.get_role_display(),
                "hours": p.hours,
                "from": p.engagement.start_date.isoformat(),
                "until": p.engagement.end_date.isoformat() if p.engagement.end_date else None,
            }
            for p in Participation.objects.filter(person=person).select_related("engagement").order_by("id")
        ],
        "courses_taught": [str(c) for c in person.courses_taught.order_by("academic_year", "title")],
    }


def register_personal_data() -> None:
    privacy.register(
        privacy.PersonalData(
            key="engagements.participation",
            order=40,
            models=(
                "engagements.participation",
                "engagements.course",
                "engagements.historicalcourse",
                "engagements.engagement",
                "engagements.historicalengagement",
                "engagements.contribution",
            ),
            what=_(
                "Who teaches which course, who takes part in which engagement, in which role and for how many hours."
            ),
            whose=_("Faculty, students, partner staff and residents taking part."),
            why=_("To report hours and outcomes of service-learning, and to see closeness and equity."),
            kept=_(
                "As long as the institution reports on the engagement; after erasure the participation stays, "
                "with the neutral label."
            ),
            exporter=export_participations,
            titles={"engagements": _("Engagements"), "courses_taught": _("Courses taught")},
        )
    )
