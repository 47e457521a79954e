"""Forms of the assessment pages: start a round, the answer sheet, agreed actions, instrument items.

The forms only check what a browser sends; the rules (both sides asked, deadline not past,
every item answered on submit) live in ``assessment.services`` and come back as ``DomainError``s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment.models import SCALE_MAX, SCALE_MIN, AgreedAction, Instrument, InstrumentItem, Respondent, Round
from assessment.services import ITEM_TEXT_FIELDS, RespondentSpec, field_name, item_fingerprint
from lib.text import SEARCH_MAX_LENGTH
from network.models import Person, SofarRole
from partnerships.models import Partnership

ANY = [("", _("Any"))]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RoundFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(label=_("Status"), choices=ANY + Round.Status.choices, required=False)
    partnership = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def filter(self, queryset: QuerySet[Round]) -> QuerySet[Round]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if q := (data.get("q") or "").strip():
            queryset = queryset.filter(title__icontains=q)
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("partnership"):
            queryset = queryset.filter(partnership__public_id=data["partnership"])
        return queryset


class InstrumentFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ANY + Instrument.Kind.choices, required=False)

    def filter(self, queryset: QuerySet[Instrument]) -> QuerySet[Instrument]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if q := (data.get("q") or "").strip():
            queryset = queryset.filter(Q(name_nl__icontains=q) | Q(name_en__icontains=q))
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        return queryset


class PersonChoices(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Person) -> str:
        return f"{obj} · {obj.email}"


def _language_of(person: Person) -> str:
    try:
        return person.user.language or settings.LANGUAGE_CODE
    except ObjectDoesNotExist:
        return settings.LANGUAGE_CODE


class RoundForm(forms.Form):
    instrument = forms.ModelChoiceField(label=_("Questionnaire"), queryset=Instrument.objects.none(), empty_label=None)
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False, help_text=_("Leave empty to use the questionnaire's name.")
    )
    closes_on = forms.DateField(label=_("Answers until"), widget=DATE_INPUT)
    campus = PersonChoices(
        label=_("Campus side"),
        queryset=Person.objects.none(),
        to_field_name="public_id",
        required=False,
        help_text=_("Faculty and staff of the institution with an e-mail address."),
    )
    community = PersonChoices(
        label=_("Community side"),
        queryset=Person.objects.none(),
        to_field_name="public_id",
        required=False,
        help_text=_("Staff of the partner organisations with an e-mail address."),
    )
    community_others = forms.CharField(
        label=_("Other people on the community side"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_('One person per line: name, e-mail, and optionally "en" for an English mail.'),
    )
    students = PersonChoices(
        label=_("Students (optional)"), queryset=Person.objects.none(), to_field_name="public_id", required=False
    )
    residents = PersonChoices(
        label=_("Residents (optional)"), queryset=Person.objects.none(), to_field_name="public_id", required=False
    )
    resident_others = forms.CharField(
        label=_("Other residents"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_('One person per line: name, e-mail, and optionally "en" for an English mail.'),
    )

    def __init__(
        self,
        *args: Any,
        partnership: Partnership,
        instruments: QuerySet[Instrument],
        people: QuerySet[Person],
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["instrument"].queryset = instruments.filter(is_active=True).order_by("institution_id", "name_nl")
        ours = people.filter(institution_id=partnership.institution_id, is_active=True).exclude(email="")
        org_ids = [party.organisation_id for party in partnership.parties.all()]

        def with_role(*roles: str, **extra: Any) -> QuerySet[Person]:
            return ours.filter(affiliations__role__in=roles, **extra).distinct().order_by("last_name", "first_name")

        self.fields["campus"].queryset = with_role(SofarRole.FACULTY, SofarRole.ADMINISTRATOR)
        self.fields["community"].queryset = with_role(SofarRole.ORGANISATION, affiliations__organisation_id__in=org_ids)
        self.fields["students"].queryset = with_role(SofarRole.STUDENT)
        self.fields["residents"].queryset = with_role(SofarRole.RESIDENT)

    def _typed(self, name: str) -> list[tuple[str, str, str]]:
        rows = []
        for number, line in enumerate((self.cleaned_data.get(name) or "").splitlines(), start=1):
            parts = [part.strip() for part in line.split(",")]
            if not any(parts):
                continue
            if len(parts) < 2 or not parts[0] or "@" not in parts[1]:
                raise forms.ValidationError(
                    _('Line %(number)d: write "name, e-mail", e.g. "An Peeters, an@example.org".'),
                    params={"number": number},
                )
            language = parts[2].lower() if len(parts) > 2 and parts[2] else settings.LANGUAGE_CODE
            if language not in dict(settings.LANGUAGES):
                raise forms.ValidationError(
                    _('Line %(number)d: the language is "nl" or "en".'), params={"number": number}
                )
            rows.append((parts[0], parts[1], language))
        return rows

    def clean_community_others(self) -> list[tuple[str, str, str]]:
        return self._typed("community_others")

    def clean_resident_others(self) -> list[tuple[str, str, str]]:
        return self._typed("resident_others")

    def respondent_specs(self) -> list[RespondentSpec]:
        data = self.cleaned_data
        specs: list[RespondentSpec] = []
        for field, side in (
            ("campus", Respondent.Side.CAMPUS),
            ("community", Respondent.Side.COMMUNITY),
            ("students", Respondent.Side.STUDENT),
            ("residents", Respondent.Side.RESIDENT),
        ):
            for person in data[field].select_related("user"):
                specs.append(RespondentSpec(side, str(person), person.email, _language_of(person), person))
        for field, side in (
            ("community_others", Respondent.Side.COMMUNITY),
            ("resident_others", Respondent.Side.RESIDENT),
        ):
            specs.extend(RespondentSpec(side, name, email, language) for name, email, language in data[field])
        return specs

    @property
    def person_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("campus", "community", "students", "residents")]

    @property
    def plain_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("instrument", "title", "closes_on")]

    @property
    def typed_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("community_others", "resident_others")]


@dataclass
class ScoreChoice:
    value: int
    checked: bool
    id: str


@dataclass
class ScoreQuestion:
    name: str
    legend: str
    choices: list[ScoreChoice]
    errors: list[str]


@dataclass
class SheetRow:
    item: InstrumentItem
    questions: list[ScoreQuestion]
    comment_name: str
    comment: str
    comment_errors: list[str]

    @property
    def has_errors(self) -> bool:
        return bool(self.comment_errors or any(q.errors for q in self.questions))


def answer_sheet(
    items: Sequence[InstrumentItem],
    *,
    asks_desired: bool,
    values: Mapping[str, Any],
    errors: Mapping[str, Sequence[str]] | None = None,
) -> list[SheetRow]:
    """One row per item with its radio groups, filled from ``values`` (a POST or a draft) and errors."""
    errors = errors or {}
    parts = [("current", _("How it is now") if asks_desired else _("Your score"))]
    if asks_desired:
        parts.append(("desired", _("How you would like it to be")))
    rows = []
    for item in items:
        questions = []
        for part, legend in parts:
            name = field_name(part, item.pk)
            chosen = str(values.get(name) or "")
            questions.append(
                ScoreQuestion(
                    name=name,
                    legend=str(legend),
                    choices=[
                        ScoreChoice(value, chosen == str(value), f"id_{name}_{value}")
                        for value in range(SCALE_MIN, SCALE_MAX + 1)
                    ],
                    errors=[str(e) for e in errors.get(name, [])],
                )
            )
        comment_name = field_name("comment", item.pk)
        rows.append(
            SheetRow(
                item=item,
                questions=questions,
                comment_name=comment_name,
                comment=str(values.get(comment_name) or ""),
                comment_errors=[str(e) for e in errors.get(comment_name, [])],
            )
        )
    return rows


def draft_values(draft: Mapping[str, Any]) -> dict[str, Any]:
    """A saved draft as form values, so the sheet opens where the respondent left it."""
    values: dict[str, Any] = {}
    for item_id, answer in (draft or {}).items():
        if not isinstance(answer, Mapping) or not str(item_id).isdigit():
            continue
        for part in ("current", "desired", "comment"):
            if answer.get(part) not in (None, ""):
                values[field_name(part, int(item_id))] = answer[part]
    return values


class ActionForm(forms.Form):
    step = forms.ChoiceField(label=_("Reflection step"), choices=AgreedAction.Step.choices)
    what = forms.CharField(label=_("What"), max_length=300)
    who = forms.CharField(label=_("Who"), max_length=200)
    due_on = forms.DateField(label=_("By when"), required=False, widget=DATE_INPUT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "action")
        super().__init__(*args, **kwargs)

    def clean_due_on(self) -> Any:
        due = self.cleaned_data.get("due_on")
        if due and due < timezone.localdate():
            raise forms.ValidationError(_("Choose a date from today on."))
        return due


class ItemForm(forms.Form):
    label_nl = forms.CharField(label=_("Domain (Dutch)"), max_length=100)
    label_en = forms.CharField(label=_("Domain (English)"), max_length=100)
    text_nl = forms.CharField(label=_("Question (Dutch)"), widget=forms.Textarea(attrs={"rows": 2}))
    text_en = forms.CharField(label=_("Question (English)"), widget=forms.Textarea(attrs={"rows": 2}))
    low_nl = forms.CharField(label=_("What the lowest score looks like (Dutch)"), max_length=300, required=False)
    low_en = forms.CharField(label=_("What the lowest score looks like (English)"), max_length=300, required=False)
    high_nl = forms.CharField(label=_("What the highest score looks like (Dutch)"), max_length=300, required=False)
    high_en = forms.CharField(label=_("What the highest score looks like (English)"), max_length=300, required=False)
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)

    @classmethod
    def initial_for(cls, item: InstrumentItem) -> dict[str, Any]:
        return {**{name: getattr(item, name) for name in ITEM_TEXT_FIELDS}, "fingerprint": item_fingerprint(item)}

    def texts(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in ITEM_TEXT_FIELDS}
