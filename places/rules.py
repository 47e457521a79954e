"""Who may do what around a neighbourhood campus (visibility is in ``places.access``).

Every permission takes the campus as its object. The neighbourhood anchor of a campus may
run its facilities and decide on requests, whatever their role, like the office.
"""

from typing import Any

import rules

from accounts.access import is_admin_superuser, is_institution_staff, is_office, of_own_institution


@rules.predicate
def is_campus_anchor(user: Any, campus: Any) -> bool:
    person_id = getattr(user, "person_id", None)
    return (
        campus is not None
        and person_id is not None
        and campus.anchor_id == person_id
        and is_institution_staff(user)
        and of_own_institution(user, campus)
    )


rules.add_perm("places.view_neighbourhood", (is_institution_staff & of_own_institution) | is_admin_superuser)
rules.add_perm("places.manage_facilities", (is_office & of_own_institution) | is_campus_anchor | is_admin_superuser)
rules.add_perm("places.decide_booking", (is_office & of_own_institution) | is_campus_anchor | is_admin_superuser)
rules.add_perm("places.change_campus", (is_office & of_own_institution) | is_admin_superuser)
rules.add_perm("places.manage_events", (is_institution_staff & of_own_institution) | is_admin_superuser)
