"""Forms of the strategic partnership page: parties, forms and levels, goals, indicators,
measurements and milestones.

The forms check what a browser sends; the rules (one party at a time, a target
for every indicator, a value and a date for every measurement) live in
``partnerships.strategic`` and come back as ``DomainError``s.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from engagements.models import Engagement
from network.models import Institution, Organisation
from partnerships.models import Goal, Indicator, Milestone, Partnership, PartnershipParty
from partnerships.strategic import GOAL_FIELDS, INDICATOR_FIELDS, MILESTONE_FIELDS, PARTY_FIELDS, fingerprint
from web.forms.search_select import SearchSelect


def _date(label: Any, *, required: bool = False, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs
    )


def _decimal(label: Any, *, required: bool = False, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, required=required, max_digits=12, decimal_places=2, **kwargs)


class FingerprintMixin:
    """A hidden field with the record's fingerprint as the editor saw it, for refusing lost updates."""

    fingerprint_fields: tuple[str, ...] = ()

    def add_fingerprint(self, instance: Any) -> None:
        fields: dict[str, forms.Field] = self.fields  # type: ignore[attr-defined]
        if instance is None:
            del fields["fingerprint"]
        else:
            fields["fingerprint"].required = True
            self.initial.setdefault("fingerprint", fingerprint(instance, self.fingerprint_fields))  # type: ignore[attr-defined]

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)  # type: ignore[attr-defined]
        data.pop("fingerprint", None)
        return data


class AddPartyForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation or public body"),
        queryset=Organisation.objects.none(),
        to_field_name="public_id",
        required=False,
        widget=SearchSelect(),
    )
    institution = forms.ModelChoiceField(
        label=_("Or another institution"), queryset=Institution.objects.none(), required=False
    )
    role = forms.CharField(
        label=_("Role in the partnership"),
        max_length=200,
        required=False,
        help_text=_("For example: local government, local partner, co-applicant."),
    )
    joined_on = _date(_("Joined on"), help_text=_("Leave empty for today."))

    def __init__(
        self, *args: Any, organisations: QuerySet[Organisation], institutions: QuerySet[Institution], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["institution"].queryset = institutions

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and (data.get("organisation") is None) == (data.get("institution") is None):
            self.add_error("organisation", _("Choose one organisation or one institution to add."))
        return data


class PartyForm(FingerprintMixin, forms.Form):
    fingerprint_fields = PARTY_FIELDS
    role = forms.CharField(label=_("Role in the partnership"), max_length=200, required=False)
    joined_on = _date(_("Joined on"))
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, party: PartnershipParty, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"role": party.role, "joined_on": party.joined_on})
        super().__init__(*args, **kwargs)
        self.add_fingerprint(party)


class CollaborationForm(forms.Form):
    collaboration_forms = forms.MultipleChoiceField(
        label=_("Forms of collaboration"),
        choices=Engagement.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    levels = forms.MultipleChoiceField(
        label=_("Levels"), choices=Engagement.Level.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    @staticmethod
    def initial_for(partnership: Partnership) -> dict[str, Any]:
        return {
            "collaboration_forms": partnership.collaboration_forms,
            "levels": partnership.levels,
            "version": partnership.version,
        }


class GoalForm(FingerprintMixin, forms.Form):
    fingerprint_fields = GOAL_FIELDS
    title = forms.CharField(label=_("Goal"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    order = forms.IntegerField(
        label=_("Order"), min_value=0, max_value=32767, required=False, help_text=_("Leave empty to put it last.")
    )
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, goal: Goal | None = None, **kwargs: Any) -> None:
        if goal is not None:
            kwargs.setdefault("initial", {"title": goal.title, "description": goal.description, "order": goal.order})
        super().__init__(*args, **kwargs)
        self.add_fingerprint(goal)

    def service_values(self) -> dict[str, Any]:
        data = super().service_values()
        if data.get("order") is None:
            data.pop("order", None)
        return data


class IndicatorForm(FingerprintMixin, forms.Form):
    fingerprint_fields = INDICATOR_FIELDS
    name = forms.CharField(
        label=_("Indicator"),
        max_length=200,
        error_messages={"required": _("Name the indicator.")},
        help_text=_("For example: number of pupils reached by the weekend school."),
    )
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    baseline = _decimal(_("Baseline"), help_text=_("The value when the partners started measuring."))
    target = _decimal(
        _("Target"),
        required=True,
        error_messages={"required": _("Give the target: the value the partners want to reach.")},
    )
    target_date = _date(_("Target date"))
    measured_by = forms.CharField(
        label=_("Who measures"), max_length=200, required=False, help_text=_("The party or person who measures.")
    )
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, indicator: Indicator | None = None, **kwargs: Any) -> None:
        if indicator is not None:
            kwargs.setdefault("initial", {name: getattr(indicator, name) for name in INDICATOR_FIELDS})
        super().__init__(*args, **kwargs)
        self.add_fingerprint(indicator)


class MeasurementForm(forms.Form):
    measured_on = _date(_("Date"), required=True, error_messages={"required": _("Give the date of the measurement.")})
    value = _decimal(_("Value"), required=True, error_messages={"required": _("Give the measured value.")})
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class MilestoneForm(FingerprintMixin, forms.Form):
    fingerprint_fields = MILESTONE_FIELDS
    date = _date(_("Date"), required=True)
    kind = forms.ChoiceField(label=_("Kind"), choices=Milestone.Kind.choices, initial=Milestone.Kind.EVENT)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, milestone: Milestone | None = None, **kwargs: Any) -> None:
        if milestone is not None:
            kwargs.setdefault("initial", {name: getattr(milestone, name) for name in MILESTONE_FIELDS})
        super().__init__(*args, **kwargs)
        self.add_fingerprint(milestone)
