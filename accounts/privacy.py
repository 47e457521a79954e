"""What the accounts app keeps about a person: their login, API tokens, sessions and admin log lines."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken, CalendarFeed, User
from lib import privacy


def user_of(person: Any) -> User | None:
    return User.objects.filter(person=person).first()


def export_account(person: Any) -> dict[str, Any]:
    user = user_of(person)
    if user is None:
        return {}
    return {
        "account": {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "role": user.get_role_display(),
            "language": user.language,
            "active": user.is_active,
            "joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "api_tokens": [
            {
                "name": t.name,
                "created": t.created_at.isoformat(),
                "last_used": t.last_used_at.isoformat() if t.last_used_at else None,
                "expires": t.expires_at.isoformat() if t.expires_at else None,
            }
            for t in user.api_tokens.order_by("created_at", "id")
        ],
    }


def export_admin_log(person: Any) -> dict[str, Any]:
    """Lines of Django's admin log about the person's record or their login."""
    condition = Q(content_type=ContentType.objects.get_for_model(person), object_id=str(person.pk))
    user = user_of(person)
    if user is not None:
        condition |= Q(content_type=ContentType.objects.get_for_model(user), object_id=str(user.pk))
    lines = LogEntry.objects.filter(condition).select_related("user").order_by("action_time", "id")
    rows = [
        {
            "at": line.action_time.isoformat(),
            "who": str(line.user) if line.user_id else None,
            "record": line.object_repr,
            "did": line.get_change_message(),
        }
        for line in lines
    ]
    return {"admin_log": rows} if rows else {}


def export_login(person: Any) -> dict[str, Any]:
    return export_account(person) | export_admin_log(person)


def _sessions_of(user: User) -> list[str]:
    keys = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            keys.append(session.session_key)
    return keys


def erase_account(erasure: privacy.Erasure) -> None:
    """The login stays (what they did keeps its actor) but names nobody and can no longer sign in."""
    user = user_of(erasure.person)
    _erase_log_lines(erasure, erasure.person)
    if user is None:
        return
    user.first_name = user.last_name = user.email = ""
    user.username = f"erased-{user.pk}"
    user.is_active = False
    user.set_unusable_password()
    user.save()
    erasure.count("accounts.apitoken", user.api_tokens.all().delete()[0])
    erasure.count("accounts.calendarfeed", CalendarFeed.objects.filter(user=user).delete()[0])
    erasure.count("sessions.session", Session.objects.filter(session_key__in=_sessions_of(user)).delete()[0])
    Session.objects.filter(expire_date__lte=timezone.now()).delete()
    _erase_log_lines(erasure, user)


def _erase_log_lines(erasure: privacy.Erasure, obj: Any) -> None:
    """The admin's log lines about the person or their login: the line stays, naming the label."""
    lines = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))
    erasure.count("admin.logentry", lines.update(object_repr=erasure.label[:200]))
    erasure.count("admin.logentry", privacy.scrub_rows(lines, erasure.terms, erasure.label))


def remove_expired_tokens(institution: Any, cutoff: Any) -> int:
    """API tokens that expired before the cutoff: they can never be used again."""
    return ApiToken.objects.filter(user__institution=institution, expires_at__lt=cutoff).delete()[0]


def register_personal_data() -> None:
    privacy.register(
        privacy.PersonalData(
            key="accounts.user",
            order=20,
            models=(
                "accounts.user",
                "accounts.apitoken",
                "accounts.calendarfeed",
                "sessions.session",
                "admin.logentry",
            ),
            what=_(
                "The login: user name, name, e-mail address, language, role, password hash, API tokens and sessions."
            ),
            whose=_("Everyone who signs in: coordinators, faculty, students, administrators and partner staff."),
            why=_("To let them sign in and to record who did what."),
            kept=_("As long as the account is used; on erasure the login is emptied and can no longer sign in."),
            exporter=export_login,
            eraser=erase_account,
            titles={
                "account": _("Login"),
                "api_tokens": _("API tokens"),
                "admin_log": _("Administration log lines about them"),
            },
            retention=(
                privacy.Retention(
                    setting="retention_expired_link_days",
                    unit="days",
                    default=30,
                    apply=remove_expired_tokens,
                    what=_("Expired links and API tokens"),
                ),
            ),
        )
    )
    privacy.declare_no_personal_data(
        "auth.permission",
        "auth.group",
        "contenttypes.contenttype",
        reason="Permissions, groups and model names of the framework.",
    )
