"""The quiet-periods panel on an organisation's page (see ``web.views.availability``)."""

from __future__ import annotations

from typing import Any

from django import template

from matching.availability import quiet_periods_for

register = template.Library()


@register.inclusion_tag("web/matching/_quiet_periods_panel.html", takes_context=True)
def quiet_periods_panel(context: template.Context, organisation: Any) -> dict[str, Any]:
    """Current and coming quiet periods for those who may see them (staff, the organisation's own partner
    users); nothing for anyone else."""
    user = context["user"]
    if not user.has_perm("matching.view_quiet_periods"):
        return {"hidden": True}
    return {
        "organisation": organisation,
        "can_add": user.has_perm("matching.add_quiet_period", organisation),
        **quiet_periods_for(user, organisation),
    }
