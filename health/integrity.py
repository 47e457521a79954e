"""Integrity and shared values: missions and goals side by side, with the words they share.

The mission-alignment indication is a word-overlap signal (see ``lib.text``):
it shows which word stems two texts have in common and which are only in one,
and the Jaccard share (shared stems / all stems of both texts). It cannot see
meaning, synonyms or translations; the coordinator reads it and questions it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from lib.text import DUTCH, ENGLISH, Overlap, overlap, term_matches, terms
from network.models import Institution, Organisation, Relationship, Theme
from partnerships.models import Goal, Partnership

# Jaccard shares and the words for them. Mission statements are short and
# varied, so even closely related texts rarely share more than a quarter.
CONSIDERABLE_FROM = 0.2
SOME_FROM = 0.08


@dataclass(frozen=True)
class Comparison:
    first_label: str
    second_label: str
    first_text: str
    second_text: str
    overlap: Overlap | None
    languages: tuple[str, str] = (DUTCH, DUTCH)

    @property
    def heading(self) -> str:
        text = _("%(first)s and %(second)s") % {"first": self.first_label, "second": self.second_label}
        return text[0].upper() + text[1:]

    @property
    def missing(self) -> str:
        empty = [
            label
            for label, text in ((self.first_label, self.first_text), (self.second_label, self.second_text))
            if not text.strip()
        ]
        if not empty:
            return ""
        return _("Nothing to compare: %(what)s is not recorded.") % {"what": _(" and ").join(empty)}

    @property
    def level(self) -> str:
        if self.overlap is None:
            return "unknown"
        if self.overlap.share >= CONSIDERABLE_FROM:
            return "considerable"
        if self.overlap.share >= SOME_FROM:
            return "some"
        return "little" if self.overlap.shared else "none"

    @property
    def level_label(self) -> str:
        return {
            "unknown": _("cannot be compared"),
            "considerable": _("considerable word overlap"),
            "some": _("some word overlap"),
            "little": _("little word overlap"),
            "none": _("no shared words"),
        }[self.level]

    @property
    def languages_differ(self) -> bool:
        return self.languages[0] != self.languages[1]

    @property
    def summary(self) -> str:
        """The comparison in one readable sentence."""
        if self.overlap is None:
            return self.missing
        none = _("none")
        parts = [
            _("shared: %(words)s") % {"words": ", ".join(self.overlap.shared) or none},
            _("only in %(label)s: %(words)s")
            % {"label": self.first_label, "words": ", ".join(self.overlap.only_first) or none},
            _("only in %(label)s: %(words)s")
            % {"label": self.second_label, "words": ", ".join(self.overlap.only_second) or none},
        ]
        text = "; ".join(parts) + ". " + self.share_sentence
        return text[0].upper() + text[1:]

    @property
    def share_sentence(self) -> str:
        if self.overlap is None:
            return ""
        return _("%(shared)s of %(all)s different word stems are shared (%(percent)s%%).") % {
            "shared": len(self.overlap.shared),
            "all": len(self.overlap.shared) + len(self.overlap.only_first) + len(self.overlap.only_second),
            "percent": self.overlap.percent,
        }


def compare_texts(first_text: str, second_text: str, *, first_label: str, second_label: str) -> Comparison:
    first_text, second_text = first_text or "", second_text or ""
    first, second = terms(first_text), terms(second_text)
    found = overlap(first, second) if first and second else None
    return Comparison(
        first_label=first_label,
        second_label=second_label,
        first_text=first_text,
        second_text=second_text,
        overlap=found,
        languages=(first.language, second.language),
    )


@dataclass(frozen=True)
class ThemeMatch:
    theme: Theme
    words: list[str]


def theme_matches(themes: Iterable[Theme], mission: str) -> list[ThemeMatch]:
    """Each theme, with the words of the mission that share a stem with the theme's Dutch or English name."""
    by_language = {DUTCH: terms(mission, DUTCH), ENGLISH: terms(mission, ENGLISH)}
    found = []
    for theme in themes:
        words = set(term_matches(theme.name_nl, by_language, DUTCH)) | set(
            term_matches(theme.name_en, by_language, ENGLISH)
        )
        found.append(ThemeMatch(theme=theme, words=sorted(words)))
    return found


@dataclass(frozen=True)
class OrganisationAlignment:
    organisation: Organisation
    with_institution: Comparison
    with_goals: Comparison | None
    themes: list[ThemeMatch]


@dataclass
class IntegrityFigures:
    institution: Institution
    organisations: list[OrganisationAlignment]
    goals: list[Goal] = field(default_factory=list)
    institution_with_goals: Comparison | None = None

    @property
    def goals_text(self) -> str:
        return goals_text(self.goals)


def goals_text(goals: Iterable[Goal]) -> str:
    return "\n".join(f"{g.title}. {g.description}".strip() for g in goals)


def _alignment(organisation: Organisation, institution: Institution, goals: list[Goal] | None) -> OrganisationAlignment:
    partner_label = _("the mission of %(name)s") % {"name": organisation.name}
    return OrganisationAlignment(
        organisation=organisation,
        with_institution=compare_texts(
            organisation.mission,
            institution.mission,
            first_label=partner_label,
            second_label=_("the mission of %(name)s") % {"name": institution},
        ),
        with_goals=compare_texts(
            organisation.mission, goals_text(goals), first_label=partner_label, second_label=_("the goals")
        )
        if goals is not None
        else None,
        themes=theme_matches(organisation.themes.all(), institution.mission),
    )


def _organisations(ids: Iterable[int]) -> list[Organisation]:
    return list(
        Organisation.objects.filter(pk__in=list(ids))
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("name_nl")))
        .order_by("name", "id")
    )


def integrity_for_partnership(partnership: Partnership) -> IntegrityFigures:
    """Each partner organisation's mission against the lead institution's mission and the goals. Four queries."""
    institution = Institution.objects.get(pk=partnership.institution_id)
    goals = list(Goal.objects.filter(partnership=partnership).order_by("order", "id"))
    organisations = _organisations(partnership.parties.values_list("organisation_id", flat=True))
    return IntegrityFigures(
        institution=institution,
        organisations=[_alignment(o, institution, goals) for o in organisations],
        goals=goals,
        institution_with_goals=compare_texts(
            institution.mission,
            goals_text(goals),
            first_label=_("the mission of %(name)s") % {"name": institution},
            second_label=_("the goals"),
        ),
    )


def integrity_for_relationship(relationship: Relationship) -> IntegrityFigures:
    """The mission of the organisation(s) at the ends of the relationship against the institution's mission."""
    institution = Institution.objects.get(pk=relationship.institution_id)
    ids = [i for i in (relationship.a_organisation_id, relationship.b_organisation_id) if i is not None]
    organisations = _organisations(ids) if ids else []
    return IntegrityFigures(
        institution=institution, organisations=[_alignment(o, institution, None) for o in organisations]
    )
