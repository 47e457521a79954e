from typing import Any

from django.db.models import Q

from accounts.visibility import Visibility, institution, organisation


def _courses_worked_with(user: Any) -> Q:
    from engagements.models import Engagement

    theirs = Engagement.objects.filter(organisation_id=user.organisation_id, course__isnull=False)
    return Q(pk__in=theirs.values("course_id"))


def _taking_part(user: Any) -> Q:
    from engagements.models import Participation

    if not user.person_id:
        return Q(pk__in=[])
    return Q(pk__in=Participation.objects.filter(person_id=user.person_id).values("engagement_id"))


course_scope = Visibility(
    members=institution(),
    partner=_courses_worked_with,
    doc="Institution members see their institution's courses; a partner the courses it works with.",
)

engagement_scope = Visibility(
    staff=institution(),
    student=_taking_part,
    partner=organisation(),
    doc="Staff see their institution's engagements; a student those they take part in; a partner its own.",
)
