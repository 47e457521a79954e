"""The health overview: an institution's partnerships, worst first, with flags that explain themselves.

The flags, as stated on the page:

* **no contact for N months** (bad): the last contact moment of the lead
  institution with any of the partnership's organisations (the newest
  ``Relationship.last_contact_on`` over its relationships with them) is older
  than the institution's ``stale_after_months``, or there is none.
* **no owner** (bad): the partnership is marked orphaned or has no active
  owner; **one owner only** (warning): exactly one active owner.
* **assessment overdue** (warning): no assessment round started in the last
  twelve months, or the planned joint evaluation date has passed.
* **one-sided effort** (bad): ``health.equity.one_sided_partnership_ids``.
* **large perception gap** (bad): the mean gap between the campus side and the
  community side in the latest round answered by both
  (``assessment.scoring.latest_perception_gaps``) is at least
  ``PERCEPTION_GAP_FLAG`` points.

No flag runs a subquery per partnership: each is a membership test against a
set the database computes once per statement (``pk IN (SELECT ...)`` that
does not refer to the listed row). The set of partnerships in touch probes the
organisation index of each party once (``network.selectors.in_touch``); the
last contact shown on a page comes from three grouped queries for that page
(``network.selectors.newest_contact_per_organisation``). The last two come from the bulk
functions of ``health.equity`` and ``assessment.scoring``, called once for the
ids of the (filtered) list, restricted to the partnerships that have
contributions or assessment rounds at all; their answer becomes an annotation
too. So the whole list is ordered worst first and filtered on any flag in the
database, with a fixed number of queries whatever the size of the region.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from engagements.models import Engagement
from network.models import Institution, Person
from network.selectors import in_touch, newest_contact_per_organisation, stale_cutoff
from partnerships.continuum import ASSESSMENT_VALID_DAYS, EvidenceRecord
from partnerships.models import Partnership, PartnershipParty

PERCEPTION_GAP_FLAG = 1.5

STALE, NO_OWNER, ONE_OWNER, OVERDUE, ONE_SIDED, PERCEPTION_GAP = (
    "stale",
    "no_owner",
    "one_owner",
    "overdue",
    "one_sided",
    "perception_gap",
)
FLAG_CHOICES = [
    (STALE, gettext_lazy("No recent contact")),
    (ONE_SIDED, gettext_lazy("One-sided effort")),
    (PERCEPTION_GAP, gettext_lazy("Large perception gap")),
    (NO_OWNER, gettext_lazy("No owner")),
    (ONE_OWNER, gettext_lazy("One owner only")),
    (OVERDUE, gettext_lazy("Assessment overdue")),
]
# How much each flag weighs when the list is ordered worst first.
WEIGHTS = {NO_OWNER: 8, STALE: 4, ONE_SIDED: 4, PERCEPTION_GAP: 4, OVERDUE: 2, ONE_OWNER: 1}


@dataclass(frozen=True)
class Flag:
    code: str
    level: str  # "bad" or "warn", as the CSS classes
    text: str
    records: list[EvidenceRecord] = field(default_factory=list)


@dataclass
class HealthRow:
    partnership: Partnership
    flags: list[Flag]

    @property
    def healthy(self) -> bool:
        return not self.flags


def _last_contacts(partnerships: Any, institution: Institution) -> dict[int, dt.date]:
    """The newest contact of the institution with any organisation of each partnership (ids or a subquery of
    ids); partnerships without any contact are left out. Three queries, none per partnership."""
    parties = list(
        PartnershipParty.objects.filter(partnership_id__in=partnerships)
        .order_by()
        .values_list("partnership_id", "organisation_id")
    )
    if not parties:
        return {}
    newest = newest_contact_per_organisation(institution, sorted({organisation for _p, organisation in parties}))
    contacts: dict[int, dt.date] = {}
    for partnership_id, organisation_id in parties:
        day = newest.get(organisation_id)
        if day is not None and (partnership_id not in contacts or day > contacts[partnership_id]):
            contacts[partnership_id] = day
    return contacts


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


@dataclass
class HealthList:
    """Partnerships annotated with ``flag_<code>`` (0 or 1) and ``severity``, worst first; ``gaps`` gives
    the perception gap of each partnership that has one."""

    queryset: QuerySet[Partnership]
    gaps: dict[int, float]


def with_health(
    queryset: QuerySet[Partnership], institution: Institution, *, today: dt.date | None = None
) -> HealthList:
    """Annotate every flag and order worst first; ``queryset`` holds partnerships the institution leads.

    At most three queries are run here (the partnerships with contributions or rounds, one-sidedness and the
    perception gaps, the last only when some partnership has rounds); the rest is SQL in the returned
    queryset, where every flag is a membership test against a set the database computes once per statement
    (``pk IN (SELECT ...)`` that does not refer to the listed row), never a subquery per partnership.
    """
    from assessment.models import Round
    from assessment.scoring import latest_perception_gaps
    from engagements.models import Contribution
    from health.equity import one_sided_partnership_ids

    today = today or timezone.localdate()
    cutoff = stale_cutoff(institution, today)
    since = timezone.now() - dt.timedelta(days=ASSESSMENT_VALID_DAYS)
    listed = queryset.order_by().values("pk")
    contributed = (
        Contribution.objects.filter(engagement__partnership_id__in=listed)
        .order_by()
        .values_list("engagement__partnership_id", Value("c"))
    )
    assessed = Round.objects.filter(partnership_id__in=listed).order_by().values_list("partnership_id", Value("r"))
    candidates = set(contributed.union(assessed))
    one_sided = one_sided_partnership_ids(sorted({pk for pk, kind in candidates if kind == "c"}))
    gaps = latest_perception_gaps(sorted({pk for pk, kind in candidates if kind == "r"}))
    wide = [pk for pk, gap in gaps.items() if gap >= PERCEPTION_GAP_FLAG]

    led = Q(partnership__institution_id=institution.pk)
    contacted = PartnershipParty.objects.filter(led).filter(in_touch(institution, cutoff)).values("partnership_id")
    active_owners = Partnership.owners.through.objects.filter(led, person__is_active=True).order_by()
    one_owner = active_owners.values("partnership_id").annotate(n=Count("*")).filter(n=1).values("partnership_id")
    recent_round = Round.objects.filter(led, created_at__gte=since).values("partnership_id")
    queryset = queryset.annotate(
        flag_stale=_flag(~Q(pk__in=contacted)),
        flag_no_owner=_flag(Q(orphaned=True) | ~Q(pk__in=active_owners.values("partnership_id"))),
        flag_one_owner=_flag(Q(orphaned=False) & Q(pk__in=one_owner)),
        flag_overdue=_flag(~Q(pk__in=recent_round) | Q(next_evaluation_on__lt=today)),
        flag_one_sided=_flag(Q(pk__in=sorted(one_sided))),
        flag_perception_gap=_flag(Q(pk__in=sorted(wide))),
    )
    severity = sum((F(f"flag_{code}") * weight for code, weight in WEIGHTS.items()), start=Value(0))
    ordered = queryset.annotate(severity=severity).order_by("-severity", F("title").asc(), "id")
    return HealthList(queryset=ordered, gaps=gaps)


def filter_flag(queryset: QuerySet[Partnership], flag: str) -> QuerySet[Partnership]:
    """Keep the partnerships carrying ``flag``; ``queryset`` comes from ``with_health``."""
    if flag in WEIGHTS:
        return queryset.filter(**{f"flag_{flag}": 1})
    return queryset


def _latest_answered_rounds(partnership_ids: list[int]) -> dict[int, EvidenceRecord]:
    from assessment.models import Respondent, Round

    def answered_by(side: str) -> Exists:
        return Exists(Respondent.objects.filter(round_id=OuterRef("pk"), side=side, submitted_at__isnull=False))

    rounds = (
        Round.objects.filter(partnership_id__in=partnership_ids)
        .filter(answered_by(Respondent.Side.CAMPUS), answered_by(Respondent.Side.COMMUNITY))
        .order_by("partnership_id", "-created_at", "-id")
        .values_list("partnership_id", "public_id", "title")
    )
    latest: dict[int, EvidenceRecord] = {}
    for partnership_id, public_id, title in rounds:
        latest.setdefault(partnership_id, EvidenceRecord("round", str(public_id), title))
    return latest


def health_rows(
    partnerships: list[Partnership],
    institution: Institution,
    *,
    gaps: dict[int, float],
    today: dt.date | None = None,
) -> list[HealthRow]:
    """The flags of the partnerships of one page (from ``with_health``), each with its records."""
    today = today or timezone.localdate()
    wide = [p.pk for p in partnerships if p.flag_perception_gap]
    rounds = _latest_answered_rounds(wide) if wide else {}
    months = institution.stale_after_months
    contacts = _last_contacts([p.pk for p in partnerships], institution) if partnerships else {}
    rows = []
    for p in partnerships:
        owners = EvidenceRecord("owners", str(p.public_id), p.title)
        flags: list[Flag] = []
        last_contact = contacts.get(p.pk)
        p.last_contact = last_contact  # type: ignore[attr-defined]
        if p.flag_no_owner:
            flags.append(Flag(NO_OWNER, "bad", _("No owner: nobody inside the institution looks after it."), [owners]))
        elif p.flag_one_owner:
            flags.append(
                Flag(ONE_OWNER, "warn", _("One owner only: add a second owner before that person leaves."), [owners])
            )
        if p.flag_stale:
            text = ngettext("No contact for %(months)d month", "No contact for %(months)d months", months) % {
                "months": months
            }
            if last_contact:
                text += " " + _("(last contact on %(date)s).") % {"date": last_contact}
            else:
                text += " " + _("(no contact moment recorded).")
            flags.append(Flag(STALE, "bad", text, [EvidenceRecord("timeline", str(p.public_id), p.title)]))
        if p.flag_one_sided:
            flags.append(
                Flag(
                    ONE_SIDED,
                    "bad",
                    _("One-sided effort: one side carries the cost, or only one side names benefits."),
                    [EvidenceRecord("equity", str(p.public_id), p.title)],
                )
            )
        if p.flag_perception_gap:
            record = rounds.get(p.pk)
            flags.append(
                Flag(
                    PERCEPTION_GAP,
                    "bad",
                    _(
                        "Large perception gap: the campus side and the community side differ by %(gap).1f points "
                        "on average (flagged from %(threshold).1f)."
                    )
                    % {"gap": gaps[p.pk], "threshold": PERCEPTION_GAP_FLAG},
                    [record] if record else [],
                )
            )
        if p.flag_overdue:
            if p.next_evaluation_on and p.next_evaluation_on < today:
                text = _("Assessment overdue: the joint evaluation planned on %(date)s has passed.") % {
                    "date": p.next_evaluation_on
                }
            else:
                text = _("Assessment overdue: no assessment round in the last twelve months.")
            flags.append(Flag(OVERDUE, "warn", text, [EvidenceRecord("rounds", str(p.public_id), p.title)]))
        rows.append(HealthRow(partnership=p, flags=flags))
    return rows


def overview_base(user: Any, institution: Institution) -> QuerySet[Partnership]:
    """The partnerships the institution leads and the user may see, not ended."""
    return Partnership.objects.for_user(user).filter(institution=institution).exclude(status=Partnership.Status.ENDED)


def filter_overview(
    queryset: QuerySet[Partnership],
    institution: Institution,
    *,
    campus: Any = None,
    theme: Any = None,
    faculty: str = "",
    stage: int | None = None,
) -> QuerySet[Partnership]:
    """The health overview's filters, flag aside (``filter_flag`` applies it once flags are annotated).

    One rule for the page and the API: ``campus`` and ``theme`` are records, ``faculty`` is the public id
    of a person of the institution or words of their name (an owner of the partnership, or a teacher of a
    course with an engagement in it), ``stage`` a continuum step.
    """
    if campus is not None:
        queryset = queryset.filter(campus=campus)
    if theme is not None:
        parties = PartnershipParty.objects.filter(organisation__themes=theme).values("partnership_id")
        queryset = queryset.filter(pk__in=parties)
    if text := (faculty or "").strip():
        people = _people_named(institution, text).values("pk")
        owned = Partnership.owners.through.objects.filter(person_id__in=people).values("partnership_id")
        taught = Engagement.objects.filter(course__teachers__in=people, partnership__isnull=False).values(
            "partnership_id"
        )
        queryset = queryset.filter(Q(pk__in=owned) | Q(pk__in=taught))
    if stage:
        queryset = queryset.filter(stage=stage)
    return queryset


def _people_named(institution: Institution, text: str) -> QuerySet[Person]:
    """People of the institution by public id (a link from elsewhere) or by every word of their name."""
    people = Person.objects.filter(institution=institution)
    try:
        return people.filter(public_id=uuid.UUID(text))
    except ValueError:
        pass
    for word in text.split():
        people = people.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return people
