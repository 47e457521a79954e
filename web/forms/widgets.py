from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe


class DateInput(forms.DateInput):
    """A native date picker. It only accepts ISO dates, whatever the page's language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def select_html(widget: forms.Select, name: str, value: Any, attrs: dict[str, Any] | None) -> str:
    final = widget.build_attrs(widget.attrs, attrs)
    chosen = {str(v) for v in widget.format_value(value)}
    options = "".join(
        f'<option value="{escape(key)}"{" selected" if str(key) in chosen else ""}>{escape(label)}</option>'
        for key, label in widget.choices
    )
    # Every value and label is escaped above, the attributes by flatatt.
    return mark_safe(f'<select name="{escape(name)}"{flatatt(final)}>{options}</select>')  # noqa: S308


class DirectSelect(forms.Select):
    """A select of a few flat choices written out directly, without a template per option.

    For formset rows: an engagement's two hundred participant rows rendered through the template
    engine took seconds; written directly they take milliseconds, with the same HTML.
    """

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> str:
        return select_html(self, name, value, attrs)


class DirectNumberInput(forms.NumberInput):
    """A number input written out directly (see ``DirectSelect``)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> str:
        final = self.build_attrs(self.attrs, {**(attrs or {}), "type": self.input_type, "name": name})
        shown = self.format_value(value)
        if shown is not None:
            final["value"] = shown
        return format_html("<input{}>", flatatt(final))
