"""A teacher fills in a reflection on their course and sees the missing voices named."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from reflection.models import DilemmaPosition, PlannedAction, Workbook, WorkbookAnswer
from reflection.tests.helpers import builtin_dilemma, builtin_question, course_with_actors
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_a_teacher_fills_in_a_reflection_and_sees_the_missing_voices(world, log_in):
    world.faculty.language = "en"
    world.faculty.save(update_fields=["language"])
    course = course_with_actors(world)
    page = log_in("faculty", PASSWORD)

    page.goto(reverse("reflection-home"))
    with page.expect_navigation():
        page.get_by_role("button", name=f"Reflect on {course.title} (2026-2027)").click()
    expect(page.locator("h1")).to_contain_text(course.title)

    # Set 1 is pre-filled from the records: the missing voices are named in words.
    missing = page.locator("#reflection-missing-roles")
    expect(missing).to_contain_text("administrators")
    expect(missing).to_contain_text("residents")
    expect(page.locator("#reflection-missing-pairs")).to_contain_text("between students and residents")
    # Set 2 draws how contacts run and lists them as text too.
    expect(page.locator(".reflection-network > svg line[stroke-dasharray]")).to_have_count(1)
    expect(page.locator(".reflection-ties")).to_contain_text("via Cora Coördinator")

    question, dilemma = builtin_question("actors-future"), builtin_dilemma("civil-society-or-direct")
    page.get_by_label(question.text_en).fill("Bewoners van de buurt en de wijkagent.")
    page.locator(f"#dilemma-{dilemma.public_id}").get_by_label("Leaning to: directly with a community").check()
    # Forgetting the reason keeps everything typed and says what is missing.
    with page.expect_navigation():
        page.get_by_role("button", name="Save reflection").click()
    expect(page.locator(f"#dilemma-{dilemma.public_id} .error")).to_have_text("Give a reason for your position.")
    expect(page.get_by_label(question.text_en)).to_have_value("Bewoners van de buurt en de wijkagent.")

    page.locator(f"#id_reason_{dilemma.pk}").fill("Bewoners spreken liever zelf.")
    page.fill("#id_action-0-what", "Een buurtbewoner uitnodigen in de les")
    page.fill("#id_action-0-needs", "De buurtwerker")
    with page.expect_navigation():
        page.get_by_role("button", name="Save reflection").click()
    expect(page.locator(".messages")).to_contain_text("Reflection saved.")
    expect(
        page.locator(f"#dilemma-{dilemma.public_id}").get_by_label("Leaning to: directly with a community")
    ).to_be_checked()

    workbook = Workbook.objects.get(course=course)
    assert WorkbookAnswer.objects.get(workbook=workbook, question=question).text.startswith("Bewoners van de buurt")
    assert DilemmaPosition.objects.get(workbook=workbook, dilemma=dilemma).position == 4
    assert PlannedAction.objects.get(workbook=workbook).needs == "De buurtwerker"
    assert page.url.endswith(reverse("workbook-detail", args=[workbook.public_id]))
