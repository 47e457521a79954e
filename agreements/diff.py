"""What changed between two versions, section by section, word by word (``difflib``).

The result is plain data; the template marks insertions with ``<ins>`` and deletions with
``<del>``, each with a word a screen reader says ("added", "removed"), so nothing rests on
colour alone.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from agreements.sections import BALANCE_PARTIES, BALANCE_SIDES, TEXT_SECTIONS, normalise

WORDS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Piece:
    op: str  # "equal", "insert" or "delete"
    text: str


@dataclass
class SectionDiff:
    label: str
    pieces: list[Piece] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(p.op != "equal" for p in self.pieces)


def diff_text(old: str, new: str) -> list[Piece]:
    a, b = WORDS.findall(old or ""), WORDS.findall(new or "")
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(Piece("equal", "".join(a[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            pieces.append(Piece("delete", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            pieces.append(Piece("insert", "".join(b[j1:j2])))
    return pieces


def _flat(content: dict[str, Any]) -> list[tuple[str, str]]:
    c = normalise(content)
    rows = [
        (_("Title"), c["title"]),
        (_("Valid"), f"{c['valid_from'] or '…'} – {c['valid_until'] or '…'}"),
    ]
    rows += [(str(s.label), c[s.key]) for s in TEXT_SECTIONS]
    for party in BALANCE_PARTIES:
        for side, label, *_rest in BALANCE_SIDES:
            rows.append((f"{party.label} · {label}", c["balance"][party.key][side]))
    rows.append((_("Evaluation moments"), "\n".join(f"{m['date']} {m['title']}" for m in c["evaluations"])))
    return rows


def diff_versions(old: dict[str, Any], new: dict[str, Any]) -> list[SectionDiff]:
    return [
        SectionDiff(label, diff_text(before, after))
        for (label, before), (_label, after) in zip(_flat(old), _flat(new), strict=True)
    ]
