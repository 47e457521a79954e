"""Placeholder: the relationships pages are being built."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def placeholder(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("coming soon")


urlpatterns = [
    path("relationships/", placeholder, name="relationship-list"),
    path("relationships/<uuid:public_id>/", placeholder, name="relationship-detail"),
]
