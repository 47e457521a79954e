"""The office's practice examples: drafts made from a partnership, changes, preview, publishing and taking
offline, the partners' consent to be named, and photos."""

import datetime as dt
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, File, Form, Schema, Status, UploadedFile
from ninja.pagination import paginate
from pydantic import ConfigDict

from accounts.access import get_for_user_or_404, require
from api.auth import acting_user
from api.errors import codes
from api.lookups import one, terms
from api.pagination import Pages
from api.routers.reflection.base import _changes, router
from api.routers.reflection.cases import CaseOut, PhotoOut
from api.schemas import InputSchema, OrganisationRef, TermOut, Text, TitledRef, Version, choice
from engagements.models import Engagement
from network.models import Organisation, Theme
from partnerships.models import Partnership
from reflection import services
from reflection.cases import unconsented_mentions, with_public_data
from reflection.models import CasePhoto, PracticeCase
from reflection.selectors import case_parties, managed_cases

FormKind = choice(Engagement.Kind)
Slug = Field(
    "",
    max_length=120,
    pattern=r"^[-a-zA-Z0-9_]*$",
    description="The last part of the public address; made from the title when empty.",
)


class ManagedCaseOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    slug: str
    title: str
    summary: str
    partnership: TitledRef
    published: bool
    published_at: dt.datetime | None
    version: int
    updated_at: dt.datetime


class ConsentInfoOut(Schema):
    given_by: str = Field(description="Name and role at the partner.")
    given_on: dt.date
    recorded_at: dt.datetime


class ConsentOut(ConsentInfoOut):
    organisation: OrganisationRef


class CasePartyOut(Schema):
    organisation: OrganisationRef
    role: str
    named: bool = Field(description="Its consent is recorded: the public page names it.")
    consent: ConsentInfoOut | None


class ManagedCaseDetailOut(ManagedCaseOut):
    story: str
    lessons: str
    themes: list[TermOut]
    collaboration_forms: list[FormKind] = Field(description="Engagement kinds, as sent.")  # type: ignore[valid-type]
    partners: list[CasePartyOut] = Field(description="The partnership's partners and their consent to be named.")
    photos: list[PhotoOut]
    names_without_consent: list[str] = Field(
        description="Names the text contains without consent (partners without consent, people of the "
        "partnership): publishing is refused while there are any."
    )
    public_url: str | None = Field(description="The public page, once published.")


class CaseIn(InputSchema):
    title: str = Field(max_length=200)
    slug: str = Slug
    summary: str = Field("", max_length=400)
    story: str = Field(
        max_length=20000,
        description="Published as written: name a partner only with their consent, and no people.",
    )
    lessons: str = Field("", max_length=10000)
    collaboration_forms: list[FormKind] = Field(default_factory=list, max_length=20)  # type: ignore[valid-type]
    themes: list[Text] = Field(default_factory=list, max_length=50, description="Theme slugs.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "Samen in de wijk",
                    "summary": "Studenten en buren bouwen samen een buurtcampus.",
                    "story": "Een buurtorganisatie en een opleiding ...",
                    "lessons": "Begin klein.",
                    "collaboration_forms": ["service_learning"],
                    "themes": ["armoede"],
                }
            ]
        }
    )


class CasePatch(InputSchema):
    version: Version
    title: str | None = Field(None, max_length=200)
    slug: str | None = Field(None, max_length=120, pattern=r"^[-a-zA-Z0-9_]*$", description="The public address.")
    summary: str | None = Field(None, max_length=400)
    story: str | None = Field(None, max_length=20000)
    lessons: str | None = Field(None, max_length=10000)
    collaboration_forms: list[FormKind] | None = Field(  # type: ignore[valid-type]
        None, max_length=20, description="When sent, replaces the forms."
    )
    themes: list[Text] | None = Field(None, max_length=50, description="Theme slugs; when sent, replaces them.")

    model_config = ConfigDict(json_schema_extra={"examples": [{"version": 2, "lessons": "Begin klein, bouw samen."}]})


class CaseVersionIn(InputSchema):
    version: Version

    model_config = ConfigDict(json_schema_extra={"examples": [{"version": 3}]})


class ConsentIn(InputSchema):
    organisation: UUID = Field(description="A partner of the case's partnership.")
    given_by: str = Field(max_length=200, description="Name and role at the partner.")
    given_on: dt.date = Field(description="Not in the future.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "organisation": "3f2c1d1e-0000-4000-8000-000000000002",
                    "given_by": "Pia Partner, coördinator",
                    "given_on": "2026-01-05",
                }
            ]
        }
    )


