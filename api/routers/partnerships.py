"""Partnerships between institutions and community organisations, and their missing voices."""

import datetime as dt
from typing import Annotated, Any
from uuid import UUID

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from accounts.access import get_for_user_or_404, relationship_scope, require
from api.auth import acting_user
from api.errors import codes
from api.lookups import many, one
from api.pagination import Pages
from api.routers.relationships import ContactIn, InteractionOut, interaction_rows, log_contact
from api.schemas import (
    CoverageOut,
    InputSchema,
    OrganisationRef,
    PersonRef,
    SearchTerm,
    Version,
    choice,
    coverage_out,
)
from lib.errors import DomainError
from network.models import Campus, Organisation, Person, Relationship
from network.services import contact_relationship
from partnerships.models import ContinuumStage, Partnership
from partnerships.selectors import partnership_coverage, partnership_timeline
from partnerships.services import create_partnership, update_partnership

router = Router(tags=["Partnerships"])

Kind = choice(Partnership.Kind)
Basis = choice(Partnership.Basis)
PartnershipStatus = choice(Partnership.Status)
Stage = Annotated[
    int, Field(ge=min(ContinuumStage.values), le=max(ContinuumStage.values), description="Continuum stage, 1 to 9.")
]


class PartnershipOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    title: str
    summary: str
    kind: str
    basis: str
    stage: int = Field(description="Continuum stage, 1 (mutual communication) to 9 (transformative).")
    status: str
    institution: str = Field(description="Slug of the lead institution.")
    other_institutions: list[str]
    organisations: list[OrganisationRef]
    owners: list[PersonRef]
    campus: str | None = Field(description="Slug of the campus, if any.")
    start_date: dt.date | None
    end_date: dt.date | None
    orphaned: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_institution(obj: Partnership) -> str:
        return obj.institution.slug

    @staticmethod
    def resolve_other_institutions(obj: Partnership) -> list[str]:
        return [i.slug for i in obj.other_institutions.all()]

    @staticmethod
    def resolve_organisations(obj: Partnership) -> list[Organisation]:
        return list(obj.organisations.all())

    @staticmethod
    def resolve_owners(obj: Partnership) -> list[Person]:
        return list(obj.owners.all())

    @staticmethod
    def resolve_campus(obj: Partnership) -> str | None:
        return obj.campus.slug if obj.campus else None


class PartnershipIn(InputSchema):
    title: str = Field(max_length=200)
    summary: str = ""
    kind: Kind = Partnership.Kind.AD_HOC.value
    basis: Basis = Partnership.Basis.COURSE.value
    stage: Stage = ContinuumStage.COMMUNICATION.value
    status: PartnershipStatus = Partnership.Status.ACTIVE.value
    organisations: list[UUID] = Field(description="Partner organisations, at least one.")
    owners: list[UUID] = Field(description="People of your institution who own it (never one person alone).")
    campus: str | None = Field(None, description="Slug of a campus of your institution.")
    start_date: dt.date | None = None
    end_date: dt.date | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "Huiswerkklas Rabot",
                    "kind": "strategic",
                    "basis": "place",
                    "stage": 3,
                    "organisations": ["3f2c1d1e-0000-4000-8000-000000000002"],
                    "owners": ["3f2c1d1e-0000-4000-8000-000000000001"],
                    "start_date": "2026-09-01",
                }
            ]
        }
    )


class PartnershipPatch(InputSchema):
    version: Version
    title: str | None = Field(None, max_length=200)
    summary: str | None = None
    kind: Kind | None = None
    basis: Basis | None = None
    stage: Stage | None = None
    status: PartnershipStatus | None = None
    organisations: list[UUID] | None = Field(None, description="When sent, replaces the partner organisations.")
    owners: list[UUID] | None = Field(None, description="When sent, replaces the owners.")
    campus: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None

    model_config = ConfigDict(json_schema_extra={"examples": [{"version": 1, "stage": 4}]})


def partnerships(request: HttpRequest) -> QuerySet[Partnership]:
    return (
        Partnership.objects.for_user(acting_user(request))
        .select_related("institution", "campus")
        .prefetch_related("other_institutions", "organisations", "owners")
    )


def _find(request: HttpRequest, public_id: UUID) -> Partnership:
    return get_for_user_or_404(partnerships(request), public_id=public_id)


def _campus(request: HttpRequest, slug: str | None) -> Campus | None:
    if not slug:
        return None
    campus = Campus.objects.filter(institution_id=acting_user(request).institution_id, slug=slug).first()
    if campus is None:
        raise DomainError({"campus": _("Your institution has no campus %(slug)s.") % {"slug": slug}})
    return campus


