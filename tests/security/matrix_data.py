"""Two institutions' worth of records for the authorization matrix, made through the real services.

Institution A ("uas") owns every record the matrix asks for; institution B ("hb") has the same
kinds, so that a page that leaks another institution's rows shows B's markers to A's people.
Each private text carries a marker (``MARKER-A-CONTACT`` ...) that the matrix looks for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import calendar_secret, issue_token
from agreements import ical
from agreements.services import SignatorySpec, create_agreement, issue_link, send_agreement
from assessment.models import Instrument, Respondent
from assessment.services import RespondentSpec, copy_instrument, start_round
from assessment.services import issue_link as issue_answer_link
from imports.services import create_job
from mail.models import OutgoingMail
from mail.services import queue_mail
from matching.availability import add_criterion, add_quiet_period
from matching.services import (
    add_need_note,
    confirm_need,
    issue_confirm_link,
    issue_response_link,
    post_need,
    post_offer,
    propose_match,
    propose_organisation,
)
from network.contacts import add_contact, issue_contact_link
from network.models import Campus, SofarRole
from network.services import add_organisation_note
from partnerships.strategic import add_goal, add_indicator, add_milestone, record_measurement
from places.services import create_event, create_facility, request_booking
from reflection.models import Dilemma, ReflectionQuestion, Workbook
from reflection.services import (
    add_photo,
    create_case,
    create_dilemma,
    create_question,
    publish_case,
    record_consent,
    save_workbook,
    start_workbook,
    start_workshop,
)
from reports.partner_overview import overview_link
from tests import factories as f


@dataclass
class Marker:
    text: str
    owner: Any  # the record whose visibility decides who may read the text
    institution_id: int


@dataclass
class Side:
    """One institution's records."""

    slug: str
    ns: SimpleNamespace = field(default_factory=SimpleNamespace)
    markers: list[Marker] = field(default_factory=list)


def _png() -> Any:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 80, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile("foto.png", buffer.getvalue(), content_type="image/png")