class PhotoIn(InputSchema):
    alt_text: str = Field("", max_length=300, description="Required: describe the photo for who cannot see it.")
    caption: str = Field("", max_length=300)

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"alt_text": "Studenten en buren schilderen een muur", "caption": "Mei 2026"}]}
    )


def _managed(request: HttpRequest) -> QuerySet[PracticeCase]:
    return managed_cases(acting_user(request)).prefetch_related(
        "themes",
        "forms",
        "consents",
        Prefetch("photos", queryset=CasePhoto.objects.order_by("order", "id")),
    )


def _managed_case(request: HttpRequest, public_id: UUID) -> PracticeCase:
    case = get_for_user_or_404(_managed(request), public_id=public_id)
    require(acting_user(request), "reflection.change_case", case)
    return case


def _case_detail(case: PracticeCase) -> dict[str, Any]:
    return {
        "public_id": case.public_id,
        "slug": case.slug,
        "title": case.title,
        "summary": case.summary,
        "story": case.story,
        "lessons": case.lessons,
        "partnership": case.partnership,
        "published": case.published,
        "published_at": case.published_at,
        "version": case.version,
        "updated_at": case.updated_at,
        "themes": list(case.themes.all()),
        "collaboration_forms": [f.kind for f in case.forms.all()],
        "partners": [
            {"organisation": party.organisation, "role": party.role, "named": consent is not None, "consent": consent}
            for party, consent in case_parties(case)
        ],
        "photos": list(case.photos.all()),
        "names_without_consent": unconsented_mentions(case),
        "public_url": reverse("case-detail", args=[case.slug]) if case.published else None,
    }


def _fresh(request: HttpRequest, case: PracticeCase) -> dict[str, Any]:
    return _case_detail(_managed(request).get(pk=case.pk))


@router.get("/manage/cases", response=codes({200: list[ManagedCaseOut]}, 403), summary="List your practice examples")
@paginate(Pages)
def list_managed_cases(request: HttpRequest, published: bool | None = None) -> Any:
    """Your institution's practice examples, drafts and published ones, last changed first (the office).
    Filter: `published`."""
    user = acting_user(request)
    require(user, "reflection.manage_cases")
    cases = managed_cases(user)
    if published is not None:
        cases = cases.filter(published=published)
    return cases


@router.post(
    "/partnerships/{public_id}/cases",
    response=codes({201: ManagedCaseDetailOut}, 400, 403, 404),
    summary="Turn a partnership into a practice example",
)
def add_case(request: HttpRequest, public_id: UUID, payload: CaseIn) -> Status:
    """A draft practice example of one of your institution's partnerships. Record the partners' consent
    before you publish: without it, a partner is described, not named."""
    user = acting_user(request)
    require(user, "reflection.manage_cases")
    partnership = get_for_user_or_404(Partnership.objects.for_user(user), public_id=public_id)
    require(user, "reflection.change_case", partnership)
    data = payload.model_dump()
    case = services.create_case(
        partnership,
        by=user,
        forms=data.pop("collaboration_forms"),
        themes=terms(Theme.objects.all(), data.pop("themes"), "themes"),
        **data,
    )
    return Status(201, _fresh(request, case))


