"""The neighbourhood campus: campuses, the neighbourhood's summary, the collaborations in it and the map's
data, the reflex over the years, facilities with their calendar, booking requests (decision, internal note),
and network events with who of the institution attends. Same selectors, services, scopes and rules as the
campus pages: a campus is found through ``places.access`` (partners and other institutions get 404), its
neighbourhood pages need ``places.view_neighbourhood`` (staff; a student gets 403); running facilities and
deciding on requests is ``places.manage_facilities`` / ``places.decide_booking`` (the office or the campus's
anchor), events ``places.manage_events`` (staff).

A campus has no UUID: it is addressed by its institution's slug and its own, as in the web pages. Editing
the campus itself (location, neighbourhood, anchor) is not part of this API.
"""

from api.routers.places.base import router

# The route modules register on the one router when imported, so they are imported in the order of their routes
# in the module they came from: paths are matched in the order they were registered.
# isort: off
from api.routers.places import campuses
from api.routers.places import facilities
from api.routers.places import bookings
from api.routers.places import events
# isort: on

__all__ = ["bookings", "campuses", "events", "facilities", "router"]
