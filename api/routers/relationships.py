"""Relationships between two actors, and their contact moments (interactions)."""

import datetime as dt
from typing import Annotated, Any, Literal
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
from network.filters import filter_relationships
from network.models import Affiliation, Institution, Interaction, Organisation, Person, Relationship, SofarRole
from network.queries import owners_fingerprint, summary_visible
from network.selectors import stale, stale_cutoff
from network.services import create_relationship, initiator_code, log_interaction, set_relationship_owners

router = Router(tags=["Relationships"])

Role = choice(SofarRole)
Channel = choice(Interaction.Channel)
Mode = choice(Interaction.Mode)
RelationshipStatus = choice(Relationship.Status)
Pair = Annotated[
    str,
    Field(
        pattern=r"^[SOFAR]-[SOFAR]$",
        description="Two SOFAR role codes, either way round: `S-O` is students with organisations.",
        examples=["S-O"],
    ),
]
Side = Literal["ours", "theirs", "both"]
INSTITUTION_SIDE = (SofarRole.STUDENT, SofarRole.FACULTY, SofarRole.ADMINISTRATOR)


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
    relationship: UUID = Field(description="The relationship the contact moment belongs to.")
    occurred_on: dt.date
    channel: str
    mode: str
    intermediary: PersonRef | None
    initiated_by: str = Field(description="`a`, `b` (the end of the relationship) or `both`.")
    decision: str = Field(description="Who proposed a decision taken: `a`, `b`, `both`, or empty for none.")
    summary: str = Field(description="Empty for a partner's user when the institution did not share it.")
    summary_shared: bool = Field(description="Whether the partner organisation may read the summary.")
    logged_by: str | None
    created_at: dt.datetime

    @staticmethod
    def resolve_summary(obj: Interaction, context: Any) -> str:
        request = (context or {}).get("request")
        # Fails closed: without a known reader, no summary.
        return obj.summary if request is not None and summary_visible(acting_user(request), obj) else ""

    @staticmethod
    def resolve_relationship(obj: Interaction) -> UUID:
        return obj.relationship.public_id

    @staticmethod
    def resolve_logged_by(obj: Interaction) -> str | None:
        user = obj.logged_by
        return (user.get_full_name() or user.username) if user else None


class InteractionIn(InputSchema):
    occurred_on: dt.date
    channel: Channel = Interaction.Channel.MEETING.value
    mode: Mode = Interaction.Mode.DIRECT.value
    intermediary: UUID | None = Field(None, description="A person of the institution; only for indirect contact.")
    initiated_by: Side = Field(
        "ours", description="Who took the initiative: the institution's side, the partner's side or both."
    )
    decision: Side | None = Field(None, description="Who proposed a decision taken in the contact; null for none.")
    summary: str = Field(max_length=1000)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"occurred_on": "2026-03-02", "channel": "visit", "summary": "Visited the youth centre"}]
        }
    )


class ContactIn(InteractionIn):
    relationship: UUID | None = Field(
        None,
        description="One of the relationships with this organisation you may see; left out: your own "
        "relationship with it (made on first use).",
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"occurred_on": "2026-03-02", "channel": "phone", "summary": "Called about the spring project"}
            ]
        }
    )


class OwnersOut(Schema):
    owners: list[PersonRef]
    current: str = Field(description="Fingerprint of these owners: send it back when you replace them.")


class OwnersIn(InputSchema):
    owners: list[UUID] = Field(
        min_length=1, description="Active people of your institution (students, faculty, administrators)."
    )
    current: str = Field(
        max_length=4000,
        description="The `current` you read: when someone changed the owners since, nothing changes (409).",
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "owners": ["3f2c1d1e-0000-4000-8000-000000000001", "3f2c1d1e-0000-4000-8000-000000000004"],
                    "current": "3f2c1d1e-0000-4000-8000-000000000001",
                }
            ]
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
    rule = Q(pk__in=[])
    for cutoff, ids in by_cutoff.items():
        rule |= Q(institution_id__in=ids) & stale(cutoff)
    return rule


