"""Forms of the reflection pages: the workbook, questions and dilemmas, workshops, practice examples.

The forms check what a browser sends; the rules (a reason for each position, consent only from
partners of the partnership, no names without consent) live in ``reflection.services``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from engagements.models import Engagement
from lib.text import SEARCH_MAX_LENGTH
from network.models import Organisation, Person, Theme
from reflection.models import CODE_LENGTH, Dilemma, QuestionSet, ReflectionQuestion
from reflection.selectors import Sheet
from reflection.services import ActionSpec
from web.forms.partnerships import ANY
from web.forms.widgets import DateInput


def scale_choices(dilemma: Dilemma) -> list[tuple[int, str]]:
    """Five points between the poles, each said in words (the radio labels are what a screen reader reads)."""
    return [
        (1, _("Fully: %(pole)s") % {"pole": dilemma.pole_a}),
        (2, _("Leaning to: %(pole)s") % {"pole": dilemma.pole_a}),
        (3, _("In between")),
        (4, _("Leaning to: %(pole)s") % {"pole": dilemma.pole_b}),
        (5, _("Fully: %(pole)s") % {"pole": dilemma.pole_b}),
    ]


class WorkbookForm(forms.Form):
    """Answers and positions of one workbook; fields are named after the question and dilemma ids."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, sheet: Sheet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sheet = sheet
        for group in sheet.sets:
            for question, answer in group["questions"]:
                self.fields[f"answer_{question.pk}"] = forms.CharField(
                    label=question.text,
                    required=False,
                    max_length=5000,
                    initial=answer,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
        for dilemma, position in sheet.dilemmas:
            self.fields[f"position_{dilemma.pk}"] = forms.TypedChoiceField(
                label=_("Your position"),
                choices=scale_choices(dilemma),
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
                initial=position.position if position else None,
            )
            self.fields[f"reason_{dilemma.pk}"] = forms.CharField(
                label=_("Why there?"),
                required=False,
                max_length=2000,
                initial=position.reason if position else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def question_fields(self) -> list[dict[str, Any]]:
        return [
            {
                "number": group["number"],
                "label": group["label"],
                "fields": [self[f"answer_{q.pk}"] for q, _answer in group["questions"]],
            }
            for group in self.sheet.sets
        ]

    def dilemma_fields(self) -> list[dict[str, Any]]:
        return [
            {"dilemma": d, "position": self[f"position_{d.pk}"], "reason": self[f"reason_{d.pk}"]}
            for d, _p in self.sheet.dilemmas
        ]

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data[f"answer_{q.pk}"] for g in self.sheet.sets for q, _a in g["questions"]}

    def positions(self) -> dict[int, tuple[int | None, str]]:
        return {
            d.pk: (self.cleaned_data[f"position_{d.pk}"], self.cleaned_data[f"reason_{d.pk}"])
            for d, _p in self.sheet.dilemmas
        }


class ActionForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    what = forms.CharField(label=_("What"), max_length=300, required=False)
    needs = forms.CharField(label=_("Who or what is needed"), max_length=300, required=False)
    due_on = forms.DateField(label=_("By when"), required=False, widget=DateInput)
    done = forms.BooleanField(label=_("Done"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("needs") or data.get("due_on")) and not (data.get("what") or "").strip():
            self.add_error("what", _("Say what you plan to do."))
        return data


ActionFormSet = forms.formset_factory(ActionForm, extra=2, can_delete=True, max_num=30, absolute_max=30)


def action_specs(formset: Any) -> list[ActionSpec]:
    specs = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if data.get("DELETE") or not (data.get("what") or "").strip():
            continue
        specs.append(
            ActionSpec(
                id=data.get("id"),
                what=data["what"],
                needs=data.get("needs") or "",
                due_on=data.get("due_on"),
                done=bool(data.get("done")),
            )
        )
    return specs


class StartWorkbookForm(forms.Form):
    teacher = forms.ModelChoiceField(label=_("Teacher"), queryset=Person.objects.none(), to_field_name="public_id")

    def __init__(self, *args: Any, teachers: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teacher"].queryset = teachers


class QuestionForm(forms.Form):
    question_set = forms.TypedChoiceField(label=_("Set"), choices=QuestionSet.choices, coerce=int)
    text_nl = forms.CharField(label=_("Question (Dutch)"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    text_en = forms.CharField(
        label=_("Question (English)"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=10)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def initial_for(question: ReflectionQuestion) -> dict[str, Any]:
        fields = ("question_set", "text_nl", "text_en", "order", "is_active", "version")
        return {f: getattr(question, f) for f in fields}


class DilemmaForm(forms.Form):
    statement_nl = forms.CharField(label=_("Dilemma (Dutch)"), max_length=300)
    statement_en = forms.CharField(label=_("Dilemma (English)"), max_length=300, required=False)
    pole_a_nl = forms.CharField(label=_("One end (Dutch)"), max_length=200)
    pole_a_en = forms.CharField(label=_("One end (English)"), max_length=200, required=False)
    pole_b_nl = forms.CharField(label=_("Other end (Dutch)"), max_length=200)
    pole_b_en = forms.CharField(label=_("Other end (English)"), max_length=200, required=False)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=10)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def initial_for(dilemma: Dilemma) -> dict[str, Any]:
        fields = (
            "statement_nl",
            "statement_en",
            "pole_a_nl",
            "pole_a_en",
            "pole_b_nl",
            "pole_b_en",
            "order",
            "is_active",
            "version",
        )
        return {f: getattr(dilemma, f) for f in fields}


class WorkshopForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    dilemmas = forms.ModelMultipleChoiceField(
        label=_("Dilemmas"),
        queryset=Dilemma.objects.none(),
        to_field_name="public_id",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one dilemma.")},
    )
    questions = forms.ModelMultipleChoiceField(
        label=_("Questions to discuss"),
        queryset=ReflectionQuestion.objects.none(),
        to_field_name="public_id",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, institution_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dilemmas"].queryset = Dilemma.objects.for_institution(institution_id)
        self.fields["questions"].queryset = ReflectionQuestion.objects.for_institution(institution_id)


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Code of the session"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        help_text=_("The %(n)d letters and digits on the screen.") % {"n": CODE_LENGTH},
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).upper()


class WorkshopPositionsForm(forms.Form):
    def __init__(self, *args: Any, dilemmas: list[Dilemma], initial_positions: dict[int, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dilemmas = dilemmas
        for dilemma in dilemmas:
            self.fields[f"position_{dilemma.pk}"] = forms.TypedChoiceField(
                label=dilemma.statement,
                choices=scale_choices(dilemma),
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
                initial=initial_positions.get(dilemma.pk),
            )

    def positions(self) -> dict[int, int | None]:
        return {d.pk: self.cleaned_data[f"position_{d.pk}"] for d in self.dilemmas}

    def rows(self) -> list[dict[str, Any]]:
        return [{"dilemma": d, "field": self[f"position_{d.pk}"]} for d in self.dilemmas]


FORM_CHOICES = Engagement.Kind.choices


class CaseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Web address"),
        max_length=120,
        required=False,
        help_text=_("The last part of the public address; made from the title when empty."),
    )
    summary = forms.CharField(label=_("Summary"), max_length=400, required=False)
    story = forms.CharField(
        label=_("Story"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Published as written: name a partner only with their consent, and no people."),
    )
    lessons = forms.CharField(
        label=_("Lessons learned"), max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    collaboration_forms = forms.MultipleChoiceField(
        label=_("Forms of collaboration"), choices=FORM_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = ("title", "slug", "summary", "story", "lessons")
        return {**{f: data[f] for f in fields}, "forms": data["collaboration_forms"], "themes": list(data["themes"])}


class ConsentForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Partner"), queryset=Organisation.objects.none(), to_field_name="public_id"
    )
    given_by = forms.CharField(
        label=_("Consent given by"), max_length=200, help_text=_("Name and role at the partner.")
    )
    given_on = forms.DateField(label=_("Consent given on"), widget=DateInput)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class PhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Photo"),
        help_text=_("JPEG, PNG or WebP, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    alt_text = forms.CharField(
        label=_("Description for people who cannot see the photo"),
        max_length=300,
        error_messages={"required": _("Describe the photo for people who cannot see it.")},
    )
    caption = forms.CharField(label=_("Caption"), max_length=300, required=False)


class CaseSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    form = forms.ChoiceField(label=_("Form of collaboration"), choices=ANY + FORM_CHOICES, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        themes = Theme.objects.order_by("name_nl")
        self.fields["theme"].choices = ANY + [(t.slug, t.name) for t in themes]

    def values(self) -> dict[str, str]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"q": (data.get("q") or "").strip(), "theme": data.get("theme") or "", "form": data.get("form") or ""}
