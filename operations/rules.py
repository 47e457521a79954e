import rules

from accounts.access import is_admin_superuser, is_office

rules.add_perm("operations.view_schedule", is_office | is_admin_superuser)
