"""Who may read the institution-wide figures: its staff (the same people who read the health overview)."""

import rules

from accounts.access import is_admin_superuser, is_institution_staff

# The dashboard, the annual report, the classification grid and the network drawing.
rules.add_perm("reports.view_reports", is_institution_staff | is_admin_superuser)
