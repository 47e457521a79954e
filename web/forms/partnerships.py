"""Forms of the partnership pages: the list filters and the create/edit form.

The forms only check what a browser sends; the rules (at least one
organisation and one owner, owners of the institution, dates in order) live in
``partnerships.services`` and come back as ``DomainError``s.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lib.text import SEARCH_MAX_LENGTH
from network.models import Campus, Institution, Organisation, Person
from partnerships.models import ContinuumStage, Partnership, PartnershipParty
from web.forms.errors import add_domain_errors  # noqa: F401  (imported from here by the views)
from web.forms.search_select import SearchSelectMultiple
from web.forms.widgets import DateInput

ANY = [("", _("Any"))]


class DateOrderMixin:
    """End date on or after the start date, said next to the end date."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()  # type: ignore[misc]
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))  # type: ignore[attr-defined]
        return data


class PartnershipFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ANY + Partnership.Kind.choices, required=False)
    basis = forms.ChoiceField(label=_("Basis"), choices=ANY + Partnership.Basis.choices, required=False)
    stage = forms.TypedChoiceField(
        label=_("Continuum stage"), choices=ANY + ContinuumStage.choices, coerce=int, required=False, empty_value=None
    )
    status = forms.ChoiceField(label=_("Status"), choices=ANY + Partnership.Status.choices, required=False)
    orphaned = forms.BooleanField(label=_("Only without an active owner"), required=False)

    def filter(self, queryset: QuerySet[Partnership]) -> QuerySet[Partnership]:
        """Apply the valid filters; an invalid value is shown as an error and ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if q := (data.get("q") or "").strip():
            parties = PartnershipParty.objects.filter(organisation__name__icontains=q).values("partnership_id")
            queryset = queryset.filter(Q(title__icontains=q) | Q(summary__icontains=q) | Q(pk__in=parties))
        for name in ("kind", "basis", "status"):
            if data.get(name):
                queryset = queryset.filter(**{name: data[name]})
        if data.get("stage"):
            queryset = queryset.filter(stage=data["stage"])
        if data.get("orphaned"):
            queryset = queryset.filter(orphaned=True)
        return queryset


class PartnershipForm(DateOrderMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The common goal, and what each side puts in and gets out."),
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Partner organisations"),
        queryset=Organisation.objects.none(),
        to_field_name="public_id",
        error_messages={"required": _("Choose at least one partner organisation.")},
        widget=SearchSelectMultiple(),
    )
    owners = forms.ModelMultipleChoiceField(
        label=_("Owners inside the institution"),
        queryset=Person.objects.none(),
        to_field_name="public_id",
        help_text=_("Choose at least two people, so the partnership does not leave with one of them."),
        error_messages={"required": _("A partnership needs at least one owner inside the institution.")},
        widget=SearchSelectMultiple(),
    )
    other_institutions = forms.ModelMultipleChoiceField(
        label=_("Other institutions"), queryset=Institution.objects.none(), required=False
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Partnership.Kind.choices, initial=Partnership.Kind.AD_HOC)
    basis = forms.ChoiceField(label=_("Basis"), choices=Partnership.Basis.choices, initial=Partnership.Basis.COURSE)
    stage = forms.TypedChoiceField(
        label=_("Continuum stage"), choices=ContinuumStage.choices, coerce=int, initial=ContinuumStage.COMMUNICATION
    )
    status = forms.ChoiceField(label=_("Status"), choices=Partnership.Status.choices, initial=Partnership.Status.ACTIVE)
    campus = forms.ModelChoiceField(label=_("Campus"), queryset=Campus.objects.none(), required=False)
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DateInput())
    end_date = forms.DateField(label=_("End date"), required=False, widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        institution: Institution,
        organisations: QuerySet[Organisation],
        people: QuerySet[Person],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = organisations
        self.fields["owners"].queryset = people.filter(institution_id=institution.pk, is_active=True)
        self.fields["campus"].queryset = Campus.objects.filter(institution_id=institution.pk)
        self.fields["other_institutions"].queryset = Institution.objects.exclude(pk=institution.pk)
        if editing:
            # A step on the continuum is confirmed on the continuum page, with its evidence and a reason.
            del self.fields["stage"]
            self.fields["version"].required = True
        else:
            del self.fields["version"]

    @staticmethod
    def initial_for(partnership: Partnership) -> dict[str, Any]:
        return {
            "title": partnership.title,
            "summary": partnership.summary,
            "organisations": list(partnership.organisations.all()),
            "owners": list(partnership.owners.all()),
            "kind": partnership.kind,
            "basis": partnership.basis,
            "other_institutions": list(partnership.other_institutions.all()),
            "status": partnership.status,
            "campus": partnership.campus_id,
            "start_date": partnership.start_date,
            "end_date": partnership.end_date,
            "version": partnership.version,
        }

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["organisations"] = list(data["organisations"])
        data["owners"] = list(data["owners"])
        if "other_institutions" in data:
            data["other_institutions"] = list(data["other_institutions"])
        return data