@router.get(
    "/manage/cases/{public_id}", response=codes({200: ManagedCaseDetailOut}, 403, 404), summary="One practice example"
)
def get_managed_case(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    """A draft or published practice example with its partners' consents and its photos."""
    return _case_detail(_managed_case(request, public_id))


@router.patch(
    "/manage/cases/{public_id}",
    response=codes({200: ManagedCaseDetailOut}, 400, 403, 404, 409),
    summary="Change a practice example",
)
def change_case(request: HttpRequest, public_id: UUID, payload: CasePatch) -> dict[str, Any]:
    """Only the fields sent change. A published case stays clean: a change that names someone without consent
    is refused (400) and nothing is saved."""
    case = _managed_case(request, public_id)
    data = _changes(payload)
    forms = data.pop("collaboration_forms", None)
    themes = data.pop("themes", None)
    services.update_case(
        case,
        by=acting_user(request),
        expected_version=payload.version,
        forms=[f.kind for f in case.forms.all()] if forms is None else forms,
        themes=list(case.themes.all()) if themes is None else terms(Theme.objects.all(), themes, "themes"),
        **data,
    )
    return _fresh(request, case)


@router.get(
    "/manage/cases/{public_id}/preview",
    response=codes({200: CaseOut}, 403, 404),
    summary="Preview a practice example's public page",
)
def preview_case(request: HttpRequest, public_id: UUID) -> PracticeCase:
    """Exactly what the public page will show, also before publishing."""
    case = _managed_case(request, public_id)
    return with_public_data(PracticeCase.objects.filter(pk=case.pk)).get()


@router.post(
    "/manage/cases/{public_id}/publish",
    response=codes({200: ManagedCaseDetailOut}, 400, 403, 404, 409),
    summary="Publish a practice example",
)
def publish_case(request: HttpRequest, public_id: UUID, payload: CaseVersionIn) -> dict[str, Any]:
    """Put it on the public pages. Refused (400) while the text names a partner without consent or a person
    (see `names_without_consent`); 409 when `version` is stale."""
    case = _managed_case(request, public_id)
    services.publish_case(case, by=acting_user(request), expected_version=payload.version)
    return _fresh(request, case)


@router.post(
    "/manage/cases/{public_id}/unpublish",
    response=codes({200: ManagedCaseDetailOut}, 400, 403, 404, 409),
    summary="Take a practice example offline",
)
def unpublish_case(request: HttpRequest, public_id: UUID, payload: CaseVersionIn) -> dict[str, Any]:
    case = _managed_case(request, public_id)
    services.unpublish_case(case, by=acting_user(request), expected_version=payload.version)
    return _fresh(request, case)


@router.post(
    "/manage/cases/{public_id}/consents",
    response=codes({201: ConsentOut}, 400, 403, 404),
    summary="Record a partner's consent to be named",
)
def add_consent(request: HttpRequest, public_id: UUID, payload: ConsentIn) -> Status:
    """From now on the public page names the partner. Recording it again replaces the earlier record."""
    user = acting_user(request)
    case = _managed_case(request, public_id)
    organisation = one(Organisation.objects.for_user(user), payload.organisation, "organisation")
    consent = services.record_consent(
        case, by=user, organisation=organisation, given_by=payload.given_by, given_on=payload.given_on
    )
    return Status(201, consent)


@router.delete(
    "/manage/cases/{public_id}/consents/{organisation_id}",
    response=codes({204: None}, 403, 404),
    summary="Withdraw a partner's consent",
)
def withdraw_consent(request: HttpRequest, public_id: UUID, organisation_id: UUID) -> Status:
    """Takes effect at once: the public page describes the partner without its name again. When the text still
    names the partner, the case is taken offline."""
    case = _managed_case(request, public_id)
    consent = get_for_user_or_404(case.consents.select_related("organisation"), organisation__public_id=organisation_id)
    services.withdraw_consent(case, by=acting_user(request), organisation=consent.organisation)
    return Status(204, None)


@router.post(
    "/manage/cases/{public_id}/photos",
    response=codes({201: PhotoOut}, 400, 403, 404),
    summary="Add a photo to a practice example",
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "example": {
                        "image": "(a JPEG, PNG or WebP file)",
                        "alt_text": "Studenten en buren schilderen een muur",
                    }
                }
            }
        }
    },
)
def add_case_photo(request: HttpRequest, public_id: UUID, image: File[UploadedFile], payload: Form[PhotoIn]) -> Status:
    """A `multipart/form-data` upload: `image` (JPEG, PNG or WebP, at most 5 MB; checked by its content, not
    its name), `alt_text` (required) and `caption`. The stored name never carries the uploaded file's name."""
    case = _managed_case(request, public_id)
    photo = services.add_photo(
        case, by=acting_user(request), upload=image, alt_text=payload.alt_text, caption=payload.caption
    )
    return Status(201, photo)


@router.delete(
    "/manage/cases/{public_id}/photos/{photo_id}",
    response=codes({204: None}, 403, 404),
    summary="Remove a photo",
)
def remove_case_photo(request: HttpRequest, public_id: UUID, photo_id: UUID) -> Status:
    case = _managed_case(request, public_id)
    photo = get_for_user_or_404(CasePhoto.objects.filter(case=case).select_related("case"), public_id=photo_id)
    services.remove_photo(photo, by=acting_user(request))
    return Status(204, None)
