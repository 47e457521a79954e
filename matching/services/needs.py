"""Needs and offers: a partner posts a need (from the public form, confirmed by a mailed link, or from its
account), the office adds internal notes; a course or programme posts its offers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from lib.concurrency import save_versioned
from lib.errors import DomainError
from matching.models import Need, NeedNote, Offer
from matching.services.common import CONFIRM_DAYS, _check_period, hash_token, new_token
from network.models import Organisation, TargetGroup, Theme

NEED_FIELDS = (
    "title",
    "description",
    "location",
    "latitude",
    "longitude",
    "period_start",
    "period_end",
    "effort_hours",
    "max_students",
    "stance_students",
    "stance_purpose",
    "stance_discipline",
    "stance_channel",
    "language",
    "contact_name",
    "contact_email",
)
OFFER_FIELDS = (
    "course",
    "programme",
    "title",
    "description",
    "learning_goals",
    "disciplines",
    "campus",
    "period_start",
    "period_end",
    "students",
    "hours_per_student",
    "language",
    "status",
)


def _organisation_for_public_need(name: str, postcode: str, city: str, website: str, email: str) -> Organisation:
    """The directory's organisation of that name and postcode, or a new one kept inactive until confirmed."""
    from network.services import create_organisation

    existing = Organisation.objects.filter(name__iexact=name.strip(), postcode=postcode.strip()).first()
    if existing is not None:
        return existing
    return create_organisation(
        by=None,
        name=name.strip(),
        postcode=postcode.strip(),
        city=city.strip(),
        website=website,
        email=email,
        is_active=False,
    )


@transaction.atomic
def post_need(
    *,
    by: Any = None,
    organisation: Organisation | None = None,
    organisation_fields: Mapping[str, str] | None = None,
    themes: Iterable[Theme] = (),
    target_groups: Iterable[TargetGroup] = (),
    **fields: Any,
) -> Need:
    """Post a need. Without ``by`` it came through the public form: it waits for the mailed confirmation.

    Staff entering a need on a partner's behalf, or a partner user for its own organisation,
    name ``organisation`` and the need is open at once.
    """
    data = {k: v for k, v in fields.items() if k in NEED_FIELDS}
    _check_period(data.get("period_start"), data.get("period_end"))
    public = by is None or not getattr(by, "is_authenticated", False)
    if public:
        if not data.get("contact_email"):
            raise DomainError({"contact_email": _("Give an e-mail address, so that you can confirm the need.")})
        of = organisation_fields or {}
        if not (of.get("name") or "").strip():
            raise DomainError({"organisation_name": _("Give the name of your organisation.")})
        organisation = _organisation_for_public_need(
            of.get("name", ""), of.get("postcode", ""), of.get("city", ""), of.get("website", ""), data["contact_email"]
        )
    elif organisation is None:
        raise DomainError({"organisation": _("Choose the organisation this need is for.")})
    if data.get("latitude") is None and data.get("longitude") is None:
        data["latitude"], data["longitude"] = organisation.latitude, organisation.longitude
    if not data.get("location"):
        data["location"] = organisation.city
    need = Need(
        organisation=organisation,
        status=Need.Status.UNCONFIRMED if public else Need.Status.OPEN,
        confirmed_at=None if public else timezone.now(),
        created_by=None if public else by,
        # A placeholder nobody knows: the real link is made when the confirmation mail is sent.
        confirm_token_hash=hash_token(new_token()) if public else "",
        confirm_expires_at=timezone.now() + dt.timedelta(days=CONFIRM_DAYS) if public else None,
        **data,
    )
    need.full_clean()
    need.save()
    need.themes.set(themes)
    need.target_groups.set(target_groups)
    record(
        by if not public else None,
        "posted need" if public else "entered need",
        need,
        institution_id=getattr(by, "institution_id", None) if not public else None,
        changes={"organisation": organisation.name},
    )
    if public:
        from matching.tasks import send_need_confirmation

        need_id = need.pk
        transaction.on_commit(lambda: send_need_confirmation.enqueue(need_id))
    return need


def issue_confirm_link(need: Need) -> str:
    token = new_token()
    need.confirm_token_hash = hash_token(token)
    need.confirm_expires_at = timezone.now() + dt.timedelta(days=CONFIRM_DAYS)
    need.save(update_fields=["confirm_token_hash", "confirm_expires_at"])
    return token


