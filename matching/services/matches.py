"""Matches behind the capacity guard: propose a need to an offer (held in a quiet period or past the
organisation's capacity until a coordinator overrides with a reason), withdraw, let the partner answer by
mailed link, walk both sides through the points of attention, and turn an accepted match into an engagement."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from lib.concurrency import save_versioned
from lib.errors import DomainError
from matching import attention as points
from matching.load import LIVE_MATCH, academic_period, organisation_load
from matching.models import DigestItem, Match, Need, Offer, QuietPeriod
from matching.services.common import RESPONSE_DAYS, _reason, hash_token, new_token
from network.models import Organisation


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
    decline_kind: str = "",
    attention: Mapping[str, Any] | None = None,
) -> Match:
    """The partner's answer through its mail link: accept (with its side of the checklist) or decline with a reason.

    The kind of reason feeds the next rankings for the organisation: "no capacity" counts it as full for this
    academic period, "not our field" keeps the offer out of its suggestions (``matching.loaders.context_for``)."""
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
            if decline_kind not in Match.DeclineKind.values:
                raise DomainError({"decline_kind": _("Choose why you decline.")})
            match.decline_kind = decline_kind
            if decline_kind == Match.DeclineKind.OTHER or (decline_reason or "").strip():
                match.decline_reason = _reason(
                    decline_reason, "decline_reason", _("Tell the institution briefly why, so it can learn from it.")
                )
            match.status = Match.Status.DECLINED
        match.responded_at = timezone.now()
        match.version += 1
        match.save(
            update_fields=[
                "attention",
                "status",
                "decline_reason",
                "decline_kind",
                "responded_at",
                "version",
                "updated_at",
            ]
        )
        record(
            None,
            "partner accepted match" if accept else "partner declined match",
            match,
            changes={"by": name, "reason": match.decline_reason, "kind": match.decline_kind},
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
