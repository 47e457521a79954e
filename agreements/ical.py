"""iCalendar feeds (RFC 5545) of evaluation moments and renewal dates, written by hand.

A calendar client fetches a feed without a session, so the address carries a signed token
(``django.core.signing`` with a salt of its own): it names the user, and for a partnership feed
the partnership too. The feed is built from what that user may see *now*, so a user who leaves
(or loses access) gets an empty calendar from the same address.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.utils import timezone

USER_SALT = "agreements.ical.user"
PARTNERSHIP_SALT = "agreements.ical.partnership"
PRODID = "-//Brug//Agreements//EN"


@dataclass(frozen=True)
class Event:
    uid: str
    day: dt.date
    summary: str
    description: str = ""
    url: str = ""


# Signed without a timestamp: a calendar subscription keeps one address, whenever it was shown.


def user_token(user: Any) -> str:
    return signing.Signer(salt=USER_SALT).sign_object({"u": user.pk})


def partnership_token(user: Any, partnership: Any) -> str:
    return signing.Signer(salt=PARTNERSHIP_SALT).sign_object({"u": user.pk, "p": str(partnership.public_id)})


def read_token(token: str, *, salt: str) -> dict[str, Any] | None:
    try:
        data = signing.Signer(salt=salt).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    return data if isinstance(data, dict) else None


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11)."""
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets (§3.1), never inside a UTF-8 character."""
    out: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def calendar(name: str, events: Iterable[Event], *, now: dt.datetime | None = None) -> str:
    stamp = (now or timezone.now()).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{event.day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{event.day + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape(event.summary)}",
        ]
        if event.description:
            lines.append(f"DESCRIPTION:{escape(event.description)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        lines.append("TRANSP:TRANSPARENT")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def agreement_events(agreements: Iterable[Any], base_url: str) -> list[Event]:
    """Evaluation moments, the start of the renewal window and the end date of each agreement.

    ``agreements`` should come with ``evaluation_moments`` prefetched (one query for all).
    """
    from django.urls import reverse
    from django.utils.translation import gettext as _

    events: list[Event] = []
    for agreement in agreements:
        url = base_url + reverse("agreement-detail", args=[agreement.public_id])
        for moment in agreement.evaluation_moments.all():
            events.append(
                Event(
                    uid=f"agreement-{agreement.public_id}-evaluation-{moment.pk}@brug",
                    day=moment.date,
                    summary=_("Evaluation: %(title)s (%(agreement)s)")
                    % {"title": moment.title, "agreement": agreement.title},
                    url=url,
                )
            )
        if agreement.valid_until:
            renewal = agreement.valid_until - dt.timedelta(days=agreement.renewal_notice_days)
            events.append(
                Event(
                    uid=f"agreement-{agreement.public_id}-renewal@brug",
                    day=renewal,
                    summary=_("Up for renewal: %(agreement)s") % {"agreement": agreement.title},
                    description=_("The agreement ends on %(date)s.") % {"date": agreement.valid_until.isoformat()},
                    url=url,
                )
            )
            events.append(
                Event(
                    uid=f"agreement-{agreement.public_id}-end@brug",
                    day=agreement.valid_until,
                    summary=_("Agreement ends: %(agreement)s") % {"agreement": agreement.title},
                    url=url,
                )
            )
    events.sort(key=lambda e: (e.day, e.uid))
    return events
