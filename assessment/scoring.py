"""Reading an assessment round: means per side and domain, the gaps, and the result in words.

Everything is computed from submitted answers only (a draft is not an answer).
The scale runs from 1 (exploitative) through 3 (transactional) to 5
(transformational); a mean is placed on it with these stated cut-offs:

* below 2.5: exploitative
* from 2.5 up to (not including) 3.5: transactional
* from 3.5: transformational

The "you" in the sentences is the campus side, since the results page is read
by the institution's staff; "the partner" is the community side.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from assessment.models import Answer, Instrument, InstrumentItem, Respondent, Round

EXPLOITATIVE_BELOW = 2.5
TRANSFORMATIONAL_FROM = 3.5
# A difference between the sides (or between now and wished) worth saying out loud.
NOTABLE_GAP = 0.5
SIDES = [side for side, _label in Respondent.Side.choices]
CAMPUS, COMMUNITY = Respondent.Side.CAMPUS, Respondent.Side.COMMUNITY


def scale_label(value: float | None) -> str:
    """The place of a mean on the exploitative-transactional-transformational scale."""
    if value is None:
        return ""
    if value < EXPLOITATIVE_BELOW:
        return _("exploitative")
    if value < TRANSFORMATIONAL_FROM:
        return _("transactional")
    return _("transformational")


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _mid_sentence(label: str) -> str:
    return label[:1].lower() + label[1:] if label else label


@dataclass(frozen=True)
class SideScore:
    side: str
    answered: int
    current: float | None
    desired: float | None

    @property
    def gap(self) -> float | None:
        """From current to desired: how far this side wants the relationship to move."""
        if self.current is None or self.desired is None:
            return None
        return round(self.desired - self.current, 2)

    @property
    def side_label(self) -> str:
        return str(Respondent.Side(self.side).label)

    @property
    def current_label(self) -> str:
        return scale_label(self.current)

    @property
    def desired_label(self) -> str:
        return scale_label(self.desired)


@dataclass
class DomainResult:
    item: InstrumentItem
    sides: dict[str, SideScore]
    # Signed: campus minus community, on the current state. None unless both sides answered.
    side_gap: float | None
    sentence: str
    # Per side: current now minus current in the previous round (None where either is missing).
    change: dict[str, float | None] = field(default_factory=dict)

    @property
    def domain(self) -> str:
        return self.item.domain

    @property
    def label(self) -> str:
        return self.item.label

    @property
    def abs_side_gap(self) -> float | None:
        return None if self.side_gap is None else abs(self.side_gap)

    def score(self, side: str) -> SideScore | None:
        return self.sides.get(side)

    @property
    def side_rows(self) -> list[tuple[SideScore, float | None]]:
        """Each answering side's score with its change since the previous round, in the scale's order."""
        return [(score, self.change.get(side)) for side, score in self.sides.items()]


@dataclass(frozen=True)
class SideCount:
    side: str
    invited: int
    answered: int

    @property
    def label(self) -> str:
        return str(Respondent.Side(self.side).label)


@dataclass(frozen=True)
class Comment:
    side: str
    item_label: str
    text: str

    @property
    def side_label(self) -> str:
        return str(Respondent.Side(self.side).label)


@dataclass
class RoundResult:
    round: Round
    uses_scale: bool
    domains: list[DomainResult]
    counts: list[SideCount]
    # Mean of every submitted ``current`` answer, overall and per side.
    overall_current: float | None
    overall_by_side: dict[str, float | None]
    comments: list[Comment]
    previous: Round | None
    summary: list[str]

    @property
    def overall_label(self) -> str:
        return scale_label(self.overall_current) if self.uses_scale else ""

    @property
    def overall_rows(self) -> list[tuple[str, float | None, str]]:
        """Per answering side: its label, its mean ``current`` and the place on the scale."""
        return [
            (str(Respondent.Side(side).label), value, scale_label(value) if self.uses_scale else "")
            for side in SIDES
            if (value := self.overall_by_side.get(side)) is not None
        ]

    @property
    def sides_present(self) -> list[str]:
        """The sides anyone was asked on, in the scale's order."""
        return [c.side for c in self.counts if c.invited]

    @property
    def sides_answered(self) -> list[str]:
        return [c.side for c in self.counts if c.answered]

    @property
    def silent_sides(self) -> list[SideCount]:
        """Sides that were asked but have not answered: the page says so instead of showing nothing."""
        return [c for c in self.counts if c.invited and not c.answered]

    @property
    def has_answers(self) -> bool:
        return any(c.answered for c in self.counts)

    @property
    def both_sides_answered(self) -> bool:
        answered = set(self.sides_answered)
        return CAMPUS in answered and COMMUNITY in answered