@router.get("", response=codes({200: list[RelationshipOut]}), summary="List relationships")
@paginate(Pages)
def list_relationships(
    request: HttpRequest,
    organisation: UUID | None = None,
    person: UUID | None = None,
    owner: UUID | None = None,
    pair: Pair | None = None,
    orphaned: bool | None = None,
    stale: bool | None = None,
    status: RelationshipStatus | None = None,
) -> Any:
    """The relationships you may see, most recent contact first. Filters, as on the relationships page
    (``network.filters``): `pair` (two SOFAR role codes, either way round, e.g. `S-O`),
    `organisation` at either end, `owner` (a person), `status`; and `person` at either end, `orphaned` (no
    active owner), `stale` (active, without contact since your institution's threshold)."""
    visible = relationships(request)
    chosen = {
        "pair": pair,
        "status": status,
        "organisation": Organisation.objects.filter(public_id=organisation).first() if organisation else None,
        "owner": Person.objects.filter(public_id=owner).first() if owner else None,
    }
    if (organisation and chosen["organisation"] is None) or (owner and chosen["owner"] is None):
        return visible.none()
    queryset = filter_relationships(visible, chosen, institution=None)
    if person:
        queryset = queryset.filter(Q(a_person__public_id=person) | Q(b_person__public_id=person))
    if orphaned is not None:
        queryset = queryset.filter(orphaned=orphaned)
    if stale is not None:
        queryset = queryset.filter(_stale(request)) if stale else queryset.exclude(_stale(request))
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


def interaction_rows(queryset: QuerySet[Interaction]) -> QuerySet[Interaction]:
    """Contact moments of several relationships, ready for ``InteractionOut``."""
    return queryset.select_related("relationship", "intermediary", "logged_by").order_by("-occurred_on", "-id")


def log_contact(request: HttpRequest, relationship: Relationship, payload: InteractionIn) -> Interaction:
    """Log ``payload`` on ``relationship`` with the same service and checks as the pages' contact panel."""
    user = acting_user(request)
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
        decision=initiator_code(relationship, payload.decision) if payload.decision else "",
        intermediary=intermediary,  # type: ignore[arg-type]
    )
    return interaction_rows(Interaction.objects.filter(pk=interaction.pk)).get()


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
    return Status(201, log_contact(request, _find(request, public_id), payload))


def _owners_out(relationship: Relationship) -> dict[str, Any]:
    return {
        "owners": list(relationship.owners.order_by("last_name", "first_name", "id")),
        "current": owners_fingerprint(relationship),
    }


def _changeable(request: HttpRequest, public_id: UUID) -> Relationship:
    relationship = _find(request, public_id)
    require(acting_user(request), "network.change_relationship", relationship)
    return relationship


@router.get("/{public_id}/owners", response=codes({200: OwnersOut}, 403, 404), summary="Owners of a relationship")
def get_owners(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    """The people inside the institution who keep the relationship alive (its institution's staff)."""
    return _owners_out(_changeable(request, public_id))


@router.put(
    "/{public_id}/owners",
    response=codes({200: OwnersOut}, 400, 403, 404, 409),
    summary="Replace the owners of a relationship",
)
def replace_owners(request: HttpRequest, public_id: UUID, payload: OwnersIn) -> dict[str, Any]:
    """Replace the owners, as on the relationship's owners page. Send back the `current` you read: when
    someone else changed the owners since, the answer is 409 and nothing changes."""
    user = acting_user(request)
    relationship = _changeable(request, public_id)
    owners = many(Person.objects.for_user(user), payload.owners, "owners")
    on_our_side = set(
        Affiliation.objects.filter(person__in=owners, role__in=INSTITUTION_SIDE).values_list("person_id", flat=True)
    )
    for owner in owners:
        if owner.pk not in on_our_side:
            raise DomainError(
                {"owners": _("%(name)s cannot own it: owners are active people of the institution.") % {"name": owner}}
            )
    set_relationship_owners(relationship, by=user, owners=owners, expected_owners=payload.current)
    return _owners_out(relationship)
