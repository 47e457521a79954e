"""Who may do what with the network's records (visibility is in ``accounts.access``)."""

from typing import Any

import rules

from accounts.access import (
    is_admin_superuser,
    is_institution_member,
    is_institution_staff,
    is_office,
    is_partner,
    of_own_institution,
)


@rules.predicate
def is_own_organisation(user: Any, organisation: Any) -> bool:
    return organisation is not None and is_partner(user) and user.organisation_id == organisation.pk


@rules.predicate
def is_end_of_relationship(user: Any, relationship: Any) -> bool:
    if relationship is None:
        return False
    if is_partner(user):
        return user.organisation_id in (relationship.a_organisation_id, relationship.b_organisation_id)
    person_id = getattr(user, "person_id", None)
    return person_id is not None and person_id in (relationship.a_person_id, relationship.b_person_id)


rules.add_perm("network.view_dashboard", is_institution_staff | is_admin_superuser)
rules.add_perm("network.add_organisation", is_institution_staff | is_admin_superuser)
rules.add_perm("network.change_organisation", is_institution_staff | is_own_organisation | is_admin_superuser)
# Where the organisation's mail goes (its e-mail, phone and mail contacts): its own partner users or the
# office, never any lecturer of any institution (see ``network.contacts``).
rules.add_perm("network.change_organisation_contacts", is_office | is_own_organisation | is_admin_superuser)
rules.add_perm("network.confirm_organisation_profile", is_own_organisation)
rules.add_perm("network.add_organisationnote", is_institution_staff)
rules.add_perm("network.view_organisationnote", is_institution_staff)
rules.add_perm("network.add_person", is_institution_staff | is_admin_superuser)
rules.add_perm("network.change_person", (is_institution_staff & of_own_institution) | is_admin_superuser)
rules.add_perm("network.deactivate_person", (is_office & of_own_institution) | is_admin_superuser)
# Exporting or erasing a person's personal data (GDPR requests): the office of the person's institution.
rules.add_perm("network.manage_personal_data", (is_office & of_own_institution) | is_admin_superuser)
rules.add_perm("network.add_relationship", is_institution_staff | is_admin_superuser)
rules.add_perm("network.change_relationship", (is_institution_staff & of_own_institution) | is_admin_superuser)
rules.add_perm(
    "network.log_interaction",
    (is_institution_staff & of_own_institution) | is_end_of_relationship | is_admin_superuser,
)
rules.add_perm("network.view_audit", is_office | is_admin_superuser)
# Themes and target groups are one vocabulary for the whole region; an office may add a term (an import's value
# step does), which every institution then sees.
rules.add_perm("network.add_vocabulary_term", is_office | is_admin_superuser)
rules.add_perm("network.use_network", is_institution_member | is_partner | is_admin_superuser)
rules.add_perm("network.view_relationship_health", (is_institution_staff & of_own_institution) | is_admin_superuser)
