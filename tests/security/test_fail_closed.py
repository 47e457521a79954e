"""Visibility fails closed (issue 13, finding 8): inside a request, a query that forgets ``for_user``
still returns only the user's own rows, and with nobody signed in it refuses to run."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.middleware import ScopeMiddleware
from lib.scoping import ScopeError, active_reason, unscoped
from network.models import Interaction, Organisation, Person
from partnerships.models import Partnership
from tests import factories as f


@pytest.fixture
def two_networks(world: SimpleNamespace) -> SimpleNamespace:
    own = f.make_partnership(world.a, [world.org], [world.coord_person], title="Huiswerkklas De Brug")
    other = f.make_partnership(world.b, [world.other_org], [world.outsider_person], title="Geheim van Buiten")
    rel = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    f.make_interaction(rel, summary="Eigen overleg")
    other_rel = f.make_relationship(world.b, world.outsider_person, world.other_org, owners=[world.outsider_person])
    f.make_interaction(other_rel, summary="Overleg van Buiten")
    return SimpleNamespace(own=own, other=other, rel=rel, other_rel=other_rel)


def in_request(user: Any, view: Any) -> Any:
    """Run ``view`` as the scope middleware would for a request of ``user``; return what it returned."""
    request = RequestFactory().get("/")
    request.user = user if user is not None else _anonymous()
    seen: dict[str, Any] = {}

    def get_response(req: HttpRequest) -> HttpResponse:
        seen["value"] = view()
        return HttpResponse()

    ScopeMiddleware(get_response)(request)
    return seen["value"]


def _anonymous() -> Any:
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_a_query_that_forgets_for_user_shows_a_coordinator_only_their_institutions_rows(world, two_networks):
    titles = in_request(world.coordinator, lambda: set(Partnership.objects.values_list("title", flat=True)))
    summaries = in_request(world.coordinator, lambda: set(Interaction.objects.values_list("summary", flat=True)))

    assert titles == {"Huiswerkklas De Brug"}
    assert summaries == {"Eigen overleg"}


def test_the_other_institution_cannot_fetch_a_row_by_its_id_without_for_user(world, two_networks):
    def fetch() -> bool:
        return Partnership.objects.filter(pk=two_networks.own.pk).exists()

    assert in_request(world.outsider, fetch) is False
    assert in_request(world.coordinator, fetch) is True


def test_a_partner_sees_only_its_own_organisation_and_an_institution_member_the_whole_directory(world, two_networks):
    def names() -> set[str]:
        return set(Organisation.objects.values_list("name", flat=True))

    assert in_request(world.partner, names) == {"Buurtwerk De Brug"}
    assert in_request(world.faculty, names) == {"Buurtwerk De Brug", "Sportclub Elders"}


def test_a_query_with_nobody_signed_in_refuses_to_run(world, two_networks):
    with pytest.raises(ScopeError):
        in_request(None, lambda: list(Partnership.objects.all()))


def test_the_escape_hatch_is_explicit_and_says_why(world, two_networks):
    def everything() -> tuple[int, str | None]:
        with unscoped("a test of the escape hatch"):
            return Partnership.objects.count(), active_reason()

    assert in_request(None, everything) == (2, "a test of the escape hatch")
    with pytest.raises(ValueError), unscoped(""):
        pass


def test_outside_a_request_commands_and_workers_see_every_row(world, two_networks):
    assert Partnership.objects.count() == 2


def test_reverse_relations_are_scoped_while_forward_relations_and_select_related_keep_working(world, two_networks):
    def read() -> tuple[int, str, str]:
        interaction = Interaction.objects.select_related("relationship__institution").get(summary="Eigen overleg")
        relationship = Interaction.objects.get(summary="Eigen overleg").relationship  # the base manager: not filtered
        return world.a.relationships.count(), interaction.relationship.institution.slug, relationship.institution.slug

    assert in_request(world.coordinator, read) == (1, "uas", "uas")
    assert in_request(world.outsider, lambda: world.a.relationships.count()) == 0
    # A forward relation is never filtered: B's coordinator reaches institution A's row only through a path
    # it was already given, and every page finds that first row through for_user.
    assert in_request(world.outsider, lambda: Person.objects.filter(pk=world.faculty_person.pk).count()) == 0


def test_for_user_after_the_scoped_manager_adds_no_second_filter(world, two_networks):
    def sql() -> tuple[str, str]:
        with CaptureQueriesContext(connection) as plain:
            list(Partnership.objects.all())
        with CaptureQueriesContext(connection) as explicit:
            list(Partnership.objects.for_user(world.coordinator))
        return plain.captured_queries[0]["sql"], explicit.captured_queries[0]["sql"]

    plain, explicit = in_request(world.coordinator, sql)

    assert plain == explicit
