from typing import Any

from django import forms


class DateInput(forms.DateInput):
    """A native date picker. It only accepts ISO dates, whatever the page's language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
