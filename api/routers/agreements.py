"""Agreements: versioned expectations of a partnership or engagement, sent for signing. Same services,
visibility and permissions as the agreement pages: a partner reads what was sent to it, never a draft."""

import datetime as dt
from typing import Any
from uuid import UUID

from django.db.models import F, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from accounts.access import get_for_user_or_404, is_institution_member, require
from accounts.services import renew_calendar_secret, switch_off_calendar
from agreements import ical
from agreements.access import version_scope
from agreements.diff import diff_versions
from agreements.models import Agreement, AgreementTemplate, AgreementVersion, Signatory
from agreements.pdf import render_pdf
from agreements.sections import BALANCE_PARTIES, BALANCE_SIDES, SECTION_KEYS, TEXT_SECTIONS, normalise
from agreements.services import (
    SignatorySpec,
    content_from_template,
    create_agreement,
    latest_version,
    send_agreement,
    templates_for,
    update_agreement,
)
from api.auth import acting_user
from api.errors import codes
from api.lookups import one
from api.pagination import Pages
from api.schemas import SearchTerm
from api.schemas_agreements import (
    MAX_NUMBER,
    AgreementCalendarOut,
    AgreementContentIn,
    AgreementDetailOut,
    AgreementDiffOut,
    AgreementIn,
    AgreementOut,
    AgreementPatch,
    AgreementSendIn,
    AgreementStatus,
    AgreementTemplateOut,
    AgreementVersionContentOut,
    Number,
)
from engagements.models import Engagement
from lib.errors import DomainError
from partnerships.models import Partnership

router = Router(tags=["Agreements"])

EDITABLE = (Agreement.Status.DRAFT, Agreement.Status.SENT, Agreement.Status.PARTLY_SIGNED)

# Reading


def _agreements(request: HttpRequest) -> QuerySet[Agreement]:
    return Agreement.objects.for_user(acting_user(request)).select_related("institution", "partnership", "engagement")


def _visible_versions(user: Any) -> QuerySet[AgreementVersion]:
    return AgreementVersion.objects.filter(version_scope(user)).order_by("-number")


def _find(request: HttpRequest, public_id: UUID) -> Agreement:
    return get_for_user_or_404(_agreements(request), public_id=public_id)


def _parties(version: AgreementVersion) -> list[dict[str, Any]]:
    rows = []
    for party, label in Signatory.Party.choices:
        signatories = [s for s in version.signatories.all() if s.party == party]
        if not signatories:
            continue
        out = []
        for s in signatories:
            signature = getattr(s, "signature", None)
            out.append(
                {
                    "name": s.name,
                    "role": s.role,
                    "signed": signature is not None,
                    "signed_at": signature.signed_at if signature else None,
                    "signed_as": f"{signature.name}, {signature.role}" if signature else "",
                }
            )
        rows.append(
            {
                "party": party,
                "label": str(label),
                "asked": len(out),
                "signed": sum(1 for s in out if s["signed"]),
                "signatories": out,
            }
        )
    return rows


def _detail(request: HttpRequest, public_id: UUID) -> Agreement:
    user = acting_user(request)
    signatories = Signatory.objects.select_related("signature").order_by("party", "id")
    agreement = get_for_user_or_404(
        _agreements(request).prefetch_related(
            Prefetch(
                "versions",
                queryset=_visible_versions(user)
                .only("id", "agreement_id", "number", "content_hash", "sent_at", "created_at")
                .prefetch_related(Prefetch("signatories", queryset=signatories)),
                to_attr="visible_versions",
            )
        ),
        public_id=public_id,
    )
    versions = agreement.visible_versions  # type: ignore[attr-defined]
    if not versions:
        raise Http404
    can_change = user.has_perm("agreements.change_agreement", agreement) and agreement.status in EDITABLE
    # The answer is the agreement itself with what the detail adds, so the list's resolvers serve both.
    agreement.versions_out = [  # type: ignore[attr-defined]
        {
            "number": v.number,
            "content_hash": v.content_hash,
            "frozen": v.is_frozen,
            "sent_at": v.sent_at,
            "created_at": v.created_at,
            "parties": _parties(v),
        }
        for v in versions
    ]
    agreement.can_change = can_change  # type: ignore[attr-defined]
    agreement.can_send = can_change and not versions[0].is_frozen  # type: ignore[attr-defined]
    return agreement


@router.get("/templates", response=codes({200: list[AgreementTemplateOut]}), summary="List agreement templates")
@paginate(Pages)
def list_templates(request: HttpRequest) -> Any:
    """The built-in templates per kind of collaboration and your institution's own: their texts fill what a
    new draft leaves empty."""
    user = acting_user(request)
    institution_id = user.institution_id if is_institution_member(user) else None
    return templates_for(institution_id).order_by(F("institution_id").asc(nulls_first=True), "name_nl", "id")


