import datetime as dt

import pytest

from api.tests.support import count_queries
from reflection.models import Dilemma, DilemmaPosition, PlannedAction, PracticeCase, ReflectionQuestion, Workbook
from reflection.services import create_case, publish_case, record_consent, start_workbook
from reflection.tests.helpers import workbook_for
from tests import factories as f


@pytest.fixture
def workbook(world) -> Workbook:
    return workbook_for(world)


def first_question() -> ReflectionQuestion:
    return ReflectionQuestion.objects.for_institution(None).first()


def first_dilemma() -> Dilemma:
    return Dilemma.objects.for_institution(None).first()


def path(workbook: Workbook) -> str:
    return f"/reflection/workbooks/{workbook.public_id}"


# Workbooks: read


def test_the_teacher_and_the_office_read_a_workbook_with_its_questions_and_dilemmas(world, api_as, workbook):
    for user in (world.faculty, world.coordinator):
        response = api_as(user).get(path(workbook))
        assert response.status_code == 200, user
        data = response.json()
        assert data["teacher"]["name"] == "Fien Docent"
        assert len(data["answers"]) == ReflectionQuestion.objects.for_institution(world.a.pk).count()
        assert len(data["positions"]) == Dilemma.objects.for_institution(world.a.pk).count()
        assert data["actions"] == []


def test_a_workbook_is_hidden_from_colleagues_students_partners_and_outsiders(world, api_as, workbook):
    colleague = f.make_user("faculty", institution=world.a, person=f.make_person(world.a, "F"), username="colleague")
    for user in (colleague, world.student, world.partner, world.other_partner, world.outsider):
        assert api_as(user).get(path(workbook)).status_code == 404, user
        assert api_as(user).patch(path(workbook), {"version": 1}).status_code == 404, user
        assert api_as(user).get("/reflection/workbooks").json()["items"] == []
    assert api_as(None).get(path(workbook)).status_code == 401
    assert api_as(None).get("/reflection/workbooks").status_code == 401


def test_workbooks_filter_by_academic_year_and_course(world, api_as, workbook):
    client = api_as(world.faculty)
    assert len(client.get("/reflection/workbooks", academic_year="2026-2027").json()["items"]) == 1
    assert client.get("/reflection/workbooks", academic_year="2020-2021").json()["items"] == []
    other = f.make_course(world.a, [world.faculty_person], title="Ander vak")
    assert client.get("/reflection/workbooks", course=str(other.public_id)).json()["items"] == []


def test_the_workbook_list_costs_the_same_queries_for_3_or_15(world, api_as):
    client = api_as(world.coordinator)

    def add(n: int, start: int) -> None:
        for i in range(n):
            course = f.make_course(world.a, [world.faculty_person], title=f"Vak {start + i}")
            start_workbook(course, by=world.faculty, teacher=world.faculty_person)

    add(3, 0)
    small = count_queries(lambda: client.get("/reflection/workbooks"))
    add(12, 10)
    assert count_queries(lambda: client.get("/reflection/workbooks")) == small


# Workbooks: start


def test_a_teacher_starts_their_own_workbook_for_a_course(world, api_as):
    course = f.make_course(world.a, [world.faculty_person], academic_year="2026-2027")
    response = api_as(world.faculty).post(f"/reflection/courses/{course.public_id}/workbooks", {})
    assert response.status_code == 201, response.content
    assert response.json()["academic_year"] == "2026-2027"
    assert Workbook.objects.get().teacher == world.faculty_person


def test_the_office_starts_one_for_a_teacher_of_the_course_and_must_name_them(world, api_as):
    course = f.make_course(world.a, [world.faculty_person])
    client = api_as(world.coordinator)
    response = client.post(f"/reflection/courses/{course.public_id}/workbooks", {})
    assert response.status_code == 400
    assert response.json()["errors"] == {"teacher": ["Choose one of the course's teachers."]}
    response = client.post(
        f"/reflection/courses/{course.public_id}/workbooks", {"teacher": str(world.student_person.public_id)}
    )
    assert response.status_code == 400 and response.json()["errors"]["teacher"]
    assert not Workbook.objects.exists()
    body = {"teacher": str(world.faculty_person.public_id)}
    assert client.post(f"/reflection/courses/{course.public_id}/workbooks", body).status_code == 201


