"""Links only where they open: a name is a link when the reader may open its page, plain text otherwise."""

from __future__ import annotations

from typing import Any

from django import template

from accounts.visibility import Visibility, is_active_user

register = template.Library()


@register.filter
def opens_for(record: Any, user: Any) -> bool:
    """Whether ``user`` may open the page of ``record`` (an organisation or a person): no 404 behind a link.

    Staff answer from the row itself (no query); partners and students, who see a few rows,
    ask the record's own scoped queryset, so the rule stays the one in ``accounts.access``.
    """
    if record is None or not is_active_user(user):
        return False
    if user.is_superuser:
        return True
    rung = Visibility.rung_of(user)
    if rung is None:
        return False
    model = type(record)
    if model._meta.model_name == "organisation":
        return rung != "partner" or record.pk == user.organisation_id
    if model._meta.model_name == "person" and rung in ("office", "faculty"):
        return record.institution_id == user.institution_id
    return model.objects.for_user(user).filter(pk=record.pk).exists()
