"""The scope ladder, written once: who sees which rows of a model.

Every visible kind of record declares one ``Visibility``: what each rung of the ladder sees.

1. not signed in, or inactive: nothing;
2. superuser: everything;
3. a partner (with an organisation): the ``partner`` rung;
4. a member of an institution, by role: ``office`` (coordinator, administrator),
   ``faculty``, ``student``; ``staff`` sets office and faculty at once, ``members`` all three;
5. anyone else (no institution, no organisation): nothing.

A rung is ``EVERYTHING``, ``None`` (nothing), a path from the model to the user's key
(``institution("campus__institution")``, ``organisation("need__organisation")``,
``person("a_person") | person("b_person")``) or a function of the user giving a ``Q``. A
missing key (a partner without organisation, a student without person) sees nothing.

The model's queryset inherits ``VisibleQuerySet`` and names its visibility; ``for_user(user)``
and the fail-closed default manager (``lib.scoping.ScopedManager``) come with it::

    class OfferQuerySet(VisibleQuerySet["Offer"]):
        visibility = offer_scope  # declared in matching/access.py

    class Offer(...):
        objects = OfferQuerySet.as_manager()
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from django.db import models
from django.db.models import Q

from accounts.models import OFFICE_ROLES, Role
from lib.scoping import ScopedManager, unscoped

M = TypeVar("M", bound=models.Model)

RungFn = Callable[[Any], Q]


def nothing(prefix: str = "") -> Q:
    return Q(**{f"{prefix}pk__in": []})


def is_active_user(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _everything(user: Any) -> Q:
    return Q()


EVERYTHING: RungFn = _everything


@dataclass(frozen=True)
class _Key:
    """``path`` equals the user's ``attribute``; several keys joined with ``|`` mean any of them."""

    paths: tuple[str, ...]
    attribute: str

    def __call__(self, user: Any) -> Q:
        value = getattr(user, self.attribute, None)
        if value is None:
            return nothing()
        condition = Q(**{self.paths[0]: value})
        for path in self.paths[1:]:
            condition |= Q(**{path: value})
        return condition

    def __or__(self, other: _Key) -> _Key:
        assert other.attribute == self.attribute
        return _Key(self.paths + other.paths, self.attribute)


def institution(path: str = "institution") -> _Key:
    """Rows whose ``path`` is the user's institution."""
    return _Key((f"{path}_id",), "institution_id")


def organisation(path: str = "organisation") -> _Key:
    """Rows whose ``path`` is the partner's organisation ("" for the organisation itself)."""
    return _Key((f"{path}_id" if path else "pk",), "organisation_id")


def person(path: str) -> _Key:
    """Rows whose ``path`` is the user's own person record ("" for the person itself)."""
    return _Key((f"{path}_id" if path else "pk",), "person_id")


def user_is(path: str) -> _Key:
    """Rows whose ``path`` is the user's login."""
    return _Key((f"{path}_id",), "pk")


def both(*rungs: RungFn) -> RungFn:
    """Rows every one of ``rungs`` lets through."""

    def rung(user: Any) -> Q:
        condition = Q()
        for each in rungs:
            condition &= each(user)
        return condition

    return rung


def prefixed(condition: Q, prefix: str) -> Q:
    """The same condition, read from a model that reaches this one through ``prefix``."""
    if not prefix:
        return condition
    clone = Q()
    clone.connector, clone.negated = condition.connector, condition.negated
    clone.children = [
        prefixed(child, prefix) if isinstance(child, Q) else (f"{prefix}{child[0]}", child[1])
        for child in condition.children
    ]
    return clone


_UNSET: Any = object()


class Visibility:
    """What each rung of the ladder sees of one kind of record; call it as ``scope(user, prefix="")``."""

    def __init__(
        self,
        *,
        members: RungFn | None = None,
        staff: RungFn | None = _UNSET,
        office: RungFn | None = _UNSET,
        faculty: RungFn | None = _UNSET,
        student: RungFn | None = _UNSET,
        partner: RungFn | None = None,
        doc: str = "",
    ) -> None:
        staff = members if staff is _UNSET else staff
        self.rungs: dict[str, RungFn | None] = {
            "office": staff if office is _UNSET else office,
            "faculty": staff if faculty is _UNSET else faculty,
            "student": members if student is _UNSET else student,
            "partner": partner,
        }
        self.__doc__ = doc

    def through(self, prefix: str, doc: str = "") -> Visibility:
        """The same visibility for a model that reaches this one through ``prefix`` (``"relationship__"``)."""

        def via(rung: RungFn) -> RungFn:
            return lambda user: prefixed(rung(user), prefix)

        clone = Visibility(doc=doc)
        clone.rungs = {name: None if rung is None else via(rung) for name, rung in self.rungs.items()}
        return clone

    @staticmethod
    def rung_of(user: Any) -> str | None:
        if user.role == Role.PARTNER:
            return "partner" if user.organisation_id else None
        if not user.institution_id:
            return None
        if user.role in OFFICE_ROLES:
            return "office"
        return {Role.FACULTY: "faculty", Role.STUDENT: "student"}.get(user.role)

    def __call__(self, user: Any, prefix: str = "") -> Q:
        if not is_active_user(user):
            return nothing(prefix)
        if user.is_superuser:
            return Q()
        name = self.rung_of(user)
        rung = self.rungs.get(name) if name else None
        if rung is None:
            return nothing(prefix)
        # Subqueries of a rung (a partner's parties, a student's participations) read every row.
        with unscoped("building a visibility"):
            return prefixed(rung(user), prefix)


class VisibleQuerySet(models.QuerySet[M]):
    """A queryset whose rows are visible by the model's declared ``visibility``."""

    visibility: ClassVar[Visibility]

    _visible_to: Any = None

    def _seen_by(self, user: Any) -> VisibleQuerySet[M]:
        self._visible_to = user
        return self

    def _clone(self) -> VisibleQuerySet[M]:
        clone = super()._clone()  # type: ignore[misc]
        clone._visible_to = self._visible_to
        return clone  # type: ignore[no-any-return]

    def for_user(self, user: Any) -> VisibleQuerySet[M]:
        if self._visible_to is not None and self._visible_to is user:
            return self  # the fail-closed manager already applied this user's visibility
        return self.filter(self.visibility(user))._seen_by(user)

    @classmethod
    def as_manager(cls) -> ScopedManager[M]:  # type: ignore[override]
        """Institution-owned by default: the manager fails closed inside a request."""
        manager = ScopedManager.from_queryset(cls)()
        manager._built_with_as_manager = True  # type: ignore[attr-defined]
        return manager  # type: ignore[no-any-return]
