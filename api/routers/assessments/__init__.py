"""Assessments: rounds answered from both sides of a partnership, their results, agreed actions, and the
instruments to ask with. Same services, visibility and permissions as the assessment pages."""

# Importing the route modules registers their routes on the one router, in this order: it is the order of
# the URL patterns (first match wins) and of the OpenAPI paths, so it stays the order of the original module.
# isort: off
from api.routers.assessments.base import router
from api.routers.assessments import instruments, rounds  # noqa: F401
# isort: on


__all__ = ["router"]
