"""Relationships between two actors, and their contact moments (interactions)."""

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from accounts.access import get_for_user_or_404, require
from api.auth import acting_user
from api.errors import codes
from api.lookups import many, one
from api.pagination import Pages
from api.schemas import InputSchema, PersonRef, choice
from lib.errors import DomainError
from network.models import Institution, Interaction, Organisation, Person, Relationship, SofarRole
from network.selectors import stale_cutoff
from network.services import create_relationship, initiator_code, log_interaction

router = Router(tags=["Relationships"])

Role = choice(SofarRole)
Channel = choice(Interaction.Channel)
Mode = choice(Interaction.Mode)
RelationshipStatus = choice(Relationship.Status)


class ActorOut(Schema):
    kind: Literal["person", "organisation"]
    id: UUID
    name: str
    role: str = Field(description="The SOFAR role this actor takes in the relationship.")


def actor_out(actor: Person | Organisation, role: str) -> dict[str, Any]:
    kind = "organisation" if isinstance(actor, Organisation) else "person"
    return {"kind": kind, "id": actor.public_id, "name": str(actor), "role": role}


class RelationshipOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    a: ActorOut
    b: ActorOut
    description: str
    status: str
    owners: list[PersonRef]
    last_contact_on: dt.date | None
    orphaned: bool = Field(description="No active owner left inside the institution.")
    version: int
    created_at: dt.datetime

    @staticmethod
    def resolve_a(obj: Relationship) -> dict[str, Any]:
        return actor_out(obj.a, obj.a_role)

    @staticmethod
    def resolve_b(obj: Relationship) -> dict[str, Any]:
        return actor_out(obj.b, obj.b_role)

    @staticmethod
    def resolve_owners(obj: Relationship) -> list[Person]:
        return list(obj.owners.all())


class ActorIn(InputSchema):
    kind: Literal["person", "organisation"]
    id: UUID


class RelationshipIn(InputSchema):
    a: ActorIn
    a_role: Role
    b: ActorIn
    b_role: Role
    owners: list[UUID] = Field(description="People of your institution who keep the relationship alive.")
    description: str = Field("", max_length=300)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "a": {"kind": "person", "id": "3f2c1d1e-0000-4000-8000-000000000001"},
                    "a_role": "F",
                    "b": {"kind": "organisation", "id": "3f2c1d1e-0000-4000-8000-000000000002"},
                    "b_role": "O",
                    "owners": ["3f2c1d1e-0000-4000-8000-000000000001"],
                    "description": "Service-learning in the youth centre",
                }
            ]
        }
    )


class InteractionOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    occurred_on: dt.date
    channel: str
    mode: str
    intermediary: PersonRef | None
    initiated_by: str = Field(description="`a`, `b` (the end of the relationship) or `both`.")
    summary: str
    logged_by: str | None
    created_at: dt.datetime

    @staticmethod
    def resolve_logged_by(obj: Interaction) -> str | None:
        user = obj.logged_by
        return (user.get_full_name() or user.username) if user else None


class InteractionIn(InputSchema):
    occurred_on: dt.date
    channel: Channel = Interaction.Channel.MEETING.value
    mode: Mode = Interaction.Mode.DIRECT.value
    intermediary: UUID | None = Field(None, description="A person of the institution; only for indirect contact.")
    initiated_by: Literal["ours", "theirs", "both"] = Field(
        "ours", description="Who took the initiative: the institution's side, the partner's side or both."
    )
    summary: str = Field(max_length=1000)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"occurred_on": "2026-03-02", "channel": "visit", "summary": "Visited the youth centre"}]
        }
    )


def relationships(request: HttpRequest) -> QuerySet[Relationship]:
    return Relationship.objects.for_user(acting_user(request)).with_actors().prefetch_related("owners")


def _find(request: HttpRequest, public_id: UUID) -> Relationship:
    return get_for_user_or_404(relationships(request), public_id=public_id)


def _stale(request: HttpRequest) -> Q:
    """No contact since the threshold of the relationship's own institution (or never)."""
    user = acting_user(request)
    institutions = [user.institution] if user.institution_id else list(Institution.objects.all())
    by_cutoff: dict[dt.date, list[int]] = {}
    for institution in institutions:
        by_cutoff.setdefault(stale_cutoff(institution), []).append(institution.pk)
    old = Q(pk__in=[])
    for cutoff, ids in by_cutoff.items():
        old |= Q(institution_id__in=ids, last_contact_on__lt=cutoff)
    return Q(status=Relationship.Status.ACTIVE) & (old | Q(last_contact_on__isnull=True))


