"""Assessment operations: start a round, hand out personal links, keep drafts, take answers,
agree on actions, and adapt an instrument. Web, API, commands and tests all call these.

The secret of a personal link never rests in the database: a respondent row holds only the
sha256 of its token, and the token itself is made by the invitation task right before the
mail is sent (``issue_link``), so neither the task queue nor the respondent row holds it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from assessment.models import SCALE_MAX, SCALE_MIN, AgreedAction, Answer, Instrument, InstrumentItem, Respondent, Round
from audit.services import record
from lib.errors import ConflictError, DomainError
from network.models import Person
from partnerships.models import Partnership

COMMENT_MAX = 2000
ITEM_TEXT_FIELDS = ("label_nl", "label_en", "text_nl", "text_en", "low_nl", "low_en", "high_nl", "high_en")


class LinkState:
    OPEN = "open"
    ANSWERED = "answered"
    EXPIRED = "expired"


@dataclass(frozen=True)
class RespondentSpec:
    """Someone to ask: a person record, or a typed name and e-mail for people without one."""

    side: str
    name: str
    email: str
    language: str = "nl"
    person: Person | None = None


def instruments_for_user(user: Any) -> QuerySet[Instrument]:
    """The built-in instruments and the user's institution's own; nothing for anyone else."""
    institution_id = getattr(user, "institution_id", None)
    if not (user and user.is_authenticated and user.is_active) or (institution_id is None and not user.is_superuser):
        return Instrument.objects.none()
    if user.is_superuser and institution_id is None:
        return Instrument.objects.all()
    return Instrument.objects.filter(Q(institution__isnull=True) | Q(institution_id=institution_id))


def field_name(part: str, item_id: int) -> str:
    """The name of one answer field (``current``, ``desired``, ``comment``) of one item, in forms and errors."""
    return f"{part}-{item_id}"


def end_of_day(day: dt.date) -> dt.datetime:
    """The first moment after ``day`` in the site's time zone: a link works all of its last day."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_default_timezone())


def site_url(base_url: str | None) -> str:
    return (base_url or getattr(settings, "BRUG_SITE_URL", "") or "http://localhost:8000").rstrip("/")


def _check_respondents(specs: Sequence[RespondentSpec]) -> list[str]:
    problems: list[str] = []
    sides = {spec.side for spec in specs}
    if Respondent.Side.CAMPUS not in sides:
        problems.append(_("Ask at least one person on the campus side."))
    if Respondent.Side.COMMUNITY not in sides:
        problems.append(_("Ask at least one person on the community side: the point is to hear both sides."))
    seen: set[str] = set()
    languages = {code for code, _name in settings.LANGUAGES}
    for spec in specs:
        if spec.side not in Respondent.Side.values:
            problems.append(_("%(side)s is not a side of an assessment.") % {"side": spec.side})
        if not spec.name.strip():
            problems.append(_("Every person asked needs a name (%(email)s has none).") % {"email": spec.email})
        try:
            validate_email(spec.email)
        except ValidationError:
            problems.append(_("%(name)s has no valid e-mail address to send the link to.") % {"name": spec.name})
            continue
        if spec.email.lower() in seen:
            problems.append(_("%(email)s is asked twice; each person gets one link.") % {"email": spec.email})
        seen.add(spec.email.lower())
        if spec.language not in languages:
            problems.append(_("%(name)s: choose Dutch or English for the mail.") % {"name": spec.name})
    return problems