@router.get("/calendar", response=codes({200: AgreementCalendarOut}), summary="Calendar feed of your agreements")
def my_calendar(request: HttpRequest) -> dict[str, Any]:
    """An address to subscribe to in a calendar app: evaluation moments and end dates of the agreements you
    may see. Keep it to yourself: it works without logging in."""
    return {"agreements": _feed_url(request, "agreement-calendar-user", ical.user_token(acting_user(request)))}


@router.post(
    "/calendar/renew", response=codes({200: AgreementCalendarOut}, 400, 403), summary="Renew your calendar address"
)
def renew_my_calendar(request: HttpRequest) -> dict[str, Any]:
    """A new address for your calendar feeds (and on again if you had switched it off). Every earlier
    address, of your own feed and of partnership feeds, stops working at once."""
    user = acting_user(request)
    renew_calendar_secret(user, by=user)
    return {"agreements": _feed_url(request, "agreement-calendar-user", ical.user_token(user))}


@router.delete("/calendar", response=codes({204: None}), summary="Switch off your calendar address")
def switch_off_my_calendar(request: HttpRequest) -> Status:
    """Every address of your calendar feeds stops working, until you renew it."""
    user = acting_user(request)
    switch_off_calendar(user, by=user)
    return Status(204, None)


@router.get("", response=codes({200: list[AgreementOut]}), summary="List agreements")
@paginate(Pages)
def list_agreements(
    request: HttpRequest,
    q: SearchTerm = "",
    status: AgreementStatus | None = None,
    partnership: UUID | None = None,
    engagement: UUID | None = None,
) -> Any:
    """The agreements you may see, newest first. Filters: `q` (part of the title), `status`, `partnership`,
    `engagement`."""
    queryset = _agreements(request)
    if q.strip():
        queryset = queryset.filter(title__icontains=q.strip())
    if status:
        queryset = queryset.filter(status=status)
    if partnership:
        queryset = queryset.filter(partnership__public_id=partnership)
    if engagement:
        queryset = queryset.filter(engagement__public_id=engagement)
    return queryset.order_by("-created_at", "-id")


@router.get("/{public_id}", response=codes({200: AgreementDetailOut}, 404), summary="One agreement")
def get_agreement(request: HttpRequest, public_id: UUID) -> Any:
    """The agreement with its versions: number, content hash, sent or not, and per party who signed."""
    return _detail(request, public_id)


def _version(request: HttpRequest, agreement: Agreement, number: int) -> AgreementVersion:
    return get_for_user_or_404(_visible_versions(acting_user(request)).filter(agreement=agreement), number=number)


@router.get(
    "/{public_id}/versions/{number}",
    response=codes({200: AgreementVersionContentOut}, 404),
    summary="One version's content",
)
def get_version(request: HttpRequest, public_id: UUID, number: int) -> dict[str, Any]:
    """What a version says, section by section, with its content hash."""
    if not 1 <= number <= MAX_NUMBER:
        raise Http404
    version = _version(request, _find(request, public_id), number)
    return {
        "number": version.number,
        "content_hash": version.content_hash,
        "frozen": version.is_frozen,
        "sent_at": version.sent_at,
        "content": normalise(version.content),
        "section_labels": [{"key": s.key, "label": str(s.label)} for s in TEXT_SECTIONS],
    }


