"""Equity: what each party puts into the engagements and what it gets out, and when that is one-sided.

The parties are grouped in two sides: the campus side (the institution and its
students) and the community side (the partner and residents). The rule,
written once here and shown on the pages:

* one-sided effort: one side puts in at least 80% of the recorded hours, or at
  least 80% of the recorded money;
* one-sided benefit: benefits are named for one side only.

Numbers are aggregated in SQL; the pages list the contribution rows behind them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _

from engagements.models import Contribution, Engagement

# Recording contributions is a write of the engagements app; re-exported for the callers of this module.
from engagements.services import ContributionSpec, contribution_specs, set_contributions
from partnerships.models import Partnership

Party = Contribution.Party
Direction = Contribution.Direction
Kind = Contribution.Kind

CAMPUS_SIDE = (Party.INSTITUTION, Party.STUDENTS)
COMMUNITY_SIDE = (Party.PARTNER, Party.RESIDENTS)
ONE_SIDED_SHARE = Decimal("0.8")
# Contribution rows listed under the figures of a partnership or relationship; the sums cover all of them.
LINES_SHOWN = 100
ZERO = Decimal(0)

Totals = dict[tuple[str, str, str], tuple[Decimal, int]]


def side_of_party(party: str) -> str:
    return "campus" if party in CAMPUS_SIDE else "community"


@dataclass
class PartyEquity:
    party: str
    label: str
    hours: Decimal = ZERO
    money: Decimal = ZERO
    # (kind label, summed amount or None, number of rows), per direction.
    gives: list[tuple[str, Decimal | None, int]] = field(default_factory=list)
    gets: list[tuple[str, Decimal | None, int]] = field(default_factory=list)
    lines: list[Contribution] = field(default_factory=list)

    @property
    def gives_lines(self) -> list[Contribution]:
        return [c for c in self.lines if c.direction == Direction.GIVES]

    @property
    def gets_lines(self) -> list[Contribution]:
        return [c for c in self.lines if c.direction == Direction.GETS]


@dataclass
class EquityFigures:
    parties: list[PartyEquity]
    hours: dict[str, Decimal]  # side -> hours put in
    money: dict[str, Decimal]  # side -> euros put in
    benefits: dict[str, int]  # side -> benefit rows named
    one_sided: bool
    reasons: list[str]
    rows: int
    lines_cut: bool = False

    @property
    def recorded(self) -> bool:
        return self.rows > 0

    @property
    def total_hours(self) -> Decimal:
        return sum(self.hours.values(), ZERO)

    @property
    def total_money(self) -> Decimal:
        return sum(self.money.values(), ZERO)

    def share(self, measure: str, side: str) -> int | None:
        values = self.hours if measure == "hours" else self.money
        total = sum(values.values(), ZERO)
        return round(100 * values[side] / total) if total else None

    @property
    def campus_hours_percent(self) -> int | None:
        return self.share("hours", "campus")

    @property
    def community_hours_percent(self) -> int | None:
        return self.share("hours", "community")

    @property
    def campus_money_percent(self) -> int | None:
        return self.share("money", "campus")

    @property
    def community_money_percent(self) -> int | None:
        return self.share("money", "community")


def _side_name(side: str) -> str:
    return (
        _("the campus side (institution and students)")
        if side == "campus"
        else _("the community side (partner and residents)")
    )


def judge(totals: Totals) -> tuple[bool, list[str], dict[str, Any]]:
    """Apply the one-sidedness rule to summed contributions keyed by (party, direction, kind)."""
    hours = {"campus": ZERO, "community": ZERO}
    money = {"campus": ZERO, "community": ZERO}
    benefits = {"campus": 0, "community": 0}
    for (party, direction, kind), (amount, count) in totals.items():
        side = side_of_party(party)
        if direction == Direction.GIVES and kind == Kind.HOURS:
            hours[side] += amount
        elif direction == Direction.GIVES and kind == Kind.MONEY:
            money[side] += amount
        elif direction == Direction.GETS:
            benefits[side] += count
    reasons: list[str] = []
    for measure, values in (("hours", hours), ("money", money)):
        total = values["campus"] + values["community"]
        if not total:
            continue
        for side in ("campus", "community"):
            if values[side] / total >= ONE_SIDED_SHARE:
                numbers = {
                    "side": _side_name(side),
                    "percent": round(100 * values[side] / total),
                    "amount": _number(values[side]),
                    "total": _number(total),
                }
                if measure == "hours":
                    reasons.append(
                        _("%(side)s puts in %(percent)s%% of the hours (%(amount)s of %(total)s).") % numbers
                    )
                else:
                    reasons.append(
                        _("%(side)s puts in %(percent)s%% of the money (€%(amount)s of €%(total)s).") % numbers
                    )
    named = [side for side in ("campus", "community") if benefits[side]]
    if len(named) == 1:
        other = "community" if named[0] == "campus" else "campus"
        reasons.append(
            _("Only %(side)s names what it gets out; nothing is recorded for %(other)s.")
            % {"side": _side_name(named[0]), "other": _side_name(other)}
        )
    reasons = [r[0].upper() + r[1:] for r in reasons]
    return bool(reasons), reasons, {"hours": hours, "money": money, "benefits": benefits}


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.2f}"


def _totals(contributions: QuerySet[Contribution]) -> Totals:
    rows = contributions.order_by().values("party", "direction", "kind").annotate(total=Sum("amount"), n=Count("id"))
    return {(r["party"], r["direction"], r["kind"]): (r["total"] or ZERO, r["n"]) for r in rows}


def equity_from(contributions: QuerySet[Contribution], *, lines_limit: int | None = LINES_SHOWN) -> EquityFigures:
    """Two queries: the sums per party, direction and kind, and the first rows to show."""
    totals = _totals(contributions)
    one_sided, reasons, sides = judge(totals)
    kind_labels = dict(Kind.choices)
    parties = {code: PartyEquity(party=code, label=str(label)) for code, label in Party.choices}
    for (party, direction, kind), (amount, count) in sorted(totals.items()):
        entry = parties.get(party)
        if entry is None:
            continue
        shown_amount = amount if kind in (Kind.HOURS, Kind.MONEY) else None
        (entry.gives if direction == Direction.GIVES else entry.gets).append(
            (str(kind_labels.get(kind, kind)), shown_amount, count)
        )
        if direction == Direction.GIVES and kind == Kind.HOURS:
            entry.hours += amount
        elif direction == Direction.GIVES and kind == Kind.MONEY:
            entry.money += amount
    lines = contributions.select_related("engagement").order_by("party", "direction", "engagement__start_date", "id")
    listed = list(lines[: lines_limit + 1]) if lines_limit is not None else list(lines)
    cut = lines_limit is not None and len(listed) > lines_limit
    for line in listed[:lines_limit] if lines_limit is not None else listed:
        if line.party in parties:
            parties[line.party].lines.append(line)
    return EquityFigures(
        parties=list(parties.values()),
        hours=sides["hours"],
        money=sides["money"],
        benefits=sides["benefits"],
        one_sided=one_sided,
        reasons=reasons,
        rows=sum(count for _amount, count in totals.values()),
        lines_cut=cut,
    )


def partnership_contributions(partnership: Partnership) -> QuerySet[Contribution]:
    return Contribution.objects.filter(engagement__partnership=partnership).exclude(
        engagement__status=Engagement.Status.CANCELLED
    )


def engagements_contributions(engagements: QuerySet[Engagement]) -> QuerySet[Contribution]:
    return Contribution.objects.filter(engagement__in=engagements.exclude(status=Engagement.Status.CANCELLED))


def equity_for_partnership(partnership: Partnership) -> EquityFigures:
    """What each party puts into and gets out of the partnership's engagements (cancelled ones left out)."""
    return equity_from(partnership_contributions(partnership))


