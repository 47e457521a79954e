"""Forms of the health pages: the period, the filters of the records behind a figure, and contributions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engagements.models import Contribution, Engagement
from health.closeness import BOTH, OURS, THEIRS, default_period
from health.equity import ContributionSpec
from network.models import Interaction

# Long enough for any review, short enough to keep the chart readable.
MAX_PERIOD_DAYS = 5 * 366
SIDES = [(OURS, _("The institution's side")), (THEIRS, _("The partner's side")), (BOTH, _("Both together"))]
ANY = [("", _("Any"))]


class PeriodForm(forms.Form):
    """``?from=YYYY-MM-DD&to=YYYY-MM-DD``; either may be left out (default: the last twelve months)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        date = {"type": "date"}
        self.fields["from"] = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs=date))
        self.fields["to"] = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs=date))
        self.order_fields(["from", "to"])
        self.today = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        default_start, default_end = default_period(self.today)
        start, end = data.get("from"), data.get("to")
        if "from" in self.errors or "to" in self.errors:
            return data
        end = end or default_end
        start = start or (default_period(end)[0] if data.get("to") else default_start)
        if start > end:
            self.add_error("to", _("The end of the period cannot be before its start."))
        elif (end - start).days > MAX_PERIOD_DAYS:
            self.add_error("from", _("Choose a period of at most five years."))
        data["period"] = (start, end)
        return data

    def period(self) -> tuple[dt.date, dt.date]:
        """The chosen period when valid, else the default one (the errors are shown with the form)."""
        if self.is_valid():
            return self.cleaned_data["period"]
        return default_period(self.today)


class ContactFilterForm(PeriodForm):
    channel = forms.ChoiceField(label=_("Channel"), choices=ANY + Interaction.Channel.choices, required=False)
    initiative = forms.ChoiceField(label=_("Initiative taken by"), choices=ANY + SIDES, required=False)
    decision = forms.ChoiceField(
        label=_("Decision proposed by"), choices=ANY + [("any", _("Any decision")), *SIDES], required=False
    )


class EngagementFilterForm(PeriodForm):
    kind = forms.ChoiceField(label=_("Type"), choices=ANY + Engagement.Kind.choices, required=False)


class ContributionForm(forms.Form):
    """One row: a party puts something in or gets something out."""

    party = forms.ChoiceField(label=_("Party"), choices=Contribution.Party.choices)
    direction = forms.ChoiceField(label=_("Puts in or gets out"), choices=Contribution.Direction.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=Contribution.Kind.choices)
    amount = forms.DecimalField(
        label=_("Amount"),
        required=False,
        min_value=Decimal(0),
        max_digits=10,
        decimal_places=2,
        help_text=_("Hours, or euros for money."),
    )
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    shared = forms.BooleanField(label=_("A resource used together"), required=False)

    def has_content(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return bool((data.get("description") or "").strip() or data.get("amount") is not None)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("amount") is not None and not (data.get("description") or "").strip():
            self.add_error("description", _("Say in a few words what it is."))
        return data

    def spec(self) -> ContributionSpec:
        data = self.cleaned_data
        return ContributionSpec(
            party=data["party"],
            direction=data["direction"],
            kind=data["kind"],
            description=data["description"],
            amount=data.get("amount"),
            shared=bool(data.get("shared")),
        )


class BaseContributionFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this row")

    def specs(self) -> list[ContributionSpec]:
        """The rows to keep: filled in and not marked for removal."""
        return [
            form.spec()
            for form in self.forms
            if form.has_content() and not (self.can_delete and self._should_delete_form(form))
        ]


ContributionFormSet = forms.formset_factory(
    ContributionForm, formset=BaseContributionFormSet, extra=3, can_delete=True, max_num=200, validate_max=True
)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


def contribution_initial(contributions: list[Contribution]) -> list[dict[str, Any]]:
    return [
        {
            "party": c.party,
            "direction": c.direction,
            "kind": c.kind,
            "amount": c.amount,
            "description": c.description,
            "shared": c.shared,
        }
        for c in contributions
    ]
