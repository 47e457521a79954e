"""Who may do what with reflections, workshops and practice examples (visibility is in ``access.py``)."""

from typing import Any

import rules

from accounts.access import is_admin_superuser, is_institution_staff, is_office, of_own_institution
from engagements.rules import teaches_course


@rules.predicate
def teaches_workbook_course(user: Any, workbook: Any) -> bool:
    return workbook is not None and teaches_course(user, workbook.course)


# Starting a workbook: a teacher of the course, or the office for one of its teachers.
rules.add_perm(
    "reflection.start_workbook",
    (is_institution_staff & of_own_institution & teaches_course)
    | (is_office & of_own_institution)
    | is_admin_superuser,
)
rules.add_perm(
    "reflection.change_workbook",
    (is_institution_staff & of_own_institution & teaches_workbook_course)
    | (is_office & of_own_institution)
    | is_admin_superuser,
)
rules.add_perm("reflection.manage_questions", is_office | is_admin_superuser)
rules.add_perm("reflection.run_workshop", is_office | is_admin_superuser)
rules.add_perm("reflection.manage_cases", is_office | is_admin_superuser)
rules.add_perm("reflection.change_case", (is_office & of_own_institution) | is_admin_superuser)
