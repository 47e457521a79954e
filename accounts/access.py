"""The one access mechanism: who may see which rows, and who may do what.

Visibility is declared once per kind of object (a ``Visibility`` of
``accounts.visibility``: the scope ladder written once), used by each model's
``for_user(user)`` queryset and its fail-closed default manager; the web, the API and the admin all read through
those querysets, so an outsider finds nothing (404). Permissions for actions
are ``rules`` predicates (see ``rules.py`` of each app), checked with
``user.has_perm(name, obj)``; a visible object with too low a role gets 403.
"""

from __future__ import annotations

from typing import Any, TypeVar

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from accounts.models import OFFICE_ROLES, STAFF_ROLES, Role
from accounts.visibility import EVERYTHING, Visibility, institution, is_active_user, organisation, person

M = TypeVar("M", bound=Model)


def is_superuser(user: Any) -> bool:
    return is_active_user(user) and user.is_superuser


def institution_id(user: Any) -> int | None:
    return user.institution_id if is_active_user(user) and user.role != Role.PARTNER else None


def _colleagues(user: Any) -> Q:
    from network.models import Affiliation

    return Q(pk__in=Affiliation.objects.filter(organisation_id=user.organisation_id).values("person_id"))


organisation_scope = Visibility(
    members=EVERYTHING,
    partner=organisation(""),
    doc="The organisation directory is shared by all institutions; a partner sees only its own.",
)

person_scope = Visibility(
    staff=institution(),
    student=person(""),
    partner=_colleagues,
    doc="Institutions keep their own people; students see themselves; partners their own colleagues.",
)

relationship_scope = Visibility(
    staff=institution(),
    student=person("a_person") | person("b_person"),
    partner=organisation("a_organisation") | organisation("b_organisation"),
    doc="Staff see their institution's relationships; others only those they are an end of.",
)

interaction_scope = relationship_scope.through("relationship__", doc="A contact moment is seen with its relationship.")


def get_for_user_or_404(queryset: QuerySet[M], **lookup: Any) -> M:
    """Fetch one row from an already user-scoped queryset; "no access" and "no such row" look the same."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def require(user: Any, perm: str, obj: Any = None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


# Predicates shared by every app's rules.py.


@rules.predicate
def is_office(user: Any) -> bool:
    return is_active_user(user) and user.role in OFFICE_ROLES and user.institution_id is not None


@rules.predicate
def is_institution_staff(user: Any) -> bool:
    return is_active_user(user) and user.role in STAFF_ROLES and user.institution_id is not None


@rules.predicate
def is_institution_member(user: Any) -> bool:
    return is_active_user(user) and user.role != Role.PARTNER and user.institution_id is not None


@rules.predicate
def is_partner(user: Any) -> bool:
    return is_active_user(user) and user.role == Role.PARTNER and user.organisation_id is not None


@rules.predicate
def is_student(user: Any) -> bool:
    return is_active_user(user) and user.role == Role.STUDENT


@rules.predicate
def of_own_institution(user: Any, obj: Any) -> bool:
    return obj is not None and getattr(obj, "institution_id", None) == institution_id(user)


is_admin_superuser = rules.predicate(is_superuser)
