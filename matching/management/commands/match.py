"""``manage.py match``: ranked suggestions for every need (or offer) as JSON, from the database or JSON files.

    manage.py match --institution uas --out suggestions.json
    manage.py match --needs needs.json --offers offers.json --top 5 --direction both

The input and output formats are in docs/matching-input.md.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from matching.batch import (
    BatchInputError,
    ProgressPrinter,
    context_from,
    load_json_file,
    parse_needs,
    parse_offers,
    write_batch,
)
from matching.engine import DEFAULT_WEIGHTS, weights_with_defaults


class Command(BaseCommand):
    help = "Rank offers for every need (and/or needs for every offer) and write the suggestions as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_argument_group("input: the database (--institution) or two JSON files")
        source.add_argument("--institution", help="Slug of the institution: its open offers against all open needs.")
        source.add_argument("--needs", help="JSON file with the needs (see docs/matching-input.md).")
        source.add_argument("--offers", help="JSON file with the offers.")
        parser.add_argument("--out", help="Write the JSON here instead of to standard output.")
        parser.add_argument("--top", type=int, default=10, help="Suggestions per need or offer (default 10).")
        parser.add_argument(
            "--direction",
            choices=["needs", "offers", "both"],
            default="needs",
            help="Rank offers for each need (default), needs for each offer, or both.",
        )
        parser.add_argument(
            "--weights",
            help=f"JSON object overriding weights, keys {', '.join(DEFAULT_WEIGHTS)} (default: the institution's).",
        )
        parser.add_argument("--workers", type=int, help="Processes to use (default: the cores, for big batches).")
        parser.add_argument(
            "--language", choices=["en", "nl"], default="en", help="Language of the reasons' labels (default en)."
        )
        parser.add_argument("--quiet", action="store_true", help="No progress on standard error.")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            self._handle(options)

    def _handle(self, options: dict[str, Any]) -> None:
        if options["top"] < 1 or options["top"] > 1000:
            raise CommandError("--top must be between 1 and 1000.")
        from_files = bool(options["needs"] or options["offers"])
        if from_files == bool(options["institution"]):
            raise CommandError("Give either --institution, or both --needs and --offers.")
        weights = self._weights(options["weights"])
        try:
            if from_files:
                if not (options["needs"] and options["offers"]):
                    raise CommandError("Give both --needs and --offers.")
                needs_in = parse_needs(load_json_file(options["needs"]))
                offers_in = parse_offers(load_json_file(options["offers"]))
                needs, offers = [n.record() for n in needs_in], [o.record() for o in offers_in]
                context = context_from(needs_in)
            else:
                needs, offers, context, institution_weights = self._from_database(options["institution"])
                weights = weights if weights is not None else institution_weights
        except BatchInputError as error:
            raise CommandError(str(error)) from error
        progress = None if options["quiet"] else ProgressPrinter(_Unended(self.stderr))
        if not options["quiet"]:
            self.stderr.write(f"{len(needs)} needs, {len(offers)} offers")
        out = open(options["out"], "w", encoding="utf-8") if options["out"] else _Unended(self.stdout)  # noqa: SIM115
        try:
            write_batch(
                out,
                needs,
                offers,
                context=context,
                weights=weights,
                top=options["top"],
                direction=options["direction"],
                workers=options["workers"],
                progress=progress,
            )
        finally:
            if options["out"]:
                out.close()
            else:
                out.flush()

    def _weights(self, raw: str | None) -> dict[str, float] | None:
        if not raw:
            return None
        try:
            given = json.loads(raw)
        except json.JSONDecodeError as error:
            raise CommandError(f"--weights is not valid JSON: {error.msg}") from error
        if not isinstance(given, dict) or set(given) - set(DEFAULT_WEIGHTS):
            raise CommandError(f"--weights must be an object with keys among {', '.join(DEFAULT_WEIGHTS)}.")
        return weights_with_defaults(given)

    def _from_database(self, slug: str) -> tuple[list[Any], list[Any], Any, dict[str, float]]:
        from matching import loaders
        from network.models import Institution

        institution = Institution.objects.filter(slug=slug).first()
        if institution is None:
            raise CommandError(f"No institution with the slug {slug!r}.")
        needs = loaders.need_records(loaders.open_needs())
        offers = loaders.offer_records(loaders.open_offers(institution))
        context = loaders.context_for([institution], {int(n.organisation) for n in needs})
        return needs, offers, context, loaders.weights_for(institution)


class _Unended:
    """The command's stderr without the newline Django adds to each write (the progress line rewrites itself)."""

    def __init__(self, wrapper: Any) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")

    def flush(self) -> None:
        self.wrapper.flush()
