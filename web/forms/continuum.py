"""Forms of the relationship-health pages: confirming a continuum step, and the health overview filters.

The rule that an override needs a reason lives in ``partnerships.continuum``;
the form only checks what a browser sends.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from engagements.models import Engagement
from health.overview import FLAG_CHOICES
from network.models import Campus, Institution, Person, Theme
from partnerships.models import ContinuumStage, Partnership, PartnershipParty

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
        if data.get("campus"):
            queryset = queryset.filter(campus=data["campus"])
        if data.get("theme"):
            parties = PartnershipParty.objects.filter(organisation__themes=data["theme"]).values("partnership_id")
            queryset = queryset.filter(pk__in=parties)
        if text := (data.get("faculty") or "").strip():
            people = self._people(text).values("pk")
            owned = Partnership.owners.through.objects.filter(person_id__in=people).values("partnership_id")
            taught = Engagement.objects.filter(course__teachers__in=people, partnership__isnull=False).values(
                "partnership_id"
            )
            queryset = queryset.filter(Q(pk__in=owned) | Q(pk__in=taught))
        if data.get("stage"):
            queryset = queryset.filter(stage=data["stage"])
        return queryset

    def _people(self, text: str) -> QuerySet[Person]:
        """People of the institution by public id (a link from elsewhere) or by every word of their name."""
        people = Person.objects.filter(institution=self.institution)
        try:
            return people.filter(public_id=uuid.UUID(text))
        except ValueError:
            pass
        for word in text.split():
            people = people.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
        return people

    def chosen_flag(self) -> str:
        """The chosen flag, applied by ``health.overview.filter_flag`` once the flags are annotated."""
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("flag") or ""
