from typing import Any

from django import template
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (for paging and sorting links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return urlencode(sorted(params.lists()), doseq=True)


@register.filter
def sofar_label(code: str) -> str:
    from network.models import SofarRole

    return dict(SofarRole.choices).get(code, code)


@register.filter
def opens_for(obj: Any, user: Any) -> bool:
    """Whether ``user`` may open the page of ``obj`` (a person or an organisation): a name is a link only then."""
    from network.links import may_open

    return may_open(user, obj)


@register.filter
def is_choice_group(bound_field: Any) -> bool:
    """A field shown as several checkboxes or radio buttons: it needs a fieldset and a legend, not a label."""
    from django import forms

    return isinstance(bound_field.field.widget, (forms.CheckboxSelectMultiple, forms.RadioSelect))
