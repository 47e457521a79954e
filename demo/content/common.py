"""What both demo cases share: the institutions' slugs, the result holder, small helpers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from demo import names
from engagements.models import Engagement
from engagements.services import create_engagement
from network.models import Institution, Interaction, Organisation, Person, Relationship, SofarRole
from network.services import RoleSpec, create_person, create_relationship, log_interaction

GHENT_SLUG = "stadshogeschool-gent"
LEUVEN_SLUG = "ku-leuven-demo"

S, O, F, A, R = (  # noqa: E741 (the SOFAR letters)
    SofarRole.STUDENT,
    SofarRole.ORGANISATION,
    SofarRole.FACULTY,
    SofarRole.ADMINISTRATOR,
    SofarRole.RESIDENT,
)
E = Engagement


@dataclass
class Cases:
    """What the rest of the loader needs from the hand-written cases."""

    ghent: Institution
    leuven: Institution
    people: dict[str, Person] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def status_for(start: dt.date, end: dt.date | None) -> str:
    today = timezone.localdate()
    if start > today:
        return E.Status.PLANNED
    if end is not None and end < today:
        return E.Status.COMPLETED
    return E.Status.RUNNING


def add_person(
    institution: Institution, first: str, last: str, role: str, *, org: Organisation | None = None, title: str = ""
) -> Person:
    return create_person(
        by=None,
        institution=institution,
        first_name=first,
        last_name=last,
        email=names.email(first, last),
        roles=[RoleSpec(role=role, organisation=org, title=title)],
    )


def role_of(actor: Person | Organisation) -> str:
    return O if isinstance(actor, Organisation) else actor.roles[0]


def add_relationship(
    institution: Institution,
    a: Person | Organisation,
    b: Person | Organisation,
    owners: list[Person],
    description: str,
    contacts: list[tuple[int, str, str, str]],
) -> Relationship:
    """A relationship with its contact moments: (days ago, channel, initiative "ours"/"theirs"/"both", summary)."""
    relationship = create_relationship(
        by=None,
        institution=institution,
        a=a,
        a_role=role_of(a),
        b=b,
        b_role=role_of(b),
        owners=owners,
        description=description,
    )
    for days, channel, initiative, summary in sorted(contacts, reverse=True):
        initiated = {"ours": Interaction.Initiator.A, "theirs": Interaction.Initiator.B}.get(
            initiative, Interaction.Initiator.BOTH
        )
        log_interaction(
            relationship, by=None, occurred_on=days_ago(days), summary=summary, channel=channel, initiated_by=initiated
        )
    return relationship


def add_engagement(
    institution: Institution, title: str, *, start: dt.date, end: dt.date | None, **fields: Any
) -> Engagement:
    return create_engagement(
        by=None,
        institution=institution,
        title=title,
        start_date=start,
        end_date=end,
        status=status_for(start, end),
        **fields,
    )


def academic_year(today: dt.date) -> str:
    start = today.year if today.month >= 9 else today.year - 1
    return f"{start}-{start + 1}"
