"""A contact moment's summary as the reader may read it (see ``network.queries.summary_visible``)."""

from __future__ import annotations

from typing import Any

from django import template

from network.queries import summary_visible

register = template.Library()


@register.filter
def summary_for(interaction: Any, user: Any) -> str:
    return interaction.summary if summary_visible(user, interaction) else ""
