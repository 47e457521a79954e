"""The assessments router and what its schemas and routes share: the choices, the language of an invitation
mail, the highest number a respondent or an action can have, a date that refuses a deadline too far ahead, and
the operationIds the routes kept from when they were one module."""

import datetime as dt
from typing import Annotated

from ninja import Field, Router
from pydantic import AfterValidator

from api.schemas import choice
from assessment.models import AgreedAction, Instrument, Respondent, Round

router = Router(tags=["Assessments"])

RoundStatus = choice(Round.Status)
Side = choice(Respondent.Side)
Step = choice(AgreedAction.Step)
InstrumentKind = choice(Instrument.Kind)
Language = Annotated[str, Field(description="Language of the invitation mail: nl or en.")]
MAX_NUMBER = 2**31 - 1
# Beyond this a deadline is a typing error, and the link's expiry (a day later) would not fit a date.
LAST_DAY = dt.date(9000, 12, 31)


def _not_too_far(day: dt.date | None) -> dt.date | None:
    if day is not None and day > LAST_DAY:
        raise ValueError(f"Choose a date before {LAST_DAY.year}.")
    return day


Day = Annotated[dt.date, AfterValidator(_not_too_far)]
