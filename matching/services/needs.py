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


def _organisation_for_public_need(name: str, postcode: str, city: str, website: str) -> tuple[Organisation, bool]:
    """The organisation a public-form need is for, and whether that is a *claim* of one already in the directory.

    Anyone can type an existing organisation's name and postcode, so a match makes the need a claim of
    that organisation, nothing more: it joins the organisation only when the office or the organisation
    itself accepts it (``accept_need``). A new name gets a new organisation, kept inactive until then.
    The address the need came from is never made the organisation's: it is only the need's contact.
    """
    from network.services import create_organisation

    existing = Organisation.objects.filter(name__iexact=name.strip(), postcode=postcode.strip()).first()
    if existing is not None:
        return existing, True
    organisation = create_organisation(
        by=None,
        name=name.strip(),
        postcode=postcode.strip(),
        city=city.strip(),
        website=website,
        is_active=False,
    )
    return organisation, False


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
    claims_existing = False
    public = by is None or not getattr(by, "is_authenticated", False)
    if public:
        if not data.get("contact_email"):
            raise DomainError({"contact_email": _("Give an e-mail address, so that you can confirm the need.")})
        of = organisation_fields or {}
        if not (of.get("name") or "").strip():
            raise DomainError({"organisation_name": _("Give the name of your organisation.")})
        organisation, claims_existing = _organisation_for_public_need(
            of.get("name", ""), of.get("postcode", ""), of.get("city", ""), of.get("website", "")
        )
    elif organisation is None:
        raise DomainError({"organisation": _("Choose the organisation this need is for.")})
    if data.get("latitude") is None and data.get("longitude") is None:
        data["latitude"], data["longitude"] = organisation.latitude, organisation.longitude
    if not data.get("location"):
        data["location"] = organisation.city
    need = Need(
        organisation=organisation,
        claims_existing=public and claims_existing,
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
    """The address a public need came from proves it reads its mail. A link works once and expires.

    The need then waits for acceptance (``accept_need``): a confirmed address proves only that someone
    reads it, not that they speak for the organisation they named.
    """
    need = need_for_token(token)
    if need is None:
        raise DomainError(_("This confirmation link does not work."), code="invalid")
    need = Need.objects.select_for_update().select_related("organisation").get(pk=need.pk)
    if need.confirmed_at is not None:
        raise DomainError(_("This need was already confirmed."), code="used")
    if need.confirm_expires_at is None or need.confirm_expires_at <= timezone.now():
        raise DomainError(_("This confirmation link has expired. Post the need again."), code="expired")
    need.status = Need.Status.PENDING
    need.confirmed_at = timezone.now()
    need.save(update_fields=["status", "confirmed_at", "updated_at"])
    record(None, "confirmed need", need, changes={"contact": need.contact_email})
    return need


def _check_acceptance(need: Need, by: Any) -> None:
    from django.core.exceptions import PermissionDenied

    if not by.has_perm("matching.accept_need", need):
        raise PermissionDenied(_("Only the office or the organisation itself accepts a need from the public form."))


@transaction.atomic
def accept_need(need: Need, *, by: Any) -> Need:
    """The office or the organisation accepts a confirmed need from the public form as the organisation's.

    The need opens, a new organisation joins the directory, and the address the need came from (which
    proved itself with the confirmation link) becomes a verified contact: it receives the digests.
    """
    from network.contacts import add_contact

    _check_acceptance(need, by)
    # The caller found it through the waiting needs' own rule; a pending need is outside the directory's
    # scope, so the lock reads past it (the base manager), as refresh_from_db() would.
    need = Need._base_manager.select_for_update().select_related("organisation").get(pk=need.pk)
    if need.status != Need.Status.PENDING:
        raise DomainError(_("Only a confirmed need that waits for acceptance can be accepted."), code="state")
    organisation = need.organisation
    need.status = Need.Status.OPEN
    need.accepted_at, need.accepted_by = timezone.now(), by
    need.save(update_fields=["status", "accepted_at", "accepted_by", "updated_at"])
    if not organisation.is_active and not need.claims_existing:
        Organisation.objects.filter(pk=organisation.pk).update(is_active=True)
    if (
        need.contact_email
        and not organisation.contacts.filter(
            email=need.contact_email.strip().lower(), approved_at__isnull=False, address_confirmed_at__isnull=False
        ).exists()
    ):
        add_contact(
            organisation,
            by=by,
            email=need.contact_email,
            name=need.contact_name,
            language=need.language,
            address_proven=True,
        )
    record(
        by,
        "accepted need",
        need,
        institution_id=getattr(by, "institution_id", None),
        changes={"organisation": organisation.name, "contact": need.contact_email, "claim": need.claims_existing},
    )
    return need


@transaction.atomic
def reject_need(need: Need, *, by: Any, reason: str = "") -> Need:
    """Refuse a need from the public form (a stranger's claim, spam): it closes, and its address gets nothing."""
    _check_acceptance(need, by)
    need = Need._base_manager.select_for_update().get(pk=need.pk)  # as in accept_need
    if need.status not in (Need.Status.UNCONFIRMED, Need.Status.PENDING):
        raise DomainError(_("Only a need that waits for confirmation or acceptance can be rejected."), code="state")
    reason = (reason or "").strip()
    if len(reason) > 1000:
        raise DomainError({"reason": _("Keep it under %(max)d characters.") % {"max": 1000}})
    need.status = Need.Status.CLOSED
    need.confirm_token_hash, need.confirm_expires_at = "", None
    need.save(update_fields=["status", "confirm_token_hash", "confirm_expires_at", "updated_at"])
    record(
        by,
        "rejected need",
        need,
        institution_id=getattr(by, "institution_id", None),
        changes={"contact": need.contact_email, "claim": need.claims_existing, "reason": reason},
    )
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
        if status not in (Need.Status.OPEN, Need.Status.CLOSED, Need.Status.MATCHED) or need.status in (
            Need.Status.UNCONFIRMED,
            Need.Status.PENDING,
        ):
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
