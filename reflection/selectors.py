"""Read side of reflection: a workbook's pre-filled first set, its contact network, last year's
workbook beside this year's, and a workshop's anonymous spread. Each runs a fixed number of
queries, whatever the size of the course or the group.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from engagements.models import Course, Participation
from engagements.selectors import course_coverage
from network.models import SOFAR_ORDER, Interaction, Organisation, Person, Relationship, SofarRole
from network.selectors import SofarCoverage
from partnerships.models import PartnershipParty
from reflection.models import (
    SCALE,
    CaseConsent,
    Dilemma,
    DilemmaPosition,
    PlannedAction,
    PracticeCase,
    QuestionSet,
    ReflectionQuestion,
    Workbook,
    WorkbookAnswer,
    WorkshopPosition,
    WorkshopSession,
)

# The same words as the missing-voices panel of courses and partnerships.
ROLE_PLURALS = {
    SofarRole.STUDENT.value: _("students"),
    SofarRole.ORGANISATION.value: _("community organisations"),
    SofarRole.FACULTY.value: _("faculty"),
    SofarRole.ADMINISTRATOR.value: _("administrators"),
    SofarRole.RESIDENT.value: _("residents"),
}


@dataclass
class Actor:
    key: str
    label: str
    roles: list[str]
    is_organisation: bool
    is_partner: bool

    @property
    def role(self) -> str:
        return self.roles[0] if self.roles else SofarRole.ORGANISATION.value

    @property
    def role_labels(self) -> list[str]:
        labels = dict(SofarRole.choices)
        return [str(labels[r]) for r in self.roles]


@dataclass
class CourseActors:
    coverage: SofarCoverage
    actors: list[Actor]

    def by_role(self) -> list[dict[str, Any]]:
        labels = dict(SofarRole.choices)
        groups: dict[str, list[Actor]] = defaultdict(list)
        for actor in self.actors:
            for role in actor.roles:
                groups[role].append(actor)
        return [{"code": r, "label": labels[r], "actors": groups.get(r, [])} for r in SOFAR_ORDER]

    @property
    def partners(self) -> list[Actor]:
        return [a for a in self.actors if a.is_partner]

    @property
    def not_partners(self) -> list[Actor]:
        return [a for a in self.actors if not a.is_partner]

    @property
    def missing_roles(self) -> list[str]:
        return [str(ROLE_PLURALS[r]) for r in self.coverage.roles_missing]

    @property
    def missing_pairs(self) -> list[tuple[str, str]]:
        return [(str(ROLE_PLURALS[a]), str(ROLE_PLURALS[b])) for a, b in self.coverage.pairs_missing]


def _person_key(pk: int) -> str:
    return f"p{pk}"


def _organisation_key(pk: int) -> str:
    return f"o{pk}"


def course_actors(course: Course) -> CourseActors:
    """The course's actors by SOFAR role, and which of them are partners of the institution.

    A person or organisation counts as a partner when the institution keeps an active
    relationship with them, or (organisations) when they are a party of one of its partnerships.
    """
    coverage = course_coverage(course)
    roles: dict[int, list[str]] = defaultdict(list)
    people: dict[int, Person] = {}
    for teacher in course.teachers.all():
        people[teacher.pk] = teacher
        roles[teacher.pk].append(SofarRole.FACULTY.value)
    for participation in Participation.objects.filter(engagement__course=course).select_related("person"):
        people.setdefault(participation.person_id, participation.person)
        if participation.role not in roles[participation.person_id]:
            roles[participation.person_id].append(participation.role)
    organisations = list(Organisation.objects.filter(engagements__course=course).distinct().order_by("name"))
    organisation_ids = [o.pk for o in organisations]

    related_people: set[int] = set()
    related_organisations: set[int] = set()
    if people or organisation_ids:
        ends = (
            Q(a_person_id__in=list(people))
            | Q(b_person_id__in=list(people))
            | Q(a_organisation_id__in=organisation_ids)
            | Q(b_organisation_id__in=organisation_ids)
        )
        for a_p, b_p, a_o, b_o in Relationship.objects.filter(
            ends, institution_id=course.institution_id, status=Relationship.Status.ACTIVE
        ).values_list("a_person_id", "b_person_id", "a_organisation_id", "b_organisation_id"):
            related_people.update(x for x in (a_p, b_p) if x)
            related_organisations.update(x for x in (a_o, b_o) if x)
    if organisation_ids:
        ours = Q(partnership__institution_id=course.institution_id) | Q(
            partnership__other_institutions=course.institution_id
        )
        related_organisations.update(
            PartnershipParty.objects.filter(ours, organisation_id__in=organisation_ids).values_list(
                "organisation_id", flat=True
            )
        )

    actors = [
        Actor(
            key=_person_key(pk),
            label=person.full_name,
            roles=sorted(roles[pk], key=SOFAR_ORDER.index),
            is_organisation=False,
            is_partner=pk in related_people,
        )
        for pk, person in sorted(people.items(), key=lambda item: (item[1].last_name, item[1].first_name))
    ]
    actors += [
        Actor(
            key=_organisation_key(o.pk),
            label=o.name,
            roles=[SofarRole.ORGANISATION.value],
            is_organisation=True,
            is_partner=o.pk in related_organisations,
        )
        for o in organisations
    ]
    return CourseActors(coverage=coverage, actors=actors)


@dataclass
class Tie:
    a: str
    b: str
    a_label: str
    b_label: str
    direct: int = 0
    via: int = 0
    intermediaries: list[str] = field(default_factory=list)

    @property
    def through_intermediary(self) -> bool:
        return self.via > 0

    @property
    def no_contact(self) -> bool:
        return not (self.direct or self.via)


def contact_ties(actors: CourseActors) -> list[Tie]:
    """The relationships among the course's actors with how their recorded contacts ran (two queries)."""
    labels = {a.key: a.label for a in actors.actors}
    ties: dict[int, Tie] = {}
    for rel in actors.coverage.relationships:
        a = _person_key(rel.a_person_id) if rel.a_person_id else _organisation_key(rel.a_organisation_id)
        b = _person_key(rel.b_person_id) if rel.b_person_id else _organisation_key(rel.b_organisation_id)
        if a in labels and b in labels and a != b:
            ties[rel.pk] = Tie(a=a, b=b, a_label=labels[a], b_label=labels[b])
    if ties:
        counts = (
            Interaction.objects.filter(relationship_id__in=ties)
            .values("relationship_id", "mode")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in counts:
            tie = ties[row["relationship_id"]]
            if row["mode"] == Interaction.Mode.INTERMEDIARY:
                tie.via += row["n"]
            else:
                tie.direct += row["n"]
        via = (
            Interaction.objects.filter(
                relationship_id__in=ties, mode=Interaction.Mode.INTERMEDIARY, intermediary__isnull=False
            )
            .values_list("relationship_id", "intermediary__first_name", "intermediary__last_name")
            .distinct()
            .order_by()
        )
        for rel_id, first, last in via:
            name = f"{first} {last}"
            if name not in ties[rel_id].intermediaries:
                ties[rel_id].intermediaries.append(name)
    return sorted(ties.values(), key=lambda t: (t.a_label.lower(), t.b_label.lower()))


# The workbook itself ------------------------------------------------------------------------


@dataclass
class Sheet:
    """What a workbook page shows: the questions per set with answers, the dilemmas with positions, actions."""

    sets: list[dict[str, Any]]
    dilemmas: list[tuple[Dilemma, DilemmaPosition | None]]
    actions: list[PlannedAction]


def workbook_sheet(workbook: Workbook) -> Sheet:
    questions = list(ReflectionQuestion.objects.for_institution(workbook.institution_id))
    answers = {a.question_id: a.text for a in WorkbookAnswer.objects.filter(workbook=workbook)}
    dilemmas = list(Dilemma.objects.for_institution(workbook.institution_id))
    positions = {p.dilemma_id: p for p in DilemmaPosition.objects.filter(workbook=workbook)}
    labels = dict(QuestionSet.choices)
    sets = [
        {
            "number": number,
            "label": labels[number],
            "questions": [(q, answers.get(q.pk, "")) for q in questions if q.question_set == number],
        }
        for number in QuestionSet.values
    ]
    return Sheet(
        sets=sets,
        dilemmas=[(d, positions.get(d.pk)) for d in dilemmas],
        actions=list(PlannedAction.objects.filter(workbook=workbook)),
    )


def previous_year(academic_year: str) -> str:
    try:
        start = int(academic_year[:4])
    except ValueError:
        return ""
    return f"{start - 1}-{start}"


def previous_workbook(workbook: Workbook, user: Any) -> Workbook | None:
    """Last year's workbook of the same course (same course, or same code, or same title), that ``user`` sees.

    Courses are often made again each academic year; the code (or the title) ties the years together.
    """
    course = workbook.course
    same = Q(course=course) | (Q(course__code=course.code) if course.code else Q(course__title=course.title))
    return (
        Workbook.objects.for_user(user)
        .filter(same, institution_id=workbook.institution_id, academic_year=previous_year(workbook.academic_year))
        .select_related("course", "teacher")
        .annotate(
            mine=Case(
                When(teacher_id=workbook.teacher_id, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("mine", "id")
        .first()
    )


def _origin(item: ReflectionQuestion | Dilemma) -> int:
    # An adapted copy stands for the built-in it replaces, so years compare across an adaptation.
    return item.replaces_id or item.pk


@dataclass
class Movement:
    dilemma: Dilemma
    before: int | None
    after: int | None
    reason_before: str = ""
    reason_after: str = ""

    @property
    def shift(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def arrow(self) -> str:
        shift = self.shift
        if shift is None:
            return ""
        return "→" if shift > 0 else "←" if shift < 0 else "="

    @property
    def words(self) -> str:
        shift = self.shift
        if self.before is None and self.after is None:
            return str(_("No position either year."))
        if self.before is None:
            return str(_("A position for the first time this year."))
        if self.after is None:
            return str(_("No position yet this year."))
        if shift == 0:
            return str(_("Did not move."))
        pole = self.dilemma.pole_b if shift > 0 else self.dilemma.pole_a
        return str(
            _("Moved %(points)s towards “%(pole)s”.") % {"points": _points(abs(shift)), "pole": pole}  # type: ignore[arg-type]
        )


def _points(n: int) -> str:
    from django.utils.translation import ngettext

    return ngettext("%(n)d point", "%(n)d points", n) % {"n": n}


@dataclass
class Comparison:
    before: Workbook | None
    after: Workbook
    movements: list[Movement]
    answers: list[dict[str, Any]]
    actions_before: list[PlannedAction]
    actions_after: list[PlannedAction]

    @property
    def actions_done(self) -> int:
        return sum(1 for a in self.actions_before if a.done)


def compare_workbooks(before: Workbook | None, after: Workbook) -> Comparison:
    """Last year's workbook beside this year's: positions moved, answers side by side, actions done or not."""
    ids = [after.pk] + ([before.pk] if before else [])
    questions = list(ReflectionQuestion.objects.for_institution(after.institution_id))
    dilemmas = list(Dilemma.objects.for_institution(after.institution_id))
    answers: dict[int, dict[int, str]] = defaultdict(dict)
    for a in WorkbookAnswer.objects.filter(workbook_id__in=ids).select_related("question"):
        answers[a.workbook_id][_origin(a.question)] = a.text
    positions: dict[int, dict[int, DilemmaPosition]] = defaultdict(dict)
    for p in DilemmaPosition.objects.filter(workbook_id__in=ids).select_related("dilemma"):
        positions[p.workbook_id][_origin(p.dilemma)] = p
    actions: dict[int, list[PlannedAction]] = defaultdict(list)
    for action in PlannedAction.objects.filter(workbook_id__in=ids):
        actions[action.workbook_id].append(action)

    before_id = before.pk if before else None
    movements = []
    for d in dilemmas:
        was = positions[before_id].get(_origin(d)) if before_id else None
        now = positions[after.pk].get(_origin(d))
        movements.append(
            Movement(
                dilemma=d,
                before=was.position if was else None,
                after=now.position if now else None,
                reason_before=was.reason if was else "",
                reason_after=now.reason if now else "",
            )
        )
    side_by_side = [
        {
            "question": q,
            "before": answers[before_id].get(_origin(q), "") if before_id else "",
            "after": answers[after.pk].get(_origin(q), ""),
        }
        for q in questions
    ]
    return Comparison(
        before=before,
        after=after,
        movements=movements,
        answers=side_by_side,
        actions_before=actions[before_id] if before_id else [],
        actions_after=actions[after.pk],
    )


# Workshops ----------------------------------------------------------------------------------


@dataclass
class Spread:
    dilemma: Dilemma
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def peak(self) -> int:
        return max(self.counts) if self.counts else 0

    def points(self) -> list[dict[str, int]]:
        return [{"point": p, "count": c} for p, c in zip(SCALE, self.counts, strict=True)]


def workshop_spread(session: WorkshopSession) -> list[Spread]:
    """Per dilemma of the session, how many devices chose each point of the scale. Nothing else."""
    dilemmas = list(session.dilemmas.order_by("order", "id"))
    tally: dict[int, Counter[int]] = defaultdict(Counter)
    rows = (
        WorkshopPosition.objects.filter(session=session)
        .values("dilemma_id", "position")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        tally[row["dilemma_id"]][row["position"]] = row["n"]
    return [Spread(dilemma=d, counts=[tally[d.pk].get(p, 0) for p in SCALE]) for d in dilemmas]


# The office's lists of questions, dilemmas and practice examples ----------------------------


def _with_adapted(queryset: QuerySet[Any], institution_id: int | None) -> QuerySet[Any]:
    """Mark each built-in the institution has its own copy of (``adapted``), in the same query."""
    copies = queryset.model.objects.filter(institution_id=institution_id, replaces=OuterRef("pk"))
    return queryset.select_related("replaces").annotate(adapted=Exists(copies))


def office_questions(institution_id: int | None, *, everything: bool = True) -> QuerySet[ReflectionQuestion]:
    """The questions page: the institution's own (also those not in use) and every built-in, each built-in
    marked ``adapted`` when the institution's own copy replaces it. ``everything=False``: only the questions
    the institution works with (what its workbooks show)."""
    if everything:
        queryset = ReflectionQuestion.objects.filter(Q(institution_id=institution_id) | Q(institution__isnull=True))
    else:
        queryset = ReflectionQuestion.objects.for_institution(institution_id)
    return _with_adapted(queryset, institution_id).order_by("question_set", "order", "id")


def office_dilemmas(institution_id: int | None, *, everything: bool = True) -> QuerySet[Dilemma]:
    """The dilemmas of the questions page; see ``office_questions``."""
    if everything:
        queryset = Dilemma.objects.filter(Q(institution_id=institution_id) | Q(institution__isnull=True))
    else:
        queryset = Dilemma.objects.for_institution(institution_id)
    return _with_adapted(queryset, institution_id).order_by("order", "id")


def managed_cases(user: Any) -> QuerySet[PracticeCase]:
    """The office's practice examples, drafts and published ones, last changed first."""
    return PracticeCase.objects.for_user(user).select_related("partnership").order_by("-updated_at", "-id")


def case_parties(case: PracticeCase) -> list[tuple[PartnershipParty, CaseConsent | None]]:
    """The partnership's partners with their consent to be named (or none), by name (two queries)."""
    consents = {c.organisation_id: c for c in case.consents.all()}
    parties = case.partnership.parties.select_related("organisation").order_by("organisation__name", "id")
    return [(party, consents.get(party.organisation_id)) for party in parties]
