"""Personal data past its retention period is removed or anonymised by ``apply_retention`` (command and task),
per institution's settings, with a count per kind in the log and the audit trail; the rest is left alone."""

from __future__ import annotations

import datetime as dt
import logging
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import ApiToken
from assessment.models import Instrument, Respondent, Round
from assessment.services import RespondentSpec, start_round
from assessment.tests.helpers import answer
from audit.models import AuditEntry
from imports import services as imports
from imports.models import ImportJob, ImportRow
from matching.models import Need
from matching.services import post_need
from network.models import Campus
from network.privacy import apply_retention
from places.models import Booking, Facility
from places.services import request_booking
from reflection.models import Dilemma, WorkshopPosition, WorkshopSession
from reflection.services import close_workshop, record_workshop_positions, start_workshop
from tests import factories as f

DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def dutch():
    """The labels and messages these tests read are the site's default language, whatever ran before."""
    from django.utils import translation

    with translation.override("nl"):
        yield


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def public_need(email: str, *, days_ago: int) -> Need:
    need = post_need(
        organisation_fields={"name": f"Comité {email}", "postcode": "9000", "city": "Gent"},
        title="Huiswerkklas",
        description="Hulp bij huiswerk",
        period_start=timezone.localdate(),
        period_end=timezone.localdate() + 60 * DAY,
        contact_name="Rita Bewoner",
        contact_email=email,
    )
    Need.objects.filter(pk=need.pk).update(created_at=timezone.now() - days_ago * DAY)
    return need


def booking(world: Any, email: str, *, ended_days_ago: int) -> Booking:
    campus, _ = Campus.objects.get_or_create(institution=world.a, slug="noord", defaults={"name": "Noord"})
    facility, _ = Facility.objects.get_or_create(campus=campus, name="Zaal 1")
    starts = timezone.now() + DAY
    made = request_booking(
        facility,
        requester_name="Rita Bewoner",
        requester_email=email,
        purpose="Buurtfeest",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        people=10,
    )
    ended = timezone.now() - ended_days_ago * DAY
    Booking.objects.filter(pk=made.pk).update(starts_at=ended - dt.timedelta(hours=2), ends_at=ended)
    return made


def closed_round(world: Any, *, closed_days_ago: int) -> Round:
    partnership = f.make_partnership(world.a, [world.org], owners=[world.coord_person])
    instrument = Instrument.objects.filter(institution__isnull=True, is_active=True).first()
    round_ = start_round(
        by=world.coordinator,
        partnership=partnership,
        instrument=instrument,
        closes_on=timezone.localdate() + 14 * DAY,
        respondents=[
            RespondentSpec(Respondent.Side.CAMPUS, "Cora Coördinator", "cora@uas.example"),
            RespondentSpec(Respondent.Side.COMMUNITY, "Pia Partner", "pia@brug.example"),
        ],
    )
    answer(round_.respondents.get(side=Respondent.Side.COMMUNITY), {})
    Round.objects.filter(pk=round_.pk).update(
        status=Round.Status.CLOSED, closes_on=timezone.localdate() - closed_days_ago * DAY
    )
    return round_


def closed_workshop(world: Any, *, closed_days_ago: int) -> WorkshopSession:
    dilemma = Dilemma.objects.for_institution(world.a.pk).first()
    session = start_workshop(by=world.coordinator, institution=world.a, title="Buurtdag", dilemmas=[dilemma])
    record_workshop_positions(session, participant_key="device-key-1", positions={dilemma.pk: 4})
    close_workshop(session, by=world.coordinator)
    WorkshopSession.objects.filter(pk=session.pk).update(closed_at=timezone.now() - closed_days_ago * DAY)
    return session


def old_import(world: Any, *, days_ago: int) -> ImportJob:
    rows = "Voornaam;Achternaam;E-mail;Rol;Organisatie\r\nRita;Bewoner;rita@x.org;Bewoner;\r\n"
    job = imports.create_job(by=world.coordinator, institution=world.a, kind="people", name="m.csv", data=rows.encode())
    imports.set_mapping(job, job.mapping)
    imports.build_preview(job)
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - days_ago * DAY)
    return job


def test_each_kind_past_its_default_period_is_removed_or_anonymised_and_the_rest_stays(world, caplog):
    old_need, new_need = public_need("oud@x.org", days_ago=31), public_need("nieuw@x.org", days_ago=2)
    old_booking, new_booking = (
        booking(world, "oud@x.org", ended_days_ago=370),
        booking(world, "n@x.org", ended_days_ago=3),
    )
    old_round, new_round = closed_round(world, closed_days_ago=370), None
    old_session, new_session = closed_workshop(world, closed_days_ago=31), closed_workshop(world, closed_days_ago=2)
    old_job, new_job = old_import(world, days_ago=31), old_import(world, days_ago=1)
    token, _ = ApiToken.issue(world.coordinator, "script")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - 31 * DAY)
    assert new_round is None and old_job.file

    with caplog.at_level(logging.INFO, logger="brug.privacy"):
        totals = apply_retention()

    assert totals == {
        "retention_unconfirmed_need_days": 1,
        "retention_booking_months": 1,
        "retention_closed_assessment_months": 2,
        "retention_workshop_days": 1,
        "retention_import_file_days": 1,
        "retention_expired_link_days": 1,
    }
    assert not Need.objects.filter(pk=old_need.pk).exists() and Need.objects.filter(pk=new_need.pk).exists()
    gone = Booking.objects.get(pk=old_booking.pk)
    assert (gone.requester_email, "Rita" in gone.requester_name) == ("", False)
    assert Booking.objects.get(pk=new_booking.pk).requester_email == "n@x.org"
    respondent = old_round.respondents.get(side=Respondent.Side.COMMUNITY)
    assert respondent.email == "" and "Pia" not in respondent.name and respondent.answers.exists()
    assert not old_round.respondents.exclude(email="").exists()
    assert WorkshopPosition.objects.get(session=old_session).participant_key.startswith("removed-")
    assert WorkshopPosition.objects.get(session=new_session).participant_key == "device-key-1"
    old_job.refresh_from_db()
    assert not old_job.file and not ImportRow.objects.filter(job=old_job).exists()
    assert old_job.status == ImportJob.Status.FAILED and "bewaartermijn" in old_job.error
    assert ImportRow.objects.filter(job=new_job).exists()
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    entry = AuditEntry.objects.get(action="applied retention", institution=world.a)
    assert entry.changes["retention_booking_months"] == 1
    assert "retention retention_booking_months: 1 removed or anonymised" in caplog.text

    assert apply_retention() == {}, "a second run finds nothing left to do"
    assert AuditEntry.objects.filter(action="applied retention").count() == 1


def test_an_institution_with_a_shorter_period_cleans_up_sooner(world):
    made = booking(world, "rita@x.org", ended_days_ago=40)
    assert apply_retention() == {}
    world.a.retention_booking_months = 1
    world.a.save()
    assert apply_retention() == {"retention_booking_months": 1}
    assert Booking.objects.get(pk=made.pk).requester_email == ""


def test_the_command_and_the_task_report_the_counts(world):
    public_need("oud@x.org", days_ago=40)
    out = StringIO()
    call_command("apply_retention", stdout=out)
    assert "retention_unconfirmed_need_days: 1" in out.getvalue()
    public_need("ouder@x.org", days_ago=40)
    from network.tasks import apply_retention as task

    assert task.enqueue().return_value == {"retention_unconfirmed_need_days": 1}