def _domain_sentence(item: InstrumentItem, sides: dict[str, SideScore], *, uses_scale: bool) -> str:
    name = _mid_sentence(item.label)
    campus, community = sides.get(CAMPUS), sides.get(COMMUNITY)
    campus_now = campus.current if campus else None
    community_now = community.current if community else None
    if campus_now is None and community_now is None:
        return _("Nobody on the campus or community side has answered on %(domain)s yet.") % {"domain": name}
    if community_now is None:
        if uses_scale:
            return _("Only your side answered on %(domain)s: %(label)s (%(score)s).") % {
                "domain": name,
                "label": scale_label(campus_now),
                "score": _fmt(campus_now),
            }
        return _("Only your side answered on %(domain)s: %(score)s.") % {"domain": name, "score": _fmt(campus_now)}
    if campus_now is None:
        if uses_scale:
            return _("Only the partner answered on %(domain)s: %(label)s (%(score)s).") % {
                "domain": name,
                "label": scale_label(community_now),
                "score": _fmt(community_now),
            }
        return _("Only the partner answered on %(domain)s: %(score)s.") % {"domain": name, "score": _fmt(community_now)}
    values = {"domain": name, "partner": _fmt(community_now), "you": _fmt(campus_now)}
    if uses_scale:
        partner_label, your_label = scale_label(community_now), scale_label(campus_now)
        if partner_label != your_label:
            return _(
                "The partner rates %(domain)s as %(partner_label)s (%(partner)s) "
                "where you rate it %(your_label)s (%(you)s)."
            ) % {**values, "partner_label": partner_label, "your_label": your_label}
        if abs(community_now - campus_now) >= NOTABLE_GAP:
            if community_now < campus_now:
                text = _("The partner rates %(domain)s lower (%(partner)s) than you (%(you)s); both call it %(label)s.")
            else:
                text = _(
                    "The partner rates %(domain)s higher (%(partner)s) than you (%(you)s); both call it %(label)s."
                )
            return text % {**values, "label": your_label}
        return _("Both sides rate %(domain)s as %(label)s (you %(you)s, the partner %(partner)s).") % {
            **values,
            "label": your_label,
        }
    if abs(community_now - campus_now) >= NOTABLE_GAP:
        return _("The partner scores %(domain)s %(partner)s where you score it %(you)s.") % values
    return _("Both sides score %(domain)s about the same (you %(you)s, the partner %(partner)s).") % values


def _wish_sentence(domain: DomainResult) -> str | None:
    """The largest wish for change on the partner's side, or else on yours."""
    for side, text in (
        (COMMUNITY, _("The partner wants %(domain)s to move from %(now)s to %(wish)s (%(label)s).")),
        (CAMPUS, _("Your side wants %(domain)s to move from %(now)s to %(wish)s (%(label)s).")),
    ):
        score = domain.sides.get(side)
        if score and score.gap is not None and score.gap >= 1:
            return text % {
                "domain": _mid_sentence(domain.label),
                "now": _fmt(score.current),
                "wish": _fmt(score.desired),
                "label": score.desired_label,
            }
    return None


