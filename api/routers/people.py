"""People of an institution's network, in their SOFAR roles."""

import datetime as dt
from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from accounts.access import get_for_user_or_404, require
from api.auth import acting_user
from api.errors import codes
from api.lookups import one
from api.pagination import Pages
from api.schemas import InputSchema, OrganisationRef, PersonRef, SearchTerm, Version, choice
from lib.errors import DomainError
from network.filters import filter_people
from network.models import Affiliation, Organisation, Person, SofarRole
from network.privacy import erase_person, export_personal_data
from network.services import RoleSpec, create_person, update_person
from partnerships.models import HandOver
from partnerships.services import deactivate_person, owned_counts

router = Router(tags=["People"])

Role = choice(SofarRole)
INSTITUTION_SIDE = (SofarRole.STUDENT, SofarRole.FACULTY, SofarRole.ADMINISTRATOR)


class RoleOut(Schema):
    role: str = Field(
        description="SOFAR role: S student, O organisation staff, F faculty, A administrator, R resident."
    )
    organisation: OrganisationRef | None
    title: str


class PersonOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    first_name: str
    last_name: str
    email: str
    phone: str
    is_active: bool
    roles: list[RoleOut]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_roles(obj: Person) -> list[Affiliation]:
        return list(obj.affiliations.all())


class RoleIn(InputSchema):
    role: Role
    organisation: UUID | None = Field(None, description="Required for role O: the organisation they work for.")
    title: str = Field("", max_length=200)


class PersonIn(InputSchema):
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    email: str = ""
    phone: str = ""
    roles: list[RoleIn] = Field(description="At least one.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "first_name": "Fien",
                    "last_name": "Docent",
                    "email": "fien@example.org",
                    "roles": [{"role": "F", "title": "Social work"}],
                }
            ]
        }
    )


class PersonPatch(InputSchema):
    version: Version
    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    email: str | None = None
    phone: str | None = None
    roles: list[RoleIn] | None = Field(None, description="When sent, replaces all roles.")

    model_config = ConfigDict(json_schema_extra={"examples": [{"version": 1, "phone": "+32 9 000 00 00"}]})


class OwnedOut(Schema):
    relationships: int = Field(description="Active relationships the person owns.")
    partnerships: int = Field(description="Partnerships (not ended) the person owns.")


class HandOverOut(Schema):
    from_person: PersonRef
    to_person: PersonRef
    by: str | None
    at: dt.datetime
    relationships: int
    partnerships: int
    note: str

    @staticmethod
    def resolve_by(obj: HandOver) -> str | None:
        user = obj.by
        return (user.get_full_name() or user.username) if user else None


class DeactivateIn(InputSchema):
    to: UUID | None = Field(
        None,
        description="An active colleague of the same institution (student, faculty or administrator) who takes "
        "over what the person owns; needed when they own anything.",
    )

    model_config = ConfigDict(json_schema_extra={"examples": [{"to": "3f2c1d1e-0000-4000-8000-000000000001"}]})


class DeactivatedOut(Schema):
    person: PersonOut
    hand_over: HandOverOut | None


def people(request: HttpRequest) -> QuerySet[Person]:
    return Person.objects.for_user(acting_user(request)).prefetch_related(
        Prefetch("affiliations", queryset=Affiliation.objects.select_related("organisation").order_by("id"))
    )


def _find(request: HttpRequest, public_id: UUID) -> Person:
    return get_for_user_or_404(people(request), public_id=public_id)


def _role_specs(request: HttpRequest, roles: list[RoleIn]) -> list[RoleSpec]:
    visible = Organisation.objects.for_user(acting_user(request))
    return [
        RoleSpec(role=r.role, organisation=one(visible, r.organisation, "organisation"), title=r.title) for r in roles
    ]


@router.get("", response=codes({200: list[PersonOut]}), summary="List people")
@paginate(Pages)
def list_people(
    request: HttpRequest,
    q: SearchTerm = "",
    role: Role | None = None,
    organisation: UUID | None = None,
    active: bool | None = None,
) -> Any:
    """The people you may see, by name: staff see their institution's, a partner its colleagues,
    a student only themselves. Filters, as on the people page (``network.filters``): `q` (every word in the
    first or last name; an e-mail address finds that address), `role`; and `organisation`, `active` (both
    active and inactive people when left out)."""
    term = q.strip()
    status = "all" if active is None else ("active" if active else "inactive")
    queryset = filter_people(people(request), {"q": "" if "@" in term else term, "role": role, "status": status})
    if "@" in term:
        queryset = queryset.filter(email__iexact=term)
    if organisation:
        staff = Affiliation.objects.filter(organisation__public_id=organisation).values("person_id")
        queryset = queryset.filter(pk__in=staff)
    return queryset


@router.get("/{public_id}", response=codes({200: PersonOut}, 404), summary="One person")
def get_person(request: HttpRequest, public_id: UUID) -> Person:
    return _find(request, public_id)


