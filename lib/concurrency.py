"""Optimistic locking: a write names the version it started from."""

from typing import Any

from django.db import models, transaction
from django.db.models import F

from lib.errors import ConflictError


def save_versioned(instance: models.Model, *, expected_version: int | None, fields: dict[str, Any]) -> None:
    """Write ``fields`` to ``instance`` only if nobody changed it since ``expected_version``.

    The check and the write are one UPDATE statement, so two editors racing
    cannot both pass it. ``expected_version=None`` skips the check (commands,
    imports that own the record).
    """
    model = type(instance)
    queryset = model._default_manager.filter(pk=instance.pk)
    if expected_version is not None:
        queryset = queryset.filter(version=expected_version)
    for name, value in fields.items():
        setattr(instance, name, value)
    # Run the model's field validation before anything is written.
    instance.full_clean(
        exclude=[f.name for f in model._meta.fields if f.name not in fields], validate_constraints=False
    )
    # Constraints span several fields (an end date after a start date): check them whole.
    instance.validate_constraints()
    with transaction.atomic():
        # The guarded UPDATE claims the next version; the save() that follows
        # writes the fields and lets history and auto_now do their work.
        if not queryset.update(version=F("version") + 1):
            raise ConflictError()
        instance.version = model._default_manager.values_list("version", flat=True).get(pk=instance.pk)
        update_fields = [*fields.keys(), "version"]
        if hasattr(instance, "updated_at"):
            update_fields.append("updated_at")
        instance.save(update_fields=update_fields)
