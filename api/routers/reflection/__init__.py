"""Reflection through the API: a teacher's workbooks (answers, positions on dilemmas, planned actions) and last
year's beside this year's, the questions and dilemmas an institution works with (add, adapt a built-in,
translate), workshop sessions with the group's anonymous spread, and practice examples (the office's drafts,
consents and photos, and the published ones). Same services, selectors, scopes and rules as the reflection
pages: a workbook is seen by the office and the course's teachers only; questions, workshops and practice
examples are the office's.

Joining a workshop as a participant (``/join/<code>/`` in the web pages) is web-only on purpose: participants
have no account and no token, and their positions carry no identity.
"""

# Importing the route modules registers their routes on the one router, in this order: it is the order of
# the URL patterns (first match wins) and of the OpenAPI paths, so it stays the order of the original module.
# isort: off
from api.routers.reflection.base import router
from api.routers.reflection import workbooks, questions, workshops, cases, office_cases  # noqa: F401
# isort: on


__all__ = ["router"]