@router.post("", response=codes({201: PersonOut}, 400, 403), summary="Add a person")
def add_person(request: HttpRequest, payload: PersonIn) -> Status:
    """Add someone to your institution's network (institution staff)."""
    user = acting_user(request)
    require(user, "network.add_person")
    if user.institution is None:
        raise DomainError(_("Your account does not belong to an institution, so it cannot keep people."))
    person = create_person(
        by=user,
        institution=user.institution,
        first_name=payload.first_name,
        last_name=payload.last_name,
        email=payload.email,
        phone=payload.phone,
        roles=_role_specs(request, payload.roles),
    )
    return Status(201, _find(request, person.public_id))


@router.patch("/{public_id}", response=codes({200: PersonOut}, 400, 403, 404, 409), summary="Change a person")
def change_person(request: HttpRequest, public_id: UUID, payload: PersonPatch) -> Person:
    """Change the fields sent; `roles`, when sent, replaces all roles. 409 when `version` is stale."""
    user = acting_user(request)
    person = _find(request, public_id)
    require(user, "network.change_person", person)
    data = payload.model_dump(exclude_unset=True, exclude={"version", "roles"})
    roles = _role_specs(request, payload.roles) if payload.roles is not None else None
    update_person(person, by=user, expected_version=payload.version, roles=roles, **data)
    return _find(request, public_id)


# Leaving: hand-over and deactivation.


def _colleagues(person: Person) -> QuerySet[Person]:
    """Who may take over: active people of the same institution on its side, as on the deactivation page."""
    return (
        Person.objects.filter(institution_id=person.institution_id, is_active=True)
        .filter(Exists(Affiliation.objects.filter(person_id=OuterRef("pk"), role__in=INSTITUTION_SIDE)))
        .exclude(pk=person.pk)
    )


@router.get("/{public_id}/owned", response=codes({200: OwnedOut}, 403, 404), summary="What a person owns")
def get_owned(request: HttpRequest, public_id: UUID) -> dict[str, int]:
    """How many relationships and partnerships pass to a colleague when the person is deactivated
    (coordinators and administrators of the person's institution)."""
    person = _find(request, public_id)
    require(acting_user(request), "network.deactivate_person", person)
    relationships, partnerships = owned_counts(person)
    return {"relationships": relationships, "partnerships": partnerships}


@router.get(
    "/{public_id}/hand-overs",
    response=codes({200: list[HandOverOut]}, 403, 404),
    summary="Hand-overs from and to a person",
)
@paginate(Pages)
def list_hand_overs(request: HttpRequest, public_id: UUID) -> Any:
    """What the person handed over or took over, newest first (staff of the person's institution)."""
    person = _find(request, public_id)
    require(acting_user(request), "network.change_person", person)
    return (
        HandOver.objects.filter(Q(from_person=person) | Q(to_person=person))
        .select_related("from_person", "to_person", "by")
        .order_by("-at", "-id")
    )


@router.post(
    "/{public_id}/deactivate",
    response=codes({200: DeactivatedOut}, 400, 403, 404),
    summary="Deactivate a person, handing over what they own",
)
def deactivate(request: HttpRequest, public_id: UUID, payload: DeactivateIn) -> dict[str, Any]:
    """Someone leaves: what they own (relationships, partnerships) passes to `to`, contact moments and
    history stay, their login is closed (coordinators and administrators of the person's institution)."""
    user = acting_user(request)
    person = _find(request, public_id)
    require(user, "network.deactivate_person", person)
    if not person.is_active:
        raise DomainError(_("%(name)s is already inactive.") % {"name": person})
    to = one(_colleagues(person), payload.to, "to")
    deactivate_person(person, by=user, hand_over_to=to)
    hand_over = None
    if to is not None:
        hand_over = (
            HandOver.objects.filter(from_person=person, to_person=to)
            .select_related("from_person", "to_person", "by")
            .order_by("-id")
            .first()
        )
    return {"person": _find(request, public_id), "hand_over": hand_over}


# Personal data (GDPR): a copy of everything kept, and erasure.


@router.get(
    "/{public_id}/personal-data",
    response=codes({200: dict[str, Any]}, 403, 404),
    summary="Export a person's personal data",
    tags=["Personal data"],
)
def get_personal_data(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    """Everything Brug keeps about the person: details, roles, relationships, contact moments, engagements
    (coordinators and administrators of the person's institution). The export is written to the audit trail."""
    user = acting_user(request)
    person = _find(request, public_id)
    require(user, "network.manage_personal_data", person)
    return export_personal_data(person, by=user)


@router.post(
    "/{public_id}/erase",
    response=codes({200: PersonOut}, 400, 403, 404),
    summary="Erase a person's personal data",
    tags=["Personal data"],
)
def erase(request: HttpRequest, public_id: UUID) -> Person:
    """Remove the person's name, e-mail address, phone number, record history and login details; the
    relationships, contact moments and engagements they took part in stay, without a name. Refused (400) while
    they still own relationships or partnerships: hand them over first. Cannot be undone."""
    user = acting_user(request)
    person = _find(request, public_id)
    require(user, "network.manage_personal_data", person)
    erase_person(person, by=user)
    return _find(request, public_id)