@router.get(
    "/{public_id}/versions/{number}/pdf",
    response=codes({200: None}, 404),
    openapi_extra={
        "responses": {
            200: {
                "description": "The version as a PDF, with bilingual headings and its content hash.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
    summary="One version as a PDF",
)
def version_pdf(request: HttpRequest, public_id: UUID, number: int) -> HttpResponse:
    """The PDF the agreement page offers for this version. A partner sees only versions sent to it."""
    if not 1 <= number <= MAX_NUMBER:
        raise Http404
    agreement = _find(request, public_id)
    version = get_for_user_or_404(
        _visible_versions(acting_user(request)).filter(agreement=agreement).select_related("agreement__institution"),
        number=number,
    )
    response = HttpResponse(render_pdf(version), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="agreement-{agreement.public_id}-v{number}.pdf"'
    return response


@router.get("/{public_id}/diff", response=codes({200: AgreementDiffOut}, 400, 404), summary="Compare two versions")
def get_diff(request: HttpRequest, public_id: UUID, old: Number | None = None, new: Number | None = None) -> Any:
    """Word by word, per section, what changed from version `old` to version `new` (default: the last two)."""
    agreement = _find(request, public_id)
    versions = {v.number: v for v in _visible_versions(acting_user(request)).filter(agreement=agreement)}
    if not versions:
        raise Http404
    numbers = sorted(versions)
    if old is None and new is None and len(numbers) < 2:
        raise DomainError(_("There is only one version so far: nothing to compare."))
    old = old if old is not None else (numbers[-2] if len(numbers) > 1 else numbers[-1])
    new = new if new is not None else numbers[-1]
    for field, number in (("old", old), ("new", new)):
        if number not in versions:
            raise DomainError({field: _("This agreement has no version %(number)d.") % {"number": number}})
    sections = diff_versions(versions[old].content, versions[new].content)
    return {
        "old": old,
        "new": new,
        "sections": [
            {
                "label": str(s.label),
                "changed": s.changed,
                "pieces": [{"op": p.op, "text": p.text} for p in s.pieces],
            }
            for s in sections
        ],
    }


def _feed_url(request: HttpRequest, name: str, token: str | None) -> str | None:
    return request.build_absolute_uri(reverse(name, args=[token])) if token else None


@router.get(
    "/{public_id}/calendar", response=codes({200: AgreementCalendarOut}, 404), summary="Calendar feeds of an agreement"
)
def agreement_calendar(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    """Your feed of all agreements, and a feed of the agreements of this agreement's partnership."""
    user = acting_user(request)
    agreement = get_for_user_or_404(_agreements(request).select_related("engagement__partnership"), public_id=public_id)
    partnership = agreement.partnership_for_calendar
    return {
        "agreements": _feed_url(request, "agreement-calendar-user", ical.user_token(user)),
        "partnership": _feed_url(request, "agreement-calendar-partnership", ical.partnership_token(user, partnership))
        if partnership is not None
        else None,
    }


# Changing


def _content(payload: AgreementContentIn, base: dict[str, Any]) -> dict[str, Any]:
    """``base`` with what the request sets; unset fields keep their text."""
    sent = payload.model_dump(exclude_unset=True, include={"title", "valid_from", "valid_until", *SECTION_KEYS})
    content = dict(base)
    for name, value in sent.items():
        content[name] = value.isoformat() if isinstance(value, dt.date) else (value or "")
    if payload.balance is not None:
        balance = {party: dict(sides) for party, sides in (base.get("balance") or {}).items()}
        for party in BALANCE_PARTIES:
            given = getattr(payload.balance, party.key)
            if given is None:
                continue
            for side, *_rest in BALANCE_SIDES:
                if side in given.model_fields_set:
                    balance.setdefault(party.key, {})[side] = getattr(given, side)
        content["balance"] = balance
    if payload.evaluations is not None:
        content["evaluations"] = [{"date": e.date.isoformat(), "title": e.title} for e in payload.evaluations]
    return normalise(content)


def _template(subject: Partnership | Engagement, slug: str | None) -> AgreementTemplate | None:
    if not slug:
        return None
    template = (
        templates_for(subject.institution_id)
        .filter(slug=slug)
        .order_by(F("institution_id").asc(nulls_last=True))
        .first()
    )
    if template is None:
        raise DomainError({"template": _("No such template: %(slug)s") % {"slug": slug}})
    return template


@router.post("", response=codes({201: AgreementDetailOut}, 400, 403), summary="Draft an agreement")
def add_agreement(request: HttpRequest, payload: AgreementIn) -> Status:
    """A draft about one partnership or one engagement (who may change it). A template's texts fill what the
    request leaves empty. Nothing is sent until you send it."""
    user = acting_user(request)
    if (payload.partnership is None) == (payload.engagement is None):
        raise DomainError({"partnership": [_("An agreement is about one partnership or one engagement.")]})
    subject: Any = (
        one(Partnership.objects.for_user(user), payload.partnership, "partnership")
        if payload.partnership is not None
        else one(Engagement.objects.for_user(user), payload.engagement, "engagement")
    )
    require(user, "agreements.add_agreement", subject)
    template = _template(subject, payload.template)
    start = content_from_template(template, language=translation.get_language() or "nl", title=subject.title)
    agreement = create_agreement(
        by=user,
        content=_content(payload, start),
        template=template,
        **{"partnership" if isinstance(subject, Partnership) else "engagement": subject},
    )
    return Status(201, _detail(request, agreement.public_id))


@router.patch(
    "/{public_id}", response=codes({200: AgreementDetailOut}, 400, 403, 404, 409), summary="Change an agreement"
)
def change_agreement(request: HttpRequest, public_id: UUID, payload: AgreementPatch) -> Any:
    """Change the fields sent of the newest version. A draft changes in place; once a version was sent, the
    change becomes the next version. 409 when `version` is stale."""
    user = acting_user(request)
    agreement = _find(request, public_id)
    require(user, "agreements.change_agreement", agreement)
    update_agreement(
        agreement,
        by=user,
        expected_version=payload.version,
        content=_content(payload, normalise(latest_version(agreement).content)),
    )
    return _detail(request, public_id)


@router.post(
    "/{public_id}/send", response=codes({200: AgreementDetailOut}, 400, 403, 404, 409), summary="Send for signing"
)
def send(request: HttpRequest, public_id: UUID, payload: AgreementSendIn) -> Any:
    """Freeze the newest version and mail each signatory a personal link to it, as from the web page.
    409 when `version` is stale."""
    user = acting_user(request)
    agreement = _find(request, public_id)
    require(user, "agreements.change_agreement", agreement)
    send_agreement(
        agreement,
        by=user,
        expected_version=payload.version,
        signatories=[
            SignatorySpec(party=s.party, name=s.name, email=s.email, role=s.role, language=s.language)
            for s in payload.signatories
        ],
        base_url=request.build_absolute_uri("/"),
    )
    return _detail(request, public_id)
