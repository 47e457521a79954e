"""Turn public ids in a request body into records the user may see, or a 400 naming the field.

The queryset passed in is always a ``for_user`` queryset, so a record the user
may not see looks exactly like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar
from uuid import UUID

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from lib.errors import DomainError

M = TypeVar("M", bound=Model)


def _missing(field: str, ids: Iterable[object]) -> DomainError:
    return DomainError(
        {field: _("No such record, or not visible to you: %(ids)s") % {"ids": ", ".join(str(i) for i in ids)}}
    )


def one(queryset: QuerySet[M], public_id: UUID | None, field: str) -> M | None:
    if public_id is None:
        return None
    found = queryset.filter(public_id=public_id).first()
    if found is None:
        raise _missing(field, [public_id])
    return found


def many(queryset: QuerySet[M], public_ids: Iterable[UUID], field: str) -> list[M]:
    """The records in the order asked for (duplicates once), in one query."""
    wanted = list(dict.fromkeys(public_ids))
    found = {obj.public_id: obj for obj in queryset.filter(public_id__in=wanted)}  # type: ignore[attr-defined]
    missing = [i for i in wanted if i not in found]
    if missing:
        raise _missing(field, missing)
    return [found[i] for i in wanted]


def terms(queryset: QuerySet[M], slugs: Iterable[str], field: str) -> list[M]:
    """Vocabulary terms (themes, target groups) by slug."""
    wanted = list(dict.fromkeys(slugs))
    found = {obj.slug: obj for obj in queryset.filter(slug__in=wanted)}  # type: ignore[attr-defined]
    missing = [s for s in wanted if s not in found]
    if missing:
        raise DomainError({field: _("Unknown: %(slugs)s") % {"slugs": ", ".join(missing)}})
    return [found[s] for s in wanted]
