"""Matching operations: post and confirm needs, post offers, propose matches behind the capacity
guard, let the partner answer, walk both sides through the points of attention, and judge the
organisations students propose. Web, API, commands and tests all call these.

Secrets of mail links never rest in the database: a need or match holds only the sha256 of its
token, minted by the mail task right before sending (see ``matching.tasks``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from lib.concurrency import save_versioned
from lib.errors import DomainError
from matching import attention as points
from matching.load import LIVE_MATCH, academic_period, organisation_load
from matching.models import (
    DigestItem,
    Match,
    Need,
    NeedNote,
    Offer,
    OrganisationProposal,
    PartnerCriterion,
    QuietPeriod,
)
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
CONFIRM_DAYS = 7
RESPONSE_DAYS = 30
REASON_MAX = 1000


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_period(start: dt.date | None, end: dt.date | None) -> None:
    if start and end and end < start:
        raise DomainError({"period_end": _("The end date cannot be before the start date.")})


def _reason(text: str, field: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError({field: message})
    if len(text) > REASON_MAX:
        raise DomainError({field: _("Keep it under %(max)d characters.") % {"max": REASON_MAX}})
    return text


# Needs


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


# Matches and the capacity guard


def default_channel(user: Any) -> str:
    role = getattr(user, "role", "")
    if role == "faculty":
        return Match.Channel.FACULTY
    if role == "student":
        return Match.Channel.STUDENT
    return Match.Channel.CONTACT


def _engine_score(need: Need, offer: Offer) -> tuple[float, list[dict[str, Any]]]:
    """The ranking's score and every reason for this pair, as the suggestions page shows them."""
    from matching.loaders import explain_pair
    from matching.models import MatchingWeights

    weights_row = MatchingWeights.objects.filter(institution_id=offer.institution_id).first()
    ranked = explain_pair(need, offer, weights=weights_row.weights if weights_row else None)
    reasons = [r.as_dict() if hasattr(r, "as_dict") else dict(r) for r in ranked.reasons]
    return float(ranked.score), reasons


def hold_reason(need: Need, *, today: dt.date | None = None) -> str:
    """Why a new proposal for ``need`` would be held now, or "" when it may go out.

    Call inside the transaction that holds the organisation's row lock.
    """
    today = today or timezone.localdate()
    quiet = QuietPeriod.objects.filter(organisation_id=need.organisation_id, start__lte=today, end__gte=today).first()
    if quiet is not None:
        return _("%(organisation)s asked for quiet until %(end)s.") % {
            "organisation": need.organisation.name,
            "end": quiet.end.isoformat(),
        } + (f" {quiet.reason}" if quiet.reason else "")
    period = academic_period(need.period_start)
    load = organisation_load([need.organisation_id], period)[need.organisation_id]
    # The need itself stops counting as an open request once a proposal answers it.
    counted_as_request = need.status == Need.Status.OPEN and not need.matches.filter(status__in=LIVE_MATCH).exists()
    after = load.total - (1 if counted_as_request else 0) + 1
    if after > load.capacity:
        return _(
            "%(organisation)s already has %(total)d requests, proposals and engagements in %(period)s "
            "across all institutions; its capacity is %(capacity)d."
        ) % {
            "organisation": need.organisation.name,
            "total": load.total,
            "period": period.label,
            "capacity": load.capacity,
        }
    return ""


def propose_match(
    need: Need,
    offer: Offer,
    *,
    by: Any,
    channel: str | None = None,
    message: str = "",
    attention: Mapping[str, Any] | None = None,
    score: float | None = None,
    reasons: list[dict[str, Any]] | None = None,
) -> Match:
    """Propose ``offer`` for ``need``. Past the organisation's capacity or in its quiet period it is held.

    Proposals to one organisation are serialised: the organisation's row is locked (PostgreSQL)
    or the write transaction is taken at once (SQLite, ``transaction_mode=IMMEDIATE``), so two
    coordinators racing for the last free slot cannot both get it.
    """
    if need.status != Need.Status.OPEN:
        raise DomainError(_("Only an open need can get a proposal."))
    if offer.status != Offer.Status.OPEN:
        raise DomainError(_("Only an open offer can be proposed."))
    if channel and channel not in Match.Channel.values:
        raise DomainError({"channel": _("Choose how this match came about.")})
    if len(message or "") > 2000:
        raise DomainError({"message": _("Keep the message under %(max)d characters.") % {"max": 2000}})
    answers = points.clean_answers(attention) if attention else None
    if score is None:
        score, reasons = _engine_score(need, offer)
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=need.organisation_id).values_list("pk").get()
        if Match.objects.filter(need=need, offer=offer, status__in=LIVE_MATCH).exists():
            raise DomainError(_("This offer is already proposed for this need."), code="duplicate")
        held = hold_reason(need)
        match = Match.objects.create(
            need=need,
            offer=offer,
            institution_id=offer.institution_id,
            score=score or 0.0,
            reasons=reasons or [],
            channel=channel or default_channel(by),
            status=Match.Status.HELD if held else Match.Status.PROPOSED,
            held_reason=held,
            proposed_by=by,
            message=(message or "").strip(),
            attention=_side(answers, by) if answers else {},
        )
        record(by, "proposed match" if not held else "proposal held", match, changes={"held": held})
        if not held:
            _to_digest(match)
    return match


