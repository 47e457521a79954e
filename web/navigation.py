"""The main navigation: seven sections, each with its pages. The header shows the sections; the section
of the current page shows its pages in a second row. Every entry is a plain link (no script), shown only to
those who may open it; a view names its page with ``nav`` in its context (``"organisations"``, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Entry:
    key: str
    label: str | Promise
    url: str


@dataclass(frozen=True)
class Section:
    key: str
    label: str | Promise
    entries: tuple[Entry, ...]

    @property
    def url(self) -> str:
        return self.entries[0].url

    @property
    def keys(self) -> list[str]:
        return [entry.key for entry in self.entries]


def sections_for(user: Any) -> list[Section]:
    """The sections and pages ``user`` may open, in the order of the header."""
    # The institution's own pages need an institution: a superuser without one (the demo's "admin") sees the
    # shared lists and the admin, never a page that answers 404 to them.
    member = getattr(user, "institution_id", None) is not None
    staff = user.has_perm("network.view_dashboard") and member
    partner = bool(getattr(user, "is_partner", False))
    plan: list[tuple[str, Any, list[tuple[str, Any, str, bool]]]] = [
        ("dashboard", _("Dashboard"), [("dashboard", _("Dashboard"), "dashboard", staff)]),
        (
            "partner-home",
            _("What is asked of us"),
            [("partner-home", _("What is asked of us"), "partner-home", partner)],
        ),
        (
            "network",
            _("Network"),
            [
                ("organisations", _("Organisations"), "organisation-list", True),
                ("people", _("People"), "person-list", True),
                ("relationships", _("Relationships"), "relationship-list", True),
                ("network", _("Network at a glance"), "network", staff),
            ],
        ),
        (
            "partnerships",
            _("Partnerships"),
            [
                ("partnerships", _("Partnerships"), "partnership-list", True),
                ("agreements", _("Agreements"), "agreement-list", True),
                ("health", _("Health"), "health-overview", staff),
            ],
        ),
        (
            "education",
            _("Education"),
            [
                ("courses", _("Courses"), "course-list", True),
                ("engagements", _("Engagements"), "engagement-list", True),
                ("reflection", _("Reflection"), "reflection-home", staff),
            ],
        ),
        (
            "matching",
            _("Matchmaking"),
            [
                ("needs", _("Needs"), "need-list", True),
                ("offers", _("Offers"), "offer-list", staff),
                ("matches", _("Matches"), "match-list", True),
                ("proposals", _("Proposed organisations"), "proposal-list", member),
                ("quiet-periods", _("Quiet periods"), "my-quiet-periods", partner),
            ],
        ),
        ("campuses", _("Neighbourhood campus"), [("campuses", _("Neighbourhood campus"), "campus-list", staff)]),
        (
            "reports",
            _("Reports"),
            [
                ("reports", _("Reports"), "reports", staff),
                ("imports", _("Imports"), "import-list", user.has_perm("imports.use_imports") and member),
                ("outbox", _("Outgoing mail"), "outbox", user.has_perm("mail.view_outbox")),
                ("schedule", _("Scheduled jobs"), "schedule", user.has_perm("operations.view_schedule")),
            ],
        ),
    ]
    sections = []
    for key, label, pages in plan:
        entries = tuple(Entry(k, text, reverse(name)) for k, text, name, shown in pages if shown)
        if entries:
            sections.append(Section(key, label, entries))
    return sections


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``nav_sections`` for the header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_sections": sections_for(user)}
