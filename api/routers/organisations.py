"""Organisations: the shared directory of community partners."""

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from accounts.access import get_for_user_or_404, require
from api.auth import acting_user
from api.errors import codes
from api.lookups import one, terms
from api.pagination import Pages
from api.routers.relationships import ContactIn, InteractionOut, interaction_rows, log_contact
from api.schemas import InputSchema, SearchTerm, TermOut, Text, Version, choice
from lib.errors import DomainError
from network.contacts import add_contact, authorise_contact_change, organisation_recipients, remove_contact
from network.filters import filter_organisations
from network.models import Organisation, OrganisationContact, OrganisationNote, TargetGroup, Theme
from network.queries import organisation_relationships, organisation_timeline
from network.services import add_organisation_note, contact_relationship, create_organisation, update_organisation

router = Router(tags=["Organisations"])

Kind = choice(Organisation.Kind)

EXAMPLE = {
    "name": "Buurtwerk De Brug",
    "kind": "nonprofit",
    "mission": "Neighbourhood work with children and families.",
    "themes": ["poverty"],
    "target_groups": ["children"],
    "street": "Brugstraat 1",
    "postcode": "9000",
    "city": "Gent",
    "website": "https://example.org",
    "email": "info@example.org",
    "capacity_per_period": 3,
}


class OrganisationOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    name: str
    kind: str
    mission: str
    themes: list[TermOut]
    target_groups: list[TermOut]
    street: str
    postcode: str
    city: str
    latitude: float | None
    longitude: float | None
    enterprise_number: str
    website: str
    email: str
    phone: str
    capacity_per_period: int
    is_active: bool
    version: int = Field(description="Send it back with a change, so that nobody's edit is silently overwritten.")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_themes(obj: Organisation) -> list[dict[str, str]]:
        return [{"slug": t.slug, "name": t.name} for t in obj.themes.all()]

    @staticmethod
    def resolve_target_groups(obj: Organisation) -> list[dict[str, str]]:
        return [{"slug": t.slug, "name": t.name} for t in obj.target_groups.all()]


class MailRecipientOut(Schema):
    email: str
    kind: str = Field(description="`login`: a partner user of the organisation; `contact`: a mail contact.")
    verified: bool = Field(description="Only verified addresses receive anything.")
    receives: list[str] = Field(description="What the address receives, in your language; empty until verified.")
    since: dt.datetime | None = Field(description="When the address was verified.")
    approved_by: str = Field(description="Who vouched for a mail contact (empty for the system).")


class OrganisationDetailOut(OrganisationOut):
    mail_recipients: list[MailRecipientOut] = Field(
        description="Who receives the organisation's proposals and answer links: its verified contacts."
    )

    @staticmethod
    def resolve_mail_recipients(obj: Organisation) -> list[dict[str, Any]]:
        return [
            {
                "email": r.email,
                "kind": r.kind,
                "verified": r.verified,
                "receives": r.receives,
                "since": r.since,
                "approved_by": r.approved_by,
            }
            for r in organisation_recipients(obj.pk)
        ]


class MailContactIn(InputSchema):
    email: str = Field(max_length=254)
    name: str = Field("", max_length=200)
    language: Literal["nl", "en"] = "nl"

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"email": "vrijwilligers@example.org", "name": "Mia", "language": "nl"}]}
    )


class OrganisationIn(InputSchema):
    name: str = Field(max_length=200)
    kind: Kind = Organisation.Kind.NONPROFIT.value
    mission: str = ""
    themes: list[str] = Field(default_factory=list, description="Slugs of themes.")
    target_groups: list[str] = Field(default_factory=list, description="Slugs of target groups.")
    street: str = ""
    postcode: str = ""
    city: str = ""
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    enterprise_number: str = ""
    website: str = ""
    email: str = ""
    phone: str = ""
    capacity_per_period: int = Field(3, ge=0, le=32767)
    is_active: bool = True

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE]})


