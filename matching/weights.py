"""An institution's matching weights: read with the defaults filled in, and saved with an audit entry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import record
from lib.errors import ConflictError, DomainError
from matching.engine import DEFAULT_WEIGHTS, MAX_WEIGHT, Ranked, rank, weights_with_defaults
from matching.models import MatchingWeights
from network.models import Institution


def stamp_of(row: MatchingWeights | None) -> str:
    """What the settings form carries to refuse a lost update (the row has no version of its own)."""
    return row.updated_at.isoformat() if row is not None and row.updated_at else ""


def current_weights(institution: Institution) -> tuple[dict[str, float], str]:
    row = MatchingWeights.objects.filter(institution=institution).first()
    return weights_with_defaults(row.weights if row else None), stamp_of(row)


@transaction.atomic
def save_weights(
    institution: Institution, *, by: Any, weights: Mapping[str, Any], expected_stamp: str | None
) -> MatchingWeights:
    """Save the institution's weights. ``expected_stamp`` is what the form was opened with ("" for the
    defaults); a different one means someone saved in between, and nothing is saved."""
    unknown = set(weights) - set(DEFAULT_WEIGHTS)
    if unknown:
        raise DomainError(_("Unknown weights: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    clean: dict[str, float] = {}
    for key, value in weights.items():
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise DomainError({key: _("Give a number.")}) from None
        if not 0 <= number <= MAX_WEIGHT:
            raise DomainError({key: _("Give a number from 0 to %(max)s.") % {"max": int(MAX_WEIGHT)}})
        clean[key] = number
    row = MatchingWeights.objects.select_for_update().filter(institution=institution).first()
    if expected_stamp is not None and stamp_of(row) != expected_stamp:
        raise ConflictError()
    before = weights_with_defaults(row.weights if row else None)
    after = weights_with_defaults(clean)
    if row is None:
        row = MatchingWeights.objects.create(institution=institution, weights=after)
    else:
        row.weights = after
        row.save(update_fields=["weights", "updated_at"])
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    record(by, "changed matching weights", row, institution_id=institution.pk, changes=changes)
    return row


@dataclass(frozen=True)
class TrialRow:
    """One offer in a trial ranking: its place with the weights tried, and its place with the saved ones."""

    position: int
    saved_position: int | None
    ranked: Ranked


def trial_ranking(need: Any, institution: Institution, weights: Mapping[str, float], *, limit: int) -> list[TrialRow]:
    """The need's top offers with ``weights`` (nothing saved), each with where the saved weights put it, so
    the settings page and the API show how a change of weights moves the ranking."""
    from matching.loaders import need_ranking_parts

    saved, _stamp = current_weights(institution)
    record_, collection, context = need_ranking_parts(need, institution)
    before = {
        r.public_id: number
        for number, r in enumerate(rank(record_, collection, weights=saved, context=context, limit=limit), 1)
    }
    trial = rank(record_, collection, weights=dict(weights) or saved, context=context, limit=limit)
    return [TrialRow(number, before.get(r.public_id), r) for number, r in enumerate(trial, 1)]
