"""Charts as SVG drawn on the server: no JavaScript, no library; each chart comes with its rows, which the
page shows as a table beside it (for screen readers and for copying)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR_HEIGHT = 22
GAP = 6
LABEL_WIDTH = 230
BAR_WIDTH = 330
COLOURS = ("#1f5fa8", "#1b7f3b", "#b85c00", "#6b3fa0", "#a3195b", "#555555")


@dataclass
class Chart:
    """A titled set of (label, value) rows: ``svg`` draws them as horizontal bars."""

    key: str
    title: str
    label_header: str
    value_header: str
    rows: list[tuple[str, float]] = field(default_factory=list)
    note: str = ""

    @property
    def total(self) -> float:
        return sum(value for _label, value in self.rows)

    @property
    def empty(self) -> bool:
        return not any(value for _label, value in self.rows)

    @property
    def svg(self) -> SafeString:
        return bar_chart(self.rows, title=self.title, key=self.key)


def _number(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ") if float(value).is_integer() else f"{value:,.1f}".replace(",", " ")


def _clip(text: str, size: int = 34) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def bar_chart(rows: list[tuple[str, float]], *, title: str, key: str) -> SafeString:
    """Horizontal bars, longest = full width. Every text is escaped; the SVG has a title for assistive tech
    (the table beside it carries the figures)."""
    largest = max((value for _label, value in rows), default=0) or 1
    height = max(len(rows), 1) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-{escape(key)}-title" focusable="false">',
        f'<title id="chart-{escape(key)}-title">{escape(title)}</title>',
    ]
    for i, (label, value) in enumerate(rows):
        y = GAP + i * (BAR_HEIGHT + GAP)
        length = round(BAR_WIDTH * value / largest, 1) if value > 0 else 0
        colour = COLOURS[i % len(COLOURS)] if len(rows) <= len(COLOURS) else COLOURS[0]
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR_HEIGHT * 0.7}" text-anchor="end">{escape(_clip(label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" fill="{colour}"></rect>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{y + BAR_HEIGHT * 0.7}">{escape(_number(value))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
