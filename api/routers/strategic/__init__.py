"""A strategic partnership through the API: its parties (a widening is a milestone), forms of collaboration
and levels, shared goals with indicators and measurements, milestones, and the board report (figures and
PDF). Same services and rules as the strategic pages: whoever sees the partnership reads them; changing them
is ``partnerships.change_partnership``.

Goals, indicators, measurements, milestones and organisation parties have no public UUID of their own: they
are addressed by their number inside the partnership, and a number from another partnership is a 404. They
have no version either: an edit sends the ``fingerprint`` it read, and a record changed since is refused
(409), as on the edit pages. The forms and levels belong to the partnership and use its ``version``.
"""

from api.routers.strategic.base import router

# The route modules register on the one router when imported, so they are imported in the order of their routes
# in the module they came from: paths are matched in the order they were registered.
# isort: off
from api.routers.strategic import collaboration
from api.routers.strategic import goals
from api.routers.strategic import milestones
from api.routers.strategic import parties
from api.routers.strategic import report
# isort: on

__all__ = ["collaboration", "goals", "milestones", "parties", "report", "router"]
