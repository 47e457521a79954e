"""Rate limits for public forms and codes, counted by django-ratelimit in Django's default cache.

The counters are shared by every process that shares the cache: configure Redis (or another shared
cache) when running more than one. The address counted is ``lib.client_address``'s, so behind a
reverse proxy listed in ``BRUG_TRUSTED_PROXIES`` each visitor has a bucket of their own. Good enough
against a script hammering a form; not a defence against a botnet (that is what the honeypot, the
minimum fill time and the confirmation link are for).
"""

from __future__ import annotations

from django.http import HttpRequest
from django_ratelimit.core import get_usage

from lib.client_address import client_address


def _by_client(group: str, request: HttpRequest) -> str:
    return client_address(request)


def allow(request: HttpRequest, scope: str, *, limit: int, window: int, count: bool = True) -> bool:
    """True while the request's client stays within ``limit`` attempts per ``window`` seconds at ``scope``.

    ``count=False`` asks, without counting, whether one more attempt would stay within the limit (for a
    code that is counted only when it turns out wrong).
    """
    usage = get_usage(request, group=f"brug.{scope}", key=_by_client, rate=(limit, window), increment=count)
    if usage is None:  # RATELIMIT_ENABLE is off
        return True
    if usage["limit"] == 0:  # the cache did not answer: fail closed
        return False
    return usage["count"] <= limit if count else usage["count"] < limit