@router.get("", response=codes({200: list[RelationshipOut]}), summary="List relationships")
@paginate(Pages)
def list_relationships(
    request: HttpRequest,
    organisation: UUID | None = None,
    person: UUID | None = None,
    orphaned: bool | None = None,
    stale: bool | None = None,
    status: RelationshipStatus | None = None,
) -> Any:
    """The relationships you may see, most recent contact first. Filters: `organisation` or `person` at either
    end, `orphaned` (no active owner), `stale` (active, without contact since your institution's threshold),
    `status`."""
    queryset = relationships(request)
    if organisation:
        queryset = queryset.filter(
            Q(a_organisation__public_id=organisation) | Q(b_organisation__public_id=organisation)
        )
    if person:
        queryset = queryset.filter(Q(a_person__public_id=person) | Q(b_person__public_id=person))
    if orphaned is not None:
        queryset = queryset.filter(orphaned=orphaned)
    if stale is not None:
        queryset = queryset.filter(_stale(request)) if stale else queryset.exclude(_stale(request))
    if status:
        queryset = queryset.filter(status=status)
    return queryset


@router.get("/{public_id}", response=codes({200: RelationshipOut}, 404), summary="One relationship")
def get_relationship(request: HttpRequest, public_id: UUID) -> Relationship:
    return _find(request, public_id)


def _actor(request: HttpRequest, ref: ActorIn, field: str) -> Person | Organisation:
    user = acting_user(request)
    queryset = Organisation.objects.for_user(user) if ref.kind == "organisation" else Person.objects.for_user(user)
    return one(queryset, ref.id, field)  # type: ignore[return-value]


@router.post("", response=codes({201: RelationshipOut}, 400, 403), summary="Add a relationship")
def add_relationship(request: HttpRequest, payload: RelationshipIn) -> Status:
    """Record a relationship of your institution between two actors (institution staff)."""
    user = acting_user(request)
    require(user, "network.add_relationship")
    if user.institution is None:
        raise DomainError(_("Your account does not belong to an institution."))
    relationship = create_relationship(
        by=user,
        institution=user.institution,
        a=_actor(request, payload.a, "a"),
        a_role=payload.a_role,
        b=_actor(request, payload.b, "b"),
        b_role=payload.b_role,
        owners=many(Person.objects.for_user(user), payload.owners, "owners"),
        description=payload.description,
    )
    return Status(201, _find(request, relationship.public_id))


def interactions(relationship: Relationship) -> QuerySet[Interaction]:
    return relationship.interactions.select_related("intermediary", "logged_by").order_by("-occurred_on", "-id")


@router.get(
    "/{public_id}/interactions",
    response=codes({200: list[InteractionOut]}, 404),
    summary="Contact moments of a relationship",
    tags=["Contact moments"],
)
@paginate(Pages)
def list_interactions(request: HttpRequest, public_id: UUID) -> Any:
    """The contact moments of one relationship, newest first."""
    return interactions(_find(request, public_id))


@router.post(
    "/{public_id}/interactions",
    response=codes({201: InteractionOut}, 400, 403, 404),
    summary="Log a contact moment",
    tags=["Contact moments"],
)
def add_interaction(request: HttpRequest, public_id: UUID, payload: InteractionIn) -> Status:
    """Log a contact moment on a relationship: staff of its institution, or someone at one of its ends."""
    user = acting_user(request)
    relationship = _find(request, public_id)
    require(user, "network.log_interaction", relationship)
    intermediary = one(Person.objects.for_user(user), payload.intermediary, "intermediary")
    interaction = log_interaction(
        relationship,
        by=user,
        occurred_on=payload.occurred_on,
        summary=payload.summary,
        channel=payload.channel,
        mode=payload.mode,
        initiated_by=initiator_code(relationship, payload.initiated_by),
        intermediary=intermediary,  # type: ignore[arg-type]
    )
    return Status(201, interactions(relationship).get(pk=interaction.pk))
