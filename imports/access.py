"""Who sees which imports: the office of the institution that made them."""

from __future__ import annotations

from accounts.visibility import Visibility, institution

import_scope = Visibility(office=institution(), doc="The office of the institution that made the import.")
