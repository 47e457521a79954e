"""The sign-in throttle of django-allauth, counted once per account whatever name or address is tried."""

from __future__ import annotations

from allauth.core.internal import ratelimit
from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest

from accounts.models import User


def account_throttle_key(login: str) -> str:
    """The failed-sign-in counter of an account is one, whether it is tried with its name or its address."""
    login = (login or "").strip()
    user = (
        User.objects.filter(Q(username__iexact=login) | Q(email__iexact=login)).order_by("pk").only("pk").first()
        if login
        else None
    )
    return f"user:{user.pk}" if user is not None else f"login:{login.lower()}"


def clear_failed_sign_ins(request: HttpRequest, user: User) -> None:
    """Lift the per-account throttle of ``user`` (the per-address one runs out by itself)."""
    per_key = [
        rate for rate in settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",") if rate.strip().endswith("/key")
    ]
    ratelimit.clear(
        request,
        app="allauth.account",
        action="login_failed",
        config={"login_failed": ",".join(per_key)},
        key=f"user:{user.pk}",
    )
