"""Forms of the import pages: upload a file, map its columns, filter the jobs and the preview rows."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from imports.mapping import IGNORE, targets
from imports.models import ImportJob, ImportRow, Kind
from imports.readers import ENCODINGS, max_upload_bytes


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=[("", "---------"), *Kind.choices])
    file = forms.FileField(
        label=_("Spreadsheet file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,text/csv"}),
    )
    encoding = forms.ChoiceField(
        label=_("Characters (encoding) of a CSV file"),
        choices=[("", _("Recognise it (UTF-8 or Windows-1252)")), *ENCODINGS],
        required=False,
        help_text=_("Choose only when Brug read the characters of your CSV wrongly or refused them."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CSV (comma or semicolon separated, UTF-8 or Windows-1252) or XLSX; at most %(size)s."
        ) % {"size": filesizeformat(max_upload_bytes())}

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(
                _("The file is %(size)s; Brug takes files of at most %(max)s. Split it into smaller files.")
                % {"size": filesizeformat(upload.size), "max": filesizeformat(max_upload_bytes())}
            )
        return upload


def mapping_choices(kind: str) -> list[tuple[str, str]]:
    return [(IGNORE, str(_("— ignore this column —"))), *((t.name, str(t.label)) for t in targets(kind))]


class MappingForm(forms.Form):
    """One select per column of the file: ignore it, or the field it fills."""

    def __init__(self, *args: Any, job: ImportJob, samples: dict[int, list[str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.job = job
        choices = mapping_choices(job.kind)
        for index, header in enumerate(job.headers):
            example = ", ".join(v for v in (samples or {}).get(index, []) if v)
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header or _("Column %(number)s") % {"number": index + 1},
                choices=choices,
                required=False,
                initial=job.mapping.get(str(index), IGNORE),
                help_text=_("For example: %(values)s") % {"values": example[:120]} if example else "",
            )

    def mapping(self) -> dict[str, str]:
        return {name.removeprefix("column_"): value for name, value in self.cleaned_data.items() if value}


class ValuesForm(forms.Form):
    """The value step: per column, one select per word Brug did not recognise."""

    def __init__(self, *args: Any, questions: list[dict[str, Any]], may_add_terms: bool = False, **kwargs: Any) -> None:
        from imports.services import LEAVE_EMPTY, NEW_TERM, TERM_COLUMNS

        super().__init__(*args, **kwargs)
        self.groups: list[dict[str, Any]] = []
        self.names: dict[str, tuple[str, str]] = {}
        for q, question in enumerate(questions):
            choices = [
                ("", str(_("— ask me again next time —"))),
                (LEAVE_EMPTY, str(_("— leave empty —"))),
                *question["options"],
            ]
            names = []
            adds = may_add_terms and question["column"] in TERM_COLUMNS
            for w, word in enumerate(question["words"]):
                name = f"value_{q}_{w}"
                new = [(NEW_TERM, str(_("— add “%(word)s” as a new term —") % {"word": word["raw"]}))] if adds else []
                self.fields[name] = forms.ChoiceField(
                    label=_("“%(word)s” (%(count)s rows)") % {"word": word["raw"], "count": word["count"]},
                    choices=[*choices[:2], *new, *choices[2:]],
                    required=False,
                    initial=word["suggestion"],
                )
                self.names[name] = (question["column"], word["raw"])
                names.append(name)
            self.groups.append({"label": question["label"], "fields": [self[n] for n in names]})

    def answers(self) -> dict[str, dict[str, str]]:
        found: dict[str, dict[str, str]] = {}
        for name, (column, raw) in self.names.items():
            if self.cleaned_data.get(name):
                found.setdefault(column, {})[raw] = self.cleaned_data[name]
        return found


SHOW_CHOICES = [
    ("", _("All rows")),
    (ImportRow.Action.CREATE, _("To create")),
    (ImportRow.Action.UPDATE, _("To update")),
    (ImportRow.Action.UNCHANGED, _("Unchanged")),
    (ImportRow.Action.ERROR, _("With errors")),
    ("warnings", _("With warnings")),
    ("duplicates", _("Likely duplicates")),
]


class PreviewFilterForm(forms.Form):
    show = forms.ChoiceField(label=_("Show"), choices=SHOW_CHOICES, required=False)


class JobFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any")), *ImportJob.Status.choices], required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any")), *Kind.choices], required=False)
