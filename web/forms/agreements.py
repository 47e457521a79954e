"""Forms of the agreement pages: filters, the guided draft, sending for signing, and signing.

The forms check what a browser sends; the rules (an agreement that ends before it starts,
sending without a common goal, a version that was sent and can no longer change) live in
``agreements.services`` and come back as ``DomainError``s.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, AgreementTemplate, Signatory
from agreements.sections import BALANCE_PARTIES, BALANCE_SIDES, TEXT_SECTIONS, normalise
from agreements.services import SignatorySpec
from lib.text import SEARCH_MAX_LENGTH
from partnerships.models import Partnership
from web.forms.search_select import SearchSelect

ANY = [("", _("Any"))]
MIN_EVALUATION_ROWS = 3


def balance_field(party: str, side: str) -> str:
    return f"balance_{party}_{side}"


class AgreementFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(label=_("Status"), choices=ANY + Agreement.Status.choices, required=False)

    def filter(self, queryset: QuerySet[Agreement]) -> QuerySet[Agreement]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if q := (data.get("q") or "").strip():
            queryset = queryset.filter(
                Q(title__icontains=q) | Q(partnership__title__icontains=q) | Q(engagement__title__icontains=q)
            )
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        return queryset


class DraftAgreementForm(forms.Form):
    """Which partnership to draft an agreement for: searched for, not listed by the thousand."""

    partnership = forms.ModelChoiceField(
        label=_("Draft an agreement for the partnership"),
        queryset=Partnership.objects.none(),
        to_field_name="public_id",
        widget=SearchSelect(),
    )

    def __init__(self, *args: Any, partnerships: QuerySet[Partnership], **kwargs: Any) -> None:
        super().__init__(*args, auto_id="draft-%s", **kwargs)
        self.fields["partnership"].queryset = partnerships


class TemplateChoiceForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Start from a template"),
        queryset=AgreementTemplate.objects.none(),
        required=False,
        empty_label=_("(empty agreement)"),
        help_text=_("Templates per kind of collaboration fill in texts you can then adapt."),
    )

    def __init__(self, *args: Any, templates: QuerySet[AgreementTemplate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates


class AgreementForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, evaluation_rows: int = MIN_EVALUATION_ROWS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for section in TEXT_SECTIONS:
            self.fields[section.key] = forms.CharField(
                label=section.label,
                required=False,
                help_text=section.help,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
        for party in BALANCE_PARTIES:
            for side, label, *_rest in BALANCE_SIDES:
                self.fields[balance_field(party.key, side)] = forms.CharField(
                    label=label, required=False, widget=forms.Textarea(attrs={"rows": 3})
                )
        # Evaluation moments as rows of a date and a title; one spare row more than used.
        if self.is_bound:
            evaluation_rows = max(evaluation_rows, self._posted_rows())
        self.evaluation_rows = evaluation_rows
        for i in range(evaluation_rows):
            self.fields[f"evaluation_date_{i}"] = forms.DateField(
                label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
            )
            self.fields[f"evaluation_title_{i}"] = forms.CharField(
                label=_("What is evaluated"), required=False, max_length=200
            )

    def _posted_rows(self) -> int:
        rows = 0
        while f"evaluation_date_{rows}" in self.data or f"evaluation_title_{rows}" in self.data:
            rows += 1
        return rows

    @classmethod
    def initial_for(cls, content: dict[str, Any], *, version: int | None = None) -> tuple[dict[str, Any], int]:
        c = normalise(content)
        initial: dict[str, Any] = {
            "version": version,
            "title": c["title"],
            "valid_from": c["valid_from"] or None,
            "valid_until": c["valid_until"] or None,
            **{s.key: c[s.key] for s in TEXT_SECTIONS},
        }
        for party in BALANCE_PARTIES:
            for side, *_rest in BALANCE_SIDES:
                initial[balance_field(party.key, side)] = c["balance"][party.key][side]
        for i, moment in enumerate(c["evaluations"]):
            initial[f"evaluation_date_{i}"] = moment["date"]
            initial[f"evaluation_title_{i}"] = moment["title"]
        return initial, max(MIN_EVALUATION_ROWS, len(c["evaluations"]) + 1)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The agreement cannot end before it starts."))
        for i in range(self.evaluation_rows):
            if data.get(f"evaluation_title_{i}") and not data.get(f"evaluation_date_{i}"):
                self.add_error(f"evaluation_date_{i}", _("Give this evaluation moment a date."))
        return data

    @property
    def section_fields(self) -> list[forms.BoundField]:
        return [self[s.key] for s in TEXT_SECTIONS]

    @property
    def balance_rows(self) -> list[dict[str, Any]]:
        return [
            {"party": party, "fields": [self[balance_field(party.key, side)] for side, *_rest in BALANCE_SIDES]}
            for party in BALANCE_PARTIES
        ]

    @property
    def evaluation_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"evaluation_date_{i}"], self[f"evaluation_title_{i}"]) for i in range(self.evaluation_rows)]

    def content(self) -> dict[str, Any]:
        data = self.cleaned_data

        def iso(value: dt.date | None) -> str:
            return value.isoformat() if value else ""

        return normalise(
            {
                "title": data["title"],
                "valid_from": iso(data.get("valid_from")),
                "valid_until": iso(data.get("valid_until")),
                **{s.key: data.get(s.key, "") for s in TEXT_SECTIONS},
                "balance": {
                    party.key: {side: data.get(balance_field(party.key, side), "") for side, *_rest in BALANCE_SIDES}
                    for party in BALANCE_PARTIES
                },
                "evaluations": [
                    {"date": iso(data.get(f"evaluation_date_{i}")), "title": data.get(f"evaluation_title_{i}", "")}
                    for i in range(self.evaluation_rows)
                    if data.get(f"evaluation_date_{i}")
                ],
            }
        )


SEND_ROWS = (
    ("institution", Signatory.Party.INSTITUTION, _("Signs for the institution"), True),
    ("organisation", Signatory.Party.ORGANISATION, _("Signs for the partner organisation"), True),
    ("other", Signatory.Party.OTHER, _("Signs for another party (optional)"), False),
)


class SendForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for prefix, _party, _legend, required in SEND_ROWS:
            self.fields[f"{prefix}_name"] = forms.CharField(label=_("Name"), max_length=200, required=required)
            self.fields[f"{prefix}_role"] = forms.CharField(label=_("Role"), max_length=200, required=False)
            self.fields[f"{prefix}_email"] = forms.EmailField(label=_("E-mail"), required=required)
            self.fields[f"{prefix}_language"] = forms.ChoiceField(
                label=_("Language of the mail"), choices=settings.LANGUAGES, initial="nl"
            )

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "legend": legend,
                "fields": [self[f"{prefix}_{name}"] for name in ("name", "role", "email", "language")],
            }
            for prefix, _party, legend, _required in SEND_ROWS
        ]

    def specs(self) -> list[SignatorySpec]:
        data = self.cleaned_data
        return [
            SignatorySpec(
                party=party,
                name=data[f"{prefix}_name"],
                role=data.get(f"{prefix}_role", ""),
                email=data[f"{prefix}_email"],
                language=data.get(f"{prefix}_language") or "nl",
            )
            for prefix, party, _legend, _required in SEND_ROWS
            if data.get(f"{prefix}_name") or data.get(f"{prefix}_email")
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("other_name") or data.get("other_email")) and not (
            data.get("other_name") and data.get("other_email")
        ):
            self.add_error("other_email", _("Give both a name and an e-mail address, or leave both empty."))
        return data


class SignForm(forms.Form):
    content_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)
    name = forms.CharField(label=_("Your name"), max_length=200)
    role = forms.CharField(
        label=_("Your role"), max_length=200, help_text=_("The role in which you sign, e.g. director or coordinator.")
    )
    agree = forms.BooleanField(label=_("I have read this version and sign it on behalf of my party."))