def _side_means(round_id: int) -> dict[tuple[int, str], dict[str, Any]]:
    rows = (
        Answer.objects.filter(respondent__round_id=round_id, respondent__submitted_at__isnull=False)
        .values("item_id", "item__domain", "respondent__side")
        .annotate(current=Avg("current"), desired=Avg("desired"), answered=Count("id"))
        .order_by()
    )
    return {(row["item__domain"], row["respondent__side"]): row for row in rows}


def _previous_round(round_: Round) -> Round | None:
    """The latest earlier round about the same partnership (or relationship) with any answers."""
    earlier = Round.objects.filter(created_at__lt=round_.created_at).exclude(pk=round_.pk)
    if round_.partnership_id:
        earlier = earlier.filter(partnership_id=round_.partnership_id)
    else:
        earlier = earlier.filter(relationship_id=round_.relationship_id, partnership__isnull=True)
    submitted = Respondent.objects.filter(round_id=OuterRef("pk"), submitted_at__isnull=False)
    return earlier.filter(Exists(submitted)).order_by("-created_at", "-id").first()


def round_result(round_: Round) -> RoundResult:
    """The whole reading of one round, in a fixed number of queries whatever its size."""
    instrument: Instrument = round_.instrument
    uses_scale = instrument.kind == Instrument.Kind.CURRENT_DESIRED
    items = list(instrument.items.all())
    means = _side_means(round_.pk)

    count_rows = (
        Respondent.objects.filter(round_id=round_.pk)
        .values("side")
        .annotate(invited=Count("id"), answered=Count("id", filter=Q(submitted_at__isnull=False)))
        .order_by()
    )
    by_side = {row["side"]: row for row in count_rows}
    counts = [
        SideCount(side, by_side.get(side, {}).get("invited", 0), by_side.get(side, {}).get("answered", 0))
        for side in SIDES
    ]

    previous = _previous_round(round_)
    previous_means: dict[tuple[str, str], float | None] = {}
    if previous is not None:
        rows = (
            Answer.objects.filter(respondent__round_id=previous.pk, respondent__submitted_at__isnull=False)
            .values("item__domain", "respondent__side")
            .annotate(current=Avg("current"))
            .order_by()
        )
        previous_means = {(row["item__domain"], row["respondent__side"]): row["current"] for row in rows}

    domains: list[DomainResult] = []
    for item in items:
        sides: dict[str, SideScore] = {}
        for side in SIDES:
            row = means.get((item.domain, side))
            if row is not None:
                sides[side] = SideScore(
                    side=side,
                    answered=row["answered"],
                    current=_rounded(row["current"]),
                    desired=_rounded(row["desired"]) if uses_scale else None,
                )
        campus, community = sides.get(CAMPUS), sides.get(COMMUNITY)
        side_gap = None
        if campus and community and campus.current is not None and community.current is not None:
            side_gap = round(campus.current - community.current, 2)
        change: dict[str, float | None] = {}
        if previous is not None:
            for side, score in sides.items():
                before = previous_means.get((item.domain, side))
                change[side] = (
                    None if before is None or score.current is None else round(score.current - float(before), 2)
                )
        domains.append(
            DomainResult(
                item=item,
                sides=sides,
                side_gap=side_gap,
                sentence=_domain_sentence(item, sides, uses_scale=uses_scale),
                change=change,
            )
        )

    overall_rows = (
        Answer.objects.filter(respondent__round_id=round_.pk, respondent__submitted_at__isnull=False)
        .values("respondent__side")
        .annotate(mean=Avg("current"), n=Count("current"))
        .order_by()
    )
    overall_by_side = {row["respondent__side"]: _rounded(row["mean"]) for row in overall_rows}
    total = sum(row["n"] for row in overall_rows)
    overall_current = _rounded(sum((row["mean"] or 0) * row["n"] for row in overall_rows) / total) if total else None

    comment_rows = (
        Answer.objects.filter(respondent__round_id=round_.pk, respondent__submitted_at__isnull=False)
        .exclude(comment="")
        .select_related("item", "respondent")
        .order_by("item__order", "item_id", "respondent__side", "id")
    )
    comments = [Comment(a.respondent.side, a.item.label, a.comment) for a in comment_rows]

    summary = _summary(domains, counts, overall_current, overall_by_side, uses_scale=uses_scale)
    return RoundResult(
        round=round_,
        uses_scale=uses_scale,
        domains=domains,
        counts=counts,
        overall_current=overall_current,
        overall_by_side=overall_by_side,
        comments=comments,
        previous=previous,
        summary=summary,
    )


