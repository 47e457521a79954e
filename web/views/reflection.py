"""Reflection pages: a teacher's workbook for a course and year, last year beside this year,
and the office's page of questions and dilemmas (add, adapt a built-in, translate)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import get_for_user_or_404, require
from engagements.models import Course
from lib.errors import DomainError
from lib.pagination import paginate
from reflection.drawing import ROLE_COLOURS, network_drawing
from reflection.models import Dilemma, ReflectionQuestion, Workbook
from reflection.selectors import (
    compare_workbooks,
    contact_ties,
    course_actors,
    office_dilemmas,
    office_questions,
    previous_workbook,
    workbook_sheet,
)
from reflection.services import (
    adapt_dilemma,
    adapt_question,
    create_dilemma,
    create_question,
    save_workbook,
    start_workbook,
    update_dilemma,
    update_question,
)
from web.forms.partnerships import add_domain_errors
from web.forms.reflection import (
    ActionFormSet,
    DilemmaForm,
    QuestionForm,
    StartWorkbookForm,
    WorkbookForm,
    action_specs,
)

COURSES_TO_START = 20
MAX_TIES_LISTED = 100


@login_required
def reflection_home(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    workbooks = Workbook.objects.for_user(user).select_related("course", "teacher").order_by("-academic_year", "id")
    year = request.GET.get("year", "").strip()
    if year:
        workbooks = workbooks.filter(academic_year=year)
    taught = Course.objects.none()
    if user.person_id:
        taught = (
            Course.objects.for_user(user)
            .filter(teachers=user.person_id)
            .exclude(workbooks__teacher_id=user.person_id)
            .order_by("-academic_year", "title")[:COURSES_TO_START]
        )
    context = {
        "nav": "reflection",
        "page": paginate(request, workbooks),
        "year": year,
        "to_start": list(taught),
        "can_manage": user.has_perm("reflection.manage_questions"),
    }
    return render(request, "web/reflection/home.html", context)


def _course(request: HttpRequest, public_id: Any) -> Course:
    return get_for_user_or_404(Course.objects.for_user(request.user).select_related("institution"), public_id=public_id)


@login_required
def workbook_start(request: HttpRequest, course_id: Any) -> HttpResponse:
    """A teacher starts their own workbook; the office starts one for a teacher of the course."""
    user: Any = request.user
    course = _course(request, course_id)
    require(user, "reflection.start_workbook", course)
    teachers = course.teachers.all()
    own = user.person_id is not None and teachers.filter(pk=user.person_id).exists()
    form = StartWorkbookForm(request.POST or None, teachers=teachers)
    if request.method == "POST":
        if own:
            teacher = user.person
        elif form.is_valid():
            teacher = form.cleaned_data["teacher"]
        else:
            teacher = None
        if teacher is not None:
            try:
                workbook = start_workbook(course, by=user, teacher=teacher)
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                return redirect("workbook-detail", workbook.public_id)
    context = {"nav": "reflection", "course": course, "form": form, "own": own}
    return render(request, "web/reflection/start.html", context, status=400 if form.is_bound else 200)


def _workbook(request: HttpRequest, public_id: Any) -> Workbook:
    queryset = Workbook.objects.for_user(request.user).select_related("course", "teacher", "institution")
    return get_for_user_or_404(queryset, public_id=public_id)


def _prefill(workbook: Workbook) -> dict[str, Any]:
    actors = course_actors(workbook.course)
    ties = contact_ties(actors)
    return {
        "actors": actors,
        "ties": ties[:MAX_TIES_LISTED],
        "ties_more": max(len(ties) - MAX_TIES_LISTED, 0),
        "drawing": network_drawing(actors, ties),
        "legend": [(code, colour) for code, colour in ROLE_COLOURS.items()],
    }


@login_required
def workbook_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    workbook = _workbook(request, public_id)
    user: Any = request.user
    can_change = user.has_perm("reflection.change_workbook", workbook)
    sheet = workbook_sheet(workbook)
    data = request.POST if request.method == "POST" else None
    form = WorkbookForm(data, sheet=sheet, initial={"version": workbook.version})
    initial_actions = [
        {"id": a.pk, "what": a.what, "needs": a.needs, "due_on": a.due_on, "done": a.done} for a in sheet.actions
    ]
    formset = ActionFormSet(data, initial=initial_actions, prefix="action")
    status = 200
    if request.method == "POST":
        require(user, "reflection.change_workbook", workbook)
        if form.is_valid() and formset.is_valid():
            try:
                save_workbook(
                    workbook,
                    by=user,
                    expected_version=form.cleaned_data["version"],
                    answers=form.answers(),
                    positions=form.positions(),
                    actions=action_specs(formset),
                )
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, _("Reflection saved."))
                return redirect("workbook-detail", workbook.public_id)
        status = 409 if form.has_error("__all__", "conflict") else 400
    context = {
        "nav": "reflection",
        "workbook": workbook,
        "form": form,
        "formset": formset,
        "can_change": can_change,
        "previous": previous_workbook(workbook, user),
        **_prefill(workbook),
    }
    return render(request, "web/reflection/workbook.html", context, status=status)


@login_required
def workbook_compare(request: HttpRequest, public_id: Any) -> HttpResponse:
    workbook = _workbook(request, public_id)
    before = previous_workbook(workbook, request.user)
    context = {"nav": "reflection", "workbook": workbook, "comparison": compare_workbooks(before, workbook)}
    return render(request, "web/reflection/compare.html", context)


# Questions and dilemmas ---------------------------------------------------------------------


def _office_institution(request: HttpRequest) -> Any:
    user: Any = request.user
    require(user, "reflection.manage_questions")
    if user.institution is None:
        raise Http404
    return user.institution


@login_required
def question_list(request: HttpRequest) -> HttpResponse:
    institution = _office_institution(request)
    context = {
        "nav": "reflection",
        "questions": [(q, q.adapted) for q in office_questions(institution.pk)],
        "dilemmas": [(d, d.adapted) for d in office_dilemmas(institution.pk)],
    }
    return render(request, "web/reflection/questions.html", context)


def _edit_item(
    request: HttpRequest, *, kind: str, item: Any, form_class: Any, create: Any, update: Any
) -> HttpResponse:
    institution = _office_institution(request)
    initial = form_class.initial_for(item) if item else None
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            if item is None:
                create(by=request.user, institution=institution, **fields)
            else:
                update(
                    item,
                    by=request.user,
                    institution=institution,
                    expected_version=form.cleaned_data["version"],
                    **fields,
                )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("reflection-questions")
    status = (409 if form.has_error("__all__", "conflict") else 400) if form.is_bound else 200
    context = {"nav": "reflection", "form": form, "item": item, "kind": kind}
    return render(request, "web/reflection/item_form.html", context, status=status)


def _own(request: HttpRequest, model: Any, public_id: Any) -> Any:
    institution = _office_institution(request)
    return get_for_user_or_404(model.objects.filter(institution=institution), public_id=public_id)


@login_required
def question_create(request: HttpRequest) -> HttpResponse:
    return _edit_item(
        request, kind="question", item=None, form_class=QuestionForm, create=create_question, update=update_question
    )


@login_required
def question_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    question = _own(request, ReflectionQuestion, public_id)
    return _edit_item(
        request, kind="question", item=question, form_class=QuestionForm, create=create_question, update=update_question
    )


@login_required
def dilemma_create(request: HttpRequest) -> HttpResponse:
    return _edit_item(
        request, kind="dilemma", item=None, form_class=DilemmaForm, create=create_dilemma, update=update_dilemma
    )


@login_required
def dilemma_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    dilemma = _own(request, Dilemma, public_id)
    return _edit_item(
        request, kind="dilemma", item=dilemma, form_class=DilemmaForm, create=create_dilemma, update=update_dilemma
    )


@login_required
@require_POST
def question_adapt(request: HttpRequest, public_id: Any) -> HttpResponse:
    institution = _office_institution(request)
    builtin = get_for_user_or_404(ReflectionQuestion.objects.filter(institution__isnull=True), public_id=public_id)
    copy = adapt_question(builtin, by=request.user, institution=institution)
    messages.success(request, _("Your own copy is made; change it here."))
    return redirect("reflection-question-edit", copy.public_id)


@login_required
@require_POST
def dilemma_adapt(request: HttpRequest, public_id: Any) -> HttpResponse:
    institution = _office_institution(request)
    builtin = get_for_user_or_404(Dilemma.objects.filter(institution__isnull=True), public_id=public_id)
    copy = adapt_dilemma(builtin, by=request.user, institution=institution)
    messages.success(request, _("Your own copy is made; change it here."))
    return redirect("reflection-dilemma-edit", copy.public_id)


urlpatterns = [
    path("reflection/", reflection_home, name="reflection-home"),
    path("reflection/start/<uuid:course_id>/", workbook_start, name="workbook-start"),
    path("reflection/workbooks/<uuid:public_id>/", workbook_detail, name="workbook-detail"),
    path("reflection/workbooks/<uuid:public_id>/compare/", workbook_compare, name="workbook-compare"),
    path("reflection/questions/", question_list, name="reflection-questions"),
    path("reflection/questions/new/", question_create, name="reflection-question-create"),
    path("reflection/questions/<uuid:public_id>/", question_edit, name="reflection-question-edit"),
    path("reflection/questions/<uuid:public_id>/adapt/", question_adapt, name="reflection-question-adapt"),
    path("reflection/dilemmas/new/", dilemma_create, name="reflection-dilemma-create"),
    path("reflection/dilemmas/<uuid:public_id>/", dilemma_edit, name="reflection-dilemma-edit"),
    path("reflection/dilemmas/<uuid:public_id>/adapt/", dilemma_adapt, name="reflection-dilemma-adapt"),
]
