"""Choosing one record among tens of thousands: a select that renders only what was searched for.

A plain ``<select>`` of every organisation or person in a region is megabytes of
HTML and seconds of rendering. ``SearchSelect`` renders the chosen option plus at
most ``limit`` matches of a search term. With JavaScript, typing in the search box
fetches matches (``lookup`` view, htmx); without it, the search box is submitted
with the form and the select comes back filled with the matches. Validation is
unchanged: the field's queryset decides what may be chosen.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lib.text import SEARCH_MAX_LENGTH
from web.forms.widgets import select_html

LIMIT = 20

# What a search term is compared with, per model.
SEARCH_FIELDS: dict[str, tuple[str, ...]] = {
    "organisation": ("name", "city", "postcode"),
    "person": ("first_name", "last_name", "email"),
    "course": ("title", "code"),
    "partnership": ("title",),
    "offer": ("title", "programme"),
}


def search(queryset: QuerySet[Any], term: str) -> QuerySet[Any]:
    fields = SEARCH_FIELDS[queryset.model._meta.model_name]
    condition = Q()
    for word in term[:SEARCH_MAX_LENGTH].split()[:4]:
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": word})
        condition &= any_field
    return queryset.filter(condition)


class SearchSelectMixin:
    template_name = "web/widgets/search_select.html"
    allow_multiple_selected = False

    def __init__(self, *args: Any, limit: int = LIMIT, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self.limit = limit
        self.term = ""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        self.term = (data.get(f"{name}_q") or "").strip()[:100]
        return super().value_from_datadict(data, files, name)  # type: ignore[misc]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        iterator = self.choices  # a ModelChoiceIterator over the whole queryset: never iterate it all
        field = iterator.field
        queryset = iterator.queryset
        key = field.to_field_name or "pk"
        chosen = [str(v) for v in (value if isinstance(value, list | tuple) else [value]) if v not in (None, "")]
        rows: list[Any] = []
        if chosen:
            try:
                rows = list(queryset.filter(**{f"{key}__in": chosen}))
            except (ValueError, TypeError, forms.ValidationError):
                rows = []
        if self.term:
            known = {getattr(r, key) for r in rows}
            rows += [r for r in search(queryset, self.term)[: self.limit] if getattr(r, key) not in known]
        options: list[tuple[Any, str]] = []
        if not self.allow_multiple_selected and not field.required:
            options.append(("", str(field.empty_label or "—")))
        options += [(getattr(r, key), field.label_from_instance(r)) for r in rows]
        self.choices = options
        context = super().get_context(name, value, attrs)  # type: ignore[misc]
        self.choices = iterator
        model = queryset.model._meta.model_name
        none = bool(self.term) and len(options) <= (0 if self.allow_multiple_selected or field.required else 1)
        context["search"] = search_context(name, context, self.term, model, none)
        return context


def search_context(name: str, context: dict[str, Any], term: str, model: str, none: bool) -> dict[str, Any]:
    return {
        "name": f"{name}_q",
        "id": f"{context['widget']['attrs'].get('id', name)}_q",
        "value": term,
        "url": reverse("lookup", args=[model]),
        "label": _("Search"),
        "hint": _("Type a few letters, then choose below."),
        "none": none,
    }


class SearchSelect(SearchSelectMixin, forms.Select):
    pass


class SearchSelectMultiple(SearchSelectMixin, forms.SelectMultiple):
    allow_multiple_selected = True


class SearchSelectChoices(forms.Select):
    """The same chooser over choices the form has already narrowed to the chosen one and the matches.

    For a formset: its rows' chosen records are read in one query for all rows (``SearchSelect``
    would read them row by row), and each row lists only its own. A row whose record is chosen
    and not being searched again is a plain select of that record (keep or empty it): an
    engagement's two hundred participants stay a page of kilobytes, and new rows search.
    """

    template_name = "web/widgets/search_select.html"

    def __init__(self, *args: Any, model: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.model = model
        self.term = ""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        self.term = (data.get(f"{name}_q") or "").strip()[:100]
        return super().value_from_datadict(data, files, name)

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> Any:
        chosen = value not in (None, "") and any(str(c[0]) == str(value) for c in self.choices)
        if chosen and not self.term:
            return select_html(self, name, value, attrs)  # written directly: a formset's rows add up
        return super().render(name, value, attrs, renderer)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        none = bool(self.term) and len([c for c in self.choices if c[0]]) == 0
        context["search"] = search_context(name, context, self.term, self.model, none)
        return context


class ShortSelect(forms.Select):
    """A select of the first ``limit`` choices in the queryset's order (plus the chosen one).

    For choices that are usually few but can be hundreds (a partner's relationships in a
    region): the rest stays valid and reachable from the record's own page.
    """

    def __init__(self, *args: Any, limit: int = 50, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit = limit

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        iterator = self.choices
        field = iterator.field
        queryset = iterator.queryset
        key = field.to_field_name or "pk"
        rows = list(queryset[: self.limit])
        if value not in (None, "") and str(value) not in {str(getattr(r, key)) for r in rows}:
            with contextlib.suppress(ValueError, TypeError, forms.ValidationError):
                rows += list(queryset.filter(**{key: value}))
        options: list[tuple[Any, str]] = []
        if field.empty_label is not None:
            options.append(("", str(field.empty_label)))
        options += [(getattr(r, key), field.label_from_instance(r)) for r in rows]
        self.choices = options
        context = super().get_context(name, value, attrs)
        self.choices = iterator
        return context
