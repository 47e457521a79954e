"""Placeholder: the partnerships pages are being built."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def placeholder(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("coming soon")


urlpatterns = [
    path("partnerships/", placeholder, name="partnership-list"),
    path("partnerships/<uuid:public_id>/", placeholder, name="partnership-detail"),
]