def _who(by: Any) -> str:
    return (by.get_full_name() or by.username) if by is not None and getattr(by, "pk", None) else ""


def _side(answers: dict[str, Any], by: Any) -> dict[str, Any]:
    who = _who(by)
    return {"institution": {"answers": answers, "by": who, "at": timezone.now().isoformat()}}


def _to_digest(match: Match) -> None:
    DigestItem.objects.create(
        organisation_id=match.need.organisation_id,
        institution_id=match.institution_id,
        match=match,
        kind=DigestItem.Kind.PROPOSAL,
        text=_("%(institution)s proposes “%(offer)s” for your need “%(need)s”.")
        % {"institution": match.institution.name, "offer": match.offer.title, "need": match.need.title},
    )


@transaction.atomic
def override_hold(match: Match, *, by: Any, reason: str, expected_version: int | None) -> Match:
    """Send a held proposal after all, with the coordinator's reason on record."""
    if match.status != Match.Status.HELD:
        raise DomainError(_("Only a held proposal can be overridden."))
    reason = _reason(reason, "override_reason", _("Say why this proposal may go out despite the hold."))
    save_versioned(
        match,
        expected_version=expected_version,
        fields={"status": Match.Status.PROPOSED, "override_reason": reason, "overridden_by": by},
    )
    record(by, "overrode hold", match, changes={"reason": reason, "held": match.held_reason})
    _to_digest(match)
    return match


@transaction.atomic
def withdraw_match(match: Match, *, by: Any, expected_version: int | None) -> Match:
    if match.status not in (Match.Status.PROPOSED, Match.Status.HELD):
        raise DomainError(_("Only an open proposal can be withdrawn."))
    save_versioned(match, expected_version=expected_version, fields={"status": Match.Status.WITHDRAWN})
    DigestItem.objects.filter(match=match, sent_at__isnull=True).delete()
    record(by, "withdrew match", match)
    return match


def issue_response_link(match: Match) -> str:
    token = new_token()
    match.response_token_hash = hash_token(token)
    match.response_expires_at = timezone.now() + dt.timedelta(days=RESPONSE_DAYS)
    match.save(update_fields=["response_token_hash", "response_expires_at"])
    return token


def match_for_token(token: str) -> Match | None:
    if not token or len(token) > 100:
        return None
    return (
        Match.objects.select_related("need__organisation", "offer__course", "offer__campus", "institution")
        .filter(response_token_hash=hash_token(token))
        .first()
    )


def response_link_open(match: Match) -> bool:
    return (
        match.status == Match.Status.PROPOSED
        and match.response_expires_at is not None
        and match.response_expires_at > timezone.now()
    )


def respond_to_match(
    match: Match,
    *,
    accept: bool,
    name: str = "",
    decline_reason: str = "",
    attention: Mapping[str, Any] | None = None,
) -> Match:
    """The partner's answer through its mail link: accept (with its side of the checklist) or decline with a reason."""
    with transaction.atomic():
        match = (
            Match.objects.select_for_update()
            .select_related("need__organisation", "offer", "institution")
            .get(pk=match.pk)
        )
        if match.status != Match.Status.PROPOSED:
            raise DomainError(_("This proposal was already answered or withdrawn."), code="answered")
        if not response_link_open(match):
            raise DomainError(_("This link has expired."), code="expired")
        name = (name or "").strip()[:200]
        if accept:
            answers = points.clean_answers(attention or {})
            match.attention = {
                **(match.attention or {}),
                "partner": {"answers": answers, "by": name, "at": timezone.now().isoformat()},
            }
            match.status = Match.Status.ACCEPTED
            Need.objects.filter(pk=match.need_id).update(status=Need.Status.MATCHED, version=F("version") + 1)
        else:
            match.decline_reason = _reason(
                decline_reason, "decline_reason", _("Tell the institution briefly why, so it can learn from it.")
            )
            match.status = Match.Status.DECLINED
        match.responded_at = timezone.now()
        match.version += 1
        match.save(update_fields=["attention", "status", "decline_reason", "responded_at", "version", "updated_at"])
        record(
            None,
            "partner accepted match" if accept else "partner declined match",
            match,
            changes={"by": name, "reason": match.decline_reason},
        )
        if accept and points.side_done(match.attention, "institution"):
            _make_engagement(match, by=None)
        from matching.tasks import send_match_response

        match_id = match.pk
        transaction.on_commit(lambda: send_match_response.enqueue(match_id))
    return match


