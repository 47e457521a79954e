"""Admin change pages that could break a derived field or an invariant go through the services' rules, as the
web does: an account switched off in the admin takes its person along (so what they own shows as without an
owner), an agreement's new end date moves its status at once, and a booking cannot be moved onto an approved
one. Driven as a browser would, with the admin's own forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from agreements.models import Agreement
from agreements.tests.helpers import make_agreement
from audit.models import AuditEntry
from network.models import Person, Relationship
from partnerships.models import Partnership
from places.models import Booking
from places.services import approve_booking
from places.tests.helpers import at, make_booking, make_campus, make_facility
from reflection.models import Dilemma, WorkshopSession
from reflection.services import start_workshop
from tests import factories as f
from tests.admin_forms import admin_form


@pytest.fixture
def superuser(world) -> User:
    return User.objects.create_superuser("root", "root@example.org", f.PASSWORD, language="en")


def test_switching_an_account_off_in_the_admin_deactivates_its_person_and_flags_what_they_own(
    world, as_user, superuser
):
    relationship = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    partnership = f.make_partnership(world.a, [world.org], owners=[world.faculty_person])
    client = as_user(superuser)
    url = reverse("admin:accounts_user_change", args=[world.faculty.pk])
    data = admin_form(client, url)
    data.pop("is_active", None)  # the box unticked
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not User.objects.get(pk=world.faculty.pk).is_active
    assert not Person.objects.get(pk=world.faculty_person.pk).is_active
    assert Relationship.objects.get(pk=relationship.pk).orphaned, "the dashboard lists it as without an owner"
    assert Partnership.objects.get(pk=partnership.pk).orphaned
    assert AuditEntry.objects.filter(action="deactivated", target_id=str(world.faculty_person.public_id)).exists()


def test_changing_another_field_of_an_account_leaves_its_person_alone(world, as_user, superuser):
    client = as_user(superuser)
    url = reverse("admin:accounts_user_change", args=[world.faculty.pk])
    data = admin_form(client, url)
    data["first_name"] = "Fien"
    assert client.post(url, data).status_code == 302
    assert Person.objects.get(pk=world.faculty_person.pk).is_active


def test_an_end_date_moved_into_the_past_in_the_admin_ends_the_agreement_at_once(world, as_user, superuser):
    agreement = make_agreement(world)
    today = timezone.localdate()
    Agreement.objects.filter(pk=agreement.pk).update(
        status=Agreement.Status.ACTIVE,
        valid_from=today - dt.timedelta(days=400),
        valid_until=today.replace(year=today.year + 1),
    )
    client = as_user(superuser)
    url = reverse("admin:agreements_agreement_change", args=[agreement.pk])
    data = admin_form(client, url)
    data["valid_until"] = (today - dt.timedelta(days=1)).isoformat()
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Agreement.objects.get(pk=agreement.pk).status == Agreement.Status.ENDED
    data = admin_form(client, url)
    data["valid_until"] = (today + dt.timedelta(days=10)).isoformat()
    assert client.post(url, data).status_code == 302
    assert Agreement.objects.get(pk=agreement.pk).status == Agreement.Status.RENEWAL_DUE


def test_a_booking_moved_onto_an_approved_one_in_the_admin_is_refused_next_to_the_field(world, as_user, superuser):
    hall = make_facility(make_campus(world.a), name="Sporthal", capacity=40)
    taken = make_booking(hall, days=7, start=14, end=16)
    approve_booking(taken, by=world.coordinator, expected_version=taken.version, notify=False)
    other = make_booking(hall, days=7, start=18, end=20)
    client = as_user(superuser)
    url = reverse("admin:places_booking_change", args=[other.pk])
    data = admin_form(client, url)
    data["starts_at_0"], data["starts_at_1"] = (
        at(7, 15).astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d %H:%M:%S").split(" ")
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "already booked" in response.content.decode()
    other.refresh_from_db()
    assert timezone.localtime(other.starts_at).hour == 18, "nothing saved"
    # A time that is free is saved.
    data["starts_at_1"] = "17:00:00"
    assert client.post(url, data).status_code == 302
    assert timezone.localtime(Booking.objects.get(pk=other.pk).starts_at).hour == 17


def test_a_workshop_closed_in_the_admin_is_closed_by_the_service_so_its_positions_age_out(world, as_user, superuser):
    dilemma = Dilemma.objects.filter(is_active=True).first()
    session = start_workshop(by=world.coordinator, institution=world.a, title="Docententafel", dilemmas=[dilemma])
    client = as_user(superuser)
    url = reverse("admin:reflection_workshopsession_change", args=[session.pk])
    data = admin_form(client, url)
    assert "closed_at" not in data, "the moment of closing is not typed in"
    data["status"] = WorkshopSession.Status.CLOSED
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    session.refresh_from_db()
    assert session.status == WorkshopSession.Status.CLOSED and session.closed_at is not None
    assert AuditEntry.objects.filter(action="closed workshop", target_id=str(session.public_id)).exists()
