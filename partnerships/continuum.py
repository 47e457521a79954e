"""The continuum: Brug suggests a step from the recorded evidence; a coordinator confirms or overrides it.

The nine steps (``ContinuumStage``) build on each other. The suggestion is the
highest step whose rule is met *and* whose lower steps are all met; the first
unmet step is "the next step", and its rule says what is missing.

The rules, as shown on the continuum page:

1. Mutual communication: at least one contact moment of the lead institution
   with a partner organisation of the partnership (a relationship of the lead
   institution with one of its organisations).
2. Mutual awareness: contacts in both directions: at least one contact
   initiated by the institution's side and at least one initiated by the
   partner's side (a contact taken "together" counts for both).
3. Mutual coordination: at least one engagement of the partnership (not
   cancelled), or contact moments in at least three different months.
4. Planning and formalised leadership: an owner on each side (an active owner
   inside the institution and a contact person of a partner organisation)
   and a planned evaluation (a next joint evaluation today or later, or an
   assessment round started in the last twelve months).
5. Working on shared goals: at least one recorded goal of the partnership.
6. Integration of goals: goals, plus engagements (not cancelled) at more than
   one level or of more than one kind.
7. Working with shared resources: a contribution marked as a resource used
   together, or contributions put in both by the institution and by the
   community partner.
8. Synergy: engagements of at least three different kinds, and benefits named
   by both sides (something the institution or its students get out, and
   something the partner or residents get out).
9. Transformative partnership: in the latest assessment round with submitted
   answers from both the campus side and the community side, the mean
   *current* score is at least 4 (of 5) on both sides.

Every figure comes from a bounded number of aggregate queries, whatever the
size of the partnership. Evidence names the records it comes from
(``EvidenceRecord``), so a page can link to them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Avg, Count, Max, Min
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from audit.services import record
from engagements.models import Engagement
from lib.concurrency import save_versioned
from lib.errors import DomainError
from network.models import Interaction, Relationship, SofarRole
from partnerships.models import ContinuumStage, Partnership, PartnershipParty, StageChange

# How recent an assessment round must be to count as a (planned) evaluation; the health overview uses it too.
ASSESSMENT_VALID_DAYS = 365
COORDINATION_MONTHS = 3
SYNERGY_KINDS = 3
TRANSFORMATIVE_MEAN = Decimal(4)
MAX_RECORDS = 5

INSTITUTION_SIDE_ROLES = (SofarRole.STUDENT, SofarRole.FACULTY, SofarRole.ADMINISTRATOR)

RULES: dict[int, Promise] = {
    ContinuumStage.COMMUNICATION: gettext_lazy(
        "At least one contact moment of the lead institution with a partner organisation."
    ),
    ContinuumStage.AWARENESS: gettext_lazy(
        "Contacts in both directions: at least one initiated by the institution's side and one by the partner's side."
    ),
    ContinuumStage.COORDINATION: gettext_lazy(
        "At least one engagement of the partnership, or contact moments in at least three different months."
    ),
    ContinuumStage.PLANNING: gettext_lazy(
        "An owner on each side (an active owner in the institution and a contact person at a partner "
        "organisation) and a planned evaluation (a next joint evaluation today or later, or an assessment "
        "round in the last twelve months)."
    ),
    ContinuumStage.SHARED_GOALS: gettext_lazy("At least one recorded goal of the partnership."),
    ContinuumStage.INTEGRATION: gettext_lazy(
        "Goals, plus engagements at more than one level or of more than one kind."
    ),
    ContinuumStage.SHARED_RESOURCES: gettext_lazy(
        "A contribution marked as a resource used together, or contributions put in both by the institution "
        "and by the community partner."
    ),
    ContinuumStage.SYNERGY: gettext_lazy(
        "Engagements of at least three different kinds, and benefits named by both sides (the institution or "
        "its students, and the partner or residents)."
    ),
    ContinuumStage.TRANSFORMATIVE: gettext_lazy(
        "In the latest assessment round answered by both the campus side and the community side, a mean "
        "current score of at least 4 out of 5 on both sides."
    ),
}


@dataclass(frozen=True)
class EvidenceRecord:
    """A record behind a figure: ``kind`` is partnership, relationship, engagement or round."""

    kind: str
    public_id: str
    label: str


@dataclass
class StepEvidence:
    stage: int
    met: bool
    found: list[str] = field(default_factory=list)
    records: list[EvidenceRecord] = field(default_factory=list)
    missing: str = ""

    @property
    def label(self) -> str:
        return str(ContinuumStage(self.stage).label)

    @property
    def rule(self) -> str:
        return str(RULES[self.stage])


@dataclass
class StageSuggestion:
    """``stage`` is None when not even the first step is met."""

    stage: int | None
    steps: list[StepEvidence]

    @property
    def next_step(self) -> StepEvidence | None:
        return next((step for step in self.steps if not step.met), None)

    @property
    def missing(self) -> str:
        step = self.next_step
        return step.missing if step else ""

    @property
    def label(self) -> str:
        return str(ContinuumStage(self.stage).label) if self.stage else ""

    def as_json(self) -> dict[str, Any]:
        """What ``StageChange.evidence`` keeps: the steps as they were judged at the time."""
        return {
            "suggested_stage": self.stage,
            "steps": [
                {
                    "stage": step.stage,
                    "met": step.met,
                    "found": step.found,
                    "missing": step.missing,
                    "records": [{"kind": r.kind, "id": r.public_id, "label": r.label} for r in step.records],
                }
                for step in self.steps
            ],
        }


def _contact_sides(rows: list[dict[str, Any]]) -> tuple[int, int]:
    """Contacts initiated by the institution's side and by the partner's side, from grouped rows."""
    ours = theirs = 0
    for row in rows:
        a_is_ours = (
            row["relationship__a_role"] in INSTITUTION_SIDE_ROLES
            or row["relationship__b_role"] not in INSTITUTION_SIDE_ROLES
        )
        initiated = row["initiated_by"]
        if initiated == Interaction.Initiator.BOTH:
            ours += row["n"]
            theirs += row["n"]
        elif (initiated == Interaction.Initiator.A) == a_is_ours:
            ours += row["n"]
        else:
            theirs += row["n"]
    return ours, theirs


@dataclass
class _Facts:
    today: dt.date
    contacts: int = 0
    ours: int = 0
    theirs: int = 0
    months: int = 0
    last_contact: dt.date | None = None
    relationships: list[EvidenceRecord] = field(default_factory=list)
    engagements: int = 0
    engagement_records: list[EvidenceRecord] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)
    levels: set[str] = field(default_factory=set)
    owners: list[str] = field(default_factory=list)
    contact_people: list[str] = field(default_factory=list)
    next_evaluation_on: dt.date | None = None
    recent_round: EvidenceRecord | None = None
    goals: list[str] = field(default_factory=list)
    contributions: dict[tuple[str, str, bool], int] = field(default_factory=dict)
    contribution_records: dict[tuple[str, str, bool], EvidenceRecord] = field(default_factory=dict)
    means: dict[str, Decimal] = field(default_factory=dict)
    scored_round: EvidenceRecord | None = None


def _gather(partnership: Partnership) -> _Facts:
    from assessment.models import Answer, Respondent, Round
    from engagements.models import Contribution

    facts = _Facts(today=timezone.localdate(), next_evaluation_on=partnership.next_evaluation_on)
    parties = list(
        PartnershipParty.objects.filter(partnership=partnership).select_related("contact_person").order_by("id")
    )
    organisation_ids = [party.organisation_id for party in parties]
    facts.contact_people = [str(party.contact_person) for party in parties if party.contact_person_id]

    # One index per end: two arms of a union are much faster than an OR over both ends.
    ends = (
        Relationship.objects.filter(institution_id=partnership.institution_id).order_by().values_list("pk", flat=True)
    )
    relationship_ids = list(
        ends.filter(a_organisation_id__in=organisation_ids).union(ends.filter(b_organisation_id__in=organisation_ids))
    )
    relationships = Relationship.objects.filter(pk__in=relationship_ids)
    interactions = Interaction.objects.filter(relationship_id__in=relationship_ids)
    rows = list(
        interactions.values("initiated_by", "relationship__a_role", "relationship__b_role")
        .annotate(n=Count("id"), last=Max("occurred_on"))
        .order_by()
    )
    facts.contacts = sum(row["n"] for row in rows)
    facts.ours, facts.theirs = _contact_sides(rows)
    facts.last_contact = max((row["last"] for row in rows), default=None)
    if facts.contacts:
        months = interactions.annotate(month=TruncMonth("occurred_on")).values("month").distinct().order_by()
        facts.months = len(months[:COORDINATION_MONTHS])
        facts.relationships = [
            EvidenceRecord("relationship", str(r.public_id), str(r))
            for r in relationships.filter(last_contact_on__isnull=False)
            .with_actors()
            .order_by("-last_contact_on", "id")[:MAX_RECORDS]
        ]

    engagements = Engagement.objects.filter(partnership=partnership).exclude(status=Engagement.Status.CANCELLED)
    for row in engagements.values("kind", "level").annotate(n=Count("id")).order_by():
        facts.engagements += row["n"]
        facts.kinds.add(row["kind"])
        facts.levels.add(row["level"])
    if facts.engagements:
        facts.engagement_records = [
            EvidenceRecord("engagement", str(e["public_id"]), e["title"])
            for e in engagements.order_by("-start_date", "-id").values("public_id", "title")[:MAX_RECORDS]
        ]

    facts.owners = [str(p) for p in partnership.owners.filter(is_active=True).order_by("last_name", "id")[:MAX_RECORDS]]
    facts.goals = list(partnership.goals.order_by("order", "id").values_list("title", flat=True)[:MAX_RECORDS])

    grouped = (
        Contribution.objects.filter(engagement__in=engagements.values("pk"))
        .values("party", "direction", "shared")
        .annotate(n=Count("id"), engagement_id=Min("engagement_id"))
        .order_by()
    )
    example_engagements: dict[tuple[str, str, bool], int] = {}
    for row in grouped:
        key = (row["party"], row["direction"], row["shared"])
        facts.contributions[key] = row["n"]
        example_engagements[key] = row["engagement_id"]
    if example_engagements:
        titles = {
            e["pk"]: e
            for e in Engagement.objects.filter(pk__in=set(example_engagements.values())).values(
                "pk", "public_id", "title"
            )
        }
        facts.contribution_records = {
            key: EvidenceRecord("engagement", str(titles[pk]["public_id"]), titles[pk]["title"])
            for key, pk in example_engagements.items()
            if pk in titles
        }

    since = timezone.now() - dt.timedelta(days=ASSESSMENT_VALID_DAYS)
    recent = (
        Round.objects.filter(partnership=partnership, created_at__gte=since)
        .order_by("-created_at", "-id")
        .values("public_id", "title")
        .first()
    )
    if recent:
        facts.recent_round = EvidenceRecord("round", str(recent["public_id"]), recent["title"])

    sides = [Respondent.Side.CAMPUS, Respondent.Side.COMMUNITY]
    scores = (
        Answer.objects.filter(
            respondent__round__partnership=partnership,
            respondent__submitted_at__isnull=False,
            respondent__side__in=sides,
            current__isnull=False,
        )
        .values("respondent__round_id", "respondent__side")
        .annotate(mean=Avg("current"), created=Max("respondent__round__created_at"))
        .order_by()
    )
    by_round: dict[int, dict[str, Any]] = {}
    for row in scores:
        entry = by_round.setdefault(row["respondent__round_id"], {"created": row["created"], "means": {}})
        entry["means"][row["respondent__side"]] = Decimal(str(row["mean"]))
    answered = [(entry["created"], round_id) for round_id, entry in by_round.items() if len(entry["means"]) == 2]
    if answered:
        _created, round_id = max(answered)
        facts.means = by_round[round_id]["means"]
        latest = Round.objects.filter(pk=round_id).values("public_id", "title").get()
        facts.scored_round = EvidenceRecord("round", str(latest["public_id"]), latest["title"])
    return facts


def _mean_text(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.1'))}"


def _steps(facts: _Facts, partnership: Partnership) -> list[StepEvidence]:
    itself = EvidenceRecord("partnership", str(partnership.public_id), partnership.title)
    steps: list[StepEvidence] = []

    # 1. Mutual communication
    step = StepEvidence(ContinuumStage.COMMUNICATION, met=facts.contacts > 0)
    if step.met:
        step.found.append(
            ngettext(
                "%(count)d contact moment, the last on %(date)s.",
                "%(count)d contact moments, the last on %(date)s.",
                facts.contacts,
            )
            % {"count": facts.contacts, "date": facts.last_contact}
        )
        step.records = facts.relationships
    else:
        step.missing = _("Log a contact moment with one of the partner organisations.")
    steps.append(step)

    # 2. Mutual awareness
    step = StepEvidence(ContinuumStage.AWARENESS, met=facts.ours > 0 and facts.theirs > 0)
    step.found.append(
        _("Contacts initiated by the institution's side: %(ours)d; by the partner's side: %(theirs)d.")
        % {"ours": facts.ours, "theirs": facts.theirs}
    )
    step.records = [itself] if facts.contacts else []
    if not facts.ours:
        step.missing = _("Take the initiative for a contact yourself, and record it as initiated by your side.")
    elif not facts.theirs:
        step.missing = _("No contact initiated by the partner yet: record it when the partner reaches out.")
    steps.append(step)

    # 3. Mutual coordination
    step = StepEvidence(ContinuumStage.COORDINATION, met=facts.engagements > 0 or facts.months >= COORDINATION_MONTHS)
    if facts.engagements:
        step.found.append(
            ngettext("%(count)d engagement.", "%(count)d engagements.", facts.engagements)
            % {"count": facts.engagements}
        )
        step.records = facts.engagement_records
    if facts.months:
        step.found.append(
            ngettext(
                "Contact moments in %(count)d month.",
                "Contact moments in %(count)d or more different months.",
                facts.months,
            )
            % {"count": facts.months}
        )
    if not step.met:
        step.missing = _(
            "Record an engagement of the partnership, or keep in touch in at least three different months."
        )
    steps.append(step)

    # 4. Planning and formalised leadership
    planned = (
        bool(facts.next_evaluation_on and facts.next_evaluation_on >= facts.today) or facts.recent_round is not None
    )
    step = StepEvidence(ContinuumStage.PLANNING, met=bool(facts.owners) and bool(facts.contact_people) and planned)
    if facts.owners:
        step.found.append(_("Owners in the institution: %(names)s.") % {"names": ", ".join(facts.owners)})
    if facts.contact_people:
        step.found.append(_("Contact people at the partner: %(names)s.") % {"names": ", ".join(facts.contact_people)})
    if facts.next_evaluation_on and facts.next_evaluation_on >= facts.today:
        step.found.append(_("Next joint evaluation planned on %(date)s.") % {"date": facts.next_evaluation_on})
    if facts.recent_round:
        step.found.append(_("Assessment round: %(title)s.") % {"title": facts.recent_round.label})
        step.records = [facts.recent_round]
    missing = []
    if not facts.owners:
        missing.append(_("name an active owner in the institution"))
    if not facts.contact_people:
        missing.append(_("name a contact person at a partner organisation"))
    if not planned:
        missing.append(_("plan the next joint evaluation or start an assessment round"))
    if missing:
        step.missing = _todo(missing)
    steps.append(step)

    # 5. Working on shared goals
    step = StepEvidence(ContinuumStage.SHARED_GOALS, met=bool(facts.goals))
    if facts.goals:
        step.found.append(_("Goals: %(titles)s.") % {"titles": "; ".join(facts.goals)})
        step.records = [itself]
    else:
        step.missing = _("Write down at least one goal the partners work on together.")
    steps.append(step)

    # 6. Integration of goals
    spread = len(facts.levels) > 1 or len(facts.kinds) > 1
    step = StepEvidence(ContinuumStage.INTEGRATION, met=bool(facts.goals) and spread)
    if facts.engagements:
        levels = dict(Engagement.Level.choices)
        kinds = dict(Engagement.Kind.choices)
        step.found.append(
            _("Levels of the engagements: %(levels)s. Kinds: %(kinds)s.")
            % {
                "levels": ", ".join(str(levels.get(v, v)) for v in sorted(facts.levels)),
                "kinds": ", ".join(str(kinds.get(v, v)) for v in sorted(facts.kinds)),
            }
        )
        step.records = facts.engagement_records
    if not step.met:
        step.missing = (
            _("Write down at least one goal the partners work on together.")
            if not facts.goals
            else _("Add an engagement of another kind or at another level (programme, faculty, institution, city).")
        )
    steps.append(step)

    # 7. Working with shared resources
    shared = {key: n for key, n in facts.contributions.items() if key[2]}
    gives_institution = sum(
        n
        for (party, direction, _s), n in facts.contributions.items()
        if party == "institution" and direction == "gives"
    )
    gives_partner = sum(
        n for (party, direction, _s), n in facts.contributions.items() if party == "partner" and direction == "gives"
    )
    step = StepEvidence(
        ContinuumStage.SHARED_RESOURCES, met=bool(shared) or (gives_institution > 0 and gives_partner > 0)
    )
    if shared:
        step.found.append(
            ngettext("%(count)d resource used together.", "%(count)d resources used together.", sum(shared.values()))
            % {"count": sum(shared.values())}
        )
    if gives_institution or gives_partner:
        step.found.append(
            _("Put in by the institution: %(institution)d; by the community partner: %(partner)d.")
            % {"institution": gives_institution, "partner": gives_partner}
        )
    step.records = _unique(
        facts.contribution_records[key]
        for key in facts.contribution_records
        if key[2] or (key[1] == "gives" and key[0] in ("institution", "partner"))
    )
    if not step.met:
        step.missing = _(
            "Record a resource used together (rooms, materials, money), "
            "or what both the institution and the partner put in."
        )
    steps.append(step)

    # 8. Synergy
    campus_benefits = sum(
        n
        for (party, direction, _s), n in facts.contributions.items()
        if direction == "gets" and party in ("institution", "students")
    )
    community_benefits = sum(
        n
        for (party, direction, _s), n in facts.contributions.items()
        if direction == "gets" and party in ("partner", "residents")
    )
    step = StepEvidence(
        ContinuumStage.SYNERGY,
        met=len(facts.kinds) >= SYNERGY_KINDS and campus_benefits > 0 and community_benefits > 0,
    )
    step.found.append(
        ngettext("%(count)d kind of engagement.", "%(count)d kinds of engagement.", len(facts.kinds))
        % {"count": len(facts.kinds)}
    )
    step.found.append(
        _("Benefits named for the institution or students: %(campus)d; for the partner or residents: %(community)d.")
        % {"campus": campus_benefits, "community": community_benefits}
    )
    step.records = _unique(
        [*facts.engagement_records[:2], *(r for key, r in facts.contribution_records.items() if key[1] == "gets")]
    )
    missing = []
    if len(facts.kinds) < SYNERGY_KINDS:
        missing.append(_("collaborate in at least three different kinds of engagement"))
    if not campus_benefits:
        missing.append(_("record what the institution or its students get out"))
    if not community_benefits:
        missing.append(_("record what the partner or residents get out"))
    if missing:
        step.missing = _todo(missing)
    steps.append(step)

    # 9. Transformative partnership
    campus = facts.means.get("campus")
    community = facts.means.get("community")
    step = StepEvidence(
        ContinuumStage.TRANSFORMATIVE,
        met=campus is not None
        and community is not None
        and campus >= TRANSFORMATIVE_MEAN
        and community >= TRANSFORMATIVE_MEAN,
    )
    if facts.scored_round and campus is not None and community is not None:
        step.found.append(
            _("Mean current score in %(title)s: campus side %(campus)s, community side %(community)s.")
            % {"title": facts.scored_round.label, "campus": _mean_text(campus), "community": _mean_text(community)}
        )
        step.records = [facts.scored_round]
        if not step.met:
            step.missing = _("Both sides rate the relationship at 4 or higher in the next assessment round.")
    else:
        step.missing = _("Run an assessment round answered by both the campus side and the community side.")
    steps.append(step)

    # A step counts only when every lower step is met too.
    reached = True
    for step in steps:
        if not step.met:
            reached = False
        elif not reached:
            step.met = False
            step.missing = step.missing or _("Met on its own, but a lower step is not met yet.")
    return steps


def _todo(items: list[str]) -> str:
    text = "; ".join(items)
    return text[:1].upper() + text[1:] + "."


def _unique(records: Any) -> list[EvidenceRecord]:
    seen: list[EvidenceRecord] = []
    for item in records:
        if item not in seen:
            seen.append(item)
    return seen[:MAX_RECORDS]


def suggest_stage(partnership: Partnership) -> StageSuggestion:
    """The highest step of the continuum whose evidence, and that of every lower step, is recorded."""
    steps = _steps(_gather(partnership), partnership)
    met = [step.stage for step in steps if step.met]
    return StageSuggestion(stage=max(met) if met else None, steps=steps)


@transaction.atomic
def confirm_stage(
    partnership: Partnership,
    *,
    stage: int,
    reason: str,
    by: Any,
    expected_version: int | None = None,
) -> StageChange:
    """Place the partnership on the continuum. A step other than Brug's suggestion needs a reason.

    The history keeps each confirmation with the suggestion and the evidence as
    they were at the time; ``expected_version`` guards against a stale form.
    """
    if stage not in ContinuumStage.values:
        raise DomainError({"stage": _("Choose one of the nine steps.")})
    reason = (reason or "").strip()
    suggestion = suggest_stage(partnership)
    if stage != suggestion.stage and not reason:
        raise DomainError(
            {"reason": _("Say why you choose another step than the one Brug suggests from the evidence.")}
        )
    previous = partnership.stage
    save_versioned(partnership, expected_version=expected_version, fields={"stage": stage})
    change = StageChange.objects.create(
        partnership=partnership,
        stage=stage,
        suggested_stage=suggestion.stage,
        reason=reason,
        evidence=suggestion.as_json(),
        by=by if getattr(by, "is_authenticated", False) else None,
    )
    record(
        by,
        "confirmed continuum step",
        partnership,
        changes={"stage": [previous, stage], "suggested_stage": suggestion.stage, "reason": reason},
    )
    return change