class OrganisationPatch(InputSchema):
    """Only the fields sent are changed; ``version`` is the one you read."""

    version: Version
    name: str | None = Field(None, max_length=200)
    kind: Kind | None = None
    mission: str | None = None
    themes: list[str] | None = None
    target_groups: list[str] | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    enterprise_number: str | None = None
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    capacity_per_period: int | None = Field(None, ge=0, le=32767)
    is_active: bool | None = None

    model_config = ConfigDict(json_schema_extra={"examples": [{"version": 1, "city": "Gent", "themes": ["poverty"]}]})


class NoteOut(Schema):
    id: int
    text: str
    author: str | None
    created_at: dt.datetime

    @staticmethod
    def resolve_author(obj: OrganisationNote) -> str | None:
        user = obj.author
        return (user.get_full_name() or user.username) if user else None


class NoteIn(InputSchema):
    text: str = Field(max_length=4000)

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"text": "Ask for Mia: she plans the volunteers in spring."}]}
    )


def organisations(request: HttpRequest) -> QuerySet[Organisation]:
    return Organisation.objects.for_user(acting_user(request)).prefetch_related("themes", "target_groups")


def _find(request: HttpRequest, public_id: UUID) -> Organisation:
    return get_for_user_or_404(organisations(request), public_id=public_id)


@router.get("", response=codes({200: list[OrganisationOut]}), summary="List organisations")
@paginate(Pages)
def list_organisations(
    request: HttpRequest,
    q: SearchTerm = "",
    kind: Kind | None = None,
    theme: Text = "",
    city: Text = "",
    active: bool | None = None,
) -> Any:
    """The organisations you may see, by name. A partner sees its own organisation only.

    Filters, as on the organisations page (``network.filters``): `q` (part of the name or city, or the start of
    the postcode), `kind`, `theme` (slug), `city`; and `active`."""
    chosen_theme = Theme.objects.filter(slug=theme.strip()).first() if theme.strip() else None
    if theme.strip() and chosen_theme is None:
        return Organisation.objects.none()
    queryset = filter_organisations(
        organisations(request), {"q": q, "kind": kind, "theme": chosen_theme, "city": city.strip()}
    )
    if active is not None:
        queryset = queryset.filter(is_active=active)
    return queryset


@router.get("/{public_id}", response=codes({200: OrganisationDetailOut}, 404), summary="One organisation")
def get_organisation(request: HttpRequest, public_id: UUID) -> Organisation:
    """The organisation, with who receives its mail (``mail_recipients``)."""
    return _find(request, public_id)


@router.post(
    "/{public_id}/mail-contacts",
    response=codes({201: OrganisationDetailOut}, 400, 403, 404),
    summary="Add a mail contact",
    tags=["Mail contacts"],
)
def add_mail_contact(request: HttpRequest, public_id: UUID, payload: MailContactIn) -> Status:
    """Vouch for an address as the organisation's (its partner users, or the office). A confirmation link goes
    to the address; it receives the organisation's proposals once it used the link."""
    user = acting_user(request)
    organisation = _find(request, public_id)
    add_contact(organisation, by=user, email=payload.email, name=payload.name, language=payload.language)
    return Status(201, _find(request, public_id))


@router.delete(
    "/{public_id}/mail-contacts",
    response=codes({200: OrganisationDetailOut}, 403, 404),
    summary="Remove a mail contact",
    tags=["Mail contacts"],
)
def remove_mail_contact(request: HttpRequest, public_id: UUID, email: Text) -> Organisation:
    """Stop mailing the address (its partner users, or the office). The address is told."""
    user = acting_user(request)
    organisation = _find(request, public_id)
    authorise_contact_change(user, organisation)
    contact = get_for_user_or_404(
        OrganisationContact.objects.filter(organisation=organisation), email=email.strip().lower()
    )
    remove_contact(contact, by=user)
    return _find(request, public_id)


@router.post("", response=codes({201: OrganisationOut}, 400, 403), summary="Add an organisation")
def add_organisation(request: HttpRequest, payload: OrganisationIn) -> Status:
    """Add a community partner to the shared directory (institution staff)."""
    user = acting_user(request)
    require(user, "network.add_organisation")
    data = payload.model_dump(exclude={"themes", "target_groups"})
    organisation = create_organisation(
        by=user,
        themes=terms(Theme.objects.all(), payload.themes, "themes"),
        target_groups=terms(TargetGroup.objects.all(), payload.target_groups, "target_groups"),
        **data,
    )
    return Status(201, _find(request, organisation.public_id))


