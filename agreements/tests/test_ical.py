"""The calendar feed as RFC 5545 wants it: CRLF, folded lines, all-day events with stable ids."""

from __future__ import annotations

import datetime as dt

from agreements.ical import Event, calendar, escape, fold


def test_a_feed_has_crlf_lines_and_all_day_events_with_uid_and_stamp():
    text = calendar(
        "Agenda",
        [Event(uid="a-1@brug", day=dt.date(2026, 3, 5), summary="Evaluatie; stuurgroep, TADA")],
        now=dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC),
    )
    lines = text.split("\r\n")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert lines[0] == "BEGIN:VCALENDAR" and "END:VCALENDAR" in lines
    assert "UID:a-1@brug" in lines
    assert "DTSTAMP:20260101T120000Z" in lines
    assert "DTSTART;VALUE=DATE:20260305" in lines
    assert "DTEND;VALUE=DATE:20260306" in lines
    assert "SUMMARY:Evaluatie\\; stuurgroep\\, TADA" in lines


def test_long_lines_are_folded_at_75_octets_without_splitting_a_character():
    line = "SUMMARY:" + "é" * 100
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode("utf-8")) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line


def test_text_values_escape_newlines_and_backslashes():
    assert escape("a\\b\nc") == "a\\\\b\\nc"


def test_a_calendar_address_stays_the_same_whenever_it_is_shown(world, monkeypatch):
    # A subscribed calendar keeps its address: no timestamp in the signature.
    from django.core import signing

    from agreements.ical import USER_SALT, read_token, user_token

    monkeypatch.setattr(signing.time, "time", lambda: 1_700_000_000.0)
    first = user_token(world.coordinator)
    monkeypatch.setattr(signing.time, "time", lambda: 1_800_000_000.0)
    assert user_token(world.coordinator) == first
    assert read_token(first, salt=USER_SALT) == {"u": world.coordinator.pk}
    assert read_token(first + "x", salt=USER_SALT) is None
