"""Forms of the course and engagement pages: list filters, create/edit forms and the participants rows."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from engagements.models import Course, Engagement
from lib.text import SEARCH_MAX_LENGTH
from network.models import Campus, Institution, Organisation, Person, SofarRole
from partnerships.models import Partnership
from web.forms.partnerships import ANY, DateOrderMixin
from web.forms.search_select import LIMIT, SearchSelect, SearchSelectChoices, SearchSelectMultiple, search
from web.forms.widgets import DateInput, DirectNumberInput, DirectSelect

ACADEMIC_YEAR = re.compile(r"^(\d{4})-(\d{4})$")


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


class CourseFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    academic_year = forms.ChoiceField(label=_("Academic year"), required=False)

    def __init__(self, *args: Any, years: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["academic_year"].choices = ANY + [(y, y) for y in years]

    def filter(self, queryset: QuerySet[Course]) -> QuerySet[Course]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if q := (data.get("q") or "").strip():
            queryset = queryset.filter(Q(title__icontains=q) | Q(code__icontains=q) | Q(programme__icontains=q))
        if data.get("academic_year"):
            queryset = queryset.filter(academic_year=data["academic_year"])
        return queryset


class CourseForm(forms.Form):
    code = forms.CharField(label=_("Course code"), max_length=30, required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    programme = forms.CharField(label=_("Programme"), max_length=200, required=False)
    academic_year = forms.CharField(label=_("Academic year"), max_length=9, help_text=_("For example 2026-2027."))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    teachers = forms.ModelMultipleChoiceField(
        label=_("Teachers"),
        queryset=Person.objects.none(),
        to_field_name="public_id",
        error_messages={"required": _("A course needs at least one teacher.")},
        widget=SearchSelectMultiple(),
    )
    campus = forms.ModelChoiceField(label=_("Campus"), queryset=Campus.objects.none(), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, institution: Institution, people: QuerySet[Person], editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        faculty = people.filter(institution_id=institution.pk, is_active=True, affiliations__role=SofarRole.FACULTY)
        self.fields["teachers"].queryset = faculty.distinct()
        self.fields["campus"].queryset = Campus.objects.filter(institution_id=institution.pk)
        if editing:
            self.fields["version"].required = True
        else:
            del self.fields["version"]

    def clean_academic_year(self) -> str:
        value = self.cleaned_data["academic_year"].strip()
        match = ACADEMIC_YEAR.match(value)
        if not match or int(match.group(2)) != int(match.group(1)) + 1:
            raise forms.ValidationError(_("Write the academic year as two following years, for example 2026-2027."))
        return value

    @staticmethod
    def initial_for(course: Course) -> dict[str, Any]:
        return {
            "code": course.code,
            "title": course.title,
            "programme": course.programme,
            "academic_year": course.academic_year,
            "description": course.description,
            "teachers": list(course.teachers.all()),
            "campus": course.campus_id,
            "version": course.version,
        }

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["teachers"] = list(data["teachers"])
        return data


class EngagementFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = forms.ChoiceField(label=_("Type"), choices=ANY + Engagement.Kind.choices, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=ANY + Engagement.Status.choices, required=False)
    level = forms.ChoiceField(label=_("Level"), choices=ANY + Engagement.Level.choices, required=False)
    direction = forms.ChoiceField(label=_("Direction"), choices=ANY + Engagement.Direction.choices, required=False)
    front = forms.ChoiceField(label=_("Front"), choices=ANY + Engagement.Front.choices, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Community partner"),
        queryset=Organisation.objects.none(),
        required=False,
        to_field_name="public_id",
        widget=SearchSelect(),
    )
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=Course.objects.none(),
        required=False,
        to_field_name="public_id",
        widget=SearchSelect(),
    )
    partnership = forms.ModelChoiceField(
        label=_("Partnership"),
        queryset=Partnership.objects.none(),
        required=False,
        to_field_name="public_id",
        widget=SearchSelect(),
    )

    def __init__(self, *args: Any, visible: QuerySet[Engagement], user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Offer only what the visible engagements refer to, so the choices stay short.
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=visible.filter(organisation__isnull=False).values("organisation_id")
        )
        self.fields["course"].queryset = Course.objects.for_user(user).filter(
            pk__in=visible.filter(course__isnull=False).values("course_id")
        )
        self.fields["partnership"].queryset = Partnership.objects.for_user(user).filter(
            pk__in=visible.filter(partnership__isnull=False).values("partnership_id")
        )
        for name in ("organisation", "course", "partnership"):
            self.fields[name].empty_label = _("Any")

    def filter(self, queryset: QuerySet[Engagement]) -> QuerySet[Engagement]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if q := (data.get("q") or "").strip():
            queryset = queryset.filter(Q(title__icontains=q) | Q(description__icontains=q))
        for name in ("kind", "status", "level", "direction", "front", "organisation", "course", "partnership"):
            if data.get(name):
                queryset = queryset.filter(**{name: data[name]})
        return queryset


class EngagementForm(DateOrderMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=Engagement.Kind.choices, initial=Engagement.Kind.SERVICE_LEARNING)
    level = forms.ChoiceField(label=_("Level"), choices=Engagement.Level.choices, initial=Engagement.Level.COURSE)
    direction = forms.ChoiceField(label=_("Direction"), choices=Engagement.Direction.choices)
    front = forms.ChoiceField(label=_("Front"), choices=[("", "—"), *Engagement.Front.choices], required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Engagement.Status.choices, initial=Engagement.Status.PLANNED)
    organisation = forms.ModelChoiceField(
        label=_("Community partner"),
        queryset=Organisation.objects.none(),
        required=False,
        to_field_name="public_id",
        widget=SearchSelect(),
    )
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=Course.objects.none(),
        required=False,
        to_field_name="public_id",
        widget=SearchSelect(),
    )
    partnership = forms.ModelChoiceField(
        label=_("Partnership"),
        queryset=Partnership.objects.none(),
        required=False,
        to_field_name="public_id",
        widget=SearchSelect(),
    )
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    end_date = forms.DateField(label=_("End date"), required=False, widget=DateInput())
    hours = forms.IntegerField(label=_("Hours"), min_value=0, initial=0, help_text=_("Hours planned in total."))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    outcomes = forms.CharField(label=_("Outcomes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, institution: Institution, user: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.for_user(user).filter(is_active=True)
        self.fields["course"].queryset = Course.objects.for_user(user).filter(institution_id=institution.pk)
        self.fields["partnership"].queryset = Partnership.objects.for_user(user).filter(institution_id=institution.pk)
        if editing:
            self.fields["version"].required = True
        else:
            del self.fields["version"]

    @staticmethod
    def initial_for(engagement: Engagement) -> dict[str, Any]:
        initial = {name: getattr(engagement, name) for name in EngagementForm.base_fields if name != "version"}
        initial["version"] = engagement.version
        return initial

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class ParticipantForm(forms.Form):
    """One row of the people taking part: a person of the institution, their SOFAR role and hours."""

    person = forms.ChoiceField(label=_("Person"), required=False, widget=SearchSelectChoices(model="person"))
    role = forms.ChoiceField(
        label=_("SOFAR role"), choices=[("", "—"), *SofarRole.choices], required=False, widget=DirectSelect()
    )
    hours = forms.IntegerField(label=_("Hours"), min_value=0, required=False, widget=DirectNumberInput())

    def __init__(self, *args: Any, person_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only this row's person and the matches of its search: never the institution's thousands.
        self.fields["person"].choices = [("", "—"), *person_choices]
        person_id = self["person"].id_for_label
        for name in ("role", "hours"):
            self.fields[name].widget.attrs["aria-labelledby"] = f"participants-{name} {person_id}"

    def has_changed(self) -> bool:
        # A search typed in an empty row counts: the row comes back with its matches.
        return super().has_changed() or bool(self.fields["person"].widget.term)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("person") and not data.get("role"):
            self.add_error("role", _("Choose the role this person takes part in."))
        if data.get("role") and not data.get("person"):
            self.add_error("person", _("Choose who takes part."))
        elif self.fields["person"].widget.term and not data.get("person") and "person" not in self.errors:
            # Without JavaScript the search comes back with its matches: one of them must still be chosen.
            self.add_error("person", _("Choose one of the people found, or clear the search."))
        return data


class BaseParticipantFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people_queryset = people
        # The people the rows name (posted or saved), read in one query however many rows.
        # A malformed id is left out: its row then says it is not a valid choice.
        keys = [key for key in (self._row_value(i, "person") for i in range(self.total_form_count())) if _is_uuid(key)]
        self.people: dict[str, Person] = {}
        if keys:
            self.people = {str(p.public_id): p for p in people.filter(public_id__in=keys)}

    def _row_value(self, index: int, name: str) -> str:
        if self.is_bound:
            return str(self.data.get(f"{self.add_prefix(index)}-{name}") or "").strip()
        initial = self.initial or []
        return str(initial[index].get(name) or "") if index < len(initial) else ""

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        choices: list[tuple[str, str]] = []
        if index is not None:
            key = self._row_value(index, "person")
            if key in self.people:
                choices.append((key, str(self.people[key])))
            term = self._row_value(index, "person_q")[:100] if self.is_bound else ""
            if term:
                choices += [
                    (str(p.public_id), str(p))
                    for p in search(self.people_queryset, term)[:LIMIT]
                    if str(p.public_id) != key
                ]
        return {**super().get_form_kwargs(index), "person_choices": choices}

    def clean(self) -> None:
        seen: set[str] = set()
        for form in self.forms:
            key = form.cleaned_data.get("person") if hasattr(form, "cleaned_data") else None
            if not key:
                continue
            if key in seen:
                form.add_error("person", _("This person is listed twice."))
            seen.add(key)

    def participants(self) -> list[tuple[Person, str, int]]:
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if data.get("person"):
                rows.append((self.people[data["person"]], data["role"], data.get("hours") or 0))
        return rows


ParticipantFormSet = forms.formset_factory(ParticipantForm, formset=BaseParticipantFormSet, extra=3)


def participant_initial(engagement: Engagement) -> list[dict[str, Any]]:
    return [
        {"person": str(p.person.public_id), "role": p.role, "hours": p.hours}
        for p in engagement.participations.select_related("person").order_by("person__last_name", "id")
    ]