@router.get("", response=codes({200: list[PartnershipOut]}), summary="List partnerships")
@paginate(Pages)
def list_partnerships(
    request: HttpRequest,
    q: SearchTerm = "",
    status: PartnershipStatus | None = None,
    kind: Kind | None = None,
    stage: Stage | None = None,
    organisation: UUID | None = None,
    orphaned: bool | None = None,
) -> Any:
    """The partnerships you may see, by title. Filters: `q` (part of the title), `status`, `kind`, `stage`,
    `organisation` (a party to it), `orphaned` (no active owner)."""
    queryset = partnerships(request)
    if q:
        queryset = queryset.filter(title__icontains=q.strip())
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    if stage:
        queryset = queryset.filter(stage=stage)
    if organisation:
        queryset = queryset.filter(
            pk__in=Partnership.objects.filter(organisations__public_id=organisation).values("pk")
        )
    if orphaned is not None:
        queryset = queryset.filter(orphaned=orphaned)
    return queryset


@router.get("/{public_id}", response=codes({200: PartnershipOut}, 404), summary="One partnership")
def get_partnership(request: HttpRequest, public_id: UUID) -> Partnership:
    return _find(request, public_id)


@router.get("/{public_id}/coverage", response=codes({200: CoverageOut}, 404), summary="Missing voices of a partnership")
def get_partnership_coverage(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    """Which SOFAR roles take part in the partnership (owners, partner organisations, people of its engagements),
    and which role pairs have an active relationship."""
    return coverage_out(partnership_coverage(_find(request, public_id)))


@router.post("", response=codes({201: PartnershipOut}, 400, 403), summary="Add a partnership")
def add_partnership(request: HttpRequest, payload: PartnershipIn) -> Status:
    """Start a partnership led by your institution (institution staff)."""
    user = acting_user(request)
    require(user, "partnerships.add_partnership")
    if user.institution is None:
        raise DomainError(_("Your account does not belong to an institution."))
    data = payload.model_dump(exclude={"title", "organisations", "owners", "campus"})
    partnership = create_partnership(
        by=user,
        institution=user.institution,
        title=payload.title,
        organisations=many(Organisation.objects.for_user(user), payload.organisations, "organisations"),
        owners=many(Person.objects.for_user(user), payload.owners, "owners"),
        campus=_campus(request, payload.campus),
        **data,
    )
    return Status(201, _find(request, partnership.public_id))


@router.patch("/{public_id}", response=codes({200: PartnershipOut}, 400, 403, 404, 409), summary="Change a partnership")
def change_partnership(request: HttpRequest, public_id: UUID, payload: PartnershipPatch) -> Partnership:
    """Change the fields sent (the lead institution's office, or an owner). 409 when `version` is stale."""
    user = acting_user(request)
    partnership = _find(request, public_id)
    require(user, "partnerships.change_partnership", partnership)
    data = payload.model_dump(exclude_unset=True, exclude={"version", "organisations", "owners", "campus"})
    if "campus" in payload.model_fields_set:
        data["campus"] = _campus(request, payload.campus)
    organisations = (
        many(Organisation.objects.for_user(user), payload.organisations, "organisations")
        if payload.organisations is not None
        else None
    )
    owners = many(Person.objects.for_user(user), payload.owners, "owners") if payload.owners is not None else None
    update_partnership(
        partnership, by=user, expected_version=payload.version, organisations=organisations, owners=owners, **data
    )
    return _find(request, public_id)


# Contact moments with the partnership's organisations, as on its page.


@router.get(
    "/{public_id}/interactions",
    response=codes({200: list[InteractionOut]}, 404),
    summary="Contact moments of a partnership",
    tags=["Contact moments"],
)
@paginate(Pages)
def list_partnership_interactions(request: HttpRequest, public_id: UUID) -> Any:
    """The lead institution's contact moments with the partnership's organisations, as far as you may see
    them, newest first."""
    user = acting_user(request)
    partnership = _find(request, public_id)
    return interaction_rows(partnership_timeline(partnership).filter(relationship_scope(user, prefix="relationship__")))


@router.post(
    "/{public_id}/interactions",
    response=codes({201: InteractionOut}, 400, 403, 404),
    summary="Log a contact moment from a partnership",
    tags=["Contact moments"],
)
def log_partnership_contact(request: HttpRequest, public_id: UUID, payload: ContactIn) -> Status:
    """Log a contact moment on an active relationship with one of the partnership's organisations
    (`relationship`), or, left out, on your own relationship with its first organisation, made on first use
    (institution staff)."""
    user = acting_user(request)
    partnership = _find(request, public_id)
    require(user, "network.add_relationship")
    organisations = [party.organisation for party in partnership.parties.select_related("organisation").order_by("id")]
    candidates = (
        Relationship.objects.for_user(user)
        .involving_organisations([o.pk for o in organisations])
        .filter(status=Relationship.Status.ACTIVE)
    )
    with transaction.atomic():
        relationship = one(candidates, payload.relationship, "relationship")
        if relationship is None:
            if not organisations:
                raise DomainError(_("This partnership has no partner organisation to be in contact with."))
            relationship = contact_relationship(user, organisations[0])
        interaction = log_contact(request, relationship, payload)
    return Status(201, interaction)
