"""The rest of reflection through the API: last year beside this year, questions and dilemmas (add, change,
adapt), workshops and the group's anonymous spread, and the office's practice examples (drafts, consents,
photos, publishing). The public practice-example routes show nothing private."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from api.tests.support import ApiClient, count_queries
from audit.models import AuditEntry
from engagements.models import Course
from network.models import Theme
from network.services import add_organisation_note
from reflection.models import (
    CaseConsent,
    CasePhoto,
    Dilemma,
    PracticeCase,
    ReflectionQuestion,
    WorkshopPosition,
    WorkshopSession,
)
from reflection.services import (
    adapt_dilemma,
    adapt_question,
    add_photo,
    create_case,
    publish_case,
    record_consent,
    record_workshop_positions,
    save_workbook,
    start_workbook,
    start_workshop,
)
from reflection.tests.helpers import builtin_dilemma, builtin_question, png_upload
from tests import factories as f


@pytest.fixture(autouse=True)
def media_in_tmp(tmp_path, settings):
    """Uploaded photos go to a throwaway folder, never to the project's media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


def delete(client: ApiClient, path: str) -> Any:
    return client.client.delete(f"/api{path}", headers=client.headers)


def upload(client: ApiClient, path: str, data: dict[str, Any]) -> Any:
    """A multipart/form-data POST, as a browser or ``curl -F`` sends a file."""
    return client.client.post(f"/api{path}", data=data, headers=client.headers)


def first_builtin_question() -> ReflectionQuestion:
    return ReflectionQuestion.objects.filter(institution__isnull=True).order_by("question_set", "order", "id").first()


def first_builtin_dilemma() -> Dilemma:
    return Dilemma.objects.filter(institution__isnull=True).order_by("order", "id").first()


# Last year beside this year ------------------------------------------------------------------


def two_years(world) -> tuple[Course, Course]:
    before = f.make_course(world.a, [world.faculty_person], title="Buurtwerk", code="BW1", academic_year="2025-2026")
    after = f.make_course(world.a, [world.faculty_person], title="Buurtwerk", code="BW1", academic_year="2026-2027")
    return before, after


def test_the_teacher_reads_last_years_workbook_beside_this_years(world, api_as):
    before_course, after_course = two_years(world)
    dilemma = first_builtin_dilemma()
    question = first_builtin_question()
    last = start_workbook(before_course, by=world.faculty, teacher=world.faculty_person)
    save_workbook(last, by=world.faculty, expected_version=1, answers={question.pk: "Vorig jaar"},
                  positions={dilemma.pk: (1, "Toen")}, actions=[])  # fmt: skip
    last.actions.create(what="Partner uitnodigen", done=True)
    last.actions.create(what="Evaluatie", done=False)
    this = start_workbook(after_course, by=world.faculty, teacher=world.faculty_person)
    save_workbook(this, by=world.faculty, expected_version=1, answers={question.pk: "Dit jaar"},
                  positions={dilemma.pk: (3, "Nu")}, actions=[])  # fmt: skip

    for user in (world.faculty, world.coordinator):
        response = api_as(user).get(f"/reflection/workbooks/{this.public_id}/compare")
        assert response.status_code == 200, response.content
        data = response.json()
        assert data["workbook"]["academic_year"] == "2026-2027"
        assert data["previous"]["academic_year"] == "2025-2026"
        moved = next(m for m in data["positions"] if m["dilemma"] == str(dilemma.public_id))
        assert (moved["before"], moved["after"], moved["shift"]) == (1, 3, 2)
        assert (moved["reason_before"], moved["reason_after"]) == ("Toen", "Nu")
        assert moved["summary"] == f"Moved 2 points towards “{dilemma.pole_b_en or dilemma.pole_b_nl}”."
        pair = next(a for a in data["answers"] if a["question"] == str(question.public_id))
        assert (pair["before"], pair["after"]) == ("Vorig jaar", "Dit jaar")
        assert [a["what"] for a in data["actions_before"]] == ["Partner uitnodigen", "Evaluatie"]
        assert data["actions_after"] == [] and data["actions_done"] == 1


def test_a_first_year_has_nothing_to_compare_and_others_do_not_find_it(world, api_as):
    _before, after_course = two_years(world)
    workbook = start_workbook(after_course, by=world.faculty, teacher=world.faculty_person)
    url = f"/reflection/workbooks/{workbook.public_id}/compare"
    data = api_as(world.faculty).get(url).json()
    assert data["previous"] is None and data["actions_before"] == []
    assert {m["before"] for m in data["positions"]} == {None}
    colleague = f.make_user("faculty", institution=world.a, person=f.make_person(world.a, "F"), username="colleague")
    for user in (colleague, world.student, world.partner, world.other_partner, world.outsider):
        assert api_as(user).get(url).status_code == 404, user
    assert api_as(None).get(url).status_code == 401


