"""Who may do what with assessments (visibility of rounds is in ``assessment.access``).

Answering needs no permission: a personal link opens one respondent's questionnaire and nothing else.
"""

from typing import Any

import rules

from accounts.access import is_admin_superuser, is_institution_staff, is_office, is_partner


@rules.predicate
def can_change_partnership(user: Any, partnership: Any) -> bool:
    return partnership is not None and user.has_perm("partnerships.change_partnership", partnership)


@rules.predicate
def round_of_own_institution(user: Any, round_: Any) -> bool:
    return round_ is not None and round_.institution_id == getattr(user, "institution_id", None)


@rules.predicate
def results_shared_with_partner(user: Any, round_: Any) -> bool:
    """A closed round whose results the office shared; which rounds concern the partner is its visibility."""
    return round_ is not None and round_.status == "closed" and round_.results_shared


@rules.predicate
def may_change_round_partnership(user: Any, round_: Any) -> bool:
    if round_ is None:
        return False
    if round_.partnership_id is None:
        return True
    return user.has_perm("partnerships.change_partnership", round_.partnership)


@rules.predicate
def own_instrument(user: Any, instrument: Any) -> bool:
    return instrument is not None and instrument.institution_id == getattr(user, "institution_id", None)


# Start a round about a partnership: staff who may change that partnership.
rules.add_perm("assessment.add_round", (is_institution_staff & can_change_partnership) | is_admin_superuser)
# Read the results: the institution's staff. A partner reads them when the institution shares them.
rules.add_perm(
    "assessment.view_round",
    (is_institution_staff & round_of_own_institution) | (is_partner & results_shared_with_partner) | is_admin_superuser,
)
# Agree on actions, send a new link, close the round: who may change the partnership.
rules.add_perm(
    "assessment.change_round",
    (is_institution_staff & round_of_own_institution & may_change_round_partnership) | is_admin_superuser,
)
rules.add_perm("assessment.view_instrument", is_institution_staff | is_admin_superuser)
rules.add_perm("assessment.copy_instrument", is_office | is_admin_superuser)
rules.add_perm("assessment.change_instrument", (is_office & own_instrument) | is_admin_superuser)
rules.add_perm("assessment.view_rounds", is_institution_staff | is_admin_superuser)
