"""Closeness, computed from the contact moments and engagements already recorded.

Contact frequency (per month, trend, days since the last contact), diversity
(how many different kinds of activity are shared) and mutual influence (who
takes the initiative for contacts and decisions). Each figure is computed
from the querysets returned by ``*_interactions`` and ``*_engagements`` below,
so a page listing "the records behind this figure" filters the very same
rows. Three queries per call, whatever the number of records.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from engagements.models import Engagement
from network.models import Interaction, Relationship
from network.services import INSTITUTION_SIDE_ROLES
from partnerships.models import Partnership
from partnerships.selectors import partnership_timeline

# A fitted line climbing or falling by less than this many contacts per month,
# each month, counts as steady.
STEADY_SLOPE = 0.1
# Balance scores (1 = both sides equally, 0 = one side only) and their words.
BALANCED_FROM = 0.8
LEANING_FROM = 0.5

OURS, THEIRS, BOTH = "ours", "theirs", "both"


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last twelve months: from the first day of the month eleven months ago up to today."""
    month_index = today.year * 12 + today.month - 1 - 11
    return dt.date(month_index // 12, month_index % 12 + 1, 1), today


def month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    """First day of every calendar month the period touches (a partial month counts as a month)."""
    first, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    return [dt.date(i // 12, i % 12 + 1, 1) for i in range(first, last + 1)]


def month_end(month: dt.date) -> dt.date:
    following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def least_squares_slope(values: list[int]) -> float:
    """Slope of the straight line that fits the values best (change per step)."""
    n = len(values)
    if n < 2:
        return 0.0
    mean_x = (n - 1) / 2
    mean_y = sum(values) / n
    numerator = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(values))
    denominator = sum((x - mean_x) ** 2 for x in range(n))
    return numerator / denominator


def trend_word(slope: float) -> str:
    if slope >= STEADY_SLOPE:
        return "rising"
    if slope <= -STEADY_SLOPE:
        return "falling"
    return "steady"


def a_is_ours(a_role: str, b_role: str) -> bool:
    """The same reading of "our side" as ``network.services.initiator_code``."""
    return a_role in INSTITUTION_SIDE_ROLES or b_role not in INSTITUTION_SIDE_ROLES


def side_of(code: str, a_role: str, b_role: str) -> str:
    """Turn an interaction's end code (a, b, both) into ours, theirs or both."""
    if code == Interaction.Initiator.BOTH:
        return BOTH
    ours_code = Interaction.Initiator.A if a_is_ours(a_role, b_role) else Interaction.Initiator.B
    return OURS if code == ours_code else THEIRS


@dataclass(frozen=True)
class MonthCount:
    month: dt.date
    count: int

    @property
    def last_day(self) -> dt.date:
        return month_end(self.month)


@dataclass(frozen=True)
class KindCount:
    code: str
    label: str
    count: int


@dataclass(frozen=True)
class SideShares:
    """How often each side took the initiative (for contacts) or proposed (for decisions)."""

    ours: int
    theirs: int
    both: int

    @property
    def total(self) -> int:
        return self.ours + self.theirs + self.both

    def _percent(self, n: int) -> int:
        return round(100 * n / self.total) if self.total else 0

    @property
    def ours_percent(self) -> int:
        return self._percent(self.ours)

    @property
    def theirs_percent(self) -> int:
        return self._percent(self.theirs)

    @property
    def both_percent(self) -> int:
        return self._percent(self.both)

    @property
    def balance(self) -> float | None:
        """1 − |ours − theirs| / total: 1 when both sides weigh the same (or act together), 0 when one side only."""
        if not self.total:
            return None
        return 1 - abs(self.ours - self.theirs) / self.total

    @property
    def balance_word(self) -> str:
        if self.balance is None:
            return ""
        if self.balance >= BALANCED_FROM:
            return "balanced"
        if self.balance >= LEANING_FROM:
            return "leaning"
        return "one-sided"


@dataclass(frozen=True)
class ClosenessFigures:
    start: dt.date
    end: dt.date
    months: list[MonthCount]
    last_contact_on: dt.date | None
    channels: list[KindCount]
    engagement_kinds: list[KindCount]
    initiative: SideShares
    decisions: SideShares

    @property
    def contacts(self) -> int:
        return sum(m.count for m in self.months)

    @property
    def per_month(self) -> float:
        return self.contacts / len(self.months) if self.months else 0.0

    @property
    def slope(self) -> float:
        return least_squares_slope([m.count for m in self.months])

    @property
    def trend(self) -> str:
        return trend_word(self.slope)

    @property
    def trend_label(self) -> str:
        return {"rising": _("rising"), "falling": _("falling"), "steady": _("steady")}[self.trend]

    @property
    def days_since_last_contact(self) -> int | None:
        return (self.end - self.last_contact_on).days if self.last_contact_on else None

    @property
    def engagements(self) -> int:
        return sum(k.count for k in self.engagement_kinds)

    @property
    def diversity(self) -> int:
        """Different kinds of activity shared: contact channels plus kinds of engagement."""
        return len(self.channels) + len(self.engagement_kinds)

    @property
    def max_month(self) -> int:
        return max((m.count for m in self.months), default=0)


# The records behind the figures.


def relationship_interactions(relationship_ids: Iterable[int]) -> QuerySet[Interaction]:
    return Interaction.objects.filter(relationship_id__in=list(relationship_ids))


def relationship_engagements(relationship_ids: Iterable[int]) -> QuerySet[Engagement]:
    """The institution's engagements with an organisation at either end of the relationships."""
    relationships = Relationship.objects.filter(pk__in=list(relationship_ids))
    return Engagement.objects.filter(
        Q(organisation_id__in=relationships.values("a_organisation_id"))
        | Q(organisation_id__in=relationships.values("b_organisation_id")),
        institution_id__in=relationships.values("institution_id"),
    )


def partnership_interactions(partnership: Partnership) -> QuerySet[Interaction]:
    """The lead institution's contact moments with the partnership's organisations."""
    return partnership_timeline(partnership)


def partnership_engagements(partnership: Partnership) -> QuerySet[Engagement]:
    return Engagement.objects.filter(partnership=partnership)


def interactions_in_period(interactions: QuerySet[Interaction], start: dt.date, end: dt.date) -> QuerySet[Interaction]:
    return interactions.filter(occurred_on__gte=start, occurred_on__lte=end)


def engagements_in_period(engagements: QuerySet[Engagement], start: dt.date, end: dt.date) -> QuerySet[Engagement]:
    """Engagements running at some time in the period; cancelled ones are not shared activity."""
    return (
        engagements.filter(start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .exclude(status=Engagement.Status.CANCELLED)
    )


# The figures.


def closeness_from(
    interactions: QuerySet[Interaction], engagements: QuerySet[Engagement], *, start: dt.date, end: dt.date
) -> ClosenessFigures:
    rows = (
        interactions_in_period(interactions, start, end)
        .order_by()
        .annotate(month=TruncMonth("occurred_on"))
        .values("month", "channel", "initiated_by", "decision", "relationship__a_role", "relationship__b_role")
        .annotate(n=Count("id"))
    )
    per_month: Counter[dt.date] = Counter()
    per_channel: Counter[str] = Counter()
    initiative: Counter[str] = Counter()
    decisions: Counter[str] = Counter()
    for row in rows:
        month = row["month"]
        if isinstance(month, dt.datetime):
            month = month.date()
        n = row["n"]
        per_month[month] += n
        per_channel[row["channel"]] += n
        a_role, b_role = row["relationship__a_role"], row["relationship__b_role"]
        initiative[side_of(row["initiated_by"], a_role, b_role)] += n
        if row["decision"]:
            decisions[side_of(row["decision"], a_role, b_role)] += n
    last = interactions.filter(occurred_on__lte=end).order_by().aggregate(last=Max("occurred_on"))["last"]
    kinds = Counter(
        {
            row["kind"]: row["n"]
            for row in engagements_in_period(engagements, start, end).order_by().values("kind").annotate(n=Count("id"))
        }
    )
    channel_labels = dict(Interaction.Channel.choices)
    kind_labels = dict(Engagement.Kind.choices)
    return ClosenessFigures(
        start=start,
        end=end,
        months=[MonthCount(m, per_month.get(m, 0)) for m in month_starts(start, end)],
        last_contact_on=last,
        channels=[KindCount(code, str(channel_labels.get(code, code)), n) for code, n in sorted(per_channel.items())],
        engagement_kinds=[KindCount(code, str(kind_labels.get(code, code)), n) for code, n in sorted(kinds.items())],
        initiative=SideShares(initiative[OURS], initiative[THEIRS], initiative[BOTH]),
        decisions=SideShares(decisions[OURS], decisions[THEIRS], decisions[BOTH]),
    )


def closeness_for_relationships(relationship_ids: list[int], *, start: dt.date, end: dt.date) -> ClosenessFigures:
    return closeness_from(
        relationship_interactions(relationship_ids), relationship_engagements(relationship_ids), start=start, end=end
    )


def closeness_for_partnership(partnership: Partnership, *, start: dt.date, end: dt.date) -> ClosenessFigures:
    return closeness_from(
        partnership_interactions(partnership), partnership_engagements(partnership), start=start, end=end
    )


def describe_initiative(shares: SideShares) -> str:
    """Mutual influence over contacts in words, for the coordinator to read."""
    if not shares.total:
        return _("No contact moments in this period, so nothing to say about who takes the initiative.")
    text = _(
        "The institution's side took the initiative for %(ours)s%% of the contacts, the partner's side for "
        "%(theirs)s%%."
    ) % {"ours": shares.ours_percent, "theirs": shares.theirs_percent}
    if shares.both:
        text += " " + _("%(both)s%% were initiated together.") % {"both": shares.both_percent}
    return text


def describe_decisions(shares: SideShares) -> str:
    if not shares.total:
        return _("No decisions were recorded with the contact moments of this period.")
    text = _(
        "Of the %(total)s decisions recorded, the institution's side proposed %(ours)s%%, the partner's side "
        "%(theirs)s%%."
    ) % {"total": shares.total, "ours": shares.ours_percent, "theirs": shares.theirs_percent}
    if shares.both:
        text += " " + _("%(both)s%% were proposed together.") % {"both": shares.both_percent}
    return text


def describe_balance(shares: SideShares) -> str:
    word = shares.balance_word
    if not word:
        return ""
    if word == "balanced":
        return _("Balanced.")
    leader = _("the institution's side") if shares.ours > shares.theirs else _("the partner's side")
    if word == "leaning":
        return _("Leaning towards %(side)s.") % {"side": leader}
    return _("One-sided: mostly %(side)s.") % {"side": leader}


def side_filter(field: str, side: str) -> Q:
    """Interactions whose ``field`` (initiated_by or decision) names ``side`` (ours, theirs, both), in SQL."""
    if side == BOTH:
        return Q(**{field: Interaction.Initiator.BOTH})
    a_ours = Q(relationship__a_role__in=INSTITUTION_SIDE_ROLES) | ~Q(relationship__b_role__in=INSTITUTION_SIDE_ROLES)
    a_code = Q(**{field: Interaction.Initiator.A})
    b_code = Q(**{field: Interaction.Initiator.B})
    if side == OURS:
        return (a_code & a_ours) | (b_code & ~a_ours)
    return (b_code & a_ours) | (a_code & ~a_ours)
