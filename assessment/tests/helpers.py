"""Helpers for assessment tests: who to ask, answering a round, and a link as the mail would carry it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from assessment.models import Instrument, Respondent, Round
from assessment.services import RespondentSpec, field_name, issue_link, start_round, submit_answers


def campus(name: str = "Cora Coördinator", email: str = "cora@uas.example", **kw: Any) -> RespondentSpec:
    return RespondentSpec(Respondent.Side.CAMPUS, name, email, kw.pop("language", "nl"), kw.pop("person", None))


def community(name: str = "Pia Partner", email: str = "pia@brug.example", **kw: Any) -> RespondentSpec:
    return RespondentSpec(Respondent.Side.COMMUNITY, name, email, kw.pop("language", "nl"), kw.pop("person", None))


def make_round(world, partnership, instrument, specs: list[RespondentSpec] | None = None, **kw: Any) -> Round:
    return start_round(
        by=world.coordinator,
        partnership=partnership,
        instrument=instrument,
        closes_on=kw.pop("closes_on", timezone.localdate() + dt.timedelta(days=14)),
        respondents=specs or [campus(), community()],
        **kw,
    )


def raw_answers(instrument: Instrument, scores: dict[str, tuple[int | None, int | None]], default=(3, 3), **comments):
    """A POST-like dict: ``scores`` by domain; every other item gets ``default``."""
    raw: dict[str, Any] = {}
    for item in instrument.items.all():
        current, desired = scores.get(item.domain, default)
        if current is not None:
            raw[field_name("current", item.pk)] = str(current)
        if desired is not None:
            raw[field_name("desired", item.pk)] = str(desired)
        if item.domain in comments:
            raw[field_name("comment", item.pk)] = comments[item.domain]
    return raw


def answer(respondent: Respondent, scores: dict[str, tuple[int | None, int | None]], default=(3, 3), **comments):
    return submit_answers(respondent, raw_answers(respondent.round.instrument, scores, default, **comments))


def link_for(respondent: Respondent) -> str:
    """A fresh personal link, as the invitation task would mail it."""
    return issue_link(respondent)
