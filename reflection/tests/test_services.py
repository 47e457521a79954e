"""Reflection's business operations: built-ins, adapting, workbooks, workshops, practice examples."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from lib.errors import ConflictError, DomainError
from reflection import services as s
from reflection.models import (
    CaseConsent,
    Dilemma,
    DilemmaPosition,
    PlannedAction,
    ReflectionQuestion,
    WorkbookAnswer,
    WorkshopPosition,
)
from reflection.tests.helpers import builtin_dilemma, builtin_question, course_with_actors, png_upload, workbook_for
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_migration_installs_three_sets_of_questions_and_five_dilemmas_in_dutch_and_english():
    questions = ReflectionQuestion.objects.filter(institution__isnull=True)
    assert sorted(set(questions.values_list("question_set", flat=True))) == [1, 2, 3]
    assert questions.count() == 9
    dilemmas = Dilemma.objects.filter(institution__isnull=True)
    assert dilemmas.count() == 5
    for item in [*questions, *dilemmas]:
        texts = (
            [item.text_nl, item.text_en]
            if isinstance(item, ReflectionQuestion)
            else [item.statement_nl, item.statement_en, item.pole_a_nl, item.pole_a_en, item.pole_b_nl, item.pole_b_en]
        )
        assert all(t.strip() for t in texts)
    first = builtin_dilemma("civil-society-or-direct")
    assert first.pole_a_en == "through civil-society organisations"
    assert first.pole_b_en == "directly with a community"


def test_installing_the_builtins_again_changes_nothing():
    from reflection.builtin import install_builtin

    install_builtin()
    assert ReflectionQuestion.objects.filter(institution__isnull=True).count() == 9
    assert Dilemma.objects.filter(institution__isnull=True).count() == 5


def test_an_adapted_question_replaces_the_builtin_for_that_institution_only(world):
    builtin = builtin_question("actors-who")
    copy = s.adapt_question(builtin, by=world.coordinator, institution=world.a)
    s.update_question(
        copy, by=world.coordinator, institution=world.a, expected_version=copy.version, text_en="Who takes part?"
    )
    mine = list(ReflectionQuestion.objects.for_institution(world.a.pk))
    theirs = list(ReflectionQuestion.objects.for_institution(world.b.pk))
    assert copy in mine and builtin not in mine
    assert builtin in theirs and copy not in theirs
    assert s.adapt_question(builtin, by=world.coordinator, institution=world.a) == copy


def test_a_builtin_question_cannot_be_edited_directly(world):
    with pytest.raises(DomainError):
        s.update_question(
            builtin_question("actors-who"), by=world.coordinator, institution=world.a, expected_version=1, text_nl="x"
        )


def test_a_stale_version_of_a_dilemma_is_refused(world):
    own = s.create_dilemma(
        by=world.coordinator, institution=world.a, statement_nl="Groot of klein?", pole_a_nl="groot", pole_b_nl="klein"
    )
    s.update_dilemma(own, by=world.coordinator, institution=world.a, expected_version=1, statement_en="Big or small?")
    with pytest.raises(ConflictError):
        s.update_dilemma(own, by=world.coordinator, institution=world.a, expected_version=1, statement_en="Large?")


def test_a_workbook_keeps_answers_positions_and_actions(world):
    workbook = workbook_for(world)
    question, dilemma = builtin_question("actors-partners"), builtin_dilemma("strategic-or-ad-hoc")
    s.save_workbook(
        workbook,
        by=world.faculty,
        expected_version=workbook.version,
        answers={question.pk: "Bewoners missen."},
        positions={dilemma.pk: (4, "We beginnen klein.")},
        actions=[s.ActionSpec(what="Buurtbewoners uitnodigen", needs="Buurtwerker", due_on=dt.date(2027, 3, 1))],
    )
    assert WorkbookAnswer.objects.get(workbook=workbook, question=question).text == "Bewoners missen."
    assert DilemmaPosition.objects.get(workbook=workbook, dilemma=dilemma).position == 4
    action = PlannedAction.objects.get(workbook=workbook)
    s.save_workbook(
        workbook,
        by=world.faculty,
        expected_version=workbook.version,
        answers={},
        positions={dilemma.pk: (None, "")},
        actions=[s.ActionSpec(id=action.pk, what="Buurtbewoners uitnodigen", done=True)],
    )
    action.refresh_from_db()
    assert action.done
    assert not DilemmaPosition.objects.filter(workbook=workbook).exists()


def test_a_position_without_a_reason_is_refused_and_nothing_is_saved(world):
    workbook = workbook_for(world)
    dilemma = builtin_dilemma("strategic-or-ad-hoc")
    with pytest.raises(DomainError) as caught:
        s.save_workbook(
            workbook, by=world.faculty, expected_version=workbook.version, answers={}, positions={dilemma.pk: (2, " ")},
            actions=[],
        )  # fmt: skip
    assert f"reason_{dilemma.pk}" in caught.value.error_dict
    assert not DilemmaPosition.objects.exists()


def test_saving_a_workbook_someone_else_saved_meanwhile_is_refused(world):
    workbook = workbook_for(world)
    s.save_workbook(workbook, by=world.faculty, expected_version=1, answers={}, positions={}, actions=[])
    with pytest.raises(ConflictError):
        s.save_workbook(workbook, by=world.coordinator, expected_version=1, answers={}, positions={}, actions=[])


def test_only_a_teacher_of_the_course_gets_a_workbook_on_it(world):
    course = course_with_actors(world)
    with pytest.raises(DomainError):
        s.start_workbook(course, by=world.coordinator, teacher=world.coord_person)


def test_one_device_counts_once_per_dilemma_in_a_workshop(world):
    dilemma = builtin_dilemma("strategic-or-ad-hoc")
    session = s.start_workshop(by=world.coordinator, institution=world.a, title="Docententafel", dilemmas=[dilemma])
    s.record_workshop_positions(session, participant_key="device-1", positions={dilemma.pk: 2})
    s.record_workshop_positions(session, participant_key="device-1", positions={dilemma.pk: 5})
    s.record_workshop_positions(session, participant_key="device-2", positions={dilemma.pk: 5})
    assert sorted(WorkshopPosition.objects.values_list("position", flat=True)) == [5, 5]
    assert len(session.code) == 6


def test_a_closed_workshop_takes_no_more_positions(world):
    dilemma = builtin_dilemma("strategic-or-ad-hoc")
    session = s.start_workshop(by=world.coordinator, institution=world.a, title="Docententafel", dilemmas=[dilemma])
    s.close_workshop(session, by=world.coordinator)
    with pytest.raises(DomainError):
        s.record_workshop_positions(session, participant_key="device-1", positions={dilemma.pk: 2})
    assert not WorkshopPosition.objects.exists()


def test_a_workshop_needs_a_title_and_a_dilemma(world):
    with pytest.raises(DomainError) as caught:
        s.start_workshop(by=world.coordinator, institution=world.a, title=" ", dilemmas=[])
    assert set(caught.value.error_dict) == {"title", "dilemmas"}


@pytest.fixture
def case(world):
    partnership = f.make_partnership(world.a, [world.org, world.other_org], [world.coord_person], title="Buurtcampus")
    return s.create_case(partnership, by=world.coordinator, title="Samen in de wijk", story="Een verhaal over de wijk.")


def test_a_case_names_a_partner_only_with_consent(world, case):
    from reflection.cases import public_partners, with_public_data

    s.record_consent(
        case, by=world.coordinator, organisation=world.org, given_by="Pia, coördinator", given_on=dt.date(2026, 1, 5)
    )
    loaded = with_public_data(type(case).objects.filter(pk=case.pk)).get()
    with translation.override("en"):
        labels = [p.label for p in public_partners(loaded)]
    assert labels == ["Buurtwerk De Brug", "a non-profit organisation"]


def test_consent_is_only_for_partners_of_the_partnership_and_not_in_the_future(world, case):
    stranger = f.make_organisation("Vzw Elders")
    with pytest.raises(DomainError) as caught:
        s.record_consent(
            case, by=world.coordinator, organisation=stranger, given_by="",
            given_on=timezone.localdate() + dt.timedelta(days=3),
        )  # fmt: skip
    assert set(caught.value.error_dict) == {"organisation", "given_by", "given_on"}
    assert not CaseConsent.objects.exists()


def test_publishing_is_refused_while_the_story_names_a_partner_without_consent(world, case):
    s.update_case(
        case, by=world.coordinator, expected_version=case.version, title=case.title,
        story="Samen met Sportclub Elders en Cora Coördinator.",
    )  # fmt: skip
    with pytest.raises(DomainError) as caught:
        s.publish_case(case, by=world.coordinator, expected_version=case.version)
    assert "Sportclub Elders" in str(caught.value) and "Cora Coördinator" in str(caught.value)
    case.refresh_from_db()
    assert not case.published


def test_withdrawing_consent_takes_a_case_offline_when_its_story_names_the_partner(world, case):
    s.record_consent(case, by=world.coordinator, organisation=world.org, given_by="Pia", given_on=dt.date(2026, 1, 5))
    s.update_case(
        case, by=world.coordinator, expected_version=case.version, title=case.title, story="Met Buurtwerk De Brug."
    )
    s.publish_case(case, by=world.coordinator, expected_version=case.version)
    s.withdraw_consent(case, by=world.coordinator, organisation=world.org)
    case.refresh_from_db()
    assert not case.published


def test_a_photo_needs_a_description_and_must_be_a_real_image(world, case):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(DomainError) as caught:
        s.add_photo(case, by=world.coordinator, upload=SimpleUploadedFile("x.png", b"not an image"), alt_text="")
    assert set(caught.value.error_dict) == {"alt_text", "image"}
    photo = s.add_photo(
        case, by=world.coordinator, upload=png_upload("Jan Peeters.png"), alt_text="Studenten in de wijk"
    )
    assert photo.content_type == "image/png"
    assert "Peeters" not in photo.image.name


def test_a_too_large_photo_is_refused(world, case, monkeypatch):
    monkeypatch.setattr("reflection.photos.MAX_PHOTO_BYTES", 10)
    with pytest.raises(DomainError) as caught:
        s.add_photo(case, by=world.coordinator, upload=png_upload(), alt_text="Foto")
    assert "too large" in str(caught.value) or "te groot" in str(caught.value)
