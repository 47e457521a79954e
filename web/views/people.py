"""Placeholder: the people pages are being built."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def placeholder(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("coming soon")


urlpatterns = [
    path("people/", placeholder, name="person-list"),
    path("people/<uuid:public_id>/", placeholder, name="person-detail"),
]