def build_side(key: str, name: str, slug: str) -> Side:
    side = Side(slug=slug)
    n = side.ns
    n.institution = f.make_institution(name, short_name=key, slug=slug)
    n.org = f.make_organisation(f"Buurthuis {key}", city="Gent", postcode="9000", capacity_per_period=50)
    n.coord_person = f.make_person(n.institution, SofarRole.ADMINISTRATOR, first_name="Coord", last_name=key)
    n.faculty_person = f.make_person(n.institution, SofarRole.FACULTY, first_name="Docent", last_name=key)
    n.student_person = f.make_person(n.institution, SofarRole.STUDENT, first_name="Student", last_name=key)
    n.staff_person = f.make_person(
        n.institution, SofarRole.ORGANISATION, organisation=n.org, first_name="Partner", last_name=key
    )
    n.coordinator = f.make_user(
        Role.COORDINATOR, institution=n.institution, person=n.coord_person, username=f"coord-{slug}"
    )
    n.faculty = f.make_user(Role.FACULTY, institution=n.institution, person=n.faculty_person, username=f"fac-{slug}")
    n.student = f.make_user(Role.STUDENT, institution=n.institution, person=n.student_person, username=f"stu-{slug}")
    n.partner = f.make_user(Role.PARTNER, organisation=n.org, person=n.staff_person, username=f"partner-{slug}")
    by = n.coordinator

    # The network: a relationship with a private contact summary, an internal note on the shared organisation.
    n.relationship = f.make_relationship(n.institution, n.faculty_person, n.org, owners=[n.faculty_person])
    n.interaction = f.make_interaction(n.relationship, summary=f"MARKER-{key}-CONTACT")
    side.markers.append(Marker(f"MARKER-{key}-CONTACT", n.interaction, n.institution.pk))
    n.org_note = add_organisation_note(n.org, by=by, text=f"MARKER-{key}-ORGNOTE")
    side.markers.append(Marker(f"MARKER-{key}-ORGNOTE", n.org_note, n.institution.pk))

    # A partnership with its strategic pieces, a course and an engagement the student takes part in.
    n.partnership = f.make_partnership(
        n.institution, [n.org], [n.coord_person, n.faculty_person], title=f"MARKER-{key}-PARTNERSHIP"
    )
    side.markers.append(Marker(f"MARKER-{key}-PARTNERSHIP", n.partnership, n.institution.pk))
    n.party = n.partnership.parties.get()
    n.goal = add_goal(n.partnership, by=by, title=f"Doel {key}")
    n.indicator = add_indicator(n.goal, by=by, name=f"Indicator {key}", target=Decimal(10))
    n.measurement = record_measurement(n.indicator, by=by, measured_on=timezone.localdate(), value=Decimal(3))
    n.milestone = add_milestone(n.partnership, by=by, date=timezone.localdate(), title=f"Mijlpaal {key}")
    n.course = f.make_course(n.institution, [n.faculty_person], title=f"Vak {key}", code=f"V{key}")
    n.engagement = f.make_engagement(
        n.institution,
        title=f"Project {key}",
        course=n.course,
        organisation=n.org,
        partnership=n.partnership,
        participants=[(n.student_person, SofarRole.STUDENT, 10)],
    )

    # Agreements, assessment and reflection.
    n.agreement = create_agreement(by=by, partnership=n.partnership, content=_agreement_content())
    send_agreement(
        n.agreement,
        by=by,
        expected_version=n.agreement.version,
        signatories=[
            SignatorySpec(party="institution", name="Coord", email=f"coord@{slug}.example", role="Coördinator"),
            SignatorySpec(party="organisation", name="Partner", email=f"partner@{slug}.example", role="Directeur"),
        ],
    )
    n.agreement.refresh_from_db()
    n.sign_token = issue_link(n.agreement.signatories.order_by("pk").first())
    builtin = Instrument.objects.get(institution=None, slug="closeness-equity-integrity")
    n.instrument = copy_instrument(builtin, by=by, institution=n.institution)
    n.round = start_round(
        by=by,
        partnership=n.partnership,
        instrument=builtin,
        closes_on=timezone.localdate() + dt.timedelta(days=14),
        respondents=[
            RespondentSpec(Respondent.Side.CAMPUS, "Coord", f"coord@{slug}.example"),
            RespondentSpec(Respondent.Side.COMMUNITY, "Partner", f"partner@{slug}.example"),
        ],
    )
    n.answer_token = issue_answer_link(n.round.respondents.order_by("pk").first())
    n.workbook: Workbook = start_workbook(n.course, by=n.faculty, teacher=n.faculty_person)
    question = ReflectionQuestion.objects.filter(institution=None).order_by("pk").first()
    save_workbook(
        n.workbook,
        by=n.faculty,
        expected_version=n.workbook.version,
        answers={question.pk: f"MARKER-{key}-REFLECTION"},
        positions={},
        actions=[],
    )
    side.markers.append(Marker(f"MARKER-{key}-REFLECTION", n.workbook, n.institution.pk))
    n.question = create_question(
        by=by, institution=n.institution, question_set=1, text_nl=f"Vraag {key}?", text_en=f"Question {key}?"
    )
    n.dilemma = create_dilemma(
        by=by,
        institution=n.institution,
        statement_nl=f"Dilemma {key}",
        statement_en=f"Dilemma {key}",
        pole_a_nl="Links",
        pole_a_en="Left",
        pole_b_nl="Rechts",
        pole_b_en="Right",
    )
    n.workshop = start_workshop(
        by=by,
        institution=n.institution,
        title=f"Werksessie {key}",
        dilemmas=[Dilemma.objects.filter(institution=None).first()],
    )
    n.case = create_case(
        n.partnership, by=by, title=f"Praktijkvoorbeeld {key}", summary="Samen met de buurt.", story="Het verhaal."
    )
    record_consent(n.case, by=by, organisation=n.org, given_by="Partner", given_on=timezone.localdate())
    n.photo = add_photo(n.case, by=by, upload=_png(), alt_text="Een foto")
    publish_case(n.case, by=by, expected_version=n.case.version)
    n.case.refresh_from_db()

    # The neighbourhood campus.
    n.campus = Campus.objects.create(
        institution=n.institution, name=f"Campus {key}", slug=f"campus-{slug}", latitude=51.05, longitude=3.7
    )
    n.facility = create_facility(by=by, campus=n.campus, name=f"Zaal {key}", kind="room", capacity=20, is_public=True)
    start = timezone.now() + dt.timedelta(days=7)
    n.booking = request_booking(
        n.facility,
        requester_name="Fatou",
        requester_email="fatou@voorbeeld.be",
        group_name="Comité",
        purpose="Overleg",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        people=5,
    )
    n.event = create_event(by=by, campus=n.campus, title=f"Buurtfeest {key}", date=timezone.localdate())

    # Matching.
    n.need = post_need(
        by=by,
        organisation=n.org,
        title=f"Huiswerkklas {key}",
        description="Kinderen helpen met hun huiswerk.",
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2027, 3, 31),
    )
    n.need_note = add_need_note(n.need, by=by, text=f"MARKER-{key}-NEEDNOTE")
    side.markers.append(Marker(f"MARKER-{key}-NEEDNOTE", n.need_note, n.institution.pk))
    n.offer = post_offer(
        by=by,
        institution=n.institution,
        title=f"Aanbod {key}",
        learning_goals="Pedagogische vaardigheden",
        period_start=dt.date(2026, 9, 15),
        period_end=dt.date(2027, 1, 31),
        students=4,
        hours_per_student=20,
    )
    n.match = propose_match(n.need, n.offer, by=by)
    n.respond_token = issue_response_link(n.match)
    n.overview_token = overview_link(n.org).rstrip("/").rsplit("/", 1)[-1]
    n.confirm_need = post_need(
        by=None,
        organisation_fields={"name": f"Nieuwe buurtgroep {key}", "postcode": "9050", "city": "Gent"},
        title=f"Nieuwe vraag {key}",
        description="Via het publieke formulier.",
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2027, 3, 31),
        contact_email=f"vraag@{slug}.example",
    )
    n.confirm_token = issue_confirm_link(n.confirm_need)
    n.criterion = add_criterion(n.institution, by=by, text_nl=f"Criterium {key}", text_en=f"Criterion {key}")
    n.proposal = propose_organisation(
        by=n.student, criteria={}, name=f"Jeugdhuis {key}", description="Een jeugdhuis.", why="Dichtbij."
    )
    # A need from the public form that confirmed its address and waits for the office to accept it.
    n.waiting_need = post_need(
        by=None,
        organisation_fields={"name": f"Wachtende buurtgroep {key}", "postcode": "9050", "city": "Gent"},
        title=f"Wachtende vraag {key}",
        description="Via het publieke formulier, bevestigd.",
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2027, 3, 31),
        contact_email=f"wacht@{slug}.example",
    )
    n.waiting_need = confirm_need(issue_confirm_link(n.waiting_need))
    n.quiet_period = add_quiet_period(
        n.org, by=by, start=dt.date(2027, 7, 1), end=dt.date(2027, 7, 31), reason=f"Zomer {key}"
    )

    # The institution's identity provider (OpenID Connect), for its settings page.
    from identity.models import IdentityProvider
    from identity.services import save_identity_provider

    n.identity_provider = save_identity_provider(
        n.institution,
        by=by,
        name=f"Aanmelden bij {key}",
        slug=f"idp-{slug}",
        kind=IdentityProvider.Kind.OIDC,
        issuer=f"https://idp.{slug}.example",
        client_id=f"brug-{slug}",
        client_secret="not-a-secret",
    )

    # A mail contact of the organisation with its confirmation link, and a failed mail in the office's outbox.
    n.contact = add_contact(n.org, by=by, email=f"contact@{slug}.example", name=f"Contact {key}")
    n.contact_token = issue_contact_link(n.contact)
    n.mail = queue_mail(
        key=f"matrix-{slug}",
        to=[f"iemand@{slug}.example"],
        subject=f"MARKER-{key}-MAIL",
        body=f"MARKER-{key}-MAIL",
        institution_id=n.institution.pk,
    )
    # What deliver() leaves after the mail server refused its last attempt: a mail the office may send again.
    OutgoingMail.objects.filter(pk=n.mail.pk).update(status=OutgoingMail.Status.FAILED, last_error="refused")
    n.mail.refresh_from_db()
    side.markers.append(Marker(f"MARKER-{key}-MAIL", n.mail, n.institution.pk))

    # An import and an API token.
    n.import_job = create_job(
        by=by, institution=n.institution, kind="organisations", name="lijst.csv", data=b"naam;gemeente\nVzw X;Gent\n"
    )
    n.token, _key = issue_token(n.coordinator, name=f"sleutel {key}", by=by)
    # Calendar feeds read the secret of the owner's calendar address (made on first use).
    n.calendar_token = calendar_secret(n.coordinator)
    n.partnership_calendar_token = ical.partnership_token(n.coordinator, n.partnership)
    return side


