"""Agreement operations: draft, edit (a new version once sent), send for signing, sign through a
personal link, and keep statuses and reminders in step with the calendar.

Web pages, commands, the demo and tests all call these. Rules that protect what was agreed:
a version that was sent never changes (``update_agreement`` makes the next version instead);
a signature names the version and the sha256 of its content; a link signs only its own
version, once, and stops working when a newer version exists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import (
    Agreement,
    AgreementTemplate,
    AgreementVersion,
    EvaluationMoment,
    Reminder,
    Signatory,
    Signature,
)
from agreements.sections import content_hash, normalise
from audit.services import record
from engagements.models import Engagement
from lib.concurrency import save_versioned
from lib.errors import ConflictError, DomainError
from partnerships.models import Partnership

EVALUATION_LEAD_DAYS = 14
EXPIRY_LEAD_DAYS = 30
EDITABLE = (Agreement.Status.DRAFT, Agreement.Status.SENT, Agreement.Status.PARTLY_SIGNED)
SIGNABLE = (Agreement.Status.SENT, Agreement.Status.PARTLY_SIGNED)


class LinkState:
    OPEN = "open"
    SIGNED = "signed"
    SUPERSEDED = "superseded"
    CLOSED = "closed"


@dataclass(frozen=True)
class SignatorySpec:
    party: str
    name: str
    email: str
    role: str = ""
    language: str = "nl"


def site_url(base_url: str | None) -> str:
    return (base_url or getattr(settings, "BRUG_SITE_URL", "") or "http://localhost:8000").rstrip("/")


def templates_for(institution_id: int | None) -> QuerySet[AgreementTemplate]:
    """The built-in templates and the institution's own."""
    return AgreementTemplate.objects.filter(
        Q(institution__isnull=True) | Q(institution_id=institution_id), is_active=True
    )


def content_from_template(template: AgreementTemplate | None, *, language: str, **fields: Any) -> dict[str, Any]:
    content = dict(template.sections(language)) if template else {}
    content.update({k: v for k, v in fields.items() if v not in (None, "")})
    return normalise(content)


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _check_content(content: dict[str, Any]) -> dict[str, Any]:
    content = normalise(content)
    errors: dict[str, list[str]] = {}
    if not content["title"]:
        errors["title"] = [_("Give the agreement a title.")]
    try:
        start, end = _date(content["valid_from"]), _date(content["valid_until"])
    except ValueError:
        errors["valid_from"] = [_("Enter valid dates.")]
    else:
        if start and end and end < start:
            errors["valid_until"] = [_("The agreement cannot end before it starts.")]
    for moment in content["evaluations"]:
        try:
            dt.date.fromisoformat(moment["date"])
        except ValueError:
            errors["evaluations"] = [_("Every evaluation moment needs a valid date.")]
    if errors:
        raise DomainError(errors)
    return content


def latest_version(agreement: Agreement) -> AgreementVersion:
    return agreement.versions.order_by("-number").first()  # type: ignore[return-value]


