"""The points of attention when entering a partnership (DOMAIN.md §6), as a short checklist.

Both sides walk through it before a match becomes an engagement: the institution when it
proposes (or later on the match page), the partner when it accepts through its mail link.
Answers are stored on ``Match.attention`` as
``{"institution": {"answers": {code: {"answer": ..., "note": ...}}, "by": ..., "at": ...}, "partner": {...}}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lib.errors import DomainError

NOTE_MAX = 1000
SIDES = ("institution", "partner")


@dataclass(frozen=True)
class Point:
    code: str
    title: Promise
    question: Promise


POINTS: tuple[Point, ...] = (
    Point(
        "common_goal",
        gettext_lazy("A common goal"),
        gettext_lazy("Is there a common goal that fits the partner's vision and mission?"),
    ),
    Point(
        "nature_criteria",
        gettext_lazy("Nature and criteria agreed together"),
        gettext_lazy("Did both sides decide together what the students will do and by which criteria?"),
    ),
    Point(
        "added_value",
        gettext_lazy("Added value for the partner"),
        gettext_lazy("Does the partner gain more than it puts in (time, guidance, rooms)?"),
    ),
    Point(
        "expectations",
        gettext_lazy("Expectations"),
        gettext_lazy("Are the expectations of each side said out loud: results, availability, contact person?"),
    ),
    Point(
        "room_to_adjust",
        gettext_lazy("Room to adjust"),
        gettext_lazy("Is there a moment to look at the process together and adjust it when needed?"),
    ),
    Point(
        "lasting",
        gettext_lazy("A lasting perspective"),
        gettext_lazy("Is there a way for the collaboration to last beyond this project?"),
    ),
)
CODES = tuple(p.code for p in POINTS)

ANSWERS: tuple[tuple[str, Promise], ...] = (
    ("yes", gettext_lazy("Yes")),
    ("partly", gettext_lazy("Partly")),
    ("not_yet", gettext_lazy("Not yet")),
)
ANSWER_CODES = tuple(code for code, _label in ANSWERS)


def clean_answers(raw: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """Every point answered with one of the answers, an optional short note; else a DomainError."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, dict[str, str]] = {}
    for code in CODES:
        item = raw.get(code) or {}
        answer = str(item.get("answer") or "")
        note = str(item.get("note") or "").strip()
        if answer not in ANSWER_CODES:
            errors[f"attention_{code}"] = [_("Answer this point.")]
        if len(note) > NOTE_MAX:
            errors[f"attention_{code}_note"] = [_("Keep the note under %(max)d characters.") % {"max": NOTE_MAX}]
        cleaned[code] = {"answer": answer, "note": note}
    if errors:
        raise DomainError(errors)
    return cleaned


def side_done(attention: Mapping[str, Any], side: str) -> bool:
    return bool((attention or {}).get(side, {}).get("answers"))


def rows(attention: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The checklist for display: each point with both sides' answers in words."""
    labels = dict(ANSWERS)
    result = []
    for point in POINTS:
        row: dict[str, Any] = {"point": point}
        for side in SIDES:
            item = (attention or {}).get(side, {}).get("answers", {}).get(point.code)
            row[side] = {"answer": labels.get(item["answer"], ""), "note": item.get("note", "")} if item else None
        result.append(row)
    return result
