"""The guided sections of an agreement, following the points of attention when entering a partnership.

One list, read by the form, the pages, the diff and the PDF, so a section is named once.
The PDF prints headings in Dutch and English side by side, whatever the reader's language,
so both names are kept here as plain text; the web pages use the translated English name.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    key: str
    label: Promise
    nl: str
    en: str
    help: Promise


TEXT_SECTIONS: tuple[Section, ...] = (
    Section(
        "common_goal",
        _("Common goal"),
        "Gemeenschappelijk doel",
        "Common goal",
        _("What you want to reach together, in the light of both missions."),
    ),
    Section(
        "activity",
        _("Nature and criteria of the activity"),
        "Aard en criteria van de activiteit",
        "Nature and criteria of the activity",
        _("What the students will do, for whom, and what makes it service-learning."),
    ),
    Section(
        "roles_institution",
        _("Roles and contact persons at the institution"),
        "Rollen en contactpersonen bij de instelling",
        "Roles and contact persons at the institution",
        _("Who does what on the institution's side, and whom to call."),
    ),
    Section(
        "roles_partner",
        _("Roles and contact persons at the partner"),
        "Rollen en contactpersonen bij de partner",
        "Roles and contact persons at the partner",
        _("Who does what on the partner's side, and whom to call."),
    ),
    Section(
        "expect_from_students",
        _("What the partner can expect from the students"),
        "Wat de partner mag verwachten van de studenten",
        "What the partner can expect from the students",
        _("Hours, attitude, deliverables, confidentiality."),
    ),
    Section(
        "expect_from_partner",
        _("What the students can expect from the partner"),
        "Wat de studenten mogen verwachten van de partner",
        "What the students can expect from the partner",
        _("Guidance, a place to work, feedback, an introduction."),
    ),
    Section(
        "adjustment",
        _("How we adjust along the way"),
        "Hoe we onderweg bijsturen",
        "How we adjust along the way",
        _("Who raises a problem with whom, and how quickly you change course."),
    ),
    Section(
        "continuation",
        _("How the collaboration can last beyond this round"),
        "Hoe de samenwerking kan blijven duren",
        "How the collaboration can last beyond this round",
        _("Next year, other courses, other forms of collaboration, more closeness."),
    ),
)

SECTION_KEYS = tuple(s.key for s in TEXT_SECTIONS)


@dataclass(frozen=True)
class Party:
    key: str
    label: Promise
    nl: str
    en: str


BALANCE_PARTIES: tuple[Party, ...] = (
    Party("institution", _("Institution"), "Instelling", "Institution"),
    Party("partner", _("Partner organisation"), "Partnerorganisatie", "Partner organisation"),
    Party("students", _("Students"), "Studenten", "Students"),
)
BALANCE_SIDES = (("gives", _("Puts in"), "Inbreng", "Puts in"), ("gets", _("Gets out"), "Opbrengst", "Gets out"))

SIGNATORY_PARTIES = {
    "institution": ("Instelling", "Institution"),
    "organisation": ("Partnerorganisatie", "Partner organisation"),
    "other": ("Andere partij", "Other party"),
}

BALANCE_HEADING = ("Inbreng en opbrengst per partij", "What each party puts in and gets out")
EVALUATION_HEADING = ("Evaluatiemomenten", "Evaluation moments")


def empty_content() -> dict[str, Any]:
    return normalise({})


def normalise(content: dict[str, Any]) -> dict[str, Any]:
    """Every key present, text trimmed, evaluation moments in date order: one content, one hash."""
    balance_in = content.get("balance") or {}
    evaluations = [
        {"date": str(e.get("date") or ""), "title": str(e.get("title") or "").strip()}
        for e in content.get("evaluations") or []
        if e.get("date")
    ]
    evaluations.sort(key=lambda e: (e["date"], e["title"]))
    return {
        "title": str(content.get("title") or "").strip(),
        "valid_from": str(content.get("valid_from") or ""),
        "valid_until": str(content.get("valid_until") or ""),
        **{key: str(content.get(key) or "").strip() for key in SECTION_KEYS},
        "balance": {
            party.key: {
                side: str((balance_in.get(party.key) or {}).get(side) or "").strip() for side, *_rest in BALANCE_SIDES
            }
            for party in BALANCE_PARTIES
        },
        "evaluations": evaluations,
    }


def canonical_json(content: dict[str, Any]) -> str:
    return json.dumps(normalise(content), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(content: dict[str, Any]) -> str:
    """sha256 of the canonical JSON: what a signature is bound to, printed on the PDF."""
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()