def test_others_may_not_start_a_workbook(world, api_as):
    course = f.make_course(world.a, [world.coord_person])
    url = f"/reflection/courses/{course.public_id}/workbooks"
    assert api_as(world.faculty).post(url, {}).status_code == 403
    assert api_as(world.student).post(url, {}).status_code == 403
    assert api_as(world.outsider).post(url, {}).status_code == 404
    assert api_as(world.partner).post(url, {}).status_code == 404
    assert api_as(None).post(url, {}).status_code == 401
    assert not Workbook.objects.exists()


# Workbooks: change


def test_the_teacher_writes_answers_positions_and_actions(world, api_as, workbook):
    question, dilemma = first_question(), first_dilemma()
    body = {
        "version": 1,
        "answers": [{"question": str(question.public_id), "answer": "Meer tijd voor de partner."}],
        "positions": [{"dilemma": str(dilemma.public_id), "position": 2, "reason": "Omdat het kan."}],
        "actions": [{"what": "Partner uitnodigen", "due_on": "2026-06-30"}],
    }
    response = api_as(world.faculty).patch(path(workbook), body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["version"] == 2
    answer = next(a for a in data["answers"] if a["question"] == str(question.public_id))
    assert answer["answer"] == "Meer tijd voor de partner."
    position = next(p for p in data["positions"] if p["dilemma"] == str(dilemma.public_id))
    assert (position["position"], position["reason"]) == (2, "Omdat het kan.")
    assert [a["what"] for a in data["actions"]] == ["Partner uitnodigen"]


def test_actions_are_kept_when_not_sent(world, api_as, workbook):
    client = api_as(world.faculty)
    client.patch(path(workbook), {"version": 1, "actions": [{"what": "Evaluatie plannen"}]})
    question = first_question()
    body = {"version": 2, "answers": [{"question": str(question.public_id), "answer": "Ja"}]}
    assert client.patch(path(workbook), body).status_code == 200
    assert list(PlannedAction.objects.values_list("what", flat=True)) == ["Evaluatie plannen"]


def test_a_position_without_a_reason_is_refused_and_nothing_is_saved(world, api_as, workbook):
    dilemma = first_dilemma()
    body = {
        "version": 1,
        "positions": [{"dilemma": str(dilemma.public_id), "position": 4}],
        "actions": [{"what": "Iets"}],
    }
    response = api_as(world.faculty).patch(path(workbook), body)
    assert response.status_code == 400
    assert response.json()["errors"] == {f"reason_{dilemma.pk}": ["Give a reason for your position."]}
    assert not DilemmaPosition.objects.exists() and not PlannedAction.objects.exists()
    workbook.refresh_from_db()
    assert workbook.version == 1


def test_a_position_off_the_scale_or_an_unknown_question_is_refused(world, api_as, workbook):
    client = api_as(world.faculty)
    body = {"version": 1, "positions": [{"dilemma": str(first_dilemma().public_id), "position": 9, "reason": "x"}]}
    response = client.patch(path(workbook), body)
    assert response.status_code == 422 and "positions.0.position" in response.json()["errors"]
    foreign = ReflectionQuestion.objects.create(institution=world.b, question_set=1, text_nl="Van elders?")
    response = client.patch(path(workbook), {"version": 1, "answers": [{"question": str(foreign.public_id)}]})
    assert response.status_code == 400 and response.json()["errors"]["answers"]
    workbook.refresh_from_db()
    assert workbook.version == 1


def test_a_stale_version_of_a_workbook_gets_409(world, api_as, workbook):
    client = api_as(world.faculty)
    assert client.patch(path(workbook), {"version": 1, "actions": [{"what": "Eerst"}]}).status_code == 200
    response = api_as(world.coordinator).patch(path(workbook), {"version": 1, "actions": [{"what": "Tweede"}]})
    assert response.status_code == 409
    assert list(PlannedAction.objects.values_list("what", flat=True)) == ["Eerst"]


# Questions and dilemmas


def test_the_office_lists_its_questions_and_dilemmas(world, api_as):
    own = ReflectionQuestion.objects.create(institution=world.a, question_set=2, text_nl="Eigen vraag?", order=99)
    client = api_as(world.coordinator)
    questions = client.get("/reflection/questions", page_size=100).json()["items"]
    assert str(own.public_id) in [q["id"] for q in questions]
    assert any(q["builtin"] for q in questions)
    assert {q["question_set"] for q in client.get("/reflection/questions", question_set=2).json()["items"]} == {2}
    assert client.get("/reflection/dilemmas").json()["items"][0]["pole_a"]


def test_others_may_not_list_the_questions(world, api_as):
    for user in (world.faculty, world.student, world.partner):
        assert api_as(user).get("/reflection/questions").status_code == 403
        assert api_as(user).get("/reflection/dilemmas").status_code == 403
    assert api_as(None).get("/reflection/questions").status_code == 401
    own = ReflectionQuestion.objects.create(institution=world.a, question_set=2, text_nl="Eigen vraag?")
    ids = [q["id"] for q in api_as(world.outsider).get("/reflection/questions", page_size=100).json()["items"]]
    assert str(own.public_id) not in ids


def test_the_question_list_costs_the_same_queries_for_3_or_15(world, api_as):
    client = api_as(world.coordinator)
    for i in range(3):
        ReflectionQuestion.objects.create(institution=world.a, question_set=1, text_nl=f"V{i}?")
    small = count_queries(lambda: client.get("/reflection/questions"))
    for i in range(12):
        ReflectionQuestion.objects.create(institution=world.a, question_set=1, text_nl=f"W{i}?")
    assert count_queries(lambda: client.get("/reflection/questions")) == small


# Published practice examples


def make_case(world, title: str = "Huiswerkklas in de buurt", publish: bool = True) -> PracticeCase:
    partnership = f.make_partnership(world.a, [world.org], [world.faculty_person])
    case = create_case(partnership, by=world.coordinator, title=title, story="Kinderen en studenten samen.")
    if publish:
        publish_case(case, by=world.coordinator, expected_version=1)
    return case


def test_anyone_logged_in_reads_a_published_case_with_public_data_only(world, api_as):
    case = make_case(world)
    for user in (world.outsider, world.other_partner, world.student):
        response = api_as(user).get(f"/reflection/cases/{case.slug}")
        assert response.status_code == 200, user
        data = response.json()
        assert data["title"] == "Huiswerkklas in de buurt"
        # Without consent, the partner is described, not named; no people and no partnership are given.
        assert data["partners"] == [{"label": "a non-profit organisation", "named": False, "role": ""}]
        assert "partnership" not in data and "created_by" not in data


def test_a_consenting_partner_is_named(world, api_as):
    case = make_case(world, publish=False)
    record_consent(case, by=world.coordinator, organisation=world.org, given_by="Pia", given_on=dt.date(2026, 1, 1))
    publish_case(case, by=world.coordinator, expected_version=1)
    labels = [p["label"] for p in api_as(world.faculty).get(f"/reflection/cases/{case.slug}").json()["partners"]]
    assert labels == ["Buurtwerk De Brug"]


def test_a_draft_case_is_not_found_and_an_anonymous_caller_gets_401(world, api_as):
    draft = make_case(world, publish=False)
    assert api_as(world.coordinator).get(f"/reflection/cases/{draft.slug}").status_code == 404
    assert api_as(world.coordinator).get("/reflection/cases").json()["items"] == []
    published = make_case(world, title="Gepubliceerd")
    assert api_as(None).get(f"/reflection/cases/{published.slug}").status_code == 401
    assert api_as(None).get("/reflection/cases").status_code == 401


def test_cases_filter_by_text(world, api_as):
    make_case(world, title="Huiswerkklas")
    make_case(world, title="Sportkamp")
    titles = [c["title"] for c in api_as(world.faculty).get("/reflection/cases", q="sport").json()["items"]]
    assert titles == ["Sportkamp"]


def test_the_case_list_costs_the_same_queries_for_3_or_15(world, api_as):
    client = api_as(world.faculty)
    for i in range(3):
        make_case(world, title=f"Verhaal {i}")
    small = count_queries(lambda: client.get("/reflection/cases"))
    for i in range(12):
        make_case(world, title=f"Ander verhaal {i}")
    assert count_queries(lambda: client.get("/reflection/cases")) == small
