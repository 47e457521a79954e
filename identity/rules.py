import rules

from accounts.access import is_office

rules.add_perm("identity.invite_partner", is_office)
rules.add_perm("identity.change_sign_in_policy", is_office)
