"""Forms of the relationship-health pages: confirming a continuum step, and the health overview filters.

The rule that an override needs a reason lives in ``partnerships.continuum``;
the form only checks what a browser sends.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from health.overview import FLAG_CHOICES, filter_overview
from network.models import Campus, Institution, Theme
from partnerships.models import ContinuumStage, Partnership

ANY = [("", _("Any"))]


class ConfirmStageForm(forms.Form):
    stage = forms.TypedChoiceField(label=_("Continuum step"), choices=ContinuumStage.choices, coerce=int)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you choose another step than Brug's suggestion."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class HealthFilterForm(forms.Form):
    campus = forms.ModelChoiceField(
        label=_("Campus"), queryset=Campus.objects.none(), required=False, empty_label=_("Any")
    )
    theme = forms.ModelChoiceField(
        label=_("Theme of a partner organisation"),
        queryset=Theme.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label=_("Any"),
    )
    faculty = forms.CharField(
        label=_("Faculty member"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Name of an owner, or of a teacher of a course with an engagement in the partnership."),
    )
    stage = forms.TypedChoiceField(
        label=_("Continuum step"), choices=ANY + ContinuumStage.choices, coerce=int, required=False, empty_value=None
    )
    flag = forms.ChoiceField(label=_("Flag"), choices=ANY + FLAG_CHOICES, required=False)

    def __init__(self, *args: Any, institution: Institution, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campus"].queryset = Campus.objects.filter(institution=institution)
        self.fields["theme"].queryset = Theme.objects.order_by("name_nl")
        self.institution = institution

    def filter(self, queryset: QuerySet[Partnership]) -> QuerySet[Partnership]:
        """Apply the valid filters except the flag (see ``chosen_flag``); invalid values are shown and ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return filter_overview(
            queryset,
            self.institution,
            campus=data.get("campus"),
            theme=data.get("theme"),
            faculty=data.get("faculty") or "",
            stage=data.get("stage"),
        )

    def chosen_flag(self) -> str:
        """The chosen flag, applied by ``health.overview.filter_flag`` once the flags are annotated."""
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("flag") or ""
