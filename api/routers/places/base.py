"""The one ``Router`` of the neighbourhood-campus routes and how they find things. Every route module of this
package registers on this router, so the routes keep the order they had in one module. Here too: the
permissions the routes ask, the path of a campus (its institution's slug and its own), and the lookups from
a campus's slugs or a facility's, booking request's or event's UUID to a record the user may see (through
``places.access`` and the models' ``for_user``)."""

from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Router

from accounts.access import get_for_user_or_404, require
from api.auth import acting_user
from network.models import Campus, Person
from places.access import get_campus_for_user
from places.models import Booking, Facility, NeighbourhoodEvent

router = Router(tags=["Neighbourhood campus"])

VIEW = "places.view_neighbourhood"
MANAGE_FACILITIES = "places.manage_facilities"
DECIDE = "places.decide_booking"
MANAGE_EVENTS = "places.manage_events"
CAMPUS = "/{institution}/{campus}"


# Finding things.


def _campus(request: HttpRequest, institution: str, campus: str, perm: str = VIEW) -> Campus:
    user = acting_user(request)
    found = get_campus_for_user(user, institution, campus)
    require(user, perm, found)
    return found


def _facility(request: HttpRequest, public_id: UUID) -> Facility:
    queryset = Facility.objects.for_user(acting_user(request)).select_related("campus__institution", "campus__anchor")
    return get_for_user_or_404(queryset, public_id=public_id)


def _booking(request: HttpRequest, public_id: UUID) -> Booking:
    queryset = Booking.objects.for_user(acting_user(request)).select_related(
        "facility__campus__institution", "facility__campus__anchor", "decided_by"
    )
    return get_for_user_or_404(queryset, public_id=public_id)


def _events(request: HttpRequest) -> QuerySet[NeighbourhoodEvent]:
    return (
        NeighbourhoodEvent.objects.for_user(acting_user(request))
        .select_related("campus__institution", "campus__anchor", "organiser")
        .prefetch_related(Prefetch("attendees", queryset=Person.objects.order_by("last_name", "first_name", "id")))
    )


def _event(request: HttpRequest, public_id: UUID) -> NeighbourhoodEvent:
    return get_for_user_or_404(_events(request), public_id=public_id)
