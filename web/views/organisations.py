"""Placeholder: the organisations pages are being built."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def placeholder(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("coming soon")


urlpatterns = [
    path("organisations/", placeholder, name="organisation-list"),
    path("organisations/<uuid:public_id>/", placeholder, name="organisation-detail"),
]
