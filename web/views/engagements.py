"""Placeholder: the engagements pages are being built."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def placeholder(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("coming soon")


urlpatterns = [
    path("engagements/", placeholder, name="engagement-list"),
    path("engagements/<uuid:public_id>/", placeholder, name="engagement-detail"),
]
