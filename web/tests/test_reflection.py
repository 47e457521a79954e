"""The reflection workbook pages and the office's questions and dilemmas page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Role
from network.models import SofarRole
from reflection.models import DilemmaPosition, PlannedAction, ReflectionQuestion, Workbook, WorkbookAnswer
from reflection.services import ActionSpec, save_workbook
from reflection.tests.helpers import builtin_dilemma, builtin_question, course_with_actors, post_data, workbook_for
from tests import factories as f


@pytest.fixture
def en(world):
    """Every persona reads English, so the assertions read the source strings whatever the catalogue says."""
    for user in (world.coordinator, world.faculty, world.student, world.partner, world.other_partner, world.outsider):
        user.language = "en"
        user.save(update_fields=["language"])
    return world


@pytest.fixture
def colleague(world):
    person = f.make_person(world.a, SofarRole.FACULTY, first_name="Kim", last_name="Collega")
    return f.make_user(Role.FACULTY, institution=world.a, person=person, username="colleague", language="en")


def test_an_anonymous_visitor_is_sent_to_log_in(world, client):
    workbook = workbook_for(world)
    for url in (
        reverse("reflection-home"),
        reverse("workbook-detail", args=[workbook.public_id]),
        reverse("workbook-compare", args=[workbook.public_id]),
        reverse("reflection-questions"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.url


def test_a_teacher_starts_a_reflection_and_sees_the_missing_voices_named(en, as_user):
    course = course_with_actors(en)
    client = as_user(en.faculty)
    home = client.get(reverse("reflection-home")).content.decode()
    assert "Reflect on Buurtgericht ontwerpen (2026-2027)" in home
    response = client.post(reverse("workbook-start", args=[course.public_id]))
    workbook = Workbook.objects.get(course=course)
    assert response.status_code == 302 and response.url == reverse("workbook-detail", args=[workbook.public_id])
    page = client.get(response.url).content.decode()
    assert "Voices missing:</span> administrators, residents." in page
    assert "between students and residents" in page
    assert "not a partner yet" in page
    assert "via Cora Coördinator" in page
    assert 'stroke-dasharray="7 5"' in page


def test_another_teacher_of_the_institution_cannot_start_or_open_a_reflection_on_a_course_they_do_not_teach(
    en, as_user, colleague
):
    course = course_with_actors(en)
    workbook = workbook_for(en, course)
    client = as_user(colleague)
    assert client.post(reverse("workbook-start", args=[course.public_id])).status_code == 403
    assert client.get(reverse("workbook-detail", args=[workbook.public_id])).status_code == 404
    assert client.get(reverse("workbook-compare", args=[workbook.public_id])).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"), [("student", 403), ("partner", 403), ("other_partner", 404), ("outsider", 404)]
)
def test_others_cannot_start_a_reflection(en, as_user, persona, status):
    course = course_with_actors(en)
    assert as_user(getattr(en, persona)).post(reverse("workbook-start", args=[course.public_id])).status_code == status
    assert not Workbook.objects.exists()


@pytest.mark.parametrize("persona", ["student", "partner", "other_partner", "outsider"])
def test_others_do_not_find_a_teachers_reflection(en, as_user, persona):
    workbook = workbook_for(en)
    client = as_user(getattr(en, persona))
    assert client.get(reverse("workbook-detail", args=[workbook.public_id])).status_code == 404
    assert client.post(reverse("workbook-detail", args=[workbook.public_id]), post_data()).status_code == 404


def test_the_office_starts_a_reflection_for_a_teacher_of_the_course(en, as_user):
    course = course_with_actors(en)
    client = as_user(en.coordinator)
    response = client.post(reverse("workbook-start", args=[course.public_id]), {"teacher": en.faculty_person.public_id})
    assert response.status_code == 302
    assert Workbook.objects.get().teacher == en.faculty_person
    refused = client.post(reverse("workbook-start", args=[course.public_id]), {"teacher": en.student_person.public_id})
    assert refused.status_code == 400 and "Select a valid choice" in refused.content.decode()


def _form(workbook: Workbook, **extra: str) -> dict[str, str]:
    return post_data(version=str(workbook.version), **extra)


def test_a_teacher_saves_answers_positions_and_actions(en, as_user):
    workbook = workbook_for(en)
    question, dilemma = builtin_question("actors-future"), builtin_dilemma("strategic-or-ad-hoc")
    data = _form(
        workbook,
        **{
            f"answer_{question.pk}": "Bewoners van de wijk.",
            f"position_{dilemma.pk}": "4",
            f"reason_{dilemma.pk}": "We beginnen klein.",
            "action-0-what": "Buurtbewoners uitnodigen",
            "action-0-needs": "De buurtwerker",
            "action-0-due_on": "2027-03-01",
        },
    )
    response = as_user(en.faculty).post(reverse("workbook-detail", args=[workbook.public_id]), data)
    assert response.status_code == 302
    assert WorkbookAnswer.objects.get(workbook=workbook, question=question).text == "Bewoners van de wijk."
    assert DilemmaPosition.objects.get(workbook=workbook).reason == "We beginnen klein."
    assert PlannedAction.objects.get(workbook=workbook).needs == "De buurtwerker"


def test_the_office_may_help_fill_in_a_reflection(en, as_user):
    workbook = workbook_for(en)
    question = builtin_question("actors-future")
    data = _form(workbook, **{f"answer_{question.pk}": "Met de coördinator ingevuld."})
    assert as_user(en.coordinator).post(reverse("workbook-detail", args=[workbook.public_id]), data).status_code == 302
    assert WorkbookAnswer.objects.get(workbook=workbook).text == "Met de coördinator ingevuld."


def test_a_position_without_a_reason_is_refused_and_what_was_typed_stays(en, as_user):
    workbook = workbook_for(en)
    question, dilemma = builtin_question("actors-future"), builtin_dilemma("strategic-or-ad-hoc")
    data = _form(
        workbook,
        **{
            f"answer_{question.pk}": "Een lang antwoord dat niet verloren mag gaan.",
            f"position_{dilemma.pk}": "2",
            "action-0-what": "Iets plannen",
        },
    )
    response = as_user(en.faculty).post(reverse("workbook-detail", args=[workbook.public_id]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Give a reason for your position." in page
    assert "Een lang antwoord dat niet verloren mag gaan." in page
    assert 'value="Iets plannen"' in page
    assert not WorkbookAnswer.objects.exists() and not PlannedAction.objects.exists()


def test_saving_over_someone_elses_newer_save_is_refused(en, as_user):
    workbook = workbook_for(en)
    stale = _form(workbook, **{f"answer_{builtin_question('actors-future').pk}": "Mijn versie"})
    save_workbook(workbook, by=en.coordinator, expected_version=workbook.version, answers={}, positions={}, actions=[])
    response = as_user(en.faculty).post(reverse("workbook-detail", args=[workbook.public_id]), stale)
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    assert "Mijn versie" in response.content.decode()
    assert not WorkbookAnswer.objects.exists()


def test_compare_shows_where_positions_moved_and_which_actions_were_done(en, as_user):
    this_year = course_with_actors(en)
    last_year = f.make_course(
        en.a, [en.faculty_person], title="Buurtgericht ontwerpen", code="BGO1", academic_year="2025-2026"
    )
    before, after = workbook_for(en, last_year), workbook_for(en, this_year)
    dilemma = builtin_dilemma("supporters-or-innovators")
    actions = [ActionSpec(what="Evaluatie plannen", done=True), ActionSpec(what="Ouders uitnodigen")]
    save_workbook(before, by=None, expected_version=None, answers={}, positions={dilemma.pk: (2, "A")}, actions=actions)
    save_workbook(after, by=None, expected_version=None, answers={}, positions={dilemma.pk: (4, "B")}, actions=[])
    page = as_user(en.faculty).get(reverse("workbook-compare", args=[after.public_id])).content.decode()
    assert "Moved 2 points towards “students as innovators”." in page
    assert "1 of 2 done" in page
    detail = as_user(en.faculty).get(reverse("workbook-detail", args=[after.public_id])).content.decode()
    assert reverse("workbook-compare", args=[after.public_id]) in detail


def test_compare_without_last_year_says_so(en, as_user):
    workbook = workbook_for(en)
    page = as_user(en.faculty).get(reverse("workbook-compare", args=[workbook.public_id])).content.decode()
    assert "There is no reflection on this course from last year" in page


@pytest.mark.parametrize("students", [3, 30])
def test_the_workbook_and_compare_pages_run_a_bounded_number_of_queries(
    en, as_user, django_assert_max_num_queries, students
):
    course = course_with_actors(en, students=students)
    for n in range(students):
        person = f.make_person(en.a, SofarRole.RESIDENT)
        rel = f.make_relationship(en.a, en.faculty_person, person, owners=[en.faculty_person])
        f.make_interaction(rel, summary=f"Contact {n}")
    workbook = workbook_for(en, course)
    client = as_user(en.faculty)
    with django_assert_max_num_queries(26):
        assert client.get(reverse("workbook-detail", args=[workbook.public_id])).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("workbook-compare", args=[workbook.public_id])).status_code == 200


# Questions and dilemmas ---------------------------------------------------------------------


def test_the_office_adapts_and_translates_a_builtin_question(en, as_user):
    client = as_user(en.coordinator)
    builtin = builtin_question("actors-who")
    page = client.get(reverse("reflection-questions")).content.decode()
    assert builtin.text_nl in page and builtin.text_en in page
    response = client.post(reverse("reflection-question-adapt", args=[builtin.public_id]))
    copy = ReflectionQuestion.objects.get(institution=en.a)
    assert response.url == reverse("reflection-question-edit", args=[copy.public_id])
    data = {"question_set": "1", "text_nl": "Wie doet er mee?", "text_en": "Who takes part?", "order": "1",
            "is_active": "on", "version": str(copy.version)}  # fmt: skip
    assert client.post(response.url, data).status_code == 302
    copy.refresh_from_db()
    assert copy.text_en == "Who takes part?"
    # The workbook now asks the institution's version.
    workbook = workbook_for(en)
    assert (
        "Who takes part?"
        in as_user(en.faculty).get(reverse("workbook-detail", args=[workbook.public_id])).content.decode()
    )


def test_the_office_adds_a_dilemma_and_bad_input_is_refused(en, as_user):
    client = as_user(en.coordinator)
    bad = client.post(reverse("reflection-dilemma-create"), {"statement_nl": "", "order": "1"})
    assert bad.status_code == 400 and "This field is required." in bad.content.decode()
    data = {
        "statement_nl": "Groot of klein?",
        "pole_a_nl": "groot",
        "pole_b_nl": "klein",
        "order": "9",
        "is_active": "on",
    }
    assert client.post(reverse("reflection-dilemma-create"), data).status_code == 302
    assert en.a.dilemmas.get().statement_nl == "Groot of klein?"


def test_editing_a_question_someone_changed_meanwhile_is_refused(en, as_user):
    client = as_user(en.coordinator)
    client.post(reverse("reflection-question-adapt", args=[builtin_question("actors-who").public_id]))
    copy = ReflectionQuestion.objects.get(institution=en.a)
    data = {"question_set": "1", "text_nl": "Eerste", "order": "1", "is_active": "on", "version": "1"}
    assert client.post(reverse("reflection-question-edit", args=[copy.public_id]), data).status_code == 302
    data["text_nl"] = "Tweede"
    assert client.post(reverse("reflection-question-edit", args=[copy.public_id]), data).status_code == 409
    copy.refresh_from_db()
    assert copy.text_nl == "Eerste"


def test_only_the_office_manages_questions_and_only_its_own(en, as_user):
    own = ReflectionQuestion.objects.create(institution=en.a, question_set=1, text_nl="Van UAS")
    assert as_user(en.faculty).get(reverse("reflection-questions")).status_code == 403
    assert as_user(en.partner).get(reverse("reflection-questions")).status_code == 403
    outsider = as_user(en.outsider)
    assert outsider.get(reverse("reflection-question-edit", args=[own.public_id])).status_code == 404
    assert "Van UAS" not in outsider.get(reverse("reflection-questions")).content.decode()
    builtin = builtin_question("actors-who")
    assert as_user(en.faculty).post(reverse("reflection-question-adapt", args=[builtin.public_id])).status_code == 403
    assert outsider.post(reverse("reflection-question-edit", args=[builtin.public_id]), {}).status_code == 404
