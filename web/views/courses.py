"""Placeholder: the courses pages are being built."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def placeholder(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("coming soon")


urlpatterns = [
    path("courses/", placeholder, name="course-list"),
    path("courses/<uuid:public_id>/", placeholder, name="course-detail"),
]
