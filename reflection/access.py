"""Who sees which reflection records (the ``for_user`` scopes); actions are in ``rules.py``."""

from typing import Any

from django.db.models import Q

from accounts.visibility import Visibility, institution, nothing


def _courses_taught(user: Any) -> Q:
    if not user.person_id:
        return nothing()
    return Q(institution_id=user.institution_id, course__teachers=user.person_id)


workbook_scope = Visibility(
    office=institution(),
    faculty=_courses_taught,
    doc="""The office sees its institution's workbooks; a teacher those of the courses they teach.

    A reflection is a teacher's own thinking: colleagues, students and partners do not see it.""",
)

workshop_scope = Visibility(
    office=institution(),
    doc="The office runs workshops; participants reach one only through its join code.",
)

case_scope = Visibility(
    office=institution(),
    doc="Drafts and consents are the office's; the public reads published cases without this scope.",
)
