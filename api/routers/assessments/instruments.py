"""Assessment instruments through the API: the questionnaires you may ask with (built-in ones and your
institution's own), one with its items, a copy to adapt, and a change to an item's wording."""

from typing import Any

from django.db.models import Count, F, Q
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from accounts.access import require
from api.auth import acting_user
from api.errors import codes
from api.pagination import Pages
from api.routers.assessments.base import InstrumentKind, router
from api.schemas import InputSchema, SearchTerm
from assessment.models import Instrument, InstrumentItem
from assessment.services import ITEM_TEXT_FIELDS, copy_instrument, instruments_for_user, item_fingerprint, update_item
from lib.errors import DomainError


class AssessmentInstrumentOut(Schema):
    slug: str = Field(description="Send this to start a round with the instrument.")
    name: str
    description: str
    kind: str
    built_in: bool = Field(description="A built-in instrument every institution can use, or your institution's own.")
    items: int = Field(description="Number of questions.")
    active: bool

    @staticmethod
    def resolve_built_in(obj: Instrument) -> bool:
        return obj.institution_id is None

    @staticmethod
    def resolve_items(obj: Any) -> int:
        return obj.item_count

    @staticmethod
    def resolve_active(obj: Instrument) -> bool:
        return obj.is_active


@router.get("/instruments", response=codes({200: list[AssessmentInstrumentOut]}, 403), summary="List instruments")
@paginate(Pages)
def list_instruments(request: HttpRequest, q: SearchTerm = "", kind: InstrumentKind | None = None) -> Any:
    """The built-in questionnaires and your institution's own (institution staff). Filters: `q` (part of the
    name), `kind`."""
    user = acting_user(request)
    require(user, "assessment.view_instrument")
    queryset = instruments_for_user(user)
    if q.strip():
        queryset = queryset.filter(Q(name_nl__icontains=q.strip()) | Q(name_en__icontains=q.strip()))
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.annotate(item_count=Count("items")).order_by(
        F("institution_id").asc(nulls_first=True), "name_nl", "id"
    )


def _instrument(user: Any, slug: str) -> Instrument:
    # The institution's own copy wins over a built-in one with the same slug, as on the instrument pages.
    instrument = (
        instruments_for_user(user)
        .filter(slug=slug, is_active=True)
        .order_by(F("institution_id").asc(nulls_last=True))
        .first()
    )
    if instrument is None:
        raise DomainError({"instrument": _("No such instrument, or not one you can use: %(slug)s") % {"slug": slug}})
    return instrument


class InstrumentItemOut(Schema):
    domain: str = Field(description="Identifies the item within the instrument; use it to change the item.")
    order: int
    dimension: str
    label_nl: str
    label_en: str
    text_nl: str
    text_en: str
    low_nl: str
    low_en: str
    high_nl: str
    high_en: str
    fingerprint: str = Field(description="Send it back with a change: a change to newer texts is refused (409).")

    @staticmethod
    def resolve_fingerprint(obj: InstrumentItem) -> str:
        return item_fingerprint(obj)


class InstrumentDetailOut(Schema):
    slug: str
    name: str
    description: str
    kind: str
    built_in: bool = Field(description="Built in (copy it to adapt it), or your institution's own.")
    active: bool
    can_change: bool = Field(description="You may change the wording of its items.")
    items: list[InstrumentItemOut]


class ItemPatch(InputSchema):
    """The texts sent are changed, in both languages as sent; `fingerprint` is the one you read."""

    fingerprint: str = Field(max_length=64)
    label_nl: str | None = Field(None, min_length=1, max_length=100)
    label_en: str | None = Field(None, min_length=1, max_length=100)
    text_nl: str | None = Field(None, min_length=1, max_length=5000)
    text_en: str | None = Field(None, min_length=1, max_length=5000)
    low_nl: str | None = Field(None, max_length=300)
    low_en: str | None = Field(None, max_length=300)
    high_nl: str | None = Field(None, max_length=300)
    high_en: str | None = Field(None, max_length=300)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "fingerprint": "0123456789abcdef",
                    "text_nl": "Hoe vaak zien jullie elkaar?",
                    "text_en": "How often do you meet?",
                }
            ]
        }
    )


def _shown_instrument(request: HttpRequest, slug: str) -> Instrument:
    """An instrument the user may read, the institution's own before a built-in one, as on its page."""
    user = acting_user(request)
    require(user, "assessment.view_instrument")
    instrument = (
        instruments_for_user(user)
        .filter(slug=slug)
        .select_related("institution")
        .order_by(F("institution_id").asc(nulls_last=True))
        .first()
    )
    if instrument is None:
        raise Http404
    return instrument


def _instrument_detail(request: HttpRequest, instrument: Instrument) -> dict[str, Any]:
    user = acting_user(request)
    return {
        "slug": instrument.slug,
        "name": instrument.name,
        "description": instrument.description,
        "kind": instrument.kind,
        "built_in": instrument.institution_id is None,
        "active": instrument.is_active,
        "can_change": instrument.institution_id is not None
        and user.has_perm("assessment.change_instrument", instrument),
        "items": list(instrument.items.order_by("order", "id")),
    }


@router.get("/instruments/{slug}", response=codes({200: InstrumentDetailOut}, 403, 404), summary="One instrument")
def get_instrument(request: HttpRequest, slug: str) -> dict[str, Any]:
    """An instrument with its items (domains and questions, in both languages), institution staff."""
    return _instrument_detail(request, _shown_instrument(request, slug))


@router.post(
    "/instruments/{slug}/copy",
    response=codes({201: InstrumentDetailOut}, 400, 403, 404),
    summary="Copy an instrument to adapt it",
)
def copy_to_adapt(request: HttpRequest, slug: str) -> Status:
    """Your institution's own copy of an instrument, to adapt its questions; rounds already run keep the
    original (coordinators and administrators)."""
    user = acting_user(request)
    instrument = _shown_instrument(request, slug)
    require(user, "assessment.copy_instrument")
    if user.institution is None:
        raise DomainError(_("Your account does not belong to an institution."))
    own = copy_instrument(instrument, by=user, institution=user.institution)
    return Status(201, _instrument_detail(request, own))


@router.patch(
    "/instruments/{slug}/items/{domain}",
    response=codes({200: InstrumentItemOut}, 400, 403, 404, 409),
    summary="Change the wording of an item",
)
def change_item(request: HttpRequest, slug: str, domain: str, payload: ItemPatch) -> InstrumentItem:
    """Change the texts sent of one item of your institution's own instrument (coordinators and
    administrators). Built-in instruments cannot be changed: copy them first. Answers 409 when someone else
    changed the item since you read its `fingerprint`."""
    user = acting_user(request)
    instrument = _shown_instrument(request, slug)
    require(user, "assessment.change_instrument", instrument)
    if instrument.institution_id is None:
        raise Http404
    item = instrument.items.filter(domain=domain).first()
    if item is None:
        raise Http404
    texts = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if k in ITEM_TEXT_FIELDS}
    texts = {k: ("" if v is None else v) for k, v in texts.items()}
    return update_item(item, by=user, expected_fingerprint=payload.fingerprint, **texts)
