"""``manage.py match_eval``: hit@1, hit@3 and mean reciprocal rank on the project's labelled evaluation set."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from matching.engine import DEFAULT_WEIGHTS
from matching.evaluation import SET, evaluate, load


class Command(BaseCommand):
    help = "Rank the labelled evaluation set (matching/evaluation/set.json) and print hit@1, hit@3 and MRR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--set", default=str(SET), help="A set in the same format (default: the project's).")
        parser.add_argument(
            "--weights",
            help=f"JSON object overriding weights, keys {', '.join(DEFAULT_WEIGHTS)} (default: the defaults).",
        )
        parser.add_argument("--json", action="store_true", help="Print the figures as one JSON object.")
        parser.add_argument("--misses", action="store_true", help="List the needs whose right offer is not first.")

    def handle(self, *args: Any, **options: Any) -> None:
        weights = None
        if options["weights"]:
            try:
                weights = json.loads(options["weights"])
            except json.JSONDecodeError as error:
                raise CommandError(f"--weights is not JSON: {error}") from None
            if not isinstance(weights, dict) or set(weights) - set(DEFAULT_WEIGHTS):
                raise CommandError(f"--weights must be an object with keys among {', '.join(DEFAULT_WEIGHTS)}.")
        try:
            dataset = load(options["set"])
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"cannot read the evaluation set: {error}") from None
        result = evaluate(weights, dataset=dataset)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict()))
            return
        self.stdout.write(
            f"{result.needs} needs, {len(dataset.collection)} offers: hit@1 {result.hit_at_1:.1%}, "
            f"hit@3 {result.hit_at_3:.1%}, MRR {result.mrr:.3f}"
        )
        if options["misses"]:
            for miss in result.misses:
                place = miss.place if miss.place is not None else "not suggested"
                self.stdout.write(
                    f"  {miss.need} {miss.title!r}: expected {', '.join(miss.expected)} (place {place}); "
                    f"first three {', '.join(miss.got)}"
                )
