"""People of an institution's network, in their SOFAR roles."""

import datetime as dt
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, Q, QuerySet
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
from api.schemas import InputSchema, OrganisationRef, Text, Version, choice
from lib.errors import DomainError
from network.models import Affiliation, Organisation, Person, SofarRole
from network.services import RoleSpec, create_person, update_person

router = Router(tags=["People"])

Role = choice(SofarRole)


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
    q: Text = "",
    role: Role | None = None,
    organisation: UUID | None = None,
    active: bool | None = None,
) -> Any:
    """The people you may see, by name: staff see their institution's, a partner its colleagues,
    a student only themselves. Filters: `q` (part of a name or the e-mail address), `role`, `organisation`,
    `active`."""
    queryset = people(request)
    if q:
        term = q.strip()
        queryset = queryset.filter(Q(first_name__icontains=term) | Q(last_name__icontains=term) | Q(email__iexact=term))
    if role:
        queryset = queryset.filter(pk__in=Affiliation.objects.filter(role=role).values("person_id"))
    if organisation:
        staff = Affiliation.objects.filter(organisation__public_id=organisation).values("person_id")
        queryset = queryset.filter(pk__in=staff)
    if active is not None:
        queryset = queryset.filter(is_active=active)
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