def _summary(
    domains: list[DomainResult],
    counts: list[SideCount],
    overall: float | None,
    by_side: dict[str, float | None],
    *,
    uses_scale: bool,
) -> list[str]:
    lines: list[str] = []
    if overall is None:
        return [_("Nobody has answered yet.")]
    if uses_scale:
        lines.append(
            _("Overall the relationship is rated %(label)s now (%(score)s on a scale from 1 to 5).")
            % {"label": scale_label(overall), "score": _fmt(overall)}
        )
        campus, community = by_side.get(CAMPUS), by_side.get(COMMUNITY)
        if campus is not None and community is not None and scale_label(campus) != scale_label(community):
            lines.append(
                _("The partner places it as %(partner_label)s (%(partner)s), you as %(your_label)s (%(you)s).")
                % {
                    "partner_label": scale_label(community),
                    "partner": _fmt(community),
                    "your_label": scale_label(campus),
                    "you": _fmt(campus),
                }
            )
    for count in counts:
        if count.invited and not count.answered:
            lines.append(_("No answers yet from the %(side)s.") % {"side": _mid_sentence(count.label)})
    gaps = sorted(
        (d for d in domains if d.abs_side_gap is not None and d.abs_side_gap >= NOTABLE_GAP),
        key=lambda d: (-(d.abs_side_gap or 0), d.item.order),
    )
    lines.extend(d.sentence for d in gaps[:3])
    if uses_scale:
        for domain in domains:
            wish = _wish_sentence(domain)
            if wish:
                lines.append(wish)
                break
    return lines


def latest_perception_gaps(partnership_ids: list[int]) -> dict[int, float]:
    """Per partnership: the mean absolute gap between the campus side's and the community side's
    mean ``current`` score, over the items of the latest round that has answers from both sides.

    Partnerships without such a round are left out. Two queries, whatever the number of ids.
    """
    if not partnership_ids:
        return {}

    def answered_by(side: str) -> Exists:
        return Exists(Respondent.objects.filter(round_id=OuterRef("pk"), side=side, submitted_at__isnull=False))

    candidates = (
        Round.objects.filter(partnership_id__in=partnership_ids)
        .filter(answered_by(CAMPUS), answered_by(COMMUNITY))
        .order_by("partnership_id", "-created_at", "-id")
        .values_list("pk", "partnership_id")
    )
    latest: dict[int, int] = {}
    for round_id, partnership_id in candidates:
        latest.setdefault(partnership_id, round_id)
    if not latest:
        return {}
    rows = (
        Answer.objects.filter(
            respondent__round_id__in=list(latest.values()),
            respondent__submitted_at__isnull=False,
            respondent__side__in=[CAMPUS, COMMUNITY],
            current__isnull=False,
        )
        .values("respondent__round_id", "item_id", "respondent__side")
        .annotate(current=Avg("current"))
        .order_by()
    )
    per_item: dict[int, dict[int, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        per_item[row["respondent__round_id"]][row["item_id"]][row["respondent__side"]] = float(row["current"])
    gaps: dict[int, float] = {}
    for partnership_id, round_id in latest.items():
        differences = [
            abs(sides[CAMPUS] - sides[COMMUNITY])
            for sides in per_item.get(round_id, {}).values()
            if CAMPUS in sides and COMMUNITY in sides
        ]
        if differences:
            gaps[partnership_id] = round(sum(differences) / len(differences), 2)
    return gaps
