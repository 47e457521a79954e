"""Fail-closed visibility: inside a request, an institution-owned model's default manager only
returns what the request's user may see, and refuses to run when there is nobody to scope to.

The visibility itself is declared per model (``accounts.visibility``); this module only knows
*when* it applies:

- ``user_scope(get_user)``: activated by ``accounts.middleware.ScopeMiddleware`` for every web
  and API request. ``get_user`` is read when a query is built, so the API's token user (set by
  the auth layer after the middleware ran) is the one that counts. Every query of a scoped
  model is then filtered by that user's visibility, so a view that forgets ``for_user`` still
  shows only the user's own rows. With no authenticated user (a public page, a personal link)
  a scoped query raises ``ScopeError`` instead of returning every institution's rows.
- ``unscoped("reason")``: the explicit escape hatch, for what the system does on nobody's
  behalf (public pages that look up a token or published rows, tasks, commands, the demo,
  the benchmark) and for rules that by design count across institutions (a partner's load).
  Grep for ``unscoped(`` to review every one of them.
- Outside both (a management command, a worker, the shell, a migration, a test building
  data), queries run as before: there is no request user whose view could leak.

Forward relations (``need.organisation``), ``select_related``, ``save()``, ``refresh_from_db()``
and cascading deletes use Django's base manager and are never filtered; reverse relations and
``prefetch_related`` go through the default manager and are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


class ScopeError(Exception):
    """A scoped model was queried inside a request without a user to scope it to."""


@dataclass
class _Scope:
    get_user: Callable[[], Any] | None  # None: unscoped (the escape hatch)
    reason: str = ""
    cache: dict[type, Any] = field(default_factory=dict)


_active: ContextVar[_Scope | None] = ContextVar("brug_scope", default=None)


@contextmanager
def user_scope(get_user: Callable[[], Any]) -> Iterator[None]:
    """Scope every query of a scoped model to what ``get_user()`` may see."""
    token = _active.set(_Scope(get_user=get_user))
    try:
        yield
    finally:
        _active.reset(token)


def acting_as(user: Any) -> Any:
    """Scope to ``user`` for a page reached by a personal token (a calendar feed) rather than a login."""
    return user_scope(lambda: user)


@contextmanager
def unscoped(reason: str) -> Iterator[None]:
    """The escape hatch: queries inside see every institution's rows. Always say why."""
    if not reason:
        raise ValueError("unscoped() needs a reason")
    token = _active.set(_Scope(get_user=None, reason=reason))
    try:
        yield
    finally:
        _active.reset(token)


def active_reason() -> str | None:
    """Why queries are unscoped right now, or None when they are scoped or outside any scope."""
    scope = _active.get()
    return scope.reason if scope is not None and scope.get_user is None else None


def _is_authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


class ScopedManager(models.Manager[M], Generic[M]):
    """The default manager of an institution-owned model. Its queryset class must have
    ``for_user(user)`` (``accounts.visibility.VisibleQuerySet`` provides it)."""

    def get_queryset(self) -> models.QuerySet[M]:
        queryset = super().get_queryset()
        scope = _active.get()
        if scope is None or scope.get_user is None:
            return queryset
        user = scope.get_user()
        if not _is_authenticated(user):
            raise ScopeError(
                f"{self.model.__name__} queried in a request without a signed-in user; "
                'use for_user() or, for a public page, lib.scoping.unscoped("why").'
            )
        cached = scope.cache.get(self.model)
        if cached is None or cached[0] is not user:
            condition = queryset.visibility(user)  # type: ignore[attr-defined]
            scope.cache[self.model] = cached = (user, condition)
        return queryset.filter(cached[1])._seen_by(user)  # type: ignore[attr-defined,no-any-return]