@transaction.atomic
def save_attention_checklist(
    match: Match, *, side: str, answers: Mapping[str, Any], by: Any = None, name: str = ""
) -> Match:
    """Store one side's walk through the points of attention.

    An accepted match with both sides done becomes an engagement.
    """
    if side not in points.SIDES:
        raise DomainError(_("Unknown side."))
    match = (
        Match.objects.select_for_update().select_related("need__organisation", "offer", "institution").get(pk=match.pk)
    )
    if match.status in (Match.Status.DECLINED, Match.Status.WITHDRAWN):
        raise DomainError(_("This match is closed."))
    cleaned = points.clean_answers(answers)
    who = name or _who(by)
    match.attention = {
        **(match.attention or {}),
        side: {"answers": cleaned, "by": who, "at": timezone.now().isoformat()},
    }
    match.version += 1
    match.save(update_fields=["attention", "version", "updated_at"])
    record(by, "answered points of attention", match, changes={"side": side})
    if (
        match.status == Match.Status.ACCEPTED
        and match.engagement_id is None
        and all(points.side_done(match.attention, s) for s in points.SIDES)
    ):
        _make_engagement(match, by=by)
    return match


def _make_engagement(match: Match, *, by: Any) -> None:
    from engagements.services import create_engagement

    need, offer = match.need, match.offer
    start = max(need.period_start, offer.period_start)
    end = min(need.period_end, offer.period_end)
    if end < start:
        end = max(need.period_end, offer.period_end)
    engagement = create_engagement(
        by=by,
        institution=match.institution,
        title=need.title[:200],
        organisation=need.organisation,
        course=offer.course,
        start_date=start,
        end_date=end,
        hours=offer.students * offer.hours_per_student,
        description=need.description,
    )
    match.engagement = engagement
    match.save(update_fields=["engagement"])
    record(by, "match became engagement", match, changes={"engagement": engagement.title})


# Students propose organisations


def criteria_for(institution_id: int) -> list[PartnerCriterion]:
    return list(PartnerCriterion.objects.filter(institution_id=institution_id).order_by("order", "id"))


def _clean_criteria(institution_id: int, raw: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    cleaned = {}
    for criterion in criteria_for(institution_id):
        item = raw.get(str(criterion.pk)) or {}
        comment = str(item.get("comment") or "").strip()
        if len(comment) > 500:
            raise DomainError({f"criterion_{criterion.pk}_comment": _("Keep the comment under 500 characters.")})
        cleaned[str(criterion.pk)] = {"ok": bool(item.get("ok")), "comment": comment}
    return cleaned


PROPOSAL_FIELDS = ("name", "website", "description", "why")


@transaction.atomic
def propose_organisation(*, by: Any, criteria: Mapping[str, Any], **fields: Any) -> OrganisationProposal:
    if by.institution_id is None:
        raise DomainError(_("Only a member of an institution can propose an organisation."))
    proposal = OrganisationProposal(
        institution_id=by.institution_id,
        proposed_by=by,
        criteria=_clean_criteria(by.institution_id, criteria),
        **{k: (v or "").strip() for k, v in fields.items() if k in PROPOSAL_FIELDS},
    )
    proposal.full_clean()
    proposal.save()
    record(by, "proposed organisation", proposal)
    return proposal


@transaction.atomic
def resubmit_proposal(
    proposal: OrganisationProposal, *, by: Any, expected_version: int | None, criteria: Mapping[str, Any], **fields: Any
) -> OrganisationProposal:
    """The student answers a request for more information and sends the proposal again."""
    if proposal.status != OrganisationProposal.Status.MORE_INFO:
        raise DomainError(_("Only a proposal that was sent back can be changed."))
    changes: dict[str, Any] = {k: (v or "").strip() for k, v in fields.items() if k in PROPOSAL_FIELDS}
    changes["criteria"] = _clean_criteria(proposal.institution_id, criteria)
    changes["status"] = OrganisationProposal.Status.SUBMITTED
    save_versioned(proposal, expected_version=expected_version, fields=changes)
    record(by, "resubmitted organisation proposal", proposal)
    return proposal


@transaction.atomic
def decide_proposal(
    proposal: OrganisationProposal, *, by: Any, decision: str, reason: str = "", expected_version: int | None
) -> OrganisationProposal:
    """Approve (the organisation joins the directory), ask for more, or decline with a reason."""
    from network.services import create_organisation

    Status = OrganisationProposal.Status
    if proposal.status not in (Status.SUBMITTED, Status.MORE_INFO):
        raise DomainError(_("This proposal was already decided."))
    if decision not in (Status.APPROVED, Status.MORE_INFO, Status.DECLINED):
        raise DomainError({"decision": _("Choose a decision.")})
    reason = (reason or "").strip()
    if decision != Status.APPROVED:
        reason = _reason(reason, "reason", _("Tell the student why."))
    elif len(reason) > REASON_MAX:
        raise DomainError({"reason": _("Keep it under %(max)d characters.") % {"max": REASON_MAX}})
    fields: dict[str, Any] = {"status": decision, "coordinator_reason": reason, "decided_by": by}
    if decision != Status.MORE_INFO:
        fields["decided_at"] = timezone.now()
    if decision == Status.APPROVED:
        existing = Organisation.objects.filter(Q(name__iexact=proposal.name)).first()
        fields["organisation"] = existing or create_organisation(
            by=by, name=proposal.name, website=proposal.website, mission=proposal.description
        )
    save_versioned(proposal, expected_version=expected_version, fields=fields)
    record(by, f"organisation proposal {decision}", proposal, changes={"reason": reason})
    return proposal
