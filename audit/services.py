from typing import Any

from django.db import models

from audit.models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def record(
    actor: Any,
    action: str,
    target: models.Model,
    *,
    institution_id: int | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry. Call it inside the transaction of the operation it records."""
    meta = target._meta
    if institution_id is None:
        institution_id = getattr(target, "institution_id", None)
        if institution_id is None and actor is not None and getattr(actor, "is_authenticated", False):
            institution_id = getattr(actor, "institution_id", None)
    return AuditEntry.objects.create(
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        institution_id=institution_id,
        action=action,
        target_type=f"{meta.app_label}.{meta.model_name}",
        target_id=str(getattr(target, "public_id", target.pk)),
        target_repr=str(target)[:200],
        changes={k: _plain(v) for k, v in (changes or {}).items()},
    )
