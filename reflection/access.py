"""Who sees which reflection records (the ``for_user`` scopes); actions are in ``rules.py``."""

from typing import Any

from django.db.models import Q

from accounts.access import is_active_user, nothing
from accounts.models import OFFICE_ROLES, STAFF_ROLES


def workbook_scope(user: Any, prefix: str = "") -> Q:
    """The office sees its institution's workbooks; a teacher those of the courses they teach.

    A reflection is a teacher's own thinking: colleagues, students and partners do not see it.
    """
    if not is_active_user(user):
        return nothing(prefix)
    if user.is_superuser:
        return Q()
    if user.role in OFFICE_ROLES and user.institution_id:
        return Q(**{f"{prefix}institution_id": user.institution_id})
    if user.role in STAFF_ROLES and user.institution_id and user.person_id:
        return Q(**{f"{prefix}institution_id": user.institution_id, f"{prefix}course__teachers": user.person_id})
    return nothing(prefix)


def workshop_scope(user: Any, prefix: str = "") -> Q:
    """The office runs workshops; participants reach one only through its join code."""
    if not is_active_user(user):
        return nothing(prefix)
    if user.is_superuser:
        return Q()
    if user.role in OFFICE_ROLES and user.institution_id:
        return Q(**{f"{prefix}institution_id": user.institution_id})
    return nothing(prefix)


def case_scope(user: Any, prefix: str = "") -> Q:
    """Drafts and consents are the office's; the public reads published cases without this scope."""
    return workshop_scope(user, prefix)
