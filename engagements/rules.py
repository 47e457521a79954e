from typing import Any

import rules

from accounts.access import is_admin_superuser, is_institution_staff, of_own_institution


@rules.predicate
def teaches_course(user: Any, course: Any) -> bool:
    person_id = getattr(user, "person_id", None)
    return course is not None and person_id is not None and course.teachers.filter(pk=person_id).exists()


rules.add_perm("engagements.add_course", is_institution_staff | is_admin_superuser)
rules.add_perm("engagements.change_course", (is_institution_staff & of_own_institution) | is_admin_superuser)
rules.add_perm("engagements.add_engagement", is_institution_staff | is_admin_superuser)
rules.add_perm("engagements.change_engagement", (is_institution_staff & of_own_institution) | is_admin_superuser)
