"""Booking requests and their decision: no double bookings, clear refusals, mail in the requester's language."""

from __future__ import annotations

import pytest
from django.core import mail

from audit.models import AuditEntry
from lib.errors import ConflictError, DomainError
from places.models import Booking
from places.services import (
    approve_booking,
    create_event,
    decline_booking,
    update_event,
    update_facility,
)
from places.tests.helpers import at, make_booking, make_campus, make_facility
from tests import factories as f


@pytest.fixture
def hall(world):
    campus = make_campus(world.a, anchor=world.faculty_person)
    return make_facility(campus, name="Sporthal", capacity=40)


def test_a_request_for_a_public_facility_is_saved_pending_and_audited(hall):
    booking = make_booking(hall, language="en")
    assert booking.status == Booking.Status.PENDING
    assert booking.language == "en"
    assert AuditEntry.objects.filter(action="requested", target_id=str(booking.public_id)).exists()


def test_a_request_in_the_past_with_too_many_people_is_refused_whole(hall):
    with pytest.raises(DomainError) as refused:
        make_booking(hall, days=-1, people=41)
    assert set(refused.value.error_dict) == {"date", "people"}
    assert not Booking.objects.exists()


def test_a_facility_that_is_not_public_takes_no_requests(world):
    private = make_facility(make_campus(world.a), is_public=False)
    with pytest.raises(DomainError):
        make_booking(private)


def test_approving_mails_the_requester_in_their_language(world, hall, django_capture_on_commit_callbacks):
    booking = make_booking(hall, language="en", requester_email="fatou@voorbeeld.be")
    with django_capture_on_commit_callbacks(execute=True):
        approve_booking(booking, by=world.faculty, expected_version=booking.version, reason="Welcome!")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.APPROVED
    assert booking.decided_by == world.faculty
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["fatou@voorbeeld.be"]
    assert "approved" in message.subject
    assert "Indoor shoes only." in message.body


def test_declining_needs_a_reason_and_mails_it_in_dutch(world, hall, django_capture_on_commit_callbacks):
    booking = make_booking(hall, language="nl")
    with pytest.raises(DomainError) as refused:
        decline_booking(booking, by=world.coordinator, expected_version=booking.version, reason=" ")
    assert "reason" in refused.value.error_dict
    with django_capture_on_commit_callbacks(execute=True):
        decline_booking(booking, by=world.coordinator, expected_version=booking.version, reason="Dan is er onderhoud.")
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.DECLINED
    assert "Dan is er onderhoud." in mail.outbox[0].body
    assert mail.outbox[0].extra_headers["Content-Language"] == "nl"


@pytest.mark.usefixtures("english")
def test_an_overlapping_request_cannot_be_approved_after_the_first_one(world, hall):
    first = make_booking(hall, start=14, end=16)
    second = make_booking(hall, start=15, end=17, requester_name="Iemand Anders")
    approve_booking(first, by=world.coordinator, expected_version=first.version)
    with pytest.raises(DomainError) as refused:
        approve_booking(second, by=world.coordinator, expected_version=second.version)
    assert "overlaps an approved booking" in str(refused.value)
    assert Booking.objects.get(pk=second.pk).status == Booking.Status.PENDING
    assert Booking.objects.approved().count() == 1


def test_back_to_back_bookings_do_not_overlap(world, hall):
    first = make_booking(hall, start=14, end=16)
    second = make_booking(hall, start=16, end=18)
    approve_booking(first, by=world.coordinator, expected_version=first.version)
    approve_booking(second, by=world.coordinator, expected_version=second.version)
    assert Booking.objects.approved().count() == 2


def test_the_same_time_in_another_facility_is_fine(world, hall):
    other = make_facility(hall.campus, name="Vergaderzaal")
    first, second = make_booking(hall), make_booking(other)
    approve_booking(first, by=world.coordinator, expected_version=first.version)
    approve_booking(second, by=world.coordinator, expected_version=second.version)
    assert Booking.objects.approved().count() == 2


@pytest.mark.usefixtures("english")
def test_a_new_request_for_an_approved_slot_is_refused_at_once(world, hall):
    first = make_booking(hall)
    approve_booking(first, by=world.coordinator, expected_version=first.version)
    with pytest.raises(DomainError) as refused:
        make_booking(hall, start=15, end=17)
    assert "already booked" in str(refused.value)


@pytest.mark.usefixtures("english")
def test_a_decision_on_a_stale_version_is_a_conflict_and_a_second_decision_is_refused(world, hall):
    booking = make_booking(hall)
    with pytest.raises(ConflictError):
        approve_booking(booking, by=world.coordinator, expected_version=booking.version + 1)
    approve_booking(booking, by=world.coordinator, expected_version=booking.version)
    with pytest.raises(DomainError) as refused:
        decline_booking(booking, by=world.coordinator, expected_version=None, reason="Toch niet")
    assert "already decided" in str(refused.value)


def test_editing_a_facility_on_a_stale_version_is_refused(hall):
    update_facility(hall, by=None, expected_version=hall.version, capacity=50)
    with pytest.raises(ConflictError):
        update_facility(hall, by=None, expected_version=1, capacity=10)
    hall.refresh_from_db()
    assert hall.capacity == 50


def test_event_attendees_must_be_people_of_the_campus_institution(world, hall):
    with pytest.raises(DomainError) as refused:
        create_event(
            by=None, campus=hall.campus, title="Buurtfeest", date=at(3, 0).date(), attendees=[world.outsider_person]
        )
    assert "attendees" in refused.value.error_dict
    event = create_event(
        by=None, campus=hall.campus, title="Buurtfeest", date=at(3, 0).date(), attendees=[world.faculty_person]
    )
    update_event(event, by=None, expected_version=event.version, attendees=[world.coord_person, world.faculty_person])
    assert set(event.attendees.all()) == {world.coord_person, world.faculty_person}
    with pytest.raises(ConflictError):
        update_event(event, by=None, expected_version=1, title="Anders")


def test_outsiders_people_are_not_attendees_even_through_update(world, hall):
    event = create_event(by=None, campus=hall.campus, title="Overleg", date=at(3, 0).date())
    other = f.make_person(world.b)
    with pytest.raises(DomainError):
        update_event(event, by=None, expected_version=event.version, attendees=[other])
