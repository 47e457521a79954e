"""Workshop mode: the office starts a session, participants join with the code on their own device,
the group sees only the anonymous spread of positions."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from reflection.models import WorkshopPosition, WorkshopSession
from reflection.services import record_workshop_positions, start_workshop
from reflection.tests.helpers import builtin_dilemma, builtin_question


@pytest.fixture
def en(world):
    for user in (world.coordinator, world.faculty, world.student, world.partner, world.outsider):
        user.language = "en"
        user.save(update_fields=["language"])
    return world


@pytest.fixture
def session(en):
    return start_workshop(
        by=en.coordinator,
        institution=en.a,
        title="Docententafel service-learning",
        dilemmas=[builtin_dilemma("strategic-or-ad-hoc"), builtin_dilemma("supporters-or-innovators")],
        questions=[builtin_question("actors-partners")],
    )


def test_the_office_starts_a_session_and_sees_its_join_code(en, as_user):
    client = as_user(en.coordinator)
    dilemma = builtin_dilemma("strategic-or-ad-hoc")
    data = {"title": "Docententafel", "dilemmas": [str(dilemma.public_id)]}
    response = client.post(reverse("workshop-list"), data)
    session = WorkshopSession.objects.get()
    assert response.url == reverse("workshop-group", args=[session.public_id])
    page = client.get(response.url).content.decode()
    assert session.code in page and "Where the group stands" in page
    assert 'hx-trigger="every 4s"' in page


def test_a_session_without_a_dilemma_is_refused(en, as_user):
    response = as_user(en.coordinator).post(reverse("workshop-list"), {"title": "Leeg"})
    assert response.status_code == 400 and "Choose at least one dilemma." in response.content.decode()
    assert not WorkshopSession.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("faculty", 403), ("student", 403), ("partner", 403)])
def test_only_the_office_runs_workshops(en, as_user, persona, status):
    assert as_user(getattr(en, persona)).get(reverse("workshop-list")).status_code == status


def test_another_institution_does_not_find_the_session(en, as_user, session):
    client = as_user(en.outsider)
    assert client.get(reverse("workshop-group", args=[session.public_id])).status_code == 404
    assert client.get(reverse("workshop-spread", args=[session.public_id])).status_code == 404
    assert client.post(reverse("workshop-close", args=[session.public_id])).status_code == 404
    assert as_user(en.faculty).get(reverse("workshop-group", args=[session.public_id])).status_code == 404


def test_an_anonymous_visitor_cannot_see_the_coordinators_screen(session, client):
    response = client.get(reverse("workshop-group", args=[session.public_id]))
    assert response.status_code == 302 and "/login/" in response.url


def test_two_devices_join_with_the_code_and_the_group_sees_only_counts(en, as_user, session):
    dilemma = builtin_dilemma("strategic-or-ad-hoc")
    for point in ("2", "2"):
        device = Client(HTTP_ACCEPT_LANGUAGE="en")
        joined = device.post(reverse("workshop-join"), {"code": session.code.lower()})
        assert joined.url == reverse("workshop-participate", args=[session.code])
        assert device.get(joined.url).status_code == 200
        sent = device.post(joined.url, {f"position_{dilemma.pk}": point})
        assert sent.url == reverse("workshop-participant-group", args=[session.code])
    # The same device changing its mind counts once.
    device.post(reverse("workshop-participate", args=[session.code]), {f"position_{dilemma.pk}": "5"})
    assert sorted(WorkshopPosition.objects.values_list("position", flat=True)) == [2, 5]
    group = as_user(en.coordinator).get(reverse("workshop-spread", args=[session.public_id])).content.decode()
    assert '<td data-point="2">1</td>' in group and '<td data-point="5">1</td>' in group
    own_view = device.get(reverse("workshop-participant-group", args=[session.code])).content.decode()
    assert '<td data-point="5">1</td>' in own_view
    assert "Are all of these actors also partners in your course?" in own_view
    for name in ("Cora", "Coördinator", "coordinator"):
        assert name not in group


def test_a_wrong_code_is_refused_with_a_clear_message(session, client):
    response = client.post(reverse("workshop-join"), {"code": "ZZZZZZ"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "No open session has this code." in response.content.decode()
    assert client.get(reverse("workshop-participate", args=["ZZZZZZ"])).status_code == 404


def test_a_device_that_did_not_join_does_not_see_the_group(session, client):
    assert client.get(reverse("workshop-participant-group", args=[session.code])).status_code == 302
    assert client.get(reverse("workshop-participant-spread", args=[session.code])).status_code == 404


def test_after_closing_nobody_can_join_or_add_a_position(en, as_user, session, client):
    client.get(reverse("workshop-participate", args=[session.code]))
    response = as_user(en.coordinator).post(reverse("workshop-close", args=[session.public_id]))
    assert response.status_code == 302
    dilemma = builtin_dilemma("strategic-or-ad-hoc")
    assert (
        client.post(reverse("workshop-participate", args=[session.code]), {f"position_{dilemma.pk}": "3"}).status_code
        == 404
    )
    assert not WorkshopPosition.objects.exists()


def test_a_position_off_the_scale_is_refused(session, client):
    dilemma = builtin_dilemma("strategic-or-ad-hoc")
    url = reverse("workshop-participate", args=[session.code])
    response = client.post(url, {f"position_{dilemma.pk}": "9"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert not WorkshopPosition.objects.exists()


@pytest.mark.parametrize("devices", [3, 40])
def test_the_group_view_runs_a_bounded_number_of_queries(en, as_user, session, django_assert_max_num_queries, devices):
    dilemma = builtin_dilemma("strategic-or-ad-hoc")
    for n in range(devices):
        record_workshop_positions(session, participant_key=f"d{n}", positions={dilemma.pk: n % 5 + 1})
    client = as_user(en.coordinator)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("workshop-group", args=[session.public_id])).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(reverse("workshop-spread", args=[session.public_id])).status_code == 200
