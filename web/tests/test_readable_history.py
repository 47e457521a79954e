"""The history a person reads (a relationship's audit trail, /audit/) is in their language: what was done,
and its details with translated names, dates in the reader's format and coded values by their label."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from tests import factories as f


def _page(client, user, url: str, language: str) -> str:
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    return client.get(url).content.decode()


@pytest.mark.parametrize(
    ("language", "action", "channel", "date_label"),
    [
        ("nl", "contactmoment geregistreerd bij", "kanaal: Overleg", "datum: "),
        ("en", "logged a contact moment on", "channel: Meeting", "date: "),
    ],
)
def test_a_relationships_history_reads_in_the_readers_language(world, client, language, action, channel, date_label):
    relationship = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.coord_person])
    f.make_interaction(relationship, days_ago=3, channel="meeting")
    html = _page(client, world.coordinator, reverse("relationship-detail", args=[relationship.public_id]), language)
    day = timezone.localdate() - dt.timedelta(days=3)
    with translation.override(language):
        shown_date = formats.date_format(day, "SHORT_DATE_FORMAT")
    assert action in html and channel in html
    assert f"{date_label}{shown_date}" in html
    assert "logged contact<" not in html and "channel: meeting" not in html and day.isoformat() not in html


def test_english_dates_are_written_day_month_year(world, client):
    relationship = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.coord_person])
    f.make_interaction(relationship, days_ago=0)
    html = _page(client, world.coordinator, reverse("relationship-detail", args=[relationship.public_id]), "en")
    assert timezone.localdate().strftime("%d/%m/%Y") in html