# Questions and dilemmas ----------------------------------------------------------------------


def test_the_office_adds_a_question_and_it_is_listed(world, api_as):
    client = api_as(world.coordinator)
    body = {"question_set": 2, "text_nl": "Wie belt eerst?", "text_en": "Who calls first?", "order": 40}
    response = client.post("/reflection/questions", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["text"], data["builtin"], data["version"], data["is_active"]) == ("Who calls first?", False, 1, True)
    listed = client.get("/reflection/questions", question_set=2, page_size=100).json()["items"]
    assert data["id"] in [q["id"] for q in listed]
    assert ReflectionQuestion.objects.get(public_id=data["id"]).institution == world.a
    assert AuditEntry.objects.filter(action="created").exists()


def test_a_question_without_text_or_outside_the_sets_is_refused(world, api_as):
    client = api_as(world.coordinator)
    before = ReflectionQuestion.objects.count()
    response = client.post("/reflection/questions", {"question_set": 1, "text_nl": "  "})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["text_nl"]
    response = client.post("/reflection/questions", {"question_set": 7, "text_nl": "Vraag?"})
    assert response.status_code == 422 and "question_set" in response.json()["errors"]
    assert ReflectionQuestion.objects.count() == before


def test_the_office_changes_and_translates_its_own_question(world, api_as):
    own = ReflectionQuestion.objects.create(institution=world.a, question_set=1, text_nl="Eigen vraag?")
    client = api_as(world.coordinator)
    url = f"/reflection/questions/{own.public_id}"
    assert client.get(url).json()["text_en"] == ""
    response = client.patch(url, {"version": 1, "text_en": "Own question?", "is_active": False})
    assert response.status_code == 200, response.content
    assert (response.json()["text_en"], response.json()["is_active"], response.json()["version"]) == (
        "Own question?",
        False,
        2,
    )
    own.refresh_from_db()
    assert own.text_nl == "Eigen vraag?"  # not sent, not changed
    # Out of use: no longer among what the workbooks show, still on the full list.
    in_use = [q["id"] for q in client.get("/reflection/questions", page_size=100).json()["items"]]
    everything = [q["id"] for q in client.get("/reflection/questions", listing="all", page_size=100).json()["items"]]
    assert str(own.public_id) not in in_use and str(own.public_id) in everything


def test_a_stale_question_gets_409_and_a_builtin_is_adapted_not_changed(world, api_as):
    own = ReflectionQuestion.objects.create(institution=world.a, question_set=1, text_nl="Eigen vraag?")
    client = api_as(world.coordinator)
    url = f"/reflection/questions/{own.public_id}"
    assert client.patch(url, {"version": 1, "text_nl": "Eerste?"}).status_code == 200
    assert client.patch(url, {"version": 1, "text_nl": "Tweede?"}).status_code == 409
    own.refresh_from_db()
    assert own.text_nl == "Eerste?"
    builtin = first_builtin_question()
    response = client.patch(f"/reflection/questions/{builtin.public_id}", {"version": 1, "text_nl": "Anders?"})
    assert response.status_code == 400
    assert response.json()["detail"] == "Built-in items are adapted by making your own copy first."
    builtin.refresh_from_db()
    assert builtin.text_nl != "Anders?"


def test_the_office_adapts_a_builtin_question_once(world, api_as):
    builtin = builtin_question(first_builtin_question().key)
    client = api_as(world.coordinator)
    response = client.post(f"/reflection/questions/{builtin.public_id}/adapt", {})
    assert response.status_code == 201, response.content
    copy = response.json()
    assert copy["adapted_from"] == str(builtin.public_id) and not copy["builtin"] and copy["text_nl"] == builtin.text_nl
    again = client.post(f"/reflection/questions/{builtin.public_id}/adapt", {})
    assert again.status_code == 200 and again.json()["id"] == copy["id"]
    in_use = {q["id"] for q in client.get("/reflection/questions", page_size=100).json()["items"]}
    assert copy["id"] in in_use and str(builtin.public_id) not in in_use
    listed = client.get("/reflection/questions", listing="all", page_size=100).json()["items"]
    assert next(q for q in listed if q["id"] == str(builtin.public_id))["adapted"] is True
    # The copy is the institution's own: it is changed directly, not adapted again.
    assert client.post(f"/reflection/questions/{copy['id']}/adapt", {}).status_code == 400
    patched = client.patch(f"/reflection/questions/{copy['id']}", {"version": 1, "text_en": "In our words?"})
    assert patched.status_code == 200 and patched.json()["text_en"] == "In our words?"
    # Another institution still sees the built-in, not this copy.
    outsider = api_as(world.outsider)
    assert outsider.get(f"/reflection/questions/{copy['id']}").status_code == 404
    assert str(builtin.public_id) in {
        q["id"] for q in outsider.get("/reflection/questions", page_size=100).json()["items"]
    }


