"""Course pages: list, detail with missing voices, create and edit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from accounts.access import get_for_user_or_404, require
from engagements.models import Course, Engagement
from engagements.selectors import course_coverage
from engagements.services import create_course, update_course
from lib.errors import DomainError
from lib.pagination import paginate
from network.models import Person
from web.forms.engagements import CourseFilterForm, CourseForm
from web.forms.partnerships import add_domain_errors

DETAIL_ENGAGEMENTS = 20
YEAR_CHOICES = 20


@login_required
def course_list(request: HttpRequest) -> HttpResponse:
    visible = Course.objects.for_user(request.user)
    years = list(visible.order_by("-academic_year").values_list("academic_year", flat=True).distinct()[:YEAR_CHOICES])
    filters = CourseFilterForm(request.GET or None, years=years)
    courses = filters.filter(visible).select_related("campus").prefetch_related("teachers")
    context = {
        "nav": "courses",
        "filters": filters,
        "page": paginate(request, courses),
        "can_add": request.user.has_perm("engagements.add_course") and request.user.institution_id,
    }
    return render(request, "web/courses/list.html", context)


def _get_course(request: HttpRequest, public_id: Any) -> Course:
    queryset = Course.objects.for_user(request.user).select_related("institution", "campus")
    return get_for_user_or_404(queryset, public_id=public_id)


@login_required
def course_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    course = _get_course(request, public_id)
    engagements = (
        Engagement.objects.for_user(request.user)
        .filter(course=course)
        .select_related("organisation")
        .order_by("-start_date", "-id")
    )
    context = {
        "nav": "courses",
        "course": course,
        "teachers": list(course.teachers.all()),
        "engagements": engagements[:DETAIL_ENGAGEMENTS],
        "engagement_count": engagements.count(),
        "coverage": course_coverage(course),
        "can_change": request.user.has_perm("engagements.change_course", course),
        "can_reflect": request.user.has_perm("reflection.start_workbook", course),
        "can_add_engagement": request.user.has_perm("engagements.add_engagement") and request.user.institution_id,
    }
    return render(request, "web/courses/detail.html", context)


def _form(request: HttpRequest, institution: Any, *, editing: bool, **kwargs: Any) -> CourseForm:
    return CourseForm(
        request.POST if request.method == "POST" else None,
        institution=institution,
        people=Person.objects.for_user(request.user),
        editing=editing,
        **kwargs,
    )


@login_required
def course_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require(user, "engagements.add_course")
    if user.institution is None:
        raise Http404
    form = _form(request, user.institution, editing=False)
    if request.method == "POST" and form.is_valid():
        try:
            course = create_course(by=user, institution=user.institution, **form.service_fields())
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Course created."))
            return redirect("course-detail", course.public_id)
    return render(
        request,
        "web/courses/form.html",
        {"nav": "courses", "form": form, "course": None},
        status=400 if form.is_bound else 200,
    )


@login_required
def course_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    course = _get_course(request, public_id)
    require(request.user, "engagements.change_course", course)
    form = _form(request, course.institution, editing=True, initial=CourseForm.initial_for(course))
    if request.method == "POST" and form.is_valid():
        try:
            update_course(
                course, by=request.user, expected_version=form.cleaned_data["version"], **form.service_fields()
            )
        except DomainError as error:
            add_domain_errors(form, error)
            course.refresh_from_db()
        else:
            messages.success(request, _("Course saved."))
            return redirect("course-detail", course.public_id)
    status = (409 if form.has_error("__all__", "conflict") else 400) if form.is_bound else 200
    return render(request, "web/courses/form.html", {"nav": "courses", "form": form, "course": course}, status=status)


urlpatterns = [
    path("courses/", course_list, name="course-list"),
    path("courses/new/", course_create, name="course-create"),
    path("courses/<uuid:public_id>/", course_detail, name="course-detail"),
    path("courses/<uuid:public_id>/edit/", course_edit, name="course-edit"),
]
