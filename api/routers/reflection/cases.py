"""Published practice examples of every institution: the list with its filters and one example, showing only
what the public page shows. Also the photo and public-case schemas the office's routes reuse."""

import datetime as dt
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Schema
from ninja.pagination import paginate

from accounts.access import get_for_user_or_404
from api.errors import codes
from api.pagination import Pages
from api.routers.reflection.base import router
from api.schemas import SearchTerm, TermOut, Text
from lib.scoping import unscoped
from reflection.cases import FORM_LABELS, public_partners, search_public_cases
from reflection.models import CasePhoto, PracticeCase


class PhotoOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    alt_text: str = Field(description="Describes the photo for people who cannot see it.")
    caption: str
    url: str = Field(description="Where the photo is served (to everyone once the case is published).")

    @staticmethod
    def resolve_url(obj: CasePhoto) -> str:
        return reverse("case-photo", args=[obj.case.slug, obj.public_id])


class CasePartnerOut(Schema):
    label: str = Field(description="The partner's name when it consented to be named, else a description.")
    named: bool
    role: str


class CaseOut(Schema):
    """Only what the public page of a practice example shows: no people, no internal records."""

    slug: str
    title: str
    summary: str
    story: str
    lessons: str
    institution: str = Field(description="Name of the institution that tells it.")
    themes: list[TermOut]
    collaboration_forms: list[str]
    partners: list[CasePartnerOut]
    photos: list[PhotoOut]
    published_at: dt.datetime | None

    @staticmethod
    def resolve_institution(obj: PracticeCase) -> str:
        return obj.institution.name

    @staticmethod
    def resolve_themes(obj: PracticeCase) -> list[Any]:
        return list(obj.themes.all())

    @staticmethod
    def resolve_collaboration_forms(obj: PracticeCase) -> list[str]:
        return [str(FORM_LABELS.get(f.kind, f.kind)) for f in obj.forms.all()]

    @staticmethod
    def resolve_partners(obj: PracticeCase) -> list[Any]:
        with unscoped("the public practice examples: published rows only"):
            return public_partners(obj)

    @staticmethod
    def resolve_photos(obj: PracticeCase) -> list[Any]:
        with unscoped("the public practice examples: published rows only"):
            return list(obj.photos.all())


@router.get("/cases", response=codes({200: list[CaseOut]}), summary="List published practice examples")
@unscoped("the public practice examples: published rows only")
@paginate(Pages)
def list_cases(request: HttpRequest, q: SearchTerm = "", theme: Text = "", form: Text = "") -> Any:
    """Published practice examples of every institution, newest first. Filters: `q` (text), `theme` (slug),
    `form` (engagement kind)."""
    return search_public_cases(q=q.strip()[:100], theme=theme.strip(), form=form.strip())


@router.get("/cases/{slug}", response=codes({200: CaseOut}, 404), summary="One published practice example")
@unscoped("the public practice examples: published rows only")
def get_case(request: HttpRequest, slug: str) -> PracticeCase:
    return get_for_user_or_404(search_public_cases(), slug=slug)