def test_others_may_not_add_change_or_adapt_questions(world, api_as):
    own = ReflectionQuestion.objects.create(institution=world.a, question_set=1, text_nl="Eigen vraag?")
    builtin = first_builtin_question()
    body = {"question_set": 1, "text_nl": "Nieuw?"}
    for user in (world.faculty, world.student, world.partner, world.other_partner):
        client = api_as(user)
        assert client.post("/reflection/questions", body).status_code == 403, user
        assert client.get(f"/reflection/questions/{own.public_id}").status_code == 403, user
        assert (
            client.patch(f"/reflection/questions/{own.public_id}", {"version": 1, "text_nl": "X?"}).status_code == 403
        )
        assert client.post(f"/reflection/questions/{builtin.public_id}/adapt", {}).status_code == 403
    outsider = api_as(world.outsider)
    assert outsider.get(f"/reflection/questions/{own.public_id}").status_code == 404
    assert outsider.patch(f"/reflection/questions/{own.public_id}", {"version": 1, "text_nl": "X?"}).status_code == 404
    anonymous = api_as(None)
    assert anonymous.post("/reflection/questions", body).status_code == 401
    assert anonymous.patch(f"/reflection/questions/{own.public_id}", {"version": 1}).status_code == 401
    assert anonymous.post(f"/reflection/questions/{builtin.public_id}/adapt", {}).status_code == 401
    own.refresh_from_db()
    assert own.text_nl == "Eigen vraag?" and ReflectionQuestion.objects.filter(text_nl="Nieuw?").count() == 0
    assert not ReflectionQuestion.objects.filter(replaces=builtin).exists()


def test_the_office_adds_changes_and_adapts_dilemmas(world, api_as):
    client = api_as(world.coordinator)
    body = {"statement_nl": "Wie bepaalt de vraag?", "pole_a_nl": "De partner", "pole_b_nl": "De docent"}
    response = client.post("/reflection/dilemmas", body)
    assert response.status_code == 201, response.content
    own = response.json()
    assert (own["statement"], own["pole_a"], own["builtin"]) == ("Wie bepaalt de vraag?", "De partner", False)
    patched = client.patch(f"/reflection/dilemmas/{own['id']}", {"version": 1, "statement_en": "Who sets it?"})
    assert patched.status_code == 200 and patched.json()["statement"] == "Who sets it?"
    assert client.patch(f"/reflection/dilemmas/{own['id']}", {"version": 1, "order": 3}).status_code == 409

    builtin = builtin_dilemma(first_builtin_dilemma().key)
    adapted = client.post(f"/reflection/dilemmas/{builtin.public_id}/adapt", {})
    assert adapted.status_code == 201 and adapted.json()["adapted_from"] == str(builtin.public_id)
    assert client.post(f"/reflection/dilemmas/{builtin.public_id}/adapt", {}).status_code == 200
    in_use = {d["id"] for d in client.get("/reflection/dilemmas", page_size=100).json()["items"]}
    assert {own["id"], adapted.json()["id"]} <= in_use and str(builtin.public_id) not in in_use
    everything = client.get("/reflection/dilemmas", listing="all", page_size=100).json()["items"]
    assert next(d for d in everything if d["id"] == str(builtin.public_id))["adapted"] is True


def test_a_dilemma_needs_both_ends_and_others_may_not_touch_it(world, api_as):
    client = api_as(world.coordinator)
    before = Dilemma.objects.count()
    response = client.post("/reflection/dilemmas", {"statement_nl": "Iets?", "pole_a_nl": "A", "pole_b_nl": ""})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["pole_b_nl"]
    assert client.post("/reflection/dilemmas", {"statement_nl": "Iets?"}).status_code == 422
    assert Dilemma.objects.count() == before
    own = Dilemma.objects.create(institution=world.a, statement_nl="Eigen?", pole_a_nl="A", pole_b_nl="B")
    assert api_as(world.faculty).patch(f"/reflection/dilemmas/{own.public_id}", {"version": 1}).status_code == 403
    body = {"statement_nl": "Van de partner?", "pole_a_nl": "A", "pole_b_nl": "B"}
    assert api_as(world.partner).post("/reflection/dilemmas", body).status_code == 403
    assert api_as(world.student).post("/reflection/dilemmas", body).status_code == 403
    assert not Dilemma.objects.filter(statement_nl="Van de partner?").exists()
    assert api_as(world.outsider).get(f"/reflection/dilemmas/{own.public_id}").status_code == 404
    assert api_as(world.outsider).patch(f"/reflection/dilemmas/{own.public_id}", {"version": 1}).status_code == 404
    assert api_as(None).get(f"/reflection/dilemmas/{own.public_id}").status_code == 401


