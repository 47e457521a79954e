"""A page that fails, to see what a server error does."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def failing(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the partner register is unreachable")


urlpatterns = [path("failing/", failing)]
