"""Who may do what with agreements (visibility is in ``agreements.access``).

Signing needs no permission: a personal link opens one signatory's version and nothing else.
"""

from __future__ import annotations

from typing import Any

import rules

from accounts.access import is_admin_superuser, is_institution_staff


def _may_change_subject(user: Any, subject: Any) -> bool:
    from partnerships.models import Partnership

    if subject is None:
        return False
    if isinstance(subject, Partnership):
        return user.has_perm("partnerships.change_partnership", subject)
    return user.has_perm("engagements.change_engagement", subject)


@rules.predicate
def may_change_subject(user: Any, subject: Any) -> bool:
    """Draft an agreement for a partnership or engagement: who may change that partnership or engagement."""
    return _may_change_subject(user, subject)


@rules.predicate
def agreement_of_own_institution(user: Any, agreement: Any) -> bool:
    return agreement is not None and agreement.institution_id == getattr(user, "institution_id", None)


@rules.predicate
def may_change_agreement_subject(user: Any, agreement: Any) -> bool:
    return agreement is not None and _may_change_subject(user, agreement.subject)


rules.add_perm("agreements.add_agreement", (is_institution_staff & may_change_subject) | is_admin_superuser)
rules.add_perm(
    "agreements.change_agreement",
    (is_institution_staff & agreement_of_own_institution & may_change_agreement_subject) | is_admin_superuser,
)
