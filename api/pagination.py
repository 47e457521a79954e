"""Every API list is paged: a default page size and a bounded maximum."""

from __future__ import annotations

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_PAGE_SIZE = 100
# Far beyond any real list, but keeps the offset within what every database accepts.
MAX_PAGE = 1_000_000


class PageInput(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
    page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE, description=f"Rows per page, at most {MAX_PAGE_SIZE}.")


class Pages(PageNumberPagination):
    Input = PageInput  # type: ignore[assignment]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(page_size=settings.BRUG_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