@transaction.atomic
def start_round(
    *,
    by: Any,
    partnership: Partnership,
    instrument: Instrument,
    closes_on: dt.date,
    respondents: Sequence[RespondentSpec],
    title: str = "",
    base_url: str | None = None,
) -> Round:
    """Open a round and invite everyone; the mails leave after the transaction commits."""
    errors: dict[str, list[str]] = {}
    if not instrument.is_active or instrument.institution_id not in (None, partnership.institution_id):
        errors["instrument"] = [_("Choose one of the built-in instruments or one of your institution's own.")]
    if closes_on < timezone.localdate():
        errors["closes_on"] = [_("The answer deadline cannot be in the past.")]
    problems = _check_respondents(respondents)
    if problems:
        errors["respondents"] = problems
    if errors:
        raise DomainError(errors)
    round_ = Round.objects.create(
        institution_id=partnership.institution_id,
        partnership=partnership,
        instrument=instrument,
        title=(title.strip() or f"{instrument.name}: {partnership.title}")[:200],
        closes_on=closes_on,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    expires_at = end_of_day(closes_on)
    created = Respondent.objects.bulk_create(
        [
            Respondent(
                round=round_,
                side=spec.side,
                name=spec.name.strip()[:200],
                email=spec.email.strip(),
                language=spec.language,
                person=spec.person,
                # A placeholder nobody knows: the real link is made when the invitation is sent.
                token_hash=Respondent.hash_token(Respondent.new_token()),
                expires_at=expires_at,
            )
            for spec in respondents
        ]
    )
    record(
        by,
        "started assessment",
        round_,
        changes={"instrument": instrument.name, "respondents": len(created), "closes_on": closes_on.isoformat()},
    )
    respondent_ids = [r.pk for r in Respondent.objects.filter(round=round_).order_by("id")]
    _invite_after_commit(respondent_ids, site_url(base_url))
    return round_


def _invite_after_commit(respondent_ids: list[int], base_url: str) -> None:
    from assessment.tasks import send_invitation

    for respondent_id in respondent_ids:
        # Bind the id now; the task makes the secret itself, so only the id and the site's address are queued.
        transaction.on_commit(lambda rid=respondent_id: send_invitation.enqueue(rid, base_url))


@transaction.atomic
def resend_invitation(respondent: Respondent, *, by: Any, base_url: str | None = None) -> None:
    """Send a fresh link (the earlier one stops working), e.g. when a mail got lost."""
    if respondent.submitted_at is not None:
        raise DomainError(_("%(name)s has already answered.") % {"name": respondent.name})
    if respondent.round.status != Round.Status.OPEN or respondent.is_expired:
        raise DomainError(_("This round no longer takes answers."))
    record(by, "sent a new link", respondent.round, changes={"respondent": respondent.name})
    _invite_after_commit([respondent.pk], site_url(base_url))


def issue_link(respondent: Respondent) -> str:
    """Make a new secret for ``respondent``, keep only its hash, and return it for the mail."""
    token = Respondent.new_token()
    respondent.token_hash = Respondent.hash_token(token)
    respondent.invited_at = timezone.now()
    respondent.save(update_fields=["token_hash", "invited_at"])
    return token


def respondent_for_token(token: str) -> Respondent | None:
    """The one respondent a link belongs to; a link opens nothing else."""
    if not token or len(token) > 100:
        return None
    return (
        Respondent.objects.select_related("round__instrument", "round__institution", "round__created_by")
        .filter(token_hash=Respondent.hash_token(token))
        .first()
    )


def contact_line(round_: Round) -> str:
    """Whom a respondent can ask about a round: who started it, with an address if known."""
    user = round_.created_by
    if user is None:
        return round_.institution.name
    name = user.get_full_name() or user.username
    email = user.email or (user.person.email if user.person_id and user.person else "")
    return f"{name} <{email}>" if email else name


def link_state(respondent: Respondent) -> str:
    if respondent.submitted_at is not None:
        return LinkState.ANSWERED
    if respondent.is_expired or respondent.round.status != Round.Status.OPEN:
        return LinkState.EXPIRED
    return LinkState.OPEN


def _score(raw: Any) -> tuple[int | None, bool]:
    """A value on the scale, or None; the flag says whether something unusable was sent."""
    if raw in (None, ""):
        return None, False
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None, True
    if not SCALE_MIN <= value <= SCALE_MAX:
        return None, True
    return value, False


def _read(items: Sequence[InstrumentItem], raw: Mapping[str, Any], *, desired: bool) -> tuple[dict[str, Any], dict]:
    """Answers keyed by item id (as text, for JSON), and errors keyed by field name for bad values."""
    answers: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    bad = _("Choose a value from %(min)d to %(max)d.") % {"min": SCALE_MIN, "max": SCALE_MAX}
    for item in items:
        current, bad_current = _score(raw.get(field_name("current", item.pk)))
        wished, bad_desired = _score(raw.get(field_name("desired", item.pk))) if desired else (None, False)
        comment = str(raw.get(field_name("comment", item.pk)) or "").strip()
        if bad_current:
            errors[field_name("current", item.pk)] = [bad]
        if bad_desired:
            errors[field_name("desired", item.pk)] = [bad]
        if len(comment) > COMMENT_MAX:
            errors[field_name("comment", item.pk)] = [
                _("Keep the comment under %(max)d characters.") % {"max": COMMENT_MAX}
            ]
            comment = comment[:COMMENT_MAX]
        answers[str(item.pk)] = {"current": current, "desired": wished, "comment": comment}
    return answers, errors


def _locked_open(respondent: Respondent) -> Respondent:
    locked = (
        Respondent.objects.select_for_update(of=("self",)).select_related("round__instrument").get(pk=respondent.pk)
    )
    state = link_state(locked)
    if state == LinkState.ANSWERED:
        raise DomainError(_("These answers were already sent; they can no longer be changed."), code="answered")
    if state == LinkState.EXPIRED:
        raise DomainError(_("This link has expired."), code="expired")
    return locked


@transaction.atomic
def save_draft(respondent: Respondent, raw: Mapping[str, Any]) -> Respondent:
    """Keep what has been filled in so far, incomplete or not; unusable values are left out."""
    locked = _locked_open(respondent)
    instrument = locked.round.instrument
    answers, _errors = _read(
        list(instrument.items.all()), raw, desired=instrument.kind == Instrument.Kind.CURRENT_DESIRED
    )
    locked.draft = answers
    locked.draft_saved_at = timezone.now()
    locked.save(update_fields=["draft", "draft_saved_at"])
    respondent.draft, respondent.draft_saved_at = locked.draft, locked.draft_saved_at
    return respondent


@transaction.atomic
def submit_answers(respondent: Respondent, raw: Mapping[str, Any]) -> Respondent:
    """Take the final answers: every item needs a score (current and desired where asked).

    A refusal keeps what was filled in as the draft, so nothing typed is lost.
    """
    locked = _locked_open(respondent)
    instrument = locked.round.instrument
    items = list(instrument.items.all())
    asks_desired = instrument.kind == Instrument.Kind.CURRENT_DESIRED
    answers, errors = _read(items, raw, desired=asks_desired)
    for item in items:
        given = answers[str(item.pk)]
        if given["current"] is None and field_name("current", item.pk) not in errors:
            errors[field_name("current", item.pk)] = [
                _("Choose how it is now, from 1 to 5.") if asks_desired else _("Choose a score from 1 to 5.")
            ]
        if asks_desired and given["desired"] is None and field_name("desired", item.pk) not in errors:
            errors[field_name("desired", item.pk)] = [_("Choose how you would like it to be, from 1 to 5.")]
    if errors:
        raise _IncompleteAnswers(errors, answers)
    Answer.objects.bulk_create(
        [
            Answer(
                respondent=locked,
                item=item,
                current=answers[str(item.pk)]["current"],
                desired=answers[str(item.pk)]["desired"],
                comment=answers[str(item.pk)]["comment"],
            )
            for item in items
        ]
    )
    locked.submitted_at = timezone.now()
    locked.draft = {}
    locked.save(update_fields=["submitted_at", "draft"])
    record(
        None,
        "answered assessment",
        locked.round,
        institution_id=locked.round.institution_id,
        changes={"side": locked.side},
    )
    respondent.submitted_at, respondent.draft = locked.submitted_at, locked.draft
    return respondent


class _IncompleteAnswers(DomainError):
    def __init__(self, errors: dict[str, list[str]], answers: dict[str, Any]) -> None:
        super().__init__(errors)
        self.answers = answers


def submit_or_keep_draft(respondent: Respondent, raw: Mapping[str, Any]) -> Respondent:
    """Submit; if anything is missing, keep what was given as the draft and raise the field errors."""
    try:
        return submit_answers(respondent, raw)
    except _IncompleteAnswers as error:
        save_draft(respondent, raw)
        raise DomainError(error.error_dict) from None


@transaction.atomic
def close_round(round_: Round, *, by: Any, share: bool = True, reason: str = "") -> Round:
    """Close the round; its results are shared with the partner organisation unless ``share`` is False,
    which needs a ``reason`` (kept on the round and in the audit trail)."""
    if round_.status == Round.Status.CLOSED:
        return round_
    reason = (reason or "").strip()
    if not share and not reason:
        raise DomainError({"reason": _("Say why the partner does not see the results of this round.")})
    round_.status = Round.Status.CLOSED
    round_.results_shared = share
    round_.not_shared_reason = "" if share else reason[:500]
    round_.save(update_fields=["status", "results_shared", "not_shared_reason"])
    record(by, "closed assessment", round_, changes={"shared with the partner": share, "reason": reason})
    return round_


@transaction.atomic
def add_action(
    round_: Round,
    *,
    by: Any,
    what: str,
    who: str,
    step: str = AgreedAction.Step.ARTICULATE,
    due_on: dt.date | None = None,
) -> AgreedAction:
    action = AgreedAction(round=round_, what=what.strip(), who=who.strip(), step=step, due_on=due_on)
    try:
        action.full_clean()
    except ValidationError as error:
        raise DomainError(error.message_dict) from error
    action.save()
    record(by, "agreed action", round_, changes={"what": action.what, "who": action.who})
    return action


@transaction.atomic
def set_action_done(action: AgreedAction, *, by: Any, done: bool) -> AgreedAction:
    if action.done != done:
        action.done = done
        action.save(update_fields=["done"])
        record(by, "ticked action" if done else "reopened action", action.round, changes={"what": action.what})
    return action


def _free_slug(base: str, institution_id: int) -> str:
    taken = set(
        Instrument.objects.filter(Q(institution__isnull=True) | Q(institution_id=institution_id)).values_list(
            "slug", flat=True
        )
    )
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@transaction.atomic
def copy_instrument(instrument: Instrument, *, by: Any, institution: Any) -> Instrument:
    """The institution's own copy of an instrument, to adapt; rounds already run keep the original."""
    copy = Instrument.objects.create(
        institution=institution,
        slug=_free_slug(slugify(f"{instrument.slug}-{institution.slug}")[:40], institution.pk),
        kind=instrument.kind,
        name_nl=f"{instrument.name_nl} ({institution.short_name or institution.name})"[:200],
        name_en=f"{instrument.name_en} ({institution.short_name or institution.name})"[:200],
        description_nl=instrument.description_nl,
        description_en=instrument.description_en,
    )
    InstrumentItem.objects.bulk_create(
        [
            InstrumentItem(
                instrument=copy,
                order=item.order,
                domain=item.domain,
                dimension=item.dimension,
                **{name: getattr(item, name) for name in ITEM_TEXT_FIELDS},
            )
            for item in instrument.items.all()
        ]
    )
    record(by, "copied instrument", copy, institution_id=institution.pk, changes={"from": instrument.name})
    return copy


def item_fingerprint(item: InstrumentItem) -> str:
    """Stands in for a version number: an edit names the texts it started from."""
    text = "\x1f".join(str(getattr(item, name)) for name in ITEM_TEXT_FIELDS)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@transaction.atomic
def update_item(item: InstrumentItem, *, by: Any, expected_fingerprint: str | None, **texts: str) -> InstrumentItem:
    """Adapt the wording of an item of the institution's own instrument, in both languages."""
    locked = InstrumentItem.objects.select_for_update(of=("self",)).select_related("instrument").get(pk=item.pk)
    if locked.instrument.institution_id is None:
        raise DomainError(_("Built-in instruments cannot be changed; make your own copy first."))
    if expected_fingerprint is not None and item_fingerprint(locked) != expected_fingerprint:
        raise ConflictError()
    changes = {k: v.strip() for k, v in texts.items() if k in ITEM_TEXT_FIELDS and getattr(locked, k) != v.strip()}
    for name, value in changes.items():
        setattr(locked, name, value)
    try:
        locked.full_clean()
    except ValidationError as error:
        raise DomainError(error.message_dict) from error
    locked.save()
    record(by, "changed", locked.instrument, institution_id=locked.instrument.institution_id, changes=changes)
    return locked
