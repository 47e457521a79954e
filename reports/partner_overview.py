"""Everything every institution asks of one community organisation, in one place, with what to do.

The partner's side of the network (issue 18): proposals to accept or decline, agreements to sign,
assessments to answer, its booking requests and events, the engagements running now, and its own
capacity against the load of this academic period. Read across institutions on purpose (the
organisation is one party for all of them), and only what concerns the organisation itself: no
institution's notes, contact summaries or other partners.

Acting from the overview never needs a second secret in the page: a proposal is answered through a
fresh response link (the organisation's own), and a signature or an answer goes through the
signatory's or respondent's personal link, opened directly when the reader is that person and
otherwise mailed again to that person's own address.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from lib.errors import DomainError
from lib.scoping import unscoped
from network.models import Organisation

# A personal overview link in a digest works for this long; a newer digest brings a newer one.
LINK_DAYS = 30
_SALT = "brug.partner-overview"


@dataclass
class Item:
    """One thing asked of the organisation: what, from whom, by when, and what the reader can do."""

    kind: str
    title: str
    institution: str
    day: dt.date
    detail: str = ""
    url: str = ""
    action: str = ""  # "respond", "sign", "answer", "resend-sign", "resend-answer" or ""
    ref: int = 0
    waiting_for: str = ""


@dataclass
class Overview:
    organisation: Organisation
    todo: list[Item] = field(default_factory=list)
    running: list[Item] = field(default_factory=list)
    places: list[Item] = field(default_factory=list)
    results: list[Item] = field(default_factory=list)
    load: Any = None
    period: Any = None
    quiet: list[Any] = field(default_factory=list)

    @property
    def load_percent(self) -> int:
        if self.load is None or not self.load.capacity:
            return 0
        return min(100, round(100 * self.load.total / self.load.capacity))


def overview_link(organisation: Organisation) -> str:
    """The path of a personal overview for partners without an account (the digest carries it)."""
    token = signing.dumps({"o": organisation.public_id.hex}, salt=_SALT, compress=True)
    return reverse("partner-overview-link", args=[token])


def organisation_for_link(token: str) -> Organisation | None:
    if not token or len(token) > 200:
        return None
    try:
        data = signing.loads(token, salt=_SALT, max_age=dt.timedelta(days=LINK_DAYS))
    except signing.BadSignature:
        return None
    with unscoped("a personal overview link: the signed token names the organisation"):
        return Organisation.objects.filter(public_id=data.get("o"), is_active=True).first()


def _same_address(a: str, b: str) -> bool:
    return bool(a) and bool(b) and a.strip().lower() == b.strip().lower()


@unscoped("the partner's own overview reads what every institution asks of its organisation")
def partner_overview(organisation: Organisation, *, reader_email: str = "", links: bool = True) -> Overview:
    """What is asked of ``organisation``, newest first. ``reader_email`` is the signed-in partner's address
    (empty through a digest link: then personal steps are mailed to their own person). ``links`` adds
    the pages a signed-in partner can open."""
    from agreements.models import AgreementVersion, Signatory
    from agreements.services import SIGNABLE
    from assessment.models import Respondent, Round
    from engagements.models import Engagement
    from matching.load import academic_period, organisation_load
    from matching.models import Match, QuietPeriod
    from places.models import NeighbourhoodEvent

    today = timezone.localdate()
    overview = Overview(organisation=organisation)

    for match in (
        Match.objects.filter(need__organisation=organisation, status=Match.Status.PROPOSED)
        .select_related("need", "offer", "institution")
        .order_by("-proposed_at", "-id")[:50]
    ):
        overview.todo.append(
            Item(
                kind="proposal",
                title=match.offer.title,
                institution=match.institution.name,
                day=timezone.localdate(match.proposed_at),
                detail=_("For your request “%(need)s”, %(start)s – %(end)s")
                % {"need": match.need.title, "start": match.offer.period_start, "end": match.offer.period_end},
                action="respond",
                ref=match.pk,
            )
        )

    signatories = (
        Signatory.objects.filter(
            organisation=organisation,
            signature__isnull=True,
            agreement__status__in=SIGNABLE,
        )
        .select_related("agreement__institution", "version")
        .order_by("-version__created_at", "-id")[:50]
    )
    newest = {
        row["agreement_id"]: row["number"]
        for row in AgreementVersion.objects.filter(agreement_id__in={s.agreement_id for s in signatories})
        .order_by("agreement_id", "number")
        .values("agreement_id", "number")
    }
    for signatory in signatories:
        if signatory.version.number != newest.get(signatory.agreement_id):
            continue
        mine = _same_address(signatory.email, reader_email)
        overview.todo.append(
            Item(
                kind="agreement",
                title=signatory.agreement.title,
                institution=signatory.agreement.institution.name,
                day=timezone.localdate(signatory.invited_at or signatory.version.created_at),
                detail=_("Version %(number)s, to be signed by %(name)s")
                % {"number": signatory.version.number, "name": signatory.name},
                url=reverse("agreement-detail", args=[signatory.agreement.public_id]) if links else "",
                action="sign" if mine else "resend-sign",
                ref=signatory.pk,
                waiting_for=signatory.name,
            )
        )

    about_us = (
        Q(round__partnership__parties__organisation=organisation)
        | Q(round__relationship__a_organisation=organisation)
        | Q(round__relationship__b_organisation=organisation)
    )
    respondents = (
        Respondent.objects.filter(about_us, side=Respondent.Side.COMMUNITY, submitted_at__isnull=True)
        .filter(round__status=Round.Status.OPEN, expires_at__gt=timezone.now())
        .select_related("round__institution")
        .distinct()
        .order_by("-round__created_at", "-id")[:50]
    )
    for respondent in respondents:
        mine = _same_address(respondent.email, reader_email)
        overview.todo.append(
            Item(
                kind="assessment",
                title=respondent.round.title,
                institution=respondent.round.institution.name,
                day=timezone.localdate(respondent.invited_at or respondent.round.created_at),
                detail=_("Answers until %(day)s, asked of %(name)s")
                % {"day": respondent.round.closes_on, "name": respondent.name},
                action="answer" if mine else "resend-answer",
                ref=respondent.pk,
                waiting_for=respondent.name,
            )
        )
    overview.todo.sort(key=lambda item: item.day, reverse=True)

    for engagement in (
        Engagement.objects.filter(
            organisation=organisation, status__in=[Engagement.Status.PLANNED, Engagement.Status.RUNNING]
        )
        .select_related("institution")
        .order_by("-start_date", "-id")[:50]
    ):
        overview.running.append(
            Item(
                kind="engagement",
                title=engagement.title,
                institution=engagement.institution.name,
                day=engagement.start_date,
                detail=engagement.get_status_display(),
                url=reverse("engagement-detail", args=[engagement.public_id]) if links else "",
            )
        )

    for event in (
        NeighbourhoodEvent.objects.filter(organiser=organisation, date__gte=today)
        .select_related("campus__institution")
        .order_by("date", "id")[:20]
    ):
        overview.places.append(
            Item(
                kind="event",
                title=event.title,
                institution=event.campus.institution.name,
                day=event.date,
                detail=event.place,
            )
        )

    for round_ in (
        Round.objects.filter(
            status=Round.Status.CLOSED, results_shared=True, partnership__parties__organisation=organisation
        )
        .select_related("institution")
        .distinct()
        .order_by("-created_at", "-id")[:20]
    ):
        overview.results.append(
            Item(
                kind="results",
                title=round_.title,
                institution=round_.institution.name,
                day=timezone.localdate(round_.created_at),
                url=reverse("round-detail", args=[round_.public_id]) if links else "",
            )
        )

    overview.period = academic_period(today)
    overview.load = organisation_load([organisation.pk], overview.period)[organisation.pk]
    overview.quiet = list(QuietPeriod.objects.filter(organisation=organisation, end__gte=today).order_by("start"))
    return overview


class NotOurs(LookupError):
    """The step names a record that is not asked of this organisation: the face answers 404."""


@transaction.atomic
@unscoped("the partner acts on what is asked of its own organisation")
def open_step(organisation: Organisation, *, action: str, ref: int, reader_email: str, by: Any) -> str | None:
    """Carry out one step of the overview for ``organisation``: return the path of the personal page to open
    now, or None when a link was mailed to the person it belongs to. Raises NotOurs for a record of another
    organisation and DomainError when the step is no longer open (answered, withdrawn, closed)."""
    from agreements.models import Signatory
    from agreements.services import LinkState, site_url
    from agreements.services import issue_link as issue_signing_link
    from agreements.services import link_state as signing_state
    from agreements.tasks import send_signing_link
    from assessment.models import Respondent, Round
    from assessment.services import issue_link as issue_answer_link
    from assessment.services import resend_invitation
    from matching.models import Match
    from matching.services import issue_response_link

    gone = DomainError(_("This step is no longer open: it was answered, withdrawn or closed meanwhile."))
    if action == "respond":
        match = Match.objects.filter(pk=ref, need__organisation=organisation).first()
        if match is None:
            raise NotOurs
        if match.status != Match.Status.PROPOSED:
            raise gone
        return reverse("match-respond", args=[issue_response_link(match)])
    if action in ("sign", "resend-sign"):
        signatory = (
            Signatory.objects.filter(pk=ref, organisation=organisation).select_related("agreement", "version").first()
        )
        if signatory is None:
            raise NotOurs
        if signing_state(signatory) != LinkState.OPEN:
            raise gone
        if action == "sign" and _same_address(signatory.email, reader_email):
            return reverse("agreement-sign", args=[issue_signing_link(signatory)])
        record(by, "sent a new link", signatory.agreement, changes={"signatory": signatory.name})
        base = site_url(None)
        transaction.on_commit(lambda: send_signing_link.enqueue(signatory.pk, base))
        return None
    if action in ("answer", "resend-answer"):
        about_us = (
            Q(round__partnership__parties__organisation=organisation)
            | Q(round__relationship__a_organisation=organisation)
            | Q(round__relationship__b_organisation=organisation)
        )
        respondent = (
            Respondent.objects.filter(about_us, pk=ref, side=Respondent.Side.COMMUNITY).select_related("round").first()
        )
        if respondent is None:
            raise NotOurs
        if respondent.submitted_at or respondent.round.status != Round.Status.OPEN or respondent.is_expired:
            raise gone
        if action == "answer" and _same_address(respondent.email, reader_email):
            return reverse("answer", args=[issue_answer_link(respondent)])
        resend_invitation(respondent, by=by)
        return None
    raise NotOurs


@dataclass
class InstitutionWork:
    """What one institution does with an organisation in a period: counts only, never its records."""

    institution: str
    partnerships: int = 0
    engagements: int = 0
    proposals: int = 0


@unscoped("counts across institutions on purpose: the shared directory shows who asks the same partner")
def institutions_working_with(organisation: Organisation, period: Any = None) -> tuple[list[InstitutionWork], Any, Any]:
    """Which institutions work with ``organisation`` now: their partnerships (not ended), engagements planned or
    running that start in ``period`` and open proposals for its needs of ``period``, counted per institution;
    and the organisation's load against its capacity. Counts and institution names only (no titles, people or
    notes): the same for the staff of every institution. Five queries."""
    from engagements.models import Engagement
    from matching.load import PROPOSALS, academic_period, organisation_load
    from matching.models import Match
    from partnerships.models import Partnership

    period = period or academic_period()
    rows: dict[str, InstitutionWork] = {}

    def add(queryset: Any, path: str, attribute: str) -> None:
        for name, n in queryset.values_list(path).annotate(n=Count("pk", distinct=True)).order_by():
            row = rows.setdefault(name, InstitutionWork(institution=name))
            setattr(row, attribute, n)

    add(
        Partnership.objects.filter(parties__organisation=organisation).exclude(status=Partnership.Status.ENDED),
        "institution__name",
        "partnerships",
    )
    add(
        Engagement.objects.filter(
            organisation=organisation,
            status__in=[Engagement.Status.PLANNED, Engagement.Status.RUNNING],
            start_date__lte=period.end,
        ),
        "institution__name",
        "engagements",
    )
    add(
        Match.objects.filter(
            need__organisation=organisation,
            status__in=PROPOSALS,
            need__period_start__gte=period.start,
            need__period_start__lte=period.end,
        ),
        "institution__name",
        "proposals",
    )
    load = organisation_load([organisation.pk], period).get(organisation.pk)
    return sorted(rows.values(), key=lambda row: row.institution), load, period