def need_for_token(token: str) -> Need | None:
    if not token or len(token) > 100:
        return None
    return Need.objects.select_related("organisation").filter(confirm_token_hash=hash_token(token)).first()


@transaction.atomic
def confirm_need(token: str) -> Need:
    """Open the need a confirmation link belongs to. A link works once and expires."""
    need = need_for_token(token)
    if need is None:
        raise DomainError(_("This confirmation link does not work."), code="invalid")
    need = Need.objects.select_for_update().select_related("organisation").get(pk=need.pk)
    if need.confirmed_at is not None:
        raise DomainError(_("This need was already confirmed."), code="used")
    if need.confirm_expires_at is None or need.confirm_expires_at <= timezone.now():
        raise DomainError(_("This confirmation link has expired. Post the need again."), code="expired")
    need.status = Need.Status.OPEN
    need.confirmed_at = timezone.now()
    need.save(update_fields=["status", "confirmed_at", "updated_at"])
    if not need.organisation.is_active and not need.organisation.needs.exclude(pk=need.pk).exists():
        Organisation.objects.filter(pk=need.organisation_id).update(is_active=True)
    record(None, "confirmed need", need, changes={"contact": need.contact_email})
    return need


@transaction.atomic
def update_need(
    need: Need,
    *,
    by: Any,
    expected_version: int | None,
    themes: Iterable[Theme] | None = None,
    target_groups: Iterable[TargetGroup] | None = None,
    status: str | None = None,
    **fields: Any,
) -> Need:
    changes = {k: v for k, v in fields.items() if k in NEED_FIELDS and getattr(need, k) != v}
    if status is not None and status != need.status:
        if status not in (Need.Status.OPEN, Need.Status.CLOSED, Need.Status.MATCHED) or need.status == "unconfirmed":
            raise DomainError({"status": _("This need cannot get that status.")})
        changes["status"] = status
    _check_period(changes.get("period_start", need.period_start), changes.get("period_end", need.period_end))
    save_versioned(need, expected_version=expected_version, fields=changes)
    if themes is not None:
        need.themes.set(themes)
    if target_groups is not None:
        need.target_groups.set(target_groups)
    record(by, "changed need", need, institution_id=getattr(by, "institution_id", None), changes=changes)
    return need


@transaction.atomic
def add_need_note(need: Need, *, by: Any, text: str) -> NeedNote:
    """An internal note of the author's institution on a shared need; other institutions never see it."""
    text = (text or "").strip()
    if not text:
        raise DomainError({"text": _("Write the note.")})
    if len(text) > 2000:
        raise DomainError({"text": _("Keep the note under %(max)d characters.") % {"max": 2000}})
    note = NeedNote.objects.create(need=need, institution_id=by.institution_id, author=by, text=text)
    record(by, "noted", need, institution_id=by.institution_id)
    return note


# Offers


def _check_offer_relations(institution_id: int, data: Mapping[str, Any]) -> None:
    for name in ("course", "campus"):
        obj = data.get(name)
        if obj is not None and obj.institution_id != institution_id:
            raise DomainError({name: _("This belongs to another institution.")})


@transaction.atomic
def post_offer(
    *,
    by: Any,
    institution: Any,
    themes: Iterable[Theme] = (),
    target_groups: Iterable[TargetGroup] = (),
    **fields: Any,
) -> Offer:
    data = {k: v for k, v in fields.items() if k in OFFER_FIELDS}
    _check_period(data.get("period_start"), data.get("period_end"))
    _check_offer_relations(institution.pk, data)
    offer = Offer(institution=institution, created_by=by, **data)
    offer.full_clean()
    offer.save()
    offer.themes.set(themes)
    offer.target_groups.set(target_groups)
    record(by, "posted offer", offer)
    return offer


@transaction.atomic
def update_offer(
    offer: Offer,
    *,
    by: Any,
    expected_version: int | None,
    themes: Iterable[Theme] | None = None,
    target_groups: Iterable[TargetGroup] | None = None,
    **fields: Any,
) -> Offer:
    changes = {k: v for k, v in fields.items() if k in OFFER_FIELDS and getattr(offer, k) != v}
    _check_period(changes.get("period_start", offer.period_start), changes.get("period_end", offer.period_end))
    _check_offer_relations(offer.institution_id, changes)
    save_versioned(offer, expected_version=expected_version, fields=changes)
    if themes is not None:
        offer.themes.set(themes)
    if target_groups is not None:
        offer.target_groups.set(target_groups)
    record(by, "changed offer", offer, changes=changes)
    return offer
