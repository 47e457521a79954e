"""Forms of the quiet-period pages (a partner's "no new proposals now") and of the institution's criteria for a
good partner. The rules themselves (no overlap, at most a year, both languages) live in ``matching.availability``;
these forms check only what a browser could get wrong."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from matching.models import PartnerCriterion, QuietPeriod
from web.forms.widgets import DateInput


class QuietPeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("Until"), widget=DateInput(), help_text=_("Both days included."))
    reason = forms.CharField(
        label=_("Reason or note"),
        max_length=300,
        required=False,
        help_text=_("Coordinators of every institution see it when a proposal is held, for example “we move”."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["version"].required = True
        else:
            del self.fields["version"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date cannot be before the start date."))
        return data

    @staticmethod
    def initial_for(period: QuietPeriod) -> dict[str, Any]:
        return {"start": period.start, "end": period.end, "reason": period.reason, "version": period.version}

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"start": data["start"], "end": data["end"], "reason": data.get("reason") or ""}


class CriterionForm(forms.Form):
    text_nl = forms.CharField(label=_("Criterion in Dutch"), max_length=300)
    text_en = forms.CharField(label=_("Criterion in English"), max_length=300)
    order = forms.IntegerField(
        label=_("Place in the list"),
        min_value=1,
        max_value=999,
        required=False,
        help_text=_("Lower numbers come first. Leave empty to put a new criterion last."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["version"].required = True
            self.fields["order"].required = True
        else:
            del self.fields["version"]

    @staticmethod
    def initial_for(criterion: PartnerCriterion) -> dict[str, Any]:
        return {
            "text_nl": criterion.text_nl,
            "text_en": criterion.text_en,
            "order": criterion.order,
            "version": criterion.version,
        }

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"text_nl": data["text_nl"], "text_en": data["text_en"], "order": data.get("order")}


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])


class RemoveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