def test_the_full_question_list_costs_the_same_queries_for_3_or_15(world, api_as):
    client = api_as(world.coordinator)
    builtin_questions = list(ReflectionQuestion.objects.filter(institution__isnull=True)[:3])
    builtin_dilemmas = list(Dilemma.objects.filter(institution__isnull=True)[:3])

    def add(n: int, adapt: slice) -> None:
        for i in range(n):
            ReflectionQuestion.objects.create(institution=world.a, question_set=1, text_nl=f"V{i}?", is_active=i % 2)
            Dilemma.objects.create(institution=world.a, statement_nl=f"D{i}", pole_a_nl="A", pole_b_nl="B")
        for question in builtin_questions[adapt]:
            adapt_question(question, by=world.coordinator, institution=world.a)
        for dilemma in builtin_dilemmas[adapt]:
            adapt_dilemma(dilemma, by=world.coordinator, institution=world.a)

    add(3, slice(0, 1))
    small = count_queries(lambda: client.get("/reflection/questions", listing="all"))
    small_d = count_queries(lambda: client.get("/reflection/dilemmas", listing="all"))
    add(12, slice(1, 3))
    assert count_queries(lambda: client.get("/reflection/questions", listing="all")) == small
    assert count_queries(lambda: client.get("/reflection/dilemmas", listing="all")) == small_d


# Workshops ------------------------------------------------------------------------------------


def open_workshop(world, title: str = "Terugkomdag") -> WorkshopSession:
    return start_workshop(by=world.coordinator, institution=world.a, title=title, dilemmas=[first_builtin_dilemma()])


