from typing import Any

from engagements.models import Participation
from network.models import Person


def export_participations(person: Person) -> dict[str, Any]:
    return {
        "engagements": [
            {"title": p.engagement.title, "role": p.get_role_display(), "hours": p.hours}
            for p in Participation.objects.filter(person=person).select_related("engagement")
        ],
        "courses_taught": [str(c) for c in person.courses_taught.all()],
    }
