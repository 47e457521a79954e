"""The institution's matching weights, with a need to preview the ranking on."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from matching.engine import DEFAULT_WEIGHTS, MAX_WEIGHT, REASON_LABELS

HELP = {
    "text": _("Shared word stems between the need and the offer's title, description and learning goals."),
    "glossary": _("Words the curated Dutch–English glossary pairs across languages."),
    "meaning": _("Words of similar meaning across languages, from a Dutch–English dictionary of some 18,000 words."),
    "themes": _("Shared themes."),
    "target_groups": _("Shared target groups."),
    "period": _(
        "Days the periods overlap. Like capacity, distance, relationship and load, it counts in full only for "
        "offers of real topical relevance, so it orders relevant offers and never lifts an unrelated one."
    ),
    "capacity": _("How well the students and hours the offer brings fit what the need can host."),
    "distance": _("How close the campus is to where the need is."),
    "relationship": _("A healthy relationship with the organisation already: continuity before novelty."),
    "load": _("Subtracted when the organisation is near its capacity this academic period."),
}


class WeightsForm(forms.Form):
    stamp = forms.CharField(widget=forms.HiddenInput, required=False)
    need = forms.ChoiceField(label=_("Preview the ranking for"), required=False)

    def __init__(self, *args: Any, needs: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["need"].choices = [("", _("— choose a need —")), *needs]
        for code in DEFAULT_WEIGHTS:
            self.fields[code] = forms.FloatField(
                label=REASON_LABELS[code],
                min_value=0,
                max_value=MAX_WEIGHT,
                help_text=HELP[code],
                widget=forms.NumberInput(attrs={"step": "0.5", "min": "0", "max": str(int(MAX_WEIGHT))}),
            )

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[code] for code in DEFAULT_WEIGHTS]

    def weights(self) -> dict[str, float]:
        return {code: self.cleaned_data[code] for code in DEFAULT_WEIGHTS}

    def valid_weights(self) -> dict[str, float] | None:
        """The weights when every one is a valid number (for a preview while other fields are wrong)."""
        if not self.is_bound:
            return None
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if all(code in data and data[code] is not None for code in DEFAULT_WEIGHTS):
            return {code: data[code] for code in DEFAULT_WEIGHTS}
        return None
