"""Needs, offers and matches for tests, made through the real services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from matching import attention
from matching.models import Need, Offer
from matching.services import post_need, post_offer

ALL_YES = {code: {"answer": "yes", "note": ""} for code in attention.CODES}


def make_need(organisation: Any, *, by: Any, **fields: Any) -> Need:
    """An open need, entered by staff ``by`` on the organisation's behalf."""
    return post_need(
        by=by,
        organisation=organisation,
        title=fields.pop("title", "Huiswerkbegeleiding voor kinderen"),
        description=fields.pop("description", "Kinderen uit de buurt helpen met hun huiswerk."),
        period_start=fields.pop("period_start", dt.date(2026, 10, 1)),
        period_end=fields.pop("period_end", dt.date(2027, 3, 31)),
        **fields,
    )


def make_offer(institution: Any, *, by: Any, **fields: Any) -> Offer:
    return post_offer(
        by=by,
        institution=institution,
        title=fields.pop("title", "Homework support for children"),
        learning_goals=fields.pop("learning_goals", "Pedagogical skills"),
        period_start=fields.pop("period_start", dt.date(2026, 9, 15)),
        period_end=fields.pop("period_end", dt.date(2027, 1, 31)),
        students=fields.pop("students", 4),
        hours_per_student=fields.pop("hours_per_student", 20),
        **fields,
    )
