"""What every part of the matching services shares: how long a mailed link stays open, how long a
reason may be, minting and hashing the links' tokens, and the two checks of a period and a reason."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.utils.translation import gettext as _

from lib.errors import DomainError

CONFIRM_DAYS = 7
RESPONSE_DAYS = 30
REASON_MAX = 1000


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_period(start: dt.date | None, end: dt.date | None) -> None:
    if start and end and end < start:
        raise DomainError({"period_end": _("The end date cannot be before the start date.")})


def _reason(text: str, field: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError({field: message})
    if len(text) > REASON_MAX:
        raise DomainError({field: _("Keep it under %(max)d characters.") % {"max": REASON_MAX}})
    return text
