"""Test data made through Brug's own services, as a user would make it."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from accounts.models import Role, User
from engagements.models import Course, Engagement
from engagements.services import create_course, create_engagement
from network.models import Institution, Interaction, Organisation, Person, Relationship, SofarRole
from network.services import RoleSpec, create_organisation, create_person, create_relationship, log_interaction
from partnerships.models import Partnership
from partnerships.services import create_partnership

_seq = itertools.count(1)

PASSWORD = "correct-horse-battery-staple"


def make_institution(name: str = "Hogeschool Noord", **fields: Any) -> Institution:
    n = next(_seq)
    return Institution.objects.create(
        name=name, short_name=fields.pop("short_name", name[:20]), slug=fields.pop("slug", f"inst-{n}"), **fields
    )


def make_organisation(name: str | None = None, **fields: Any) -> Organisation:
    return create_organisation(by=None, name=name or f"Vzw Proef {next(_seq)}", **fields)


def make_verified_contact(organisation: Organisation, email: str, *, by: Any = None, **fields: Any) -> Any:
    """A mail contact of the organisation that receives its digests (vouched for, address confirmed)."""
    from network.contacts import add_contact

    return add_contact(organisation, by=by, email=email, address_proven=True, **fields)


def make_person(
    institution: Institution,
    role: str = SofarRole.FACULTY,
    *,
    organisation: Organisation | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    **fields: Any,
) -> Person:
    n = next(_seq)
    return create_person(
        by=None,
        institution=institution,
        first_name=first_name or f"Voornaam{n}",
        last_name=last_name or f"Achternaam{n}",
        roles=[RoleSpec(role=role, organisation=organisation)],
        **fields,
    )


def make_user(
    role: str,
    *,
    institution: Institution | None = None,
    organisation: Organisation | None = None,
    person: Person | None = None,
    username: str | None = None,
    language: str = "nl",
) -> User:
    user = User.objects.create_user(
        username=username or f"user{next(_seq)}",
        password=PASSWORD,
        role=role,
        institution=institution if role != Role.PARTNER else None,
        organisation=organisation if role == Role.PARTNER else None,
        person=person,
        language=language,
        first_name=person.first_name if person else "",
        last_name=person.last_name if person else "",
    )
    return user


def make_relationship(
    institution: Institution, a: Person | Organisation, b: Person | Organisation, *, owners: list[Person], **kw: Any
) -> Relationship:
    def role_of(actor: Person | Organisation) -> str:
        if isinstance(actor, Organisation):
            return SofarRole.ORGANISATION
        return actor.roles[0] if actor.roles else SofarRole.FACULTY

    return create_relationship(
        by=None,
        institution=institution,
        a=a,
        a_role=kw.pop("a_role", role_of(a)),
        b=b,
        b_role=kw.pop("b_role", role_of(b)),
        owners=owners,
        **kw,
    )


def make_interaction(relationship: Relationship, days_ago: int = 1, summary: str = "Overleg", **kw: Any) -> Interaction:
    from django.utils import timezone

    return log_interaction(
        relationship, by=None, occurred_on=timezone.localdate() - dt.timedelta(days=days_ago), summary=summary, **kw
    )


def make_partnership(
    institution: Institution, organisations: list[Organisation], owners: list[Person], **kw: Any
) -> Partnership:
    return create_partnership(
        by=None,
        institution=institution,
        title=kw.pop("title", f"Samenwerking {next(_seq)}"),
        organisations=organisations,
        owners=owners,
        **kw,
    )


def make_course(institution: Institution, teachers: list[Person], **kw: Any) -> Course:
    return create_course(
        by=None,
        institution=institution,
        teachers=teachers,
        title=kw.pop("title", f"Vak {next(_seq)}"),
        academic_year=kw.pop("academic_year", "2026-2027"),
        **kw,
    )


def make_engagement(institution: Institution, **kw: Any) -> Engagement:
    return create_engagement(
        by=None,
        institution=institution,
        title=kw.pop("title", f"Project {next(_seq)}"),
        start_date=kw.pop("start_date", dt.date(2026, 10, 1)),
        **kw,
    )