@transaction.atomic
def create_agreement(
    *,
    by: Any,
    content: dict[str, Any],
    partnership: Partnership | None = None,
    engagement: Engagement | None = None,
    template: AgreementTemplate | None = None,
) -> Agreement:
    if (partnership is None) == (engagement is None):
        raise DomainError(_("An agreement is about one partnership or one engagement."))
    subject = partnership or engagement
    content = _check_content(content)
    agreement = Agreement.objects.create(
        institution_id=subject.institution_id,  # type: ignore[union-attr]
        partnership=partnership,
        engagement=engagement,
        template=template,
        title=content["title"][:200],
        valid_from=_date(content["valid_from"]),
        valid_until=_date(content["valid_until"]),
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    AgreementVersion.objects.create(
        agreement=agreement,
        number=1,
        content=content,
        content_hash=content_hash(content),
        created_by=agreement.created_by,
    )
    record(by, "created", agreement, changes={"about": str(subject)})
    return agreement


@transaction.atomic
def update_agreement(
    agreement: Agreement, *, by: Any, expected_version: int | None, content: dict[str, Any]
) -> AgreementVersion:
    """Save a change. The draft version changes in place; a version that was sent never does:
    the change becomes the next version, and the links to the earlier one stop working."""
    if agreement.status not in EDITABLE:
        raise DomainError(
            _("This agreement is %(status)s and can no longer change; start a new agreement to renew it.")
            % {"status": agreement.get_status_display().lower()}
        )
    content = _check_content(content)
    current = latest_version(agreement)
    new_hash = content_hash(content)
    if current.content_hash == new_hash:
        if expected_version is not None and expected_version != agreement.version:
            raise ConflictError()
        return current
    fields = {
        "title": content["title"][:200],
        "valid_from": _date(content["valid_from"]),
        "valid_until": _date(content["valid_until"]),
    }
    if current.is_frozen and agreement.status == Agreement.Status.PARTLY_SIGNED:
        # The signatures given so far were for the earlier version; the new one is not signed yet.
        fields["status"] = Agreement.Status.SENT
    save_versioned(agreement, expected_version=expected_version, fields=fields)
    if current.is_frozen:
        version = AgreementVersion.objects.create(
            agreement=agreement,
            number=current.number + 1,
            content=content,
            content_hash=new_hash,
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        record(by, "changed", agreement, changes={"new version": version.number})
        return version
    # The guard in SQL as well: a draft that was sent in the meantime is never written over.
    if not AgreementVersion.objects.filter(pk=current.pk, sent_at__isnull=True).update(
        content=content, content_hash=new_hash, updated_at=timezone.now()
    ):
        raise ConflictError()
    current.content, current.content_hash = content, new_hash
    record(by, "changed", agreement, changes={"version": current.number})
    return current


def _check_signatories(specs: Sequence[SignatorySpec]) -> list[str]:
    problems: list[str] = []
    parties = {spec.party for spec in specs}
    if Signatory.Party.INSTITUTION not in parties:
        problems.append(_("Name who signs for the institution."))
    if Signatory.Party.ORGANISATION not in parties:
        problems.append(_("Name who signs for the partner organisation."))
    languages = {code for code, _name in settings.LANGUAGES}
    seen: set[tuple[str, str]] = set()
    for spec in specs:
        if spec.party not in Signatory.Party.values:
            problems.append(_("%(party)s is not a party to an agreement.") % {"party": spec.party})
        if not spec.name.strip():
            problems.append(_("Every signatory needs a name."))
        try:
            validate_email(spec.email)
        except ValidationError:
            problems.append(_("%(name)s has no valid e-mail address to send the link to.") % {"name": spec.name})
        if (spec.party, spec.email.lower()) in seen:
            problems.append(_("%(email)s is asked twice for the same party.") % {"email": spec.email})
        seen.add((spec.party, spec.email.lower()))
        if spec.language not in languages:
            problems.append(_("%(name)s: choose Dutch or English for the mail.") % {"name": spec.name})
    return problems


def _partner_organisation(agreement: Agreement) -> Any:
    if agreement.engagement_id:
        return agreement.engagement.organisation
    party = agreement.partnership.parties.select_related("organisation").order_by("id").first()
    return party.organisation if party else None


@transaction.atomic
def send_agreement(
    agreement: Agreement,
    *,
    by: Any,
    expected_version: int | None,
    signatories: Sequence[SignatorySpec],
    base_url: str | None = None,
) -> AgreementVersion:
    """Freeze the newest version and mail every signatory a link to it."""
    if agreement.status not in EDITABLE:
        raise DomainError(_("This agreement is no longer being negotiated."))
    if expected_version is not None and expected_version != agreement.version:
        raise ConflictError()
    version = latest_version(agreement)
    if version.is_frozen:
        raise DomainError(
            _("Version %(number)d was already sent; change something to make a new version.")
            % {"number": version.number}
        )
    content = version.content
    errors: dict[str, list[str]] = {}
    if not content.get("common_goal"):
        errors["common_goal"] = [_("Write the common goal before you send the agreement: it is what you agree on.")]
    if not content.get("valid_from") or not content.get("valid_until"):
        errors["valid_until"] = [_("Say from when until when the agreement holds before you send it.")]
    problems = _check_signatories(signatories)
    if problems:
        errors["signatories"] = problems
    if errors:
        raise DomainError(errors)
    # Claim the version in SQL: two people pressing "send" at once freeze it once.
    now = timezone.now()
    if not AgreementVersion.objects.filter(pk=version.pk, sent_at__isnull=True).update(sent_at=now):
        raise ConflictError()
    version.sent_at = now
    save_versioned(agreement, expected_version=expected_version, fields={"status": Agreement.Status.SENT})
    organisation = _partner_organisation(agreement)
    Signatory.objects.bulk_create(
        [
            Signatory(
                agreement=agreement,
                version=version,
                party=spec.party,
                organisation=organisation if spec.party == Signatory.Party.ORGANISATION else None,
                name=spec.name.strip()[:200],
                role=spec.role.strip()[:200],
                email=spec.email.strip(),
                language=spec.language,
                # A placeholder nobody knows: the real link is made when the mail leaves.
                token_hash=Signatory.hash_token(Signatory.new_token()),
            )
            for spec in signatories
        ]
    )
    _sync_evaluation_moments(agreement, version)
    schedule_reminders(agreement)
    record(by, "sent for signing", agreement, changes={"version": version.number, "signatories": len(signatories)})
    ids = list(Signatory.objects.filter(version=version).order_by("id").values_list("pk", flat=True))
    base = site_url(base_url)

    from agreements.tasks import send_signing_link

    for signatory_id in ids:
        transaction.on_commit(lambda sid=signatory_id: send_signing_link.enqueue(sid, base))
    return version


def _sync_evaluation_moments(agreement: Agreement, version: AgreementVersion) -> None:
    EvaluationMoment.objects.filter(agreement=agreement).delete()
    EvaluationMoment.objects.bulk_create(
        [
            EvaluationMoment(agreement=agreement, date=dt.date.fromisoformat(m["date"]), title=m["title"][:200] or "—")
            for m in version.content.get("evaluations", [])
        ]
    )


def issue_link(signatory: Signatory) -> str:
    """Make a new secret for ``signatory``, keep only its hash, and return it for the mail."""
    token = Signatory.new_token()
    signatory.token_hash = Signatory.hash_token(token)
    signatory.invited_at = timezone.now()
    signatory.save(update_fields=["token_hash", "invited_at"])
    return token


def signatory_for_token(token: str) -> Signatory | None:
    if not token or len(token) > 100:
        return None
    return (
        Signatory.objects.select_related("agreement__institution", "version", "signature")
        .filter(token_hash=Signatory.hash_token(token))
        .first()
    )


def link_state(signatory: Signatory) -> str:
    if hasattr(signatory, "signature"):
        return LinkState.SIGNED
    if AgreementVersion.objects.filter(
        agreement_id=signatory.agreement_id, number__gt=signatory.version.number
    ).exists():
        return LinkState.SUPERSEDED
    if signatory.agreement.status not in SIGNABLE:
        return LinkState.CLOSED
    return LinkState.OPEN


@transaction.atomic
def sign(signatory: Signatory, *, name: str, role: str, content_hash: str) -> Signature:
    """Record a signature for the signatory's own version; activate the agreement when all have signed."""
    # Lock the agreement row: two last signatures at once still make one activation.
    agreement = Agreement.objects.select_for_update().get(pk=signatory.agreement_id)
    signatory = Signatory.objects.select_related("version").get(pk=signatory.pk)
    signatory.agreement = agreement
    state = link_state(signatory)
    if state == LinkState.SIGNED:
        raise DomainError(_("This link has already been used to sign."), code="signed")
    if state == LinkState.SUPERSEDED:
        raise DomainError(_("A newer version of this agreement exists; this link no longer signs."), code="superseded")
    if state == LinkState.CLOSED:
        raise DomainError(_("This agreement no longer takes signatures."), code="closed")
    if content_hash != signatory.version.content_hash:
        raise DomainError(
            _("What you were shown is not the version this link is for. Reload the page and read it again."),
            code="wrong_version",
        )
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Type your name to sign.")]
    if not role.strip():
        errors["role"] = [_("Say in which role you sign.")]
    if errors:
        raise DomainError(errors)
    signature = Signature.objects.create(
        signatory=signatory,
        version=signatory.version,
        content_hash=signatory.version.content_hash,
        name=name.strip()[:200],
        role=role.strip()[:200],
        signed_at=timezone.now(),
    )
    unsigned = Signatory.objects.filter(version=signatory.version, signature__isnull=True).exists()
    status = Agreement.Status.PARTLY_SIGNED if unsigned else Agreement.Status.ACTIVE
    save_versioned(agreement, expected_version=None, fields={"status": status})
    if status == Agreement.Status.ACTIVE:
        refresh_status(agreement)
        schedule_reminders(agreement)
    record(
        None,
        "signed",
        agreement,
        institution_id=agreement.institution_id,
        changes={
            "version": signatory.version.number,
            "party": signatory.party,
            "name": signature.name,
            "content_hash": signature.content_hash,
        },
    )
    return signature


def status_on(agreement: Agreement, today: dt.date) -> str:
    """What an agreement in force is on ``today``: active, up for renewal, or ended."""
    if agreement.status not in (Agreement.Status.ACTIVE, Agreement.Status.RENEWAL_DUE, Agreement.Status.ENDED):
        return agreement.status
    if agreement.valid_until is None:
        return Agreement.Status.ACTIVE
    if today > agreement.valid_until:
        return Agreement.Status.ENDED
    if today >= agreement.valid_until - dt.timedelta(days=agreement.renewal_notice_days):
        return Agreement.Status.RENEWAL_DUE
    return Agreement.Status.ACTIVE


def refresh_status(agreement: Agreement, today: dt.date | None = None) -> None:
    new = status_on(agreement, today or timezone.localdate())
    if new != agreement.status:
        old = agreement.status
        save_versioned(agreement, expected_version=None, fields={"status": new})
        record(None, "status changed", agreement, changes={"from": old, "to": new})


def refresh_statuses(today: dt.date | None = None) -> int:
    """Move agreements in force along the calendar; run daily by the reminder task. Returns how many moved."""
    today = today or timezone.localdate()
    moved = 0
    in_force = Agreement.objects.filter(
        status__in=[Agreement.Status.ACTIVE, Agreement.Status.RENEWAL_DUE], valid_until__isnull=False
    )
    for agreement in in_force.iterator():
        before = agreement.status
        with transaction.atomic():
            refresh_status(agreement, today)
        moved += agreement.status != before
    return moved


def reminder_recipients(agreement: Agreement) -> list[tuple[str, str]]:
    """The coordinator who drafted it and everyone asked to sign the newest sent version: (e-mail, language)."""
    found: dict[str, tuple[str, str]] = {}
    creator = agreement.created_by
    if creator is not None and creator.email and creator.is_active:
        found[creator.email.lower()] = (creator.email, creator.language)
    sent = agreement.versions.filter(sent_at__isnull=False).order_by("-number").first()
    if sent is not None:
        for signatory in sent.signatories.order_by("id"):
            found.setdefault(signatory.email.lower(), (signatory.email, signatory.language))
    return list(found.values())


def schedule_reminders(agreement: Agreement, today: dt.date | None = None) -> int:
    """Plan a reminder before each evaluation moment and, once in force, before the end.

    Safe to call again: the unique constraint on (agreement, kind, date, recipient) means a
    reminder is made once; pending ones for dates that are no longer in the agreement are cancelled.
    """
    today = today or timezone.localdate()
    wanted: list[Reminder] = []
    recipients = reminder_recipients(agreement)
    dues: list[tuple[str, dt.date, str]] = [
        (Reminder.Kind.EVALUATION, m.date, m.title) for m in agreement.evaluation_moments.all()
    ]
    in_force = agreement.status in (Agreement.Status.ACTIVE, Agreement.Status.RENEWAL_DUE)
    if in_force and agreement.valid_until:
        dues.append((Reminder.Kind.EXPIRY, agreement.valid_until, agreement.title))
    lead = {Reminder.Kind.EVALUATION: EVALUATION_LEAD_DAYS, Reminder.Kind.EXPIRY: EXPIRY_LEAD_DAYS}
    for kind, due, title in dues:
        if due < today:
            continue
        send_on = max(today, due - dt.timedelta(days=lead[kind]))
        for email, language in recipients:
            wanted.append(
                Reminder(
                    agreement=agreement,
                    kind=kind,
                    due_on=due,
                    send_on=send_on,
                    title=title[:200],
                    recipient=email,
                    language=language,
                )
            )
    Reminder.objects.bulk_create(wanted, ignore_conflicts=True)
    evaluation_dates = [m.date for m in agreement.evaluation_moments.all()]
    Reminder.objects.filter(agreement=agreement, kind=Reminder.Kind.EVALUATION, status=Reminder.Status.PENDING).exclude(
        due_on__in=evaluation_dates
    ).update(status=Reminder.Status.CANCELLED)
    return len(wanted)
