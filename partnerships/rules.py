from typing import Any

import rules

from accounts.access import is_admin_superuser, is_institution_staff, is_office


@rules.predicate
def leads_partnership(user: Any, partnership: Any) -> bool:
    return partnership is not None and partnership.institution_id == getattr(user, "institution_id", None)


@rules.predicate
def owns_partnership(user: Any, partnership: Any) -> bool:
    person_id = getattr(user, "person_id", None)
    return partnership is not None and person_id is not None and partnership.owners.filter(pk=person_id).exists()


rules.add_perm("partnerships.add_partnership", is_institution_staff | is_admin_superuser)
rules.add_perm(
    "partnerships.change_partnership",
    (is_office & leads_partnership) | (is_institution_staff & owns_partnership) | is_admin_superuser,
)
rules.add_perm("partnerships.hand_over", is_office | is_admin_superuser)
# Health pages (continuum, health overview): the institution's staff read them; changing the step is an edit.
rules.add_perm("partnerships.view_health", is_institution_staff | is_admin_superuser)
# A partnership's health page reads the lead institution's contact moments: its staff only.
rules.add_perm("partnerships.view_partnership_health", (is_institution_staff & leads_partnership) | is_admin_superuser)
