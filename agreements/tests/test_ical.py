"""The calendar feed as RFC 5545 wants it: CRLF, folded lines, all-day events with stable ids."""

from __future__ import annotations

import datetime as dt

from agreements.ical import Event, calendar, read_token, user_token


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
    text = calendar("Agenda", [Event(uid="a-1@brug", day=dt.date(2026, 3, 5), summary="é" * 100)])
    lines = text.split("\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    start = next(i for i, line in enumerate(lines) if line.startswith("SUMMARY:"))
    unfolded = lines[start] + "".join(line[1:] for line in lines[start + 1 :] if line.startswith(" "))
    assert unfolded == "SUMMARY:" + "é" * 100


def test_text_values_escape_newlines_bare_carriage_returns_and_backslashes():
    text = calendar("Brug\rX", [Event(uid="a-1@brug", day=dt.date(2026, 3, 5), summary="a\\b\nc\rd\r\ne")])
    assert "SUMMARY:a\\\\b\\nc\\nd\\ne\r\n" in text
    assert "X-WR-CALNAME:Brug\\nX\r\n" in text
    assert "\r" not in text.replace("\r\n", "")


def test_a_calendar_address_stays_the_same_whenever_it_is_shown(world):
    # A subscribed calendar keeps its address until its owner renews it.
    first = user_token(world.coordinator)
    assert user_token(world.coordinator) == first
    assert read_token(first).user == world.coordinator
    assert read_token(first + "x") is None
