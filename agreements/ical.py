"""iCalendar feeds (RFC 5545) of evaluation moments and renewal dates, written with ``icalendar``.

A calendar client fetches a feed without a session, so the address carries the secret of the user's
calendar address (``accounts.CalendarFeed``, random, renewed or switched off on the tokens page), and
for a partnership feed the partnership too. The feed is built from what that user may see *now*, so a
user who leaves (or loses access) gets an empty calendar from the same address.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import icalendar
from django.utils import timezone

from accounts.services import calendar_secret, user_for_calendar_secret

PRODID = "-//Brug//Agreements//EN"
_NEWLINES = re.compile(r"\r\n?")


@dataclass(frozen=True)
class Event:
    uid: str
    day: dt.date
    summary: str
    description: str = ""
    url: str = ""


def user_token(user: Any) -> str | None:
    """The token in the user's own feed address; None when they switched their feeds off."""
    return calendar_secret(user)


def partnership_token(user: Any, partnership: Any) -> str | None:
    secret = calendar_secret(user)
    return f"{secret}.{partnership.public_id.hex}" if secret else None


@dataclass(frozen=True)
class Reader:
    user: Any
    partnership_id: UUID | None = None


def read_token(token: str, *, partnership: bool = False) -> Reader | None:
    """Who a feed address is for (and which partnership), or None when it is not (or no longer) valid."""
    secret, dot, rest = token.partition(".")
    partnership_id = None
    if partnership:
        try:
            partnership_id = UUID(hex=rest) if dot else None
        except ValueError:
            return None
        if partnership_id is None:
            return None
    elif dot:
        return None
    user = user_for_calendar_secret(secret)
    return Reader(user, partnership_id) if user else None


def plain(text: str) -> str:
    """One line break for CR LF, a bare CR or LF: a bare CR would end a content line early (§3.1)."""
    return _NEWLINES.sub("\n", text)


def calendar(name: str, events: Iterable[Event], *, now: dt.datetime | None = None) -> str:
    stamp = (now or timezone.now()).astimezone(dt.UTC)
    feed = icalendar.Calendar()
    feed.add("prodid", PRODID)
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", icalendar.vText(plain(name)))
    for event in events:
        item = icalendar.Event()
        item.add("uid", event.uid)
        item.add("dtstamp", stamp)
        item.add("dtstart", event.day)
        item.add("dtend", event.day + dt.timedelta(days=1))
        item.add("summary", plain(event.summary))
        if event.description:
            item.add("description", plain(event.description))
        if event.url:
            item.add("url", icalendar.vUri(event.url))
        item.add("transp", "TRANSPARENT")
        feed.add_component(item)
    return feed.to_ical().decode("utf-8")


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
