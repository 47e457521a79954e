from typing import Any

import rules

from accounts.access import (
    is_admin_superuser,
    is_institution_member,
    is_institution_staff,
    is_office,
    is_partner,
    is_student,
    of_own_institution,
)


@rules.predicate
def of_own_organisation(user: Any, obj: Any) -> bool:
    return obj is not None and getattr(obj, "organisation_id", None) == getattr(user, "organisation_id", -1)


@rules.predicate
def entered_by_own_institution(user: Any, need: Any) -> bool:
    creator = getattr(need, "created_by", None)
    return creator is not None and creator.institution_id is not None and creator.institution_id == user.institution_id


@rules.predicate
def is_own_organisation(user: Any, organisation: Any) -> bool:
    return organisation is not None and getattr(user, "organisation_id", None) == organisation.pk


@rules.predicate
def of_own_institution_if_any(user: Any, obj: Any) -> bool:
    """The page as a whole (no object), or an object of the user's own institution."""
    return obj is None or getattr(obj, "institution_id", None) == getattr(user, "institution_id", -1)


@rules.predicate
def proposed_it(user: Any, proposal: Any) -> bool:
    return proposal is not None and proposal.proposed_by_id == user.pk


staff_here = (is_institution_staff & of_own_institution) | is_admin_superuser

# Needs: partners post them through the public form; staff may enter one on a partner's behalf.
rules.add_perm("matching.add_need", is_institution_staff | is_partner | is_admin_superuser)
rules.add_perm(
    "matching.change_need",
    (is_partner & of_own_organisation) | (is_institution_staff & entered_by_own_institution) | is_admin_superuser,
)
# A need from the public form joins its organisation only when the office or the organisation accepts it.
rules.add_perm("matching.accept_need", is_office | (is_partner & of_own_organisation) | is_admin_superuser)
rules.add_perm("matching.view_waiting_needs", is_office | is_partner | is_admin_superuser)
rules.add_perm("matching.add_need_note", is_institution_staff | is_admin_superuser)
# Offers belong to one institution.
rules.add_perm("matching.add_offer", is_institution_staff | is_admin_superuser)
rules.add_perm("matching.change_offer", staff_here)
# Matches: proposing is for staff; overriding the capacity guard is for the coordinator's office.
rules.add_perm("matching.propose_match", staff_here)
rules.add_perm("matching.change_match", staff_here)
rules.add_perm("matching.override_hold", (is_office & of_own_institution) | is_admin_superuser)
rules.add_perm("matching.view_channel_report", is_institution_staff | is_admin_superuser)
# Students propose new partners; the office decides.
rules.add_perm("matching.add_organisation_proposal", is_student)
rules.add_perm("matching.change_organisation_proposal", is_student & proposed_it)
rules.add_perm("matching.decide_organisation_proposal", (is_office & of_own_institution) | is_admin_superuser)
# Ranked suggestions and the weights behind them (matching engine pages).
rules.add_perm("matching.view_suggestions", is_institution_staff)
rules.add_perm("matching.view_matching_weights", is_institution_staff)
rules.add_perm("matching.change_matching_weights", is_office)
# Quiet periods: the partner sets its own; the office may enter one on the partner's behalf (say, after a call),
# and change or remove only those its institution entered, never the partner's own.
rules.add_perm("matching.view_quiet_periods", is_institution_staff | is_partner | is_admin_superuser)
rules.add_perm("matching.add_quiet_period", (is_partner & is_own_organisation) | is_office | is_admin_superuser)
rules.add_perm(
    "matching.change_quiet_period",
    (is_partner & of_own_organisation) | (is_office & entered_by_own_institution) | is_admin_superuser,
)
# The institution's criteria for a good partner: its members read them, the office keeps them.
rules.add_perm("matching.view_partner_criteria", is_institution_member | is_admin_superuser)
rules.add_perm("matching.change_partner_criteria", is_office & of_own_institution_if_any)
