"""Needs, offers, matches and students' organisation proposals: the records behind matchmaking, with the
same services, scopes and rules as the matching pages (a proposal past an organisation's capacity is held).

Four routers: ``needs``, ``offers``, ``matches`` and ``proposals``.
"""

# Importing the route modules registers their routes on the four routers, in this order: it is the order of
# the URL patterns (first match wins) and of the OpenAPI paths, so it stays the order of the original module
# (``match_routes`` adds ``POST /needs/{public_id}/matches`` after the needs' own routes).
# isort: off
from api.routers.needs.base import matches, needs, offers, proposals
from api.routers.needs import need_routes, offer_routes, match_routes, attention, proposal_routes  # noqa: F401
from api.routers.needs.acceptance import waiting
# isort: on


__all__ = ["matches", "needs", "offers", "proposals", "waiting"]