def test_the_office_opens_a_workshop_and_follows_the_anonymous_spread(world, api_as):
    client = api_as(world.coordinator)
    dilemma, question = first_builtin_dilemma(), first_builtin_question()
    body = {
        "title": "Terugkomdag docenten",
        "dilemmas": [str(dilemma.public_id)],
        "questions": [str(question.public_id)],
    }
    response = client.post("/reflection/workshops", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "open" and len(data["code"]) == 6 and data["join_url"].endswith("/join/")
    assert [q["id"] for q in data["questions"]] == [str(question.public_id)]
    assert data["spread"][0]["points"] == [{"point": p, "count": 0} for p in (1, 2, 3, 4, 5)]

    session = WorkshopSession.objects.get(public_id=data["id"])
    for key, point in (("device-1", 2), ("device-2", 2), ("device-3", 5)):
        record_workshop_positions(session, participant_key=key, positions={dilemma.pk: point})
    group = client.get(f"/reflection/workshops/{session.public_id}")
    assert group.status_code == 200
    spread = group.json()["spread"][0]
    assert spread["dilemma"] == str(dilemma.public_id) and spread["total"] == 3
    assert [p["count"] for p in spread["points"]] == [0, 2, 0, 0, 1]
    assert "device-" not in group.content.decode()  # never who

    closed = client.post(f"/reflection/workshops/{session.public_id}/close", {})
    assert closed.status_code == 200 and closed.json()["status"] == "closed" and closed.json()["closed_at"]
    assert closed.json()["spread"][0]["total"] == 3
    assert client.post(f"/reflection/workshops/{session.public_id}/close", {}).status_code == 200
    assert [w["title"] for w in client.get("/reflection/workshops", status="closed").json()["items"]] == [
        "Terugkomdag docenten"
    ]
    assert client.get("/reflection/workshops", status="open").json()["items"] == []


def test_a_workshop_needs_a_title_and_its_own_dilemmas(world, api_as):
    client = api_as(world.coordinator)
    response = client.post("/reflection/workshops", {"title": "Zonder dilemma"})
    assert response.status_code == 400 and response.json()["errors"] == {"dilemmas": ["Choose at least one dilemma."]}
    foreign = Dilemma.objects.create(institution=world.b, statement_nl="Elders?", pole_a_nl="A", pole_b_nl="B")
    response = client.post("/reflection/workshops", {"title": "Met vreemd", "dilemmas": [str(foreign.public_id)]})
    assert response.status_code == 400 and "dilemmas" in response.json()["errors"]
    body = {"title": " ", "dilemmas": [str(first_builtin_dilemma().public_id)]}
    response = client.post("/reflection/workshops", body)
    assert response.status_code == 400 and response.json()["errors"] == {"title": ["Give the session a title."]}
    assert not WorkshopSession.objects.exists()


def test_others_may_not_run_or_see_a_workshop(world, api_as):
    session = open_workshop(world)
    body = {"title": "X", "dilemmas": [str(first_builtin_dilemma().public_id)]}
    for user in (world.faculty, world.student, world.partner):
        client = api_as(user)
        assert client.get("/reflection/workshops").status_code == 403, user
        assert client.post("/reflection/workshops", body).status_code == 403, user
        assert client.get(f"/reflection/workshops/{session.public_id}").status_code == 404, user
        assert client.post(f"/reflection/workshops/{session.public_id}/close", {}).status_code == 404, user
    outsider = api_as(world.outsider)
    assert outsider.get("/reflection/workshops").json()["items"] == []
    assert outsider.get(f"/reflection/workshops/{session.public_id}").status_code == 404
    assert outsider.post(f"/reflection/workshops/{session.public_id}/close", {}).status_code == 404
    assert api_as(None).get("/reflection/workshops").status_code == 401
    assert api_as(None).post(f"/reflection/workshops/{session.public_id}/close", {}).status_code == 401
    session.refresh_from_db()
    assert session.is_open and WorkshopSession.objects.count() == 1


def test_the_workshop_list_costs_the_same_queries_for_3_or_15(world, api_as):
    client = api_as(world.coordinator)
    for i in range(3):
        open_workshop(world, f"Sessie {i}")
    small = count_queries(lambda: client.get("/reflection/workshops"))
    for i in range(12):
        open_workshop(world, f"Andere sessie {i}")
    assert count_queries(lambda: client.get("/reflection/workshops")) == small


# The office's practice examples ---------------------------------------------------------------


@pytest.fixture
def partnership(world):
    partnership = f.make_partnership(
        world.a, [world.org, world.other_org], [world.coord_person], title="Buurtcampus intern",
        summary="INTERNE SAMENVATTING",
    )  # fmt: skip
    partnership.parties.filter(organisation=world.org).update(contact_person=world.staff_person)
    return partnership


@pytest.fixture
def case(world, partnership) -> PracticeCase:
    return create_case(partnership, by=world.coordinator, title="Samen in de wijk", story="Studenten en buren.")


def manage(case: PracticeCase, rest: str = "") -> str:
    return f"/reflection/manage/cases/{case.public_id}{rest}"


def test_the_office_turns_a_partnership_into_a_draft_case(world, api_as, partnership):
    theme = Theme.objects.create(slug="onderwijs", name_nl="Onderwijs", name_en="Education")
    client = api_as(world.coordinator)
    body = {
        "title": "Samen in de wijk",
        "story": "Studenten en buren bouwen samen.",
        "collaboration_forms": ["service_learning", "open_building"],
        "themes": ["onderwijs"],
    }
    response = client.post(f"/reflection/partnerships/{partnership.public_id}/cases", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["slug"], data["published"], data["public_url"], data["version"]) == (
        "samen-in-de-wijk",
        False,
        None,
        1,
    )
    assert data["partnership"]["title"] == "Buurtcampus intern"
    assert sorted(data["collaboration_forms"]) == ["open_building", "service_learning"]
    assert data["themes"] == [{"slug": theme.slug, "name": "Education"}]
    assert {p["organisation"]["name"]: p["named"] for p in data["partners"]} == {
        "Buurtwerk De Brug": False,
        "Sportclub Elders": False,
    }
    listed = client.get("/reflection/manage/cases", published=False).json()["items"]
    assert [c["title"] for c in listed] == ["Samen in de wijk"]
    assert client.get("/reflection/manage/cases", published=True).json()["items"] == []
    # A draft is not public.
    assert client.get(f"/reflection/cases/{data['slug']}").status_code == 404


def test_a_case_without_a_story_or_with_an_unknown_theme_is_refused(world, api_as, partnership):
    client = api_as(world.coordinator)
    url = f"/reflection/partnerships/{partnership.public_id}/cases"
    response = client.post(url, {"title": "Zonder verhaal", "story": ""})
    assert response.status_code == 400 and "story" in response.json()["errors"]
    response = client.post(url, {"title": "Met thema", "story": "Verhaal.", "themes": ["bestaat-niet"]})
    assert response.status_code == 400 and response.json()["errors"] == {"themes": ["Unknown: bestaat-niet"]}
    response = client.post(url, {"title": "Vorm", "story": "Verhaal.", "collaboration_forms": ["dansen"]})
    assert response.status_code == 422 and "collaboration_forms.0" in response.json()["errors"]
    response = client.post(url, {"title": "Adres", "story": "Verhaal.", "slug": "met spaties"})
    assert response.status_code == 422 and "slug" in response.json()["errors"]
    assert not PracticeCase.objects.exists()


def test_the_office_edits_a_case_and_a_stale_version_gets_409(world, api_as, case):
    case.forms.create(kind="service_learning")
    client = api_as(world.coordinator)
    response = client.patch(manage(case), {"version": 1, "lessons": "Begin klein.", "slug": "in-de-wijk"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["lessons"], data["slug"], data["version"], data["title"]) == (
        "Begin klein.",
        "in-de-wijk",
        2,
        "Samen in de wijk",
    )
    assert data["collaboration_forms"] == ["service_learning"]  # not sent, kept
    response = client.patch(manage(case), {"version": 1, "title": "Ander"})
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.title == "Samen in de wijk" and case.version == 2
    other = create_case(case.partnership, by=world.coordinator, title="Ander verhaal", story="X")
    response = client.patch(manage(case), {"version": 2, "slug": other.slug})
    assert response.status_code == 400 and response.json()["errors"]["slug"]


def test_publishing_needs_consent_for_every_name_and_the_public_page_follows_it(world, api_as, case):
    client = api_as(world.coordinator)
    client.patch(manage(case), {"version": 1, "story": "Samen met Buurtwerk De Brug."})
    detail = client.get(manage(case)).json()
    assert detail["names_without_consent"] == ["Buurtwerk De Brug"]
    refused = client.post(manage(case, "/publish"), {"version": 2})
    assert refused.status_code == 400
    assert refused.json()["detail"].startswith("The text names Buurtwerk De Brug without their consent.")
    case.refresh_from_db()
    assert not case.published

    body = {"organisation": str(world.org.public_id), "given_by": "Pia Partner, coördinator", "given_on": "2026-01-05"}
    consent = client.post(manage(case, "/consents"), body)
    assert consent.status_code == 201, consent.content
    assert consent.json()["organisation"]["name"] == "Buurtwerk De Brug"
    published = client.post(manage(case, "/publish"), {"version": 2})
    assert published.status_code == 200, published.content
    assert published.json()["published"] and published.json()["public_url"] == f"/cases/{case.slug}/"
    partners = api_as(world.outsider).get(f"/reflection/cases/{case.slug}").json()["partners"]
    assert [(p["label"], p["named"]) for p in partners][0] == ("Buurtwerk De Brug", True)
    assert [p["named"] for p in partners] == [True, False] and "Sportclub Elders" not in str(partners)

    # Withdrawn consent takes effect at once; the story still names the partner, so the case goes offline.
    assert delete(client, manage(case, f"/consents/{world.org.public_id}")).status_code == 204
    assert not CaseConsent.objects.exists()
    assert api_as(world.outsider).get(f"/reflection/cases/{case.slug}").status_code == 404
    assert client.get(manage(case)).json()["published"] is False
    assert delete(client, manage(case, f"/consents/{world.org.public_id}")).status_code == 404


def test_the_office_takes_a_case_offline_and_a_stale_publish_gets_409(world, api_as, case):
    client = api_as(world.coordinator)
    assert client.post(manage(case, "/publish"), {"version": 1}).status_code == 200
    assert api_as(world.faculty).get(f"/reflection/cases/{case.slug}").status_code == 200
    assert client.post(manage(case, "/unpublish"), {"version": 1}).status_code == 409
    offline = client.post(manage(case, "/unpublish"), {"version": 2})
    assert offline.status_code == 200 and offline.json()["published"] is False
    assert api_as(world.faculty).get(f"/reflection/cases/{case.slug}").status_code == 404


def test_a_change_to_a_published_case_that_names_a_person_is_refused(world, api_as, case):
    publish_case(case, by=world.coordinator, expected_version=1)
    response = api_as(world.coordinator).patch(manage(case), {"version": 2, "lessons": "Dank aan Pia Partner."})
    assert response.status_code == 400 and "Pia Partner" in response.json()["detail"]
    case.refresh_from_db()
    assert case.lessons == "" and case.published and case.version == 2


def test_consent_only_from_a_partner_of_the_partnership_and_not_in_the_future(world, api_as, case):
    client = api_as(world.coordinator)
    stranger = f.make_organisation("Vzw Elders")
    body = {"organisation": str(stranger.public_id), "given_by": "X", "given_on": "2026-01-01"}
    response = client.post(manage(case, "/consents"), body)
    assert response.status_code == 400 and response.json()["errors"]["organisation"] == [
        "Only partners of this partnership are named in its practice example."
    ]
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    body = {"organisation": str(world.org.public_id), "given_by": " ", "given_on": future}
    response = client.post(manage(case, "/consents"), body)
    assert response.status_code == 400 and set(response.json()["errors"]) == {"given_by", "given_on"}
    assert client.post(manage(case, "/consents"), {"organisation": str(world.org.public_id)}).status_code == 422
    assert not CaseConsent.objects.exists()


def test_the_office_adds_and_removes_photos(world, api_as, case):
    client = api_as(world.coordinator)
    response = upload(client, manage(case, "/photos"), {"image": png_upload("Pia.png"), "alt_text": "Het plein"})
    assert response.status_code == 201, response.content
    photo = response.json()
    assert photo["alt_text"] == "Het plein" and photo["url"] == f"/cases/{case.slug}/photos/{photo['id']}/"
    stored = CasePhoto.objects.get()
    assert "Pia" not in stored.image.name
    assert [p["id"] for p in client.get(manage(case)).json()["photos"]] == [photo["id"]]
    assert [p["id"] for p in client.get(manage(case, "/preview")).json()["photos"]] == [photo["id"]]

    assert delete(client, manage(case, f"/photos/{photo['id']}")).status_code == 204
    assert not CasePhoto.objects.exists()
    assert delete(client, manage(case, f"/photos/{photo['id']}")).status_code == 404


def test_a_photo_needs_a_description_and_a_real_image(world, api_as, case):
    client = api_as(world.coordinator)
    response = upload(client, manage(case, "/photos"), {"image": png_upload(), "alt_text": ""})
    assert response.status_code == 400
    assert response.json()["errors"] == {"alt_text": ["Describe the photo for people who cannot see it."]}
    fake = SimpleUploadedFile("x.jpg", b"<script>", content_type="image/jpeg")
    response = upload(client, manage(case, "/photos"), {"image": fake, "alt_text": "Foto"})
    assert response.status_code == 400 and "use JPEG, PNG or WebP" in response.json()["errors"]["image"][0]
    response = upload(client, manage(case, "/photos"), {"alt_text": "Geen bestand"})
    assert response.status_code == 422 and "image" in response.json()["errors"]
    assert not CasePhoto.objects.exists()


def test_others_may_not_manage_an_institutions_cases(world, api_as, case, partnership):
    photo = add_photo(case, by=world.coordinator, upload=png_upload(), alt_text="Foto")
    record_consent(case, by=world.coordinator, organisation=world.org, given_by="Pia", given_on=dt.date(2026, 1, 1))
    create_body = {"title": "Van mij", "story": "Verhaal."}
    consent_body = {"organisation": str(world.org.public_id), "given_by": "X", "given_on": "2026-01-01"}
    for user in (world.faculty, world.student, world.partner):
        client = api_as(user)
        assert client.get("/reflection/manage/cases").status_code == 403, user
        assert client.post(f"/reflection/partnerships/{partnership.public_id}/cases", create_body).status_code == 403
    for user in (world.faculty, world.student, world.partner, world.other_partner, world.outsider):
        client = api_as(user)
        assert client.get(manage(case)).status_code == 404, user
        assert client.patch(manage(case), {"version": 1, "title": "Overgenomen"}).status_code == 404, user
        assert client.get(manage(case, "/preview")).status_code == 404, user
        assert client.post(manage(case, "/publish"), {"version": 1}).status_code == 404, user
        assert client.post(manage(case, "/consents"), consent_body).status_code == 404, user
        assert delete(client, manage(case, f"/consents/{world.org.public_id}")).status_code == 404, user
        assert upload(client, manage(case, "/photos"), {"image": png_upload(), "alt_text": "X"}).status_code == 404
        assert delete(client, manage(case, f"/photos/{photo.public_id}")).status_code == 404, user
    outsider = api_as(world.outsider)
    assert outsider.get("/reflection/manage/cases").json()["items"] == []
    response = outsider.post(f"/reflection/partnerships/{partnership.public_id}/cases", create_body)
    assert response.status_code == 404
    anonymous = api_as(None)
    assert anonymous.get("/reflection/manage/cases").status_code == 401
    assert anonymous.post(manage(case, "/publish"), {"version": 1}).status_code == 401
    assert delete(anonymous, manage(case, f"/photos/{photo.public_id}")).status_code == 401
    case.refresh_from_db()
    assert (case.title, case.published, PracticeCase.objects.count()) == ("Samen in de wijk", False, 1)
    assert CasePhoto.objects.count() == 1 and CaseConsent.objects.count() == 1


def test_the_faculty_role_gets_403_on_creating_a_case(world, api_as, partnership):
    response = api_as(world.faculty).post(
        f"/reflection/partnerships/{partnership.public_id}/cases", {"title": "X", "story": "Y"}
    )
    assert response.status_code == 403
    assert not PracticeCase.objects.exists()


def test_the_managed_case_list_costs_the_same_queries_for_3_or_15(world, api_as, partnership):
    client = api_as(world.coordinator)
    for i in range(3):
        create_case(partnership, by=world.coordinator, title=f"Verhaal {i}", story="X")
    small = count_queries(lambda: client.get("/reflection/manage/cases"))
    for i in range(12):
        create_case(partnership, by=world.coordinator, title=f"Ander verhaal {i}", story="X")
    assert count_queries(lambda: client.get("/reflection/manage/cases")) == small


# The public practice-example routes show nothing private --------------------------------------


PRIVATE = (
    "GEHEIME NOTITIE",
    "INTERNE SAMENVATTING",
    "Buurtcampus intern",
    "Cora",
    "Coördinator",
    "Pia Partner",
    "Pia",
    "@",
    "Sam Student",
    "Sportclub Elders",
    "given_by",
    "version",
    "partnership",
    "created_by",
)


def test_the_public_routes_name_only_consenting_partners_and_show_nothing_private(world, api_as, case):
    add_organisation_note(world.org, by=world.coordinator, text="GEHEIME NOTITIE over de partner")
    record_consent(case, by=world.coordinator, organisation=world.org, given_by="Pia Partner, coördinator",
                   given_on=dt.date(2026, 1, 5))  # fmt: skip
    add_photo(case, by=world.coordinator, upload=png_upload(), alt_text="Studenten op het plein", caption="Mei")
    publish_case(case, by=world.coordinator, expected_version=1)
    client = api_as(world.other_partner)
    detail = client.get(f"/reflection/cases/{case.slug}")
    listing = client.get("/reflection/cases")
    preview = api_as(world.coordinator).get(manage(case, "/preview"))
    for response in (detail, listing, preview):
        assert response.status_code == 200
        text = response.content.decode()
        assert "Buurtwerk De Brug" in text
        for private in PRIVATE:
            assert private not in text, private
    data = detail.json()
    assert [p["named"] for p in data["partners"]] == [True, False]
    assert set(data) == {
        "slug", "title", "summary", "story", "lessons", "institution", "themes", "collaboration_forms", "partners",
        "photos", "published_at",
    }  # fmt: skip
    assert [(p["alt_text"], p["caption"]) for p in data["photos"]] == [("Studenten op het plein", "Mei")]
    assert preview.json() == data


def test_a_drafts_preview_is_the_offices_and_its_photos_stay_private(world, api_as, case):
    photo = add_photo(case, by=world.coordinator, upload=png_upload(), alt_text="Foto")
    preview = api_as(world.coordinator).get(manage(case, "/preview"))
    assert preview.status_code == 200 and preview.json()["partners"][0]["named"] is False
    assert api_as(world.faculty).get(manage(case, "/preview")).status_code == 404
    assert api_as(world.faculty).get("/reflection/cases").json()["items"] == []
    # The photo's address serves the draft's photo to nobody but the office.
    from django.test import Client

    assert Client().get(f"/cases/{case.slug}/photos/{photo.public_id}/").status_code == 404


def test_the_public_case_list_with_photos_costs_the_same_queries_for_3_or_15(world, api_as, partnership):
    client = api_as(world.faculty)

    def add(n: int, start: int) -> None:
        for i in range(n):
            case = create_case(partnership, by=world.coordinator, title=f"Verhaal {start + i}", story="X")
            add_photo(case, by=world.coordinator, upload=png_upload(), alt_text="Foto")
            publish_case(case, by=world.coordinator, expected_version=1)

    add(3, 0)
    small = count_queries(lambda: client.get("/reflection/cases"))
    add(12, 10)
    assert count_queries(lambda: client.get("/reflection/cases")) == small


def test_no_workshop_participant_key_reaches_the_api(world, api_as):
    session = open_workshop(world)
    record_workshop_positions(session, participant_key="secret-key", positions={first_builtin_dilemma().pk: 4})
    assert WorkshopPosition.objects.count() == 1
    body = json.dumps(api_as(world.coordinator).get(f"/reflection/workshops/{session.public_id}").json())
    assert "secret-key" not in body


def test_the_photo_upload_is_documented_as_a_multipart_form_with_an_example(client):
    document = client.get("/api/openapi.json").json()
    body = document["paths"]["/api/reflection/manage/cases/{public_id}/photos"]["post"]["requestBody"]
    form = body["content"]["multipart/form-data"]
    assert form["schema"]["properties"]["image"]["format"] == "binary"
    assert form["example"]["alt_text"]
