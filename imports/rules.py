"""Imports are office work: coordinators and administrators of an institution.

Faculty do not import (yet): a spreadsheet touches the shared directory and the whole institution.
"""

import rules

from accounts.access import is_admin_superuser, is_office, of_own_institution

rules.add_perm("imports.use_imports", is_office | is_admin_superuser)
rules.add_perm("imports.change_importjob", (is_office & of_own_institution) | is_admin_superuser)
