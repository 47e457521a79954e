"""The partnership grid in the shape the community-engagement classification asks for.

One row per key partnership of the institution (led by it, not ended; the
deepest on the continuum first): its partners, purpose, length, the people
involved by SOFAR role, reciprocity (from the recorded contributions, judged as
``health.equity`` does) and outcomes. A fixed number of queries: every column is
read in bulk for all rows at once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from engagements.models import Contribution, Engagement, Participation
from network.models import SOFAR_ORDER, Institution, SofarRole
from partnerships.models import Goal, Partnership, PartnershipParty

MAX_ROWS = 5000
OUTCOME_CHARS = 1000


def key_partnerships(user: Any, institution: Institution) -> QuerySet[Partnership]:
    return (
        Partnership.objects.for_user(user)
        .filter(institution=institution)
        .exclude(status=Partnership.Status.ENDED)
        .prefetch_related(
            Prefetch("parties", queryset=PartnershipParty.objects.select_related("organisation").order_by("id")),
            Prefetch("goals", queryset=Goal.objects.order_by("order", "id")),
        )
        .order_by("-stage", "title", "id")
    )


def years_between(start: dt.date | None, today: dt.date) -> float | None:
    if start is None:
        return None
    return round(max((today - start).days, 0) / 365.25, 1)


def grid_rows(user: Any, institution: Institution, *, today: dt.date | None = None) -> list[list[Any]]:
    """The rows of the grid (values only; ``GRID_COLUMNS`` gives the headers)."""
    from health.equity import judge

    today = today or timezone.localdate()
    partnerships = list(key_partnerships(user, institution)[:MAX_ROWS])
    ids = [p.pk for p in partnerships]
    engagements = Engagement.objects.filter(partnership_id__in=ids).exclude(status=Engagement.Status.CANCELLED)
    people: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Participation.objects.filter(engagement__in=engagements.values("pk"))
        .order_by()
        .values("engagement__partnership_id", "role")
        .annotate(n=Count("person", distinct=True))
    ):
        people[row["engagement__partnership_id"]][row["role"]] = row["n"]
    owners = dict(
        Partnership.owners.through.objects.filter(partnership_id__in=ids)
        .order_by()
        .values("partnership_id")
        .annotate(n=Count("pk"))
        .values_list("partnership_id", "n")
    )
    totals: dict[int, dict[tuple[str, str, str], tuple[Decimal, int]]] = defaultdict(dict)
    for row in (
        Contribution.objects.filter(engagement__in=engagements.values("pk"))
        .order_by()
        .values("engagement__partnership_id", "party", "direction", "kind")
        .annotate(total=Sum("amount"), n=Count("id"))
    ):
        key = (row["party"], row["direction"], row["kind"])
        totals[row["engagement__partnership_id"]][key] = (row["total"] or Decimal(0), row["n"])
    counts = dict(
        engagements.order_by().values("partnership_id").annotate(n=Count("pk")).values_list("partnership_id", "n")
    )
    outcomes: dict[int, list[str]] = defaultdict(list)
    for partnership_id, text in (
        engagements.exclude(outcomes="")
        .order_by("partnership_id", "-start_date")
        .values_list("partnership_id", "outcomes")
    ):
        outcomes[partnership_id].append(text.strip())

    rows = []
    for p in partnerships:
        involved = people.get(p.pk, {})
        one_sided, reasons, figures = judge(totals.get(p.pk, {}))
        if not totals.get(p.pk):
            reciprocity = _("No contributions recorded.")
        elif one_sided:
            reciprocity = _("One-sided: ") + " ".join(reasons)
        else:
            hours = figures["hours"]
            reciprocity = _("Balanced. Hours put in: campus side %(campus)s, community side %(community)s.") % {
                "campus": hours["campus"].normalize(),
                "community": hours["community"].normalize(),
            }
        purpose = p.summary.strip()
        goals = "; ".join(goal.title for goal in p.goals.all())
        if goals:
            purpose = f"{purpose}\n{_('Goals')}: {goals}" if purpose else f"{_('Goals')}: {goals}"
        rows.append(
            [
                p.title,
                "; ".join(str(party.organisation) for party in p.parties.all()),
                purpose,
                p.get_stage_display(),
                p.start_date,
                years_between(p.start_date, today),
                owners.get(p.pk, 0),
                *(involved.get(role, 0) for role in SOFAR_ORDER),
                counts.get(p.pk, 0),
                reciprocity,
                " | ".join(outcomes.get(p.pk, []))[:OUTCOME_CHARS],
                str(p.public_id),
            ]
        )
    return rows


def grid_headers() -> list[str]:
    return [
        _("Partnership"),
        _("Partner organisations"),
        _("Purpose"),
        _("Continuum stage"),
        _("Start date"),
        _("Length (years)"),
        _("Owners"),
        *(_("People involved: %(role)s") % {"role": label} for _code, label in SofarRole.choices),
        _("Engagements"),
        _("Reciprocity"),
        _("Outcomes"),
        _("Id"),
    ]