def equity_for_engagement(engagement: Engagement) -> EquityFigures:
    return equity_from(Contribution.objects.filter(engagement=engagement), lines_limit=None)


def one_sided_partnership_ids(partnership_ids: list[int]) -> set[int]:
    """The partnerships among these whose contributions are one-sided, by the rule above. One query."""
    rows = (
        Contribution.objects.filter(engagement__partnership_id__in=list(partnership_ids))
        .exclude(engagement__status=Engagement.Status.CANCELLED)
        .order_by()
        .values("engagement__partnership_id", "party", "direction", "kind")
        .annotate(total=Sum("amount"), n=Count("id"))
    )
    per_partnership: dict[int, Totals] = defaultdict(dict)
    for r in rows:
        per_partnership[r["engagement__partnership_id"]][(r["party"], r["direction"], r["kind"])] = (
            r["total"] or ZERO,
            r["n"],
        )
    return {pid for pid, totals in per_partnership.items() if judge(totals)[0]}


__all__ = [
    "ContributionSpec",
    "EquityFigures",
    "PartyEquity",
    "contribution_specs",
    "engagements_contributions",
    "equity_for_engagement",
    "equity_for_partnership",
    "equity_from",
    "judge",
    "one_sided_partnership_ids",
    "partnership_contributions",
    "set_contributions",
    "side_of_party",
]