def _agreement_content() -> dict[str, Any]:
    from agreements.sections import normalise

    start = timezone.localdate()
    return normalise(
        {
            "title": "Afspraken",
            "valid_from": start.isoformat(),
            "valid_until": (start + dt.timedelta(days=365)).isoformat(),
            "common_goal": "Minder schooluitval.",
            "activity": "Huiswerkbegeleiding.",
            "roles_institution": "Coördinatie.",
            "roles_partner": "Begeleiding ter plaatse.",
            "expect_from_students": "Stiptheid.",
            "expect_from_partner": "Een vaste begeleider.",
            "adjustment": "Tussentijds overleg.",
            "continuation": "Volgend jaar.",
            "balance": {
                "institution": {"gives": "Begeleiding", "gets": "Een leeromgeving"},
                "partner": {"gives": "Een lokaal", "gets": "Extra handen"},
                "students": {"gives": "Twintig uur", "gets": "Ervaring"},
            },
            "evaluations": [{"date": (start + dt.timedelta(days=30)).isoformat(), "title": "Evaluatie"}],
        }
    )


def build() -> SimpleNamespace:
    a = build_side("A", "Universiteit Aan de Schelde", "uas")
    b = build_side("B", "Hogeschool Buiten", "hb")
    # The superuser works in the office of A: a superuser without an institution has no institution pages.
    admin = User.objects.create_superuser(
        "admin-matrix", "admin@brug.example", "x", role=Role.COORDINATOR, institution=a.ns.institution
    )
    personas: dict[str, Any] = {
        "anonymous": AnonymousUser(),
        "student": a.ns.student,
        "lecturer": a.ns.faculty,
        "coordinator": a.ns.coordinator,
        "other_coordinator": b.ns.coordinator,
        "other_partner": b.ns.partner,
        "admin": admin,
        "own_partner": a.ns.partner,  # not a persona of the matrix: whom the digest's overview link speaks for
    }
    return SimpleNamespace(a=a, b=b, personas=personas, markers=a.markers + b.markers)