@router.patch(
    "/{public_id}", response=codes({200: OrganisationOut}, 400, 403, 404, 409), summary="Change an organisation"
)
def change_organisation(request: HttpRequest, public_id: UUID, payload: OrganisationPatch) -> Organisation:
    """Change the fields sent. Answers 409 when someone else changed it since you read `version`."""
    user = acting_user(request)
    organisation = _find(request, public_id)
    require(user, "network.change_organisation", organisation)
    data = payload.model_dump(exclude_unset=True, exclude={"version", "themes", "target_groups"})
    themes = terms(Theme.objects.all(), payload.themes, "themes") if payload.themes is not None else None
    groups = payload.target_groups
    target_groups = terms(TargetGroup.objects.all(), groups, "target_groups") if groups is not None else None
    update_organisation(
        organisation,
        by=user,
        expected_version=payload.version,
        themes=themes,
        target_groups=target_groups,
        **data,
    )
    return _find(request, public_id)


# Internal notes: each institution's own, never shown to another institution or to a partner.


@router.get(
    "/{public_id}/notes",
    response=codes({200: list[NoteOut]}, 403, 404),
    summary="Your institution's internal notes on an organisation",
    tags=["Internal notes"],
)
@paginate(Pages)
def list_notes(request: HttpRequest, public_id: UUID) -> Any:
    """Your institution's internal notes on the organisation, newest first (institution staff). Notes of
    other institutions are never listed."""
    user = acting_user(request)
    organisation = _find(request, public_id)
    require(user, "network.view_organisationnote")
    return (
        OrganisationNote.objects.filter(organisation=organisation, institution_id=user.institution_id)
        .select_related("author")
        .order_by("-created_at", "-id")
    )


@router.post(
    "/{public_id}/notes",
    response=codes({201: NoteOut}, 400, 403, 404),
    summary="Add an internal note on an organisation",
    tags=["Internal notes"],
)
def add_note(request: HttpRequest, public_id: UUID, payload: NoteIn) -> Status:
    """Add an internal note, visible to your institution's staff only."""
    user = acting_user(request)
    organisation = _find(request, public_id)
    require(user, "network.add_organisationnote")
    note = add_organisation_note(organisation, by=user, text=payload.text)
    return Status(201, OrganisationNote.objects.select_related("author").get(pk=note.pk))


# Contact moments with the organisation, as on its page.


@router.get(
    "/{public_id}/interactions",
    response=codes({200: list[InteractionOut]}, 403, 404),
    summary="Contact moments with an organisation",
    tags=["Contact moments"],
)
@paginate(Pages)
def list_organisation_interactions(request: HttpRequest, public_id: UUID) -> Any:
    """The contact moments of the organisation's relationships you may see, newest first."""
    user = acting_user(request)
    organisation = _find(request, public_id)
    require(user, "network.use_network")
    return interaction_rows(organisation_timeline(user, organisation))


@router.post(
    "/{public_id}/interactions",
    response=codes({201: InteractionOut}, 400, 403, 404),
    summary="Log a contact moment with an organisation",
    tags=["Contact moments"],
)
def log_organisation_contact(request: HttpRequest, public_id: UUID, payload: ContactIn) -> Status:
    """Log a contact moment on one of the organisation's relationships (`relationship`), or, left out, on
    your own relationship with it, made on first use (institution members linked to a person). A partner
    names the relationship."""
    user = acting_user(request)
    organisation = _find(request, public_id)
    require(user, "network.use_network")
    with transaction.atomic():
        relationship = one(organisation_relationships(user, organisation), payload.relationship, "relationship")
        if relationship is None:
            if user.is_partner:
                raise DomainError({"relationship": _("Choose the relationship this contact belongs to.")})
            relationship = contact_relationship(user, organisation)
        interaction = log_contact(request, relationship, payload)
    return Status(201, interaction)
